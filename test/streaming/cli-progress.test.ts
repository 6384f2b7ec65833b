/**
 * `npm run client -- call long_task` against a streaming stack, as a user runs it (a child process,
 * stderr a pipe, so progress comes as one line per update): each line shows up while the call is
 * still running, spaced by the tool's step time, and the result follows on stdout. Both client
 * stacks: the v1 SDK at 2025-11-25 (the CLI's default) and the v2 SDK at 2026-07-28.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningStack } from '../../emulator/stack.ts';
import { CLI_SOURCE, repoRoot } from '../client/cli-runner.ts';
import { startStreamingStack } from './support.ts';
import { LEGACY_PROTOCOL, MODERN_PROTOCOL } from '../support/mcp-protocol.ts';

// The CLI is compiled by tsx in a child process first: allow for a busy machine.
vi.setConfig({ testTimeout: 60_000 });

interface TimedLine {
  readonly atMs: number;
  readonly text: string;
}

interface TimedRun {
  readonly code: number | null;
  readonly stderr: TimedLine[];
  readonly stdout: string;
  readonly stdoutAtMs: number | undefined;
  readonly exitAtMs: number;
}

/** Runs the CLI and records when each stderr line arrives, and when stdout first gets data. */
function runCliTimed(args: readonly string[]): Promise<TimedRun> {
  const { MCP_SERVER_ENDPOINT: _url, MCP_TOKEN: _token, ...inherited } = process.env;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', CLI_SOURCE, ...args], {
      cwd: repoRoot,
      env: { ...inherited, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stderr: TimedLine[] = [];
    let pending = '';
    let stdout = '';
    let stdoutAtMs: number | undefined;
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      let end: number;
      while ((end = pending.indexOf('\n')) >= 0) {
        stderr.push({ atMs: performance.now() - started, text: pending.slice(0, end) });
        pending = pending.slice(end + 1);
      }
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdoutAtMs ??= performance.now() - started;
      stdout += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (pending) stderr.push({ atMs: performance.now() - started, text: pending });
      resolve({ code, stderr, stdout, stdoutAtMs, exitAtMs: performance.now() - started });
    });
  });
}

let stack: RunningStack & { token: string };

beforeAll(async () => {
  stack = await startStreamingStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('npm run client -- call long_task against a streaming stack', () => {
  it.each([LEGACY_PROTOCOL, MODERN_PROTOCOL])(
    '--protocol %s: progress lines arrive one step apart, before the result',
    async (protocol) => {
      const run = await runCliTimed([
        'call',
        'long_task',
        '--args',
        '{"steps":4,"stepMs":400}',
        '--protocol',
        protocol,
        '--url',
        stack.endpoint,
        '--token',
        stack.token,
      ]);
      expect(run.code, run.stderr.map((l) => l.text).join('\n')).toBe(0);
      const lines = run.stderr.filter((l) => l.text.startsWith('progress '));
      expect(lines.map((l) => l.text)).toEqual([
        'progress long_task 1/4 (25%) step 1 of 4',
        'progress long_task 2/4 (50%) step 2 of 4',
        'progress long_task 3/4 (75%) step 3 of 4',
        'progress long_task 4/4 (100%) step 4 of 4',
      ]);
      // Spaced by the step time (400 ms; generous margins for a loaded machine), not printed in a burst at the end.
      for (let i = 1; i < lines.length; i += 1) expect(lines[i]!.atMs - lines[i - 1]!.atMs).toBeGreaterThanOrEqual(250);
      expect(run.stdoutAtMs).toBeDefined();
      expect(run.stdoutAtMs! - lines[0]!.atMs).toBeGreaterThanOrEqual(3 * 250);
      expect(JSON.parse(run.stdout)).toMatchObject({ stepsCompleted: 4 });
    },
  );
});
