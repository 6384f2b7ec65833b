/** The unit of a smoke run: a named check with a status, its latency and a detail line. */

/** `warn` annotates without failing; `skip` is shown, never counted as a pass. */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface CheckOutcome {
  readonly status: CheckStatus;
  readonly detail: string;
  /** What to fix, for failures whose cause is known. */
  readonly hint?: string;
  /** The failure's kind (see diagnose.ts) when it came from an error. */
  readonly kind?: string;
}

export interface CheckResult extends CheckOutcome {
  readonly name: string;
  /** Wall time of the check's requests; null when nothing was sent. */
  readonly latencyMs: number | null;
}

export interface CheckSummary {
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly warnings: number;
  readonly skipped: number;
}

export function summarise(checks: readonly CheckResult[]): CheckSummary {
  const count = (status: CheckStatus): number => checks.filter((c) => c.status === status).length;
  return {
    total: checks.length,
    passed: count('pass'),
    failed: count('fail'),
    warnings: count('warn'),
    skipped: count('skip'),
  };
}

export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/**
 * Runs one check, timing it. A thrown error becomes a failed check whose detail and hint come from
 * `onError` (a diagnosis of the error).
 */
export async function timed(
  name: string,
  run: () => Promise<CheckOutcome>,
  onError: (error: unknown) => Omit<CheckOutcome, 'status'>,
): Promise<CheckResult> {
  const started = performance.now();
  try {
    const outcome = await run();
    return { name, ...outcome, latencyMs: roundMs(performance.now() - started) };
  } catch (error) {
    return { name, status: 'fail', ...onError(error), latencyMs: roundMs(performance.now() - started) };
  }
}

export function skipped(name: string, detail: string): CheckResult {
  return { name, status: 'skip', detail, latencyMs: null };
}
