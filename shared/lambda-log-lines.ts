/**
 * The platform lines Lambda writes around each invocation
 * (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html and the REPORT
 * fields in https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html).
 */
export function startLine(requestId: string, version: string): string {
  return `START RequestId: ${requestId} Version: ${version}`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}`;
}

export interface ReportFields {
  readonly requestId: string;
  readonly durationMs: number;
  readonly memorySizeMb: number;
  readonly maxMemoryUsedMb: number;
  /** Present on the invocation that followed a cold start. */
  readonly initDurationMs?: number | undefined;
  readonly status?: 'timeout' | 'error' | undefined;
  readonly errorType?: string | undefined;
}

/**
 * Since August 2025 the INIT phase of on-demand functions is billed, so a cold start's billed
 * duration includes its init duration (https://aws.amazon.com/blogs/compute/aws-lambda-standardizes-billing-for-init-phase/).
 */
export function reportLine(fields: ReportFields): string {
  const billed = Math.ceil(fields.durationMs + (fields.initDurationMs ?? 0));
  const parts = [
    `REPORT RequestId: ${fields.requestId}`,
    `Duration: ${fields.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${billed} ms`,
    `Memory Size: ${fields.memorySizeMb} MB`,
    `Max Memory Used: ${fields.maxMemoryUsedMb} MB`,
  ];
  if (fields.initDurationMs !== undefined) parts.push(`Init Duration: ${fields.initDurationMs.toFixed(2)} ms`);
  if (fields.status) parts.push(`Status: ${fields.status}`);
  if (fields.errorType) parts.push(`Error Type: ${fields.errorType}`);
  return `${parts.join('\t')}\t`;
}

export interface ParsedReport {
  readonly requestId: string;
  readonly durationMs: number;
  readonly billedDurationMs: number;
  readonly memorySizeMb: number;
  readonly maxMemoryUsedMb: number;
  readonly initDurationMs: number | undefined;
  readonly status: string | undefined;
}

const REPORT =
  /^REPORT RequestId: (\S+)\s+Duration: ([\d.]+) ms\s+Billed Duration: (\d+) ms\s+Memory Size: (\d+) MB\s+Max Memory Used: (\d+) MB(?:\s+Init Duration: ([\d.]+) ms)?(?:\s+Status: (\w+))?/;

/** Reads a REPORT line back; the scaling report uses this on AWS, LocalStack and local logs alike. */
export function parseReportLine(message: string): ParsedReport | undefined {
  const m = REPORT.exec(message.trim());
  if (!m) return undefined;
  return {
    requestId: m[1]!,
    durationMs: Number(m[2]),
    billedDurationMs: Number(m[3]),
    memorySizeMb: Number(m[4]),
    maxMemoryUsedMb: Number(m[5]),
    initDurationMs: m[6] === undefined ? undefined : Number(m[6]),
    status: m[7],
  };
}
