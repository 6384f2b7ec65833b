import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { LEGACY_HEADERS, TOOLS_LIST } from './requests.ts';

export { LEGACY_HEADERS, TOOLS_LIST };

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly non2xx: number;
}

export async function load(
  url: string,
  options: { connections: number; seconds: number; headers?: Record<string, string>; body?: string },
): Promise<LoadResult> {
  const result = await autocannon({
    url,
    method: 'POST',
    connections: options.connections,
    duration: options.seconds,
    headers: { ...LEGACY_HEADERS, ...options.headers },
    body: options.body ?? TOOLS_LIST,
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/**
 * Starts a bench server in its own process (so load and server do not share an event loop), on
 * `nodePath`: the bench runs servers on the Node major of the function's Lambda runtime.
 */
export async function startServer(
  script: string,
  args: string[] = [],
  nodePath: string = process.execPath,
): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(nodePath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { port: Number(line), child };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Sequential requests: latency without queueing, for comparing per-request overheads. */
export async function sequentialLatency(
  send: () => Promise<unknown>,
  count: number,
): Promise<{ p50Ms: number; p99Ms: number }> {
  const samples: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await send();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99) };
}
