/**
 * Lambda's platform log lines, in both log formats Lambda writes to CloudWatch Logs
 * (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html):
 * text (`START RequestId: …`, `END RequestId: …`, `REPORT RequestId: …`) and JSON
 * (`{"type":"platform.start"|"platform.report", "record": {…}}`). Everything else (the function's
 * own output) is ignored: LocalStack ignores `filterPattern`, so the filtering happens here.
 */
import { parseReportLine, type ParsedReport } from '../../shared/lambda-log-lines.ts';

export type { ParsedReport };

export interface LogRecord {
  readonly logStreamName: string;
  readonly timestamp: number;
  readonly message: string;
}

export type PlatformEvent =
  | { readonly kind: 'init-start' }
  | { readonly kind: 'start'; readonly requestId: string }
  | { readonly kind: 'end'; readonly requestId: string }
  | { readonly kind: 'report'; readonly report: ParsedReport };

const START = /^START RequestId: (\S+)/;
const END = /^END RequestId: (\S+)/;

/**
 * The pattern sent to FilterLogEvents where it is honoured (AWS, the embedded stack): platform
 * lines of either format. Results are filtered again by parsePlatformLine either way.
 */
export const PLATFORM_FILTER_PATTERN =
  '?"START RequestId" ?"END RequestId" ?"REPORT RequestId" ?"INIT_START" ?"platform.start" ?"platform.report" ?"platform.initStart"';

interface JsonPlatformRecord {
  readonly type?: unknown;
  readonly record?: {
    readonly requestId?: unknown;
    readonly status?: unknown;
    readonly metrics?: Record<string, unknown>;
  };
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function parseJsonLine(message: string): PlatformEvent | undefined {
  let parsed: JsonPlatformRecord;
  try {
    parsed = JSON.parse(message) as JsonPlatformRecord;
  } catch {
    return undefined;
  }
  const requestId = typeof parsed.record?.requestId === 'string' ? parsed.record.requestId : undefined;
  switch (parsed.type) {
    case 'platform.initStart':
      return { kind: 'init-start' };
    case 'platform.start':
      return requestId ? { kind: 'start', requestId } : undefined;
    case 'platform.report': {
      const m = parsed.record?.metrics ?? {};
      const durationMs = num(m.durationMs);
      if (!requestId || durationMs === undefined) return undefined;
      const status =
        typeof parsed.record?.status === 'string' && parsed.record.status !== 'success'
          ? parsed.record.status
          : undefined;
      return {
        kind: 'report',
        report: {
          requestId,
          durationMs,
          billedDurationMs: num(m.billedDurationMs) ?? Math.ceil(durationMs),
          memorySizeMb: num(m.memorySizeMB) ?? 0,
          maxMemoryUsedMb: num(m.maxMemoryUsedMB) ?? 0,
          initDurationMs: num(m.initDurationMs),
          status,
        },
      };
    }
    default:
      return undefined;
  }
}

export function parsePlatformLine(message: string): PlatformEvent | undefined {
  const text = message.trimStart();
  if (text.startsWith('{')) return parseJsonLine(text);
  if (text.startsWith('REPORT ')) {
    const report = parseReportLine(text);
    return report ? { kind: 'report', report } : undefined;
  }
  if (text.startsWith('INIT_START')) return { kind: 'init-start' };
  const start = START.exec(text);
  if (start) return { kind: 'start', requestId: start[1]! };
  const end = END.exec(text);
  if (end) return { kind: 'end', requestId: end[1]! };
  return undefined;
}
