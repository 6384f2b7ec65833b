/** Types of mcp.js, for the Node driver and tests (k6 runs the plain JS). */
export type Era = '2026-07-28' | '2025-11-25';
export type EraSetting = Era | 'mixed';

export declare const MODERN: '2026-07-28';
export declare const LEGACY: '2025-11-25';
export declare const ERAS: readonly Era[];
export declare const META_KEYS: {
  readonly protocolVersion: string;
  readonly clientInfo: string;
  readonly clientCapabilities: string;
};
export declare const REQUESTS_PER_ITERATION: Readonly<Record<Era, number>>;
export declare const KNOWN_STATUSES: readonly number[];
export declare const METHODS: readonly string[];
export declare const TOOLS: readonly string[];

export declare function normalizeEra(value: string | undefined | null): EraSetting;
export declare function eraForIteration(era: EraSetting, iteration: number): Era;
export interface LongTask {
  readonly steps: number;
  readonly stepMs: number;
}
export interface ToolCall {
  readonly tool: string;
  /** Literal arguments, or "sample": generated from the tool's inputSchema (sample-args.js). */
  readonly arguments: Record<string, unknown> | 'sample';
  readonly expectError: boolean;
}
export declare function normalizeCalls(value: unknown): ToolCall[] | null;
export declare function toolsCalled(
  longTask: LongTask | null | undefined,
  calls?: readonly ToolCall[] | null,
): string[];
export declare function normalizeLongTask(
  steps: number | string | undefined,
  stepMs: number | string | undefined,
): LongTask | null;
export declare function requestsPerIteration(
  era: EraSetting,
  longTask?: LongTask | null,
  calls?: readonly ToolCall[] | null,
): number;
export declare function statusMetricName(status: number): string;

export interface TextPayload {
  readonly text: string;
  readonly words: number;
  readonly sentences: number;
  readonly topWord: string;
  readonly topCount: number;
}
export declare function makeText(bytes: number): TextPayload;

export declare function parseSseData(body: string): string[];
export declare function findResponse(
  contentType: string | undefined | null,
  body: string | undefined | null,
  id: number,
): { message?: Record<string, unknown>; error?: string };

export declare function checkNames(
  era: EraSetting,
  longTask?: LongTask | null,
  calls?: readonly ToolCall[] | null,
): string[];

export interface PlannedRequest {
  readonly step: string;
  readonly method: string;
  readonly toolName: string | undefined;
  /** Undefined for notifications. */
  readonly id: number | undefined;
  readonly check: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly tags: Record<string, string>;
}

export interface ObservedResponse {
  /** 0 when no response arrived. */
  readonly status: number;
  readonly contentType: string | undefined | null;
  readonly body: string | undefined | null;
  readonly error?: string | undefined;
}

export interface CheckOutcome {
  readonly ok: boolean;
  readonly check: string;
  readonly reason?: string;
}

export interface McpSession {
  readonly era: Era;
  next(): PlannedRequest | null;
  record(request: PlannedRequest, response: ObservedResponse): CheckOutcome;
}

export declare function createSession(options: {
  era: Era;
  token?: string | undefined;
  text: TextPayload;
  longTask?: LongTask | null | undefined;
  calls?: readonly ToolCall[] | null | undefined;
  clientName?: string;
  clientVersion?: string;
}): McpSession;
