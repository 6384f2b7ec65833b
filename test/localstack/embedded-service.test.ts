/**
 * The Compose `embedded` profile without Docker: the command of emulator/Dockerfile (`npm start`
 * listening on 0.0.0.0) with the environment docker-compose.yml gives it, then the service's
 * healthcheck and the `embedded-client` smoke test (authorizer enforced) against it, as the
 * containers run them on 127.0.0.1 (only the port differs: any free one here).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIfStale } from '../../shared/build-if-stale.ts';
import { repoRoot } from '../../shared/lambda-artifacts.ts';
import { runCli } from '../client/cli-runner.ts';

interface Service {
  environment: Record<string, string>;
  healthcheck: { test: string[] };
  command: string[];
}
const compose = parse(readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const TOKEN = 'embedded-service-test-token';
/** Compose interpolation of the one variable these services use, with a token of our own. */
const withToken = (value: string): string => value.replaceAll('${MCP_TOKEN:-stateless-mcp-local-dev-token}', TOKEN);
const dockerCmd = JSON.parse(
  /^CMD (\[.*\])$/m.exec(readFileSync(path.join(repoRoot, 'emulator', 'Dockerfile'), 'utf8'))![1]!,
) as string[];

let stack: ChildProcess | undefined;
let port = 0;

beforeAll(async () => {
  await buildIfStale(() => {});
  const [program, ...args] = dockerCmd.map((arg) => (arg === '3000' ? '0' : arg)); // npm start -- --host 0.0.0.0 --port 0
  const env = Object.fromEntries(
    Object.entries(compose.services.embedded!.environment).map(([k, v]) => [k, withToken(v)]),
  );
  stack = spawn(program!, [...args, '--no-log-dir', '--quiet'], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not print its endpoint:\n${output}`)), 90_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /MCP endpoint\s+http:\/\/127\.0\.0\.1:(\d+)\/dev\/mcp/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    stack!.stdout!.on('data', onData);
    stack!.stderr!.on('data', onData);
    stack!.on('exit', (code) => reject(new Error(`npm start exited ${code}:\n${output}`)));
  });
}, 120_000);

afterAll(() => {
  if (stack?.pid) process.kill(-stack.pid, 'SIGTERM');
});

describe('the embedded Compose service, run as its container would', () => {
  it('listens on every address, names the loopback origin, and passes its own healthcheck on 127.0.0.1', () => {
    const [kind, program, ...args] = compose.services.embedded!.healthcheck.test;
    expect(kind).toBe('CMD');
    const check = spawnSync(
      program!,
      args.map((arg) => arg.replace('127.0.0.1:3000', `127.0.0.1:${port}`)),
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(check.status, check.stderr).toBe(0);
  });

  it('enforces the authorizer: no token is a 401 from the gateway', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/dev/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    expect(response.status).toBe(401);
  });

  it('passes the embedded-client smoke test, which expects that 401 and succeeds with the token', async () => {
    const [, ...args] = compose.services['embedded-client']!.command; // node <cli> smoke ...
    const cliArgs = args.slice(1).map((arg) => arg.replace('127.0.0.1:3000', `127.0.0.1:${port}`));
    const token = withToken(compose.services['embedded-client']!.environment.MCP_TOKEN!);
    expect(token).toBe(TOKEN); // the token the stack was given
    const result = await runCli(cliArgs, { env: { MCP_TOKEN: token }, timeoutMs: 90_000 });
    expect(result.code, `${result.stdout}${result.stderr}`).toBe(0);
  }, 100_000);
});
