/**
 * A runtime process that cannot be spawned, through the whole stack: the running gateway (started
 * as `npm start` starts it) runs out of file descriptors just when a request needs a new execution
 * environment. That one request gets API Gateway's 502 for a failed INIT; the gateway stays up and,
 * once descriptors are available again, the next request on the same connection is served.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIfStale } from '../../shared/build-if-stale.ts';
import { repoRoot } from '../../shared/lambda-artifacts.ts';

const FUNCTION_NAME = `spawnfault${process.pid}`;
const TOOLS_LIST = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });

/** The stack's execution environments: processes whose environment names one of its functions. */
function environments(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(`AWS_LAMBDA_FUNCTION_NAME=${FUNCTION_NAME}-`))
        pids.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}

/** The lowest descriptor number `pid` does not use: with RLIMIT_NOFILE there, every new descriptor fails (EMFILE). */
function lowestFreeDescriptor(pid: number): number {
  const used = new Set(readdirSync(`/proc/${pid}/fd`).map(Number));
  let fd = 0;
  while (used.has(fd)) fd += 1;
  return fd;
}

function softNofileLimit(pid: number): string {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'))!;
  return line.split(/\s{2,}/)[1]!;
}

/** `prlimit` (util-linux) sets another process's soft limit, as `ulimit -n` would have at its start. */
function setSoftNofileLimit(pid: number, limit: string): void {
  execFileSync('prlimit', ['--pid', String(pid), `--nofile=${limit}:`]);
}

async function until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('an execution environment whose process cannot be spawned (EMFILE), through the whole stack', () => {
  let gateway: ChildProcess;
  let endpoint: URL;
  let token: string;
  let output = '';
  // One keep-alive connection: the requests under the lowered limit need no new socket.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  const post = (): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      const req = http.request(
        endpoint,
        {
          method: 'POST',
          agent,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            'mcp-protocol-version': '2025-11-25',
          },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        },
      );
      req.on('error', reject);
      req.end(TOOLS_LIST);
    });

  beforeAll(async () => {
    await buildIfStale(() => undefined);
    // The gateway is this process itself (no npm or tsx launcher), so its limits are the ones set.
    // Idle environments are reclaimed after 0.2 s, so a later request needs a new one.
    gateway = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(repoRoot, 'emulator', 'cli.ts'),
        '--port',
        '0',
        '--quiet',
        '--no-log-dir',
        '--idle-timeout',
        '0.2',
        '--var',
        `name=${FUNCTION_NAME}`,
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    gateway.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    gateway.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await until(() => /MCP endpoint\s+\S+/.test(output) || gateway.exitCode !== null, 'the stack to start', 60_000);
    const match = /MCP endpoint\s+(\S+)/.exec(output);
    if (!match) throw new Error(`the stack did not start:\n${output}`);
    endpoint = new URL(match[1]!);
    token = readFileSync(path.join(repoRoot, '.local', 'dev-token'), 'utf8').trim();
  }, 90_000);

  afterAll(async () => {
    agent.destroy();
    if (gateway && gateway.exitCode === null) {
      const exited = new Promise((resolve) => gateway.once('exit', resolve));
      gateway.kill('SIGTERM');
      await exited;
    }
  });

  it('answers that one request 502 as a failed INIT, and serves the next one', { timeout: 90_000 }, async () => {
    const pid = gateway.pid!;
    // A first request caches the authorizer's policy (TTL 300 s) and warms one environment.
    expect((await post()).status).toBe(200);
    await until(() => environments().length === 0, 'idle environments to be reclaimed');

    const original = softNofileLimit(pid);
    setSoftNofileLimit(pid, String(lowestFreeDescriptor(pid)));
    let failed: { status: number; body: string };
    try {
      failed = await post();
    } finally {
      setSoftNofileLimit(pid, original);
    }
    // "If the function runs but returns an error ... API Gateway returns a 502", with the default
    // body (https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html).
    expect(failed.status).toBe(502);
    expect(JSON.parse(failed.body)).toEqual({ message: 'Internal server error' });
    expect(gateway.exitCode).toBeNull();

    const next = await post();
    expect(next.status).toBe(200);
    expect(next.body).toContain('"tools":[');

    // The failed INIT is in the function's log group, as the Logs API serves it.
    const logs = new CloudWatchLogsClient({
      endpoint: endpoint.origin,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      const page = await logs.send(
        new FilterLogEventsCommand({
          logGroupName: `/aws/lambda/${FUNCTION_NAME}-mcp-server`,
          filterPattern: '"Runtime spawn failed"',
        }),
      );
      expect(page.events?.map((e) => e.message)).toEqual([expect.stringMatching(/^Runtime spawn failed: EMFILE/)]);
    } finally {
      logs.destroy();
    }
  });
});
