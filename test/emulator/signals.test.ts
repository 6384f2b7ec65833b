/**
 * `npm start` stops as a server should: on SIGTERM (`kill`) or Ctrl+C (SIGINT to the whole process
 * group) it lets the request in flight finish, then ends every process it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../shared/lambda-artifacts.ts';
import { buildIfStale } from '../../shared/build-if-stale.ts';
import { callTool } from '../support/mcp-http.ts';

/** Processes whose environment names this function: the stack's execution environments. */
function processesOf(functionName: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(`AWS_LAMBDA_FUNCTION_NAME=${functionName}`))
        pids.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}

interface Started {
  readonly child: ChildProcess;
  readonly endpoint: string;
  readonly token: string;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
  /** The stack's log files (--log-dir). */
  readonly logDir: string;
}

/** START lines the MCP function's log files hold: invocations that have begun. */
function invocationsStarted(logDir: string, name: string): number {
  let count = 0;
  for (const entry of readdirSync(logDir, { recursive: true, encoding: 'utf8' })) {
    if (!entry.includes(`${name}-mcp-server`) || !entry.endsWith('.log')) continue;
    count += (readFileSync(path.join(logDir, entry), 'utf8').match(/ START RequestId: /g) ?? []).length;
  }
  return count;
}

async function npmStart(name: string): Promise<Started> {
  await buildIfStale(() => undefined);
  const logDir = mkdtempSync(path.join(tmpdir(), 'signals-logs-'));
  const child = spawn(
    'npm',
    ['start', '--', '--port', '0', '--log-dir', logDir, '--var', `name=${name}`, '--drain-timeout', '30'],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  // The banner says where the generated token is kept (.local/dev-token), never the token itself.
  while (!/MCP endpoint\s+\S+/.test(text)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`npm start did not come up:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    child,
    endpoint: /MCP endpoint\s+(\S+)/.exec(text)![1]!,
    token: readFileSync(path.join(repoRoot, '.local', 'dev-token'), 'utf8').trim(),
    output: () => text,
    exited,
    logDir,
  };
}

async function eventually(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return check();
}

describe.each([
  ['SIGTERM to the npm process (kill)', (child: ChildProcess) => child.kill('SIGTERM')],
  ['SIGINT to the process group (Ctrl+C)', (child: ChildProcess) => process.kill(-child.pid!, 'SIGINT')],
])('%s', (_name, signal) => {
  it('finishes the request in flight, then stops the whole tree', async () => {
    const name = `sig-${randomBytes(4).toString('hex')}`;
    const started = await npmStart(name);
    try {
      // Warm one environment, so the request below is in flight in a running runtime.
      expect((await callTool(started.endpoint, started.token, 'ping')).status).toBe(200);
      expect(processesOf(`${name}-mcp-server`).length).toBe(1);
      const inFlight = callTool(started.endpoint, started.token, 'long_task', { steps: 1, stepMs: 2_000 });
      // Signalled once the invocation has begun (its START line), not after a guessed delay: a
      // request still unread in its socket when the signal lands is not yet in flight.
      expect(await eventually(() => invocationsStarted(started.logDir, name) === 2, 20_000)).toBe(true);
      signal(started.child);
      // On failure, show what npm start printed (which signals it took, and when).
      const answer = await inFlight.catch((error: unknown) => {
        throw new Error(`the request in flight got no answer: ${String(error)}\n${started.output()}`);
      });
      expect(answer.status, started.output()).toBe(200);
      expect(
        await Promise.race([
          started.exited,
          new Promise((resolve) => setTimeout(() => resolve('still running'), 30_000)),
        ]),
      ).not.toBe('still running');
      expect(
        await eventually(
          () => processesOf(`${name}-mcp-server`).length === 0 && processesOf(`${name}-authorizer`).length === 0,
          10_000,
        ),
      ).toBe(true);
      expect(started.output()).toMatch(/SIG(TERM|INT): stopping/);
    } finally {
      if (started.child.exitCode === null) process.kill(-started.child.pid!, 'SIGKILL');
      for (const pid of [...processesOf(`${name}-mcp-server`), ...processesOf(`${name}-authorizer`)])
        process.kill(pid, 'SIGKILL');
      rmSync(started.logDir, { recursive: true, force: true });
    }
  });
});

describe('a gateway killed outright (SIGKILL), with no chance to stop anything', () => {
  it('leaves no execution environment running, even one whose function keeps its event loop busy', async () => {
    const name = `kill-${randomBytes(4).toString('hex')}`;
    const out = mkdtempSync(path.join(tmpdir(), 'signals-build-'));
    const environments = (): number[] => [...processesOf(`${name}-mcp-server`), ...processesOf(`${name}-authorizer`)];
    // The gateway itself (no npm or shell in between), so the signal reaches it alone.
    const gateway = spawn(
      process.execPath,
      [
        ...['--import', 'tsx', path.join(repoRoot, 'emulator', 'cli.ts'), '--port', '0', '--quiet', '--no-log-dir'],
        ...['--server', 'test/fixtures/runtime-probe/server.ts', '--out', out, '--var', `name=${name}`],
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      let text = '';
      gateway.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
      expect(await eventually(() => /MCP endpoint\s+\S+/.test(text), 60_000)).toBe(true);
      const endpoint = /MCP endpoint\s+(\S+)/.exec(text)![1]!;
      const token = readFileSync(path.join(repoRoot, '.local', 'dev-token'), 'utf8').trim();
      expect((await callTool(endpoint, token, 'echo', { text: 'hi' })).status).toBe(200);
      expect(environments().length).toBe(2);
      gateway.kill('SIGKILL');
      // An ended process the init process has not reaped yet shows no environment: it is not counted.
      expect(await eventually(() => environments().length === 0, 10_000)).toBe(true);
    } finally {
      if (gateway.exitCode === null) gateway.kill('SIGKILL');
      for (const pid of environments()) process.kill(pid, 'SIGKILL');
      rmSync(out, { recursive: true, force: true });
    }
  });
});
