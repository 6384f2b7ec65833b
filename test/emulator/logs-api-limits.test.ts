/**
 * The CloudWatch Logs endpoint of the embedded stack holds AWS's documented limits (with AWS's
 * error types), pages without re-reading what it already served, and keeps a bounded number of
 * bytes of events per group.
 */
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  type GetLogEventsCommandOutput,
  paginateFilterLogEvents,
  type FilteredLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningStack } from '../../emulator/stack.ts';
import { startTestStack } from '../support/stack.ts';

const RETAINED = 1_000;
/** Messages of the retention test: 64 characters, 90 bytes each as CloudWatch Logs counts them (+ 26). */
const retentionMessage = (i: number): string => `kept? ${String(i).padStart(58, '0')}`;
const RETAINED_BYTES = RETAINED * (64 + 26);
let stack: RunningStack & { token: string };
let logs: CloudWatchLogsClient;

beforeAll(async () => {
  stack = await startTestStack({ maxLogBytesPerGroup: RETAINED_BYTES });
  logs = new CloudWatchLogsClient({
    endpoint: stack.logsEndpoint,
    region: stack.config.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  // Three streams written in turn, as concurrent execution environments write one group.
  for (let i = 0; i < 900; i++)
    stack.logs.put('/test/paging', `stream-${i % 3}`, `event ${i}${i % 10 === 0 ? ' tenth' : ''}`);
});
afterAll(async () => {
  logs?.destroy();
  await stack?.stop();
});

async function rejection(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to be refused');
}

async function rawCall(target: string, body: string): Promise<{ status: number; json: { __type?: string } }> {
  const response = await fetch(stack.logsEndpoint, {
    method: 'POST',
    headers: { 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' },
    body,
  });
  return { status: response.status, json: (await response.json()) as { __type?: string } };
}

describe('AWS limits on the Logs API', () => {
  it('refuses a filterPattern longer than 1,024 characters with InvalidParameterException', async () => {
    const pattern = `?${'a'.repeat(1_024)}`;
    expect(
      await rejection(logs.send(new FilterLogEventsCommand({ logGroupName: '/test/paging', filterPattern: pattern }))),
    ).toEqual({
      name: 'InvalidParameterException',
      status: 400,
    });
    const atLimit = await logs.send(
      new FilterLogEventsCommand({ logGroupName: '/test/paging', filterPattern: 'x'.repeat(1_024) }),
    );
    expect(atLimit.events).toEqual([]);
  });

  it.each([0, -1, 10_001, 1.5])(
    'refuses limit %s on FilterLogEvents and GetLogEvents with InvalidParameterException',
    async (limit) => {
      expect(
        await rejection(logs.send(new FilterLogEventsCommand({ logGroupName: '/test/paging', limit }))),
      ).toMatchObject({ name: 'InvalidParameterException' });
      expect(
        await rejection(
          logs.send(new GetLogEventsCommand({ logGroupName: '/test/paging', logStreamName: 'stream-0', limit })),
        ),
      ).toMatchObject({
        name: 'InvalidParameterException',
      });
    },
  );

  it('does not treat Object.prototype members as operations', async () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const answer = await rawCall(`Logs_20140328.${name}`, '{"logGroupName":"/test/paging"}');
      expect(answer, name).toEqual({
        status: 400,
        json: expect.objectContaining({ __type: 'UnknownOperationException' }),
      });
    }
  });

  it('refuses a request body over 1 MiB without reading it all', async () => {
    const answer = await rawCall(
      'Logs_20140328.FilterLogEvents',
      JSON.stringify({ logGroupName: '/test/paging', filterPattern: 'x'.repeat(2 * 1024 * 1024) }),
    );
    expect(answer.status).toBe(413);
  });

  it('rejects a nextToken it did not issue', async () => {
    expect(
      await rejection(
        logs.send(new FilterLogEventsCommand({ logGroupName: '/test/paging', nextToken: 'not-a-token' })),
      ),
    ).toMatchObject({
      name: 'InvalidParameterException',
    });
  });
});

describe('paging', () => {
  it('FilterLogEvents pages through a group once, in order, and stops', async () => {
    const seen: FilteredLogEvent[] = [];
    let pages = 0;
    for await (const page of paginateFilterLogEvents(
      { client: logs, pageSize: 70 },
      { logGroupName: '/test/paging' },
    )) {
      pages += 1;
      seen.push(...(page.events ?? []));
      expect(pages).toBeLessThan(50);
    }
    expect(seen.map((e) => e.message)).toEqual(
      Array.from({ length: 900 }, (_, i) => `event ${i}${i % 10 === 0 ? ' tenth' : ''}`),
    );
    expect(new Set(seen.map((e) => e.eventId)).size).toBe(900);
  });

  it('FilterLogEvents pages a filtered, single-stream view', async () => {
    const seen: string[] = [];
    for await (const page of paginateFilterLogEvents(
      { client: logs, pageSize: 7 },
      { logGroupName: '/test/paging', logStreamNames: ['stream-0'], filterPattern: 'tenth' },
    )) {
      seen.push(...(page.events ?? []).map((e) => e.message!));
    }
    // i % 3 === 0 and i % 10 === 0: every 30th event.
    expect(seen).toEqual(Array.from({ length: 30 }, (_, k) => `event ${k * 30} tenth`));
  });

  it('GetLogEvents reads a stream forward and backward and its tokens stop at either end', async () => {
    const forward: string[] = [];
    let token: string | undefined;
    for (let calls = 0; calls < 20; calls++) {
      const page: GetLogEventsCommandOutput = await logs.send(
        new GetLogEventsCommand({
          logGroupName: '/test/paging',
          logStreamName: 'stream-1',
          startFromHead: true,
          limit: 40,
          ...(token ? { nextToken: token } : {}),
        }),
      );
      forward.push(...(page.events ?? []).map((e) => e.message!));
      if (page.nextForwardToken === token) break;
      token = page.nextForwardToken;
    }
    expect(forward).toEqual(
      Array.from({ length: 300 }, (_, k) => `event ${k * 3 + 1}${(k * 3 + 1) % 10 === 0 ? ' tenth' : ''}`),
    );

    const backward: string[] = [];
    token = undefined;
    for (let calls = 0; calls < 20; calls++) {
      const page: GetLogEventsCommandOutput = await logs.send(
        new GetLogEventsCommand({
          logGroupName: '/test/paging',
          logStreamName: 'stream-1',
          limit: 40,
          ...(token ? { nextToken: token } : {}),
        }),
      );
      backward.unshift(...(page.events ?? []).map((e) => e.message!));
      if (page.nextBackwardToken === token) break;
      token = page.nextBackwardToken;
    }
    expect(backward).toEqual(forward);
  });
});

describe('retention', () => {
  it('keeps the newest events of a group within its byte bound and drops the oldest', async () => {
    for (let i = 0; i < 5 * RETAINED; i++) stack.logs.put('/test/retention', `stream-${i % 4}`, retentionMessage(i));
    const messages: string[] = [];
    for await (const page of paginateFilterLogEvents({ client: logs }, { logGroupName: '/test/retention' })) {
      messages.push(...(page.events ?? []).map((e) => e.message!));
    }
    expect(messages).toEqual(Array.from({ length: RETAINED }, (_, k) => retentionMessage(4 * RETAINED + k)));
    const described = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/test/retention' }));
    expect(described.logGroups?.[0]?.storedBytes).toBe(RETAINED_BYTES);
    // Every stream's own view was trimmed the same way.
    const stream = await logs.send(
      new GetLogEventsCommand({ logGroupName: '/test/retention', logStreamName: 'stream-0', startFromHead: true }),
    );
    expect(stream.events!.map((e) => e.message)).toEqual(
      Array.from({ length: RETAINED / 4 }, (_, k) => retentionMessage(4 * RETAINED + 4 * k)),
    );
  });
});
