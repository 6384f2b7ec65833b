/**
 * Reads a log group's events for a window with @aws-sdk/client-cloudwatch-logs: the same code for
 * AWS, LocalStack (--endpoint http://localhost:4566) and the embedded stack (its origin).
 * FilterLogEvents pages until no nextToken is returned
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html).
 */
import {
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  type FilterLogEventsCommandOutput,
} from '@aws-sdk/client-cloudwatch-logs';
import type { LogRecord } from './platform-lines.ts';

export interface ClientOptions {
  readonly endpoint?: string | undefined;
  readonly region: string;
}

/** Emulators accept any signature; give them dummy credentials when none are configured. */
export function createLogsClient(options: ClientOptions): CloudWatchLogsClient {
  // On Node 20 the SDK prints a 9-line NodeVersionSupportWarning on every run; this report is a
  // local tool that supports Node >= 20.19, so it takes the SDK's documented switch to turn it off
  // (https://github.com/aws/aws-sdk-js-v3/issues/7983). A value the user set is kept.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const hasCredentials = Boolean(
    process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE || process.env.AWS_WEB_IDENTITY_TOKEN_FILE,
  );
  return new CloudWatchLogsClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.endpoint && !hasCredentials ? { credentials: { accessKeyId: 'test', secretAccessKey: 'test' } } : {}),
  });
}

export interface ReadOptions {
  readonly logGroupName: string;
  readonly startTime: number;
  readonly endTime: number;
  /** Sent to FilterLogEvents; LocalStack ignores it, so callers filter the results again. */
  readonly filterPattern?: string | undefined;
  readonly progress?: (line: string) => void;
  /** Safety net against a service that keeps handing out tokens. */
  readonly maxPages?: number;
}

export async function readLogEvents(
  client: Pick<CloudWatchLogsClient, 'send'>,
  options: ReadOptions,
): Promise<LogRecord[]> {
  const records: LogRecord[] = [];
  let nextToken: string | undefined;
  let page = 0;
  const streams = new Set<string>();
  const maxPages = options.maxPages ?? 10_000;
  do {
    let out: FilterLogEventsCommandOutput;
    try {
      out = await client.send(
        new FilterLogEventsCommand({
          logGroupName: options.logGroupName,
          startTime: Math.floor(options.startTime),
          endTime: Math.ceil(options.endTime),
          ...(options.filterPattern ? { filterPattern: options.filterPattern } : {}),
          ...(nextToken ? { nextToken } : {}),
          limit: 10_000,
        }),
      );
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'ResourceNotFoundException') {
        throw new Error(`log group ${options.logGroupName} not found (wrong --log-group, --region or --endpoint?)`, {
          cause: error,
        });
      }
      throw error;
    }
    page += 1;
    for (const e of out.events ?? []) {
      if (e.message === undefined || e.timestamp === undefined || e.logStreamName === undefined) continue;
      records.push({ logStreamName: e.logStreamName, timestamp: e.timestamp, message: e.message });
      streams.add(e.logStreamName);
    }
    options.progress?.(
      `  page ${page}: ${out.events?.length ?? 0} events (${records.length} so far, ${streams.size} log streams)`,
    );
    const token = out.nextToken;
    nextToken = token && token !== nextToken ? token : undefined;
  } while (nextToken && page < maxPages);
  if (nextToken) options.progress?.(`  stopped after ${page} pages; the window may be incomplete`);
  return records;
}
