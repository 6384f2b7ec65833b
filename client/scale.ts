/**
 * `scale`: fires `requests` ping calls with `parallel` in flight over one connection and counts the
 * Lambda execution environments that answered (ping's `logStream`, one per environment) and how many
 * calls were an environment's cold start: the local echo of Lambda scaling out, one concurrent
 * request per environment.
 */
import { roundMs } from './checks.ts';
import { clientDescription, type ClientConfig } from './config.ts';
import { contextFor, diagnose, EXIT_CODES, type ExitCode } from './diagnose.ts';
import { HttpObserver } from './http-observer.ts';
import type { ProtocolInfo } from './smoke.ts';
import { loadConnector } from './session.ts';

export interface ScaleOptions {
  readonly parallel: number;
  readonly requests: number;
}

export interface LatencyStats {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

export interface ScaleReport {
  readonly command: 'scale';
  readonly url: string;
  readonly protocol: ProtocolInfo;
  readonly parallel: number;
  readonly requests: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Distinct execution environments (log streams) that answered. */
  readonly environments: number;
  /** Calls that were their environment's first request. */
  readonly coldStarts: number;
  readonly logStreams: ReadonlyArray<{
    readonly logStream: string;
    readonly calls: number;
    readonly coldStarts: number;
  }>;
  /** Over successful calls only. */
  readonly latencyMs: LatencyStats | null;
  readonly errors: Readonly<Record<string, number>>;
  readonly hints: readonly string[];
  readonly connectLatencyMs: number | null;
  readonly durationMs: number;
  readonly throughputPerSecond: number;
  readonly exitCode: ExitCode;
  readonly error: { readonly kind: string; readonly message: string; readonly hint: string } | null;
  readonly note: string;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function latencyStats(samples: readonly number[]): LatencyStats | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, v) => sum + v, 0) / sorted.length;
  return {
    p50: roundMs(percentile(sorted, 50)),
    p95: roundMs(percentile(sorted, 95)),
    p99: roundMs(percentile(sorted, 99)),
    min: roundMs(sorted[0]!),
    max: roundMs(sorted[sorted.length - 1]!),
    mean: roundMs(mean),
  };
}

const NOTE =
  'The connect request (initialize, or server/discover) is served too and may itself start one environment, ' +
  'whose cold start no ping sees.';

export async function runScale(config: ClientConfig, options: ScaleOptions): Promise<ScaleReport> {
  const observer = new HttpObserver();
  const protocol: ProtocolInfo = {
    requested: config.protocol,
    negotiated: null,
    client: clientDescription(config.protocol),
  };
  const context = contextFor(config, observer);
  const base = {
    command: 'scale' as const,
    url: config.url.href,
    parallel: options.parallel,
    requests: options.requests,
    note: NOTE,
  };

  const connect = await loadConnector(config.protocol);
  const connectStarted = performance.now();
  let session;
  try {
    session = await connect({
      url: config.url,
      token: config.token,
      timeoutMs: config.timeoutMs,
      protocol: config.protocol,
      observer,
    });
  } catch (error) {
    const d = diagnose(error, context('connect'));
    return {
      ...base,
      protocol,
      succeeded: 0,
      failed: 0,
      environments: 0,
      coldStarts: 0,
      logStreams: [],
      latencyMs: null,
      errors: { [d.kind]: 1 },
      hints: [d.hint],
      connectLatencyMs: null,
      durationMs: 0,
      throughputPerSecond: 0,
      exitCode: d.exitCode,
      error: { kind: d.kind, message: d.message, hint: d.hint },
    };
  }
  const connectLatencyMs = roundMs(performance.now() - connectStarted);

  const streams = new Map<string, { calls: number; coldStarts: number }>();
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  const hints = new Set<string>();
  let coldStarts = 0;
  let next = 0;

  const fail = (kind: string, hint?: string): void => {
    errors[kind] = (errors[kind] ?? 0) + 1;
    if (hint) hints.add(hint);
  };

  const callOnce = async (): Promise<void> => {
    const started = performance.now();
    try {
      const result = await session.callTool('ping', {});
      const elapsed = performance.now() - started;
      const structured = result.structuredContent;
      if (result.isError) return fail('tool-error', 'ping answered isError: read the function logs');
      if (typeof structured?.logStream !== 'string')
        return fail('unexpected-result', 'ping answered without structuredContent.logStream');
      latencies.push(elapsed);
      const entry = streams.get(structured.logStream) ?? { calls: 0, coldStarts: 0 };
      entry.calls += 1;
      if (structured.coldStart === true) {
        entry.coldStarts += 1;
        coldStarts += 1;
      }
      streams.set(structured.logStream, entry);
    } catch (error) {
      const d = diagnose(error, context('request'));
      fail(d.kind, d.hint);
    }
  };

  const worker = async (): Promise<void> => {
    while (next < options.requests) {
      next += 1;
      await callOnce();
    }
  };

  const started = performance.now();
  try {
    await Promise.all(Array.from({ length: Math.min(options.parallel, options.requests) }, worker));
  } finally {
    await session.close().catch(() => undefined);
  }
  const durationMs = performance.now() - started;

  const failed = Object.values(errors).reduce((sum, n) => sum + n, 0);
  return {
    ...base,
    protocol: { ...protocol, negotiated: session.protocolVersion ?? null },
    succeeded: latencies.length,
    failed,
    environments: streams.size,
    coldStarts,
    logStreams: [...streams.entries()].map(([logStream, s]) => ({ logStream, ...s })).sort((a, b) => b.calls - a.calls),
    latencyMs: latencyStats(latencies),
    errors,
    hints: [...hints],
    connectLatencyMs,
    durationMs: roundMs(durationMs),
    throughputPerSecond: Math.round((latencies.length / (durationMs / 1000)) * 10) / 10,
    exitCode: failed > 0 ? EXIT_CODES.checksFailed : EXIT_CODES.ok,
    error: null,
  };
}
