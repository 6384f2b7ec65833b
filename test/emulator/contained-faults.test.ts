/**
 * Faults the embedded stack contains instead of dying or leaking: a runtime that cannot be
 * spawned, clients that hang up or trickle their body, a log directory that cannot be written,
 * and requests the gateway refuses before reading their body.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EMULATOR_RUNTIME, distPaths } from '../../shared/lambda-artifacts.ts';
import type { AccessLogEntry } from '../../emulator/gateway/rest-api.ts';
import { FunctionPool } from '../../emulator/lambda/function-pool.ts';
import { LogStore } from '../../emulator/logs/log-store.ts';
import type { RunningStack } from '../../emulator/stack.ts';
import { callTool } from '../support/mcp-http.ts';
import { startTestStack } from '../support/stack.ts';

/** Sends raw bytes, then resolves with whatever the server sent back before it closed (or after `waitMs`). */
function rawExchange(
  port: number,
  head: string,
  options: { body?: string; hangUpAfterMs?: number; waitMs?: number } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(Buffer.concat(received).toString('latin1'));
    }, options.waitMs ?? 10_000);
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(received).toString('latin1'));
    });
    socket.on('connect', () => {
      socket.write(head);
      if (options.body) socket.write(options.body);
      if (options.hangUpAfterMs !== undefined) setTimeout(() => socket.destroy(), options.hangUpAfterMs);
    });
    socket.setTimeout(20_000, () => reject(new Error('raw exchange never ended')));
  });
}

function portOf(stack: RunningStack): number {
  return Number(new URL(stack.baseUrl).port);
}

describe('a runtime process that cannot be spawned', () => {
  it('fails that one invocation as a failed INIT, and the pool serves the next one', async () => {
    const logs = new LogStore();
    const base = {
      region: 'us-east-1',
      accountId: '000000000000',
      logs,
      runtimePath: EMULATOR_RUNTIME.bundle,
      nodeVersion: process.versions.node,
      lambdaRuntime: 'nodejs22.x',
      idleTimeoutMs: 60_000,
    };
    const fn = {
      functionName: 'spawn-fault',
      bundlePath: distPaths('authorizer').bundle,
      handler: 'index.handler',
      runtime: 'nodejs22.x',
      memorySizeMb: 128,
      timeoutSeconds: 5,
      concurrencyLimit: 1,
      environment: {},
    };
    // ENOENT is reported by the same 'error' event as EMFILE and EAGAIN: the process never starts.
    const broken = new FunctionPool({ ...base, fn, nodePath: path.join(tmpdir(), 'no-such-dir', 'node') });
    try {
      for (let attempt = 1; attempt <= 2; attempt++) {
        const outcome = await broken.invoke({ type: 'TOKEN', authorizationToken: 'x', methodArn: 'arn' });
        expect(outcome.kind, `attempt ${attempt}`).toBe('function-error');
        // The failed environment holds no concurrency: the second attempt is not throttled.
        expect(broken.stats()).toMatchObject({ environments: 0, busy: 0, throttles: 0 });
      }
      expect(logs.messages('/aws/lambda/spawn-fault').some((m) => m.startsWith('Runtime spawn failed: ENOENT'))).toBe(
        true,
      );
    } finally {
      await broken.close();
    }
  });
});

describe('clients and disks that misbehave', () => {
  let stack: RunningStack & { token: string };
  const access: AccessLogEntry[] = [];
  const warnings: string[] = [];
  let logDir: string;

  beforeAll(async () => {
    logDir = await mkdtemp(path.join(tmpdir(), 'stack-logs-'));
    stack = await startTestStack({
      logDir,
      requestTimeoutMs: 1_500,
      onAccess: (entry) => access.push(entry),
      onLogWarning: (message) => warnings.push(message),
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await rm(logDir, { recursive: true, force: true });
  });

  it('logs a client that hangs up mid-body as client-disconnected, with no stack trace', async () => {
    const errors = vi.spyOn(console, 'error');
    try {
      const head = `POST /dev/mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${stack.token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`;
      await rawExchange(portOf(stack), head, { body: '{"jsonrpc":"2.0",', hangUpAfterMs: 300 });
      await vi.waitFor(() => expect(access.some((e) => e.clientDisconnected)).toBe(true), { timeout: 10_000 });
      const entry = access.find((e) => e.clientDisconnected)!;
      expect(entry).toMatchObject({ method: 'POST', path: '/dev/mcp', status: 0 });
      expect(errors).not.toHaveBeenCalled();
    } finally {
      errors.mockRestore();
    }
  });

  it('closes a connection whose body trickles past the request timeout', async () => {
    const head = `POST /dev/mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${stack.token}\r\nContent-Length: 100\r\n\r\n`;
    const started = Date.now();
    const answer = await rawExchange(portOf(stack), head, { body: 'x', waitMs: 15_000 });
    // Node answers 408 and closes; the point is that the connection does not live on.
    expect(Date.now() - started).toBeLessThan(14_000);
    expect(answer === '' || answer.startsWith('HTTP/1.1 408'), answer.slice(0, 200)).toBe(true);
  });

  it('answers 401 without an Authorization header before the body is sent', async () => {
    const head = `POST /dev/mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 5000000\r\nConnection: close\r\n\r\n`;
    const answer = await rawExchange(portOf(stack), head, { waitMs: 8_000 });
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
  });

  it('answers 403 for an undefined resource before the body is sent', async () => {
    const head = `POST /dev/nope HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5000000\r\nConnection: close\r\n\r\n`;
    const answer = await rawExchange(portOf(stack), head, { waitMs: 8_000 });
    expect(answer).toMatch(/^HTTP\/1\.1 403 /);
  });

  it('falls back to memory with one warning when the log directory fails at run time, and keeps serving', async () => {
    expect((await callTool(stack.endpoint, stack.token, 'ping')).status).toBe(200);
    expect(warnings).toEqual([]);
    // The directory is replaced by a file: every later write fails (ENOTDIR), as on a lost or full disk.
    await rm(logDir, { recursive: true, force: true });
    await writeFile(logDir, 'not a directory');
    for (let i = 0; i < 3; i++) expect((await callTool(stack.endpoint, stack.token, 'ping')).status).toBe(200);
    await vi.waitFor(() => expect(warnings).toHaveLength(1), { timeout: 10_000 });
    expect(warnings[0]).toMatch(/cannot write log files .* logs are kept in memory only/);
    expect(stack.logs.mirroring).toBe(false);
    // The Logs API still has every line.
    expect(
      stack.logs.messages(stack.mcp.logGroupName).filter((m) => m.startsWith('REPORT')).length,
    ).toBeGreaterThanOrEqual(4);
  });
});

describe('a log directory that cannot be written at start', () => {
  it('is detected before the first request: one warning, logs in memory, requests served', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'stack-logs-'));
    const file = path.join(parent, 'a-file');
    await writeFile(file, 'x');
    const warnings: string[] = [];
    const stack = await startTestStack({ logDir: path.join(file, 'logs'), onLogWarning: (m) => warnings.push(m) });
    try {
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/cannot write log files/);
      expect((await fetch(`${stack.baseUrl}/health`)).status).toBe(200);
      expect(warnings).toHaveLength(1);
      expect(stack.logs.messages(stack.mcp.logGroupName).some((m) => m.startsWith('REPORT'))).toBe(true);
    } finally {
      await stack.stop();
      await rm(parent, { recursive: true, force: true });
    }
  });
});
