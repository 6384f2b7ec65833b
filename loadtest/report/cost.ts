/**
 * What a load run cost (or, on the embedded stack or LocalStack, would have cost on AWS): Lambda
 * requests and GB-seconds from the REPORT lines, API Gateway REST requests, CloudWatch Logs
 * ingestion. On-demand list prices of us-east-1, first volume tier, no free tier: a run is a
 * small slice of a month, and whether it lands inside the free tier depends on the rest of the
 * account's month. Pure.
 */
export type Architecture = 'x86_64' | 'arm64';

export const ARCHITECTURES: readonly Architecture[] = ['x86_64', 'arm64'];

export interface PriceTable {
  /** When the figures below were read from the pricing pages. */
  readonly asOf: string;
  readonly region: string;
  readonly lambdaRequestsPerMillion: number;
  readonly lambdaGbSecond: Readonly<Record<Architecture, number>>;
  readonly apiGatewayRestRequestsPerMillion: number;
  readonly logsIngestionPerGb: number;
  readonly sources: ReadonlyArray<{ readonly item: string; readonly url: string }>;
}

/**
 * us-east-1, on-demand, first tier.
 * - Lambda: $0.20 per 1M requests; duration $0.0000166667 per GB-s on x86_64 (first 6 billion GB-s
 *   a month), $0.0000133334 on arm64 (first 7.5 billion GB-s); duration is billed per 1 ms and
 *   GB = configured MB / 1024 (https://aws.amazon.com/lambda/pricing/).
 * - API Gateway REST APIs: $3.50 per million calls received, first 333 million a month
 *   (https://aws.amazon.com/api-gateway/pricing/; the same table is in the whitepaper
 *   https://docs.aws.amazon.com/whitepapers/latest/best-practices-api-gateway-private-apis-integration/cost-optimization.html).
 * - CloudWatch Logs: $0.50 per GB ingested, Standard log class, first tier of Lambda's logs
 *   (https://aws.amazon.com/cloudwatch/pricing/).
 */
export const US_EAST_1_PRICES: PriceTable = {
  asOf: '2026-12-02',
  region: 'us-east-1',
  lambdaRequestsPerMillion: 0.2,
  lambdaGbSecond: { x86_64: 0.0000166667, arm64: 0.0000133334 },
  apiGatewayRestRequestsPerMillion: 3.5,
  logsIngestionPerGb: 0.5,
  sources: [
    { item: 'Lambda requests and duration', url: 'https://aws.amazon.com/lambda/pricing/' },
    { item: 'API Gateway REST API calls', url: 'https://aws.amazon.com/api-gateway/pricing/' },
    { item: 'CloudWatch Logs ingestion', url: 'https://aws.amazon.com/cloudwatch/pricing/' },
  ],
};

export interface CostInputs {
  readonly architecture: Architecture;
  /** REPORT lines: one per Lambda invocation (a billed request). */
  readonly invocations: number;
  /** Sum over REPORT lines of Billed Duration (s) × Memory Size (MB) / 1024. */
  readonly billedGbSeconds: number;
  /** Requests API Gateway received: the load run's requests sent, else the invocations. */
  readonly apiRequests: number;
  readonly apiRequestsSource: 'load summary' | 'REPORT lines';
  /** UTF-8 bytes of the log events read from the function's log group. */
  readonly logBytes: number;
  readonly logBytesScope: string;
}

export interface CostLine {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  /** USD per unit. */
  readonly unitPrice: number;
  readonly usd: number;
}

export interface RunCost {
  readonly prices: PriceTable;
  readonly inputs: CostInputs;
  readonly lines: readonly CostLine[];
  readonly totalUsd: number;
  /** The same mix of work scaled to 1,000,000 API requests (null when no request was seen). */
  readonly perMillionRequests: { readonly lines: readonly CostLine[]; readonly totalUsd: number } | null;
}

const GB = 1024 ** 3;

function linesFor(inputs: CostInputs, prices: PriceTable, scale: number): CostLine[] {
  const line = (item: string, quantity: number, unit: string, unitPrice: number): CostLine => ({
    item,
    quantity: quantity * scale,
    unit,
    unitPrice,
    usd: quantity * scale * unitPrice,
  });
  return [
    line('Lambda requests', inputs.invocations, 'requests', prices.lambdaRequestsPerMillion / 1e6),
    line(
      `Lambda duration (${inputs.architecture})`,
      inputs.billedGbSeconds,
      'GB-s',
      prices.lambdaGbSecond[inputs.architecture],
    ),
    line('API Gateway REST requests', inputs.apiRequests, 'requests', prices.apiGatewayRestRequestsPerMillion / 1e6),
    line('CloudWatch Logs ingestion', inputs.logBytes / GB, 'GB', prices.logsIngestionPerGb),
  ];
}

export function computeRunCost(inputs: CostInputs, prices: PriceTable = US_EAST_1_PRICES): RunCost {
  const lines = linesFor(inputs, prices, 1);
  const perMillion = inputs.apiRequests > 0 ? linesFor(inputs, prices, 1e6 / inputs.apiRequests) : null;
  const sum = (list: readonly CostLine[]): number => list.reduce((total, l) => total + l.usd, 0);
  return {
    prices,
    inputs,
    lines,
    totalUsd: sum(lines),
    perMillionRequests: perMillion ? { lines: perMillion, totalUsd: sum(perMillion) } : null,
  };
}

/** UTF-8 bytes of the messages of a set of log events. */
export function logEventBytes(records: ReadonlyArray<{ readonly message: string }>): number {
  return records.reduce((total, r) => total + Buffer.byteLength(r.message, 'utf8'), 0);
}

export function isArchitecture(value: unknown): value is Architecture {
  return value === 'x86_64' || value === 'arm64';
}

/** Dollars with enough digits to see sub-cent figures. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd >= 100) return `$${usd.toFixed(2)}`;
  if (usd >= 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toPrecision(3)}`;
}
