/**
 * The log store keeps a bounded number of bytes (oldest events dropped first, per group and over
 * all groups), and the CloudWatch Logs API pages through what it keeps once, in order, with
 * nextTokens bound to their query. Read through the door users read logs by: the AWS SDK client
 * against the Logs API over HTTP (served here alone, on loopback, without the Lambda stack).
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  type FilterLogEventsCommandInput,
  type FilteredLogEvent,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseByteSize } from '../../emulator/logs/byte-size.ts';
import { createLogsApi } from '../../emulator/logs/cloudwatch-logs-api.ts';
import { LogStore, type LogStoreOptions } from '../../emulator/logs/log-store.ts';

/** CloudWatch Logs counts an event as its message in UTF-8 plus 26 bytes (API_PutLogEvents.html). */
const OVERHEAD = 26;
const T0 = 1_700_000_000_000;

interface LogsService {
  readonly store: LogStore;
  readonly client: CloudWatchLogsClient;
}

const running: Array<{ server: Server; client: CloudWatchLogsClient }> = [];
afterEach(async () => {
  for (const { server, client } of running.splice(0)) {
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function logsService(
  options: LogStoreOptions = {},
  store = new LogStore(options),
  now: () => number = Date.now,
): Promise<LogsService> {
  const api = createLogsApi(store, 'us-east-1', '123456789012', now);
  const server = createServer((req, res) => {
    if (api.accepts(req)) void api.handle(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new CloudWatchLogsClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  running.push({ server, client });
  return { store, client };
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).name;
  }
  throw new Error('expected the call to be refused');
}

/** Every page of a FilterLogEvents query, with the page count. */
async function allPages(
  client: CloudWatchLogsClient,
  input: FilterLogEventsCommandInput,
  between?: (page: number) => void,
): Promise<{ events: FilteredLogEvent[]; pages: number }> {
  const events: FilteredLogEvent[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const out = await client.send(new FilterLogEventsCommand({ ...input, ...(nextToken ? { nextToken } : {}) }));
    events.push(...(out.events ?? []));
    pages += 1;
    nextToken = out.nextToken;
    between?.(pages);
    if (pages > 10_000) throw new Error('the tokens never end');
  } while (nextToken);
  return { events, pages };
}

/** A message of exactly `length` ASCII characters that names event i. */
const fixed = (i: number, length: number): string => `event ${String(i).padStart(length - 6, '0')}`;

describe('retention in bytes', () => {
  it('drops the oldest events of a group first once it passes its byte limit', async () => {
    // 74 characters + 26 = 100 bytes an event; room for exactly 50.
    const { store, client } = await logsService({ maxBytesPerGroup: 5_000 });
    for (let i = 0; i < 173; i++) store.put('/test/group', `stream-${i % 3}`, fixed(i, 74), T0 + i);
    const { events } = await allPages(client, { logGroupName: '/test/group' });
    expect(events.map((e) => e.message)).toEqual(Array.from({ length: 50 }, (_, k) => fixed(123 + k, 74)));
    const groups = await client.send(new DescribeLogGroupsCommand({}));
    expect(groups.logGroups?.map((g) => [g.logGroupName, g.storedBytes])).toEqual([['/test/group', 5_000]]);
    expect(store.storedBytes).toBe(5_000);
  });

  it('counts dropped events in UTF-8 bytes too, once they are in stored blocks', async () => {
    // 36 × 'é' (2 bytes) + 2 digits + 26 = 100 bytes an event: room for exactly 1,000.
    const { store, client } = await logsService({ maxBytesPerGroup: 100_000 });
    const message = (i: number): string => `${'é'.repeat(36)}${String(i % 100).padStart(2, '0')}`;
    for (let i = 0; i < 3_000; i++) store.put('/test/utf8-drop', 's', message(i), T0 + i);
    const { events } = await allPages(client, { logGroupName: '/test/utf8-drop' });
    expect(events.map((e) => e.message)).toEqual(Array.from({ length: 1_000 }, (_, k) => message(2_000 + k)));
    expect(store.storedBytes).toBe(100_000);
  });

  it('counts a message in UTF-8 bytes, not characters', async () => {
    // 'é' is 2 bytes in UTF-8: 9 of them and a digit + 26 = 45 bytes; 460 bytes hold 10 events (12 if
    // characters were counted).
    const { store, client } = await logsService({ maxBytesPerGroup: 460 });
    for (let i = 0; i < 30; i++) store.put('/test/utf8', 's', `${'é'.repeat(9)}${i % 10}`.slice(-10), T0 + i);
    const { events } = await allPages(client, { logGroupName: '/test/utf8' });
    expect(events).toHaveLength(10);
    const groups = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/test/utf8' }));
    expect(groups.logGroups?.[0]?.storedBytes).toBe(10 * (9 * 2 + 1 + OVERHEAD));
  });

  it('keeps the total under its limit by dropping the oldest events of whichever group holds them', async () => {
    // 24 + 26 = 50 bytes an event; the total holds 20 events, each group could hold 100.
    const { store, client } = await logsService({ maxBytesPerGroup: 5_000, maxTotalBytes: 1_000 });
    for (let i = 0; i < 15; i++) store.put('/test/old', 's', fixed(i, 24), T0 + i);
    for (let i = 15; i < 30; i++) store.put('/test/new', 's', fixed(i, 24), T0 + i);
    const old = await allPages(client, { logGroupName: '/test/old' });
    const recent = await allPages(client, { logGroupName: '/test/new' });
    expect(old.events.map((e) => e.message)).toEqual(Array.from({ length: 5 }, (_, k) => fixed(10 + k, 24)));
    expect(recent.events.map((e) => e.message)).toEqual(Array.from({ length: 15 }, (_, k) => fixed(15 + k, 24)));
    expect(store.storedBytes).toBe(1_000);
  });

  it('removes a log stream once retention has dropped all its events', async () => {
    const { store, client } = await logsService({ maxBytesPerGroup: 500 });
    store.put('/test/streams', 'first', fixed(0, 24), T0);
    for (let i = 1; i <= 10; i++) store.put('/test/streams', 'second', fixed(i, 24), T0 + i);
    const streams = await client.send(new DescribeLogStreamsCommand({ logGroupName: '/test/streams' }));
    expect(streams.logStreams?.map((s) => s.logStreamName)).toEqual(['second']);
  });

  it('holds a long run within the limit: retained bytes are counted, whatever the number of events', async () => {
    const limit = 64 * 1024;
    const store = new LogStore({ maxBytesPerGroup: limit, maxTotalBytes: 2 * limit });
    for (let i = 0; i < 200_000; i++)
      store.put(`/test/run-${i % 2}`, `stream-${i % 7}`, fixed(i, 34 + (i % 5)), T0 + i);
    // Each group holds at most its limit, and no more than one event (at most 64 bytes) below it.
    for (const group of store.groups.values()) {
      expect(group.storedBytes).toBeLessThanOrEqual(limit);
      expect(group.storedBytes).toBeGreaterThan(limit - 64);
      expect(group.eventCount).toBeLessThan(limit / (34 + OVERHEAD) + 1);
    }
    expect(store.storedBytes).toBe([...store.groups.values()].reduce((sum, g) => sum + g.storedBytes, 0));
    // What is kept is the newest events.
    expect(store.messages('/test/run-1').at(-1)).toBe(fixed(199_999, 34 + (199_999 % 5)));
  });

  it('refuses a limit that is not a positive whole number of bytes', () => {
    expect(() => new LogStore({ maxBytesPerGroup: 0 })).toThrow(RangeError);
    expect(() => new LogStore({ maxTotalBytes: 1.5 })).toThrow(RangeError);
  });
});

describe('paging', () => {
  it('FilterLogEvents returns every event once, in timestamp then arrival order, across many pages', async () => {
    const { store, client } = await logsService();
    // Seven streams written in turn; three events share each millisecond.
    for (let i = 0; i < 30_000; i++) store.put('/test/many', `stream-${i % 7}`, `event ${i}`, T0 + Math.floor(i / 3));
    const { events, pages } = await allPages(client, { logGroupName: '/test/many', limit: 997 });
    expect(pages).toBe(Math.ceil(30_000 / 997));
    expect(events.map((e) => e.message)).toEqual(Array.from({ length: 30_000 }, (_, i) => `event ${i}`));
    expect(new Set(events.map((e) => e.eventId)).size).toBe(30_000);
    expect(events.every((e, i) => i === 0 || e.timestamp! >= events[i - 1]!.timestamp!)).toBe(true);
  });

  it('events written and dropped while a caller pages are skipped or read once, in order, to the newest', async () => {
    // 24 + 26 = 50 bytes an event: the group keeps its newest 2,000.
    const { store, client } = await logsService({ maxBytesPerGroup: 2_000 * 50 });
    let written = 0;
    const write = (n: number): void => {
      for (let k = 0; k < n; k++, written++) store.put('/test/live', `stream-${written % 3}`, fixed(written, 24));
    };
    write(3_000);
    // After each of the first three pages, 1,000 more events arrive and the oldest 1,000 go.
    const { events } = await allPages(client, { logGroupName: '/test/live', limit: 300 }, (page) =>
      write(page <= 3 ? 1_000 : 0),
    );
    const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, k) => from + k);
    expect(events.map((e) => Number(e.message!.slice(6)))).toEqual([
      ...range(1_000, 1_300),
      ...range(2_000, 2_300),
      ...range(3_000, 3_300),
      ...range(4_000, 6_000),
    ]);
  });

  it('a nextToken works for 24 hours after it was issued, and is refused after that', async () => {
    let now = T0;
    const { store, client } = await logsService({}, undefined, () => now);
    for (let i = 0; i < 30; i++) store.put('/test/expiry', 's', `e${i}`, T0 + i);
    const filter = await client.send(new FilterLogEventsCommand({ logGroupName: '/test/expiry', limit: 10 }));
    const get = await client.send(
      new GetLogEventsCommand({ logGroupName: '/test/expiry', logStreamName: 's', limit: 10, startFromHead: true }),
    );
    now = T0 + 24 * 3600 * 1000;
    const second = await client.send(
      new FilterLogEventsCommand({ logGroupName: '/test/expiry', limit: 10, nextToken: filter.nextToken }),
    );
    expect(second.events?.map((e) => e.message)).toEqual(Array.from({ length: 10 }, (_, k) => `e${10 + k}`));
    now += 1000;
    expect(
      await rejection(
        client.send(
          new FilterLogEventsCommand({ logGroupName: '/test/expiry', limit: 10, nextToken: filter.nextToken }),
        ),
      ),
    ).toBe('InvalidParameterException');
    expect(
      await rejection(
        client.send(
          new GetLogEventsCommand({
            logGroupName: '/test/expiry',
            logStreamName: 's',
            nextToken: get.nextForwardToken,
          }),
        ),
      ),
    ).toBe('InvalidParameterException');
    // A token issued at the later page is still good.
    const third = await client.send(
      new FilterLogEventsCommand({ logGroupName: '/test/expiry', limit: 10, nextToken: second.nextToken }),
    );
    expect(third.events?.map((e) => e.message)).toEqual(Array.from({ length: 10 }, (_, k) => `e${20 + k}`));
  });

  it('DescribeLogStreams pages every stream once with tokens that only its own listing accepts', async () => {
    const { store, client } = await logsService();
    for (let i = 0; i < 120; i++) store.put('/test/listing', `stream-${String(i).padStart(3, '0')}`, 'e', T0 + i);
    const names: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const out = await client.send(
        new DescribeLogStreamsCommand({ logGroupName: '/test/listing', ...(nextToken ? { nextToken } : {}) }),
      );
      names.push(...(out.logStreams ?? []).map((s) => s.logStreamName!));
      nextToken = out.nextToken;
      pages += 1;
      if (pages === 1) {
        // A token of this listing is refused by another listing, and a bare offset is not a token.
        const token = out.nextToken!;
        const refused = await Promise.all([
          rejection(
            client.send(
              new DescribeLogStreamsCommand({
                logGroupName: '/test/listing',
                logStreamNamePrefix: 'stream-1',
                nextToken: token,
              }),
            ),
          ),
          rejection(client.send(new DescribeLogGroupsCommand({ nextToken: token }))),
          rejection(client.send(new DescribeLogStreamsCommand({ logGroupName: '/test/listing', nextToken: '50' }))),
        ]);
        expect(refused).toEqual(Array(3).fill('InvalidParameterException'));
      }
    } while (nextToken);
    expect(pages).toBe(3);
    expect(names).toEqual(Array.from({ length: 120 }, (_, i) => `stream-${String(i).padStart(3, '0')}`));
  });

  it('keeps messages with characters outside ASCII intact across stored blocks, and finds them by pattern', async () => {
    const { store, client } = await logsService();
    const message = (i: number): string => `${i % 2 ? 'café ☕' : 'tea 🍵'} n°${i}`;
    // More than two blocks of 1,024 events: most are read back from sealed blocks.
    for (let i = 0; i < 2_500; i++) store.put('/test/utf8-blocks', 's', message(i), T0 + i);
    const all = await allPages(client, { logGroupName: '/test/utf8-blocks' });
    expect(all.events.map((e) => e.message)).toEqual(Array.from({ length: 2_500 }, (_, i) => message(i)));
    const coffee = await allPages(client, { logGroupName: '/test/utf8-blocks', filterPattern: '"café ☕"' });
    expect(coffee.events.map((e) => e.message)).toEqual(Array.from({ length: 1_250 }, (_, k) => message(2 * k + 1)));
    const groups = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/test/utf8-blocks' }));
    const expected = Array.from({ length: 2_500 }, (_, i) => Buffer.byteLength(message(i)) + OVERHEAD);
    expect(groups.logGroups?.[0]?.storedBytes).toBe(expected.reduce((a, b) => a + b, 0));
  });

  it('FilterLogEvents returns at most 10,000 events a page by default', async () => {
    const { store, client } = await logsService();
    for (let i = 0; i < 12_000; i++) store.put('/test/default-limit', 's', `e${i}`, T0 + i);
    const first = await client.send(new FilterLogEventsCommand({ logGroupName: '/test/default-limit' }));
    expect(first.events).toHaveLength(10_000);
    const second = await client.send(
      new FilterLogEventsCommand({ logGroupName: '/test/default-limit', nextToken: first.nextToken }),
    );
    expect(second.events?.map((e) => e.message)).toEqual(Array.from({ length: 2_000 }, (_, k) => `e${10_000 + k}`));
    expect(second.nextToken).toBeUndefined();
  });

  it('FilterLogEvents and GetLogEvents pages hold at most 1 MB of events', async () => {
    const { store, client } = await logsService();
    // 100,000 + 26 bytes an event: 10 fit in 1,048,576 bytes, 11 do not.
    for (let i = 0; i < 12; i++) store.put('/test/large', 's', fixed(i, 100_000), T0 + i);
    const filtered = await allPages(client, { logGroupName: '/test/large' });
    expect(filtered.pages).toBe(2);
    expect(filtered.events.map((e) => e.message)).toEqual(Array.from({ length: 12 }, (_, i) => fixed(i, 100_000)));
    const head = await client.send(
      new GetLogEventsCommand({ logGroupName: '/test/large', logStreamName: 's', startFromHead: true }),
    );
    expect(head.events).toHaveLength(10);
    const tail = await client.send(new GetLogEventsCommand({ logGroupName: '/test/large', logStreamName: 's' }));
    expect(tail.events?.map((e) => e.message)).toEqual(Array.from({ length: 10 }, (_, k) => fixed(2 + k, 100_000)));
  });

  it('applies startTime and endTime as AWS documents: FilterLogEvents includes endTime, GetLogEvents excludes it', async () => {
    const { store, client } = await logsService();
    for (let i = 0; i < 100; i++) store.put('/test/window', `stream-${i % 2}`, `t${i}`, T0 + i);
    const filtered = await allPages(client, {
      logGroupName: '/test/window',
      startTime: T0 + 10,
      endTime: T0 + 19,
      limit: 3,
    });
    expect(filtered.events.map((e) => e.message)).toEqual(Array.from({ length: 10 }, (_, k) => `t${10 + k}`));
    const stream = await client.send(
      new GetLogEventsCommand({
        logGroupName: '/test/window',
        logStreamName: 'stream-0',
        startTime: T0 + 10,
        endTime: T0 + 20,
        startFromHead: true,
      }),
    );
    expect(stream.events?.map((e) => e.message)).toEqual(['t10', 't12', 't14', 't16', 't18']);
  });

  it('selects streams by name or by prefix, and refuses both at once with InvalidParameterException', async () => {
    const { store, client } = await logsService();
    for (let i = 0; i < 60; i++) store.put('/test/select', ['a-1', 'a-2', 'b-1'][i % 3]!, `m${i}`, T0 + i);
    const prefixed = await allPages(client, { logGroupName: '/test/select', logStreamNamePrefix: 'a-', limit: 7 });
    expect(prefixed.events.map((e) => e.message)).toEqual(
      Array.from({ length: 60 }, (_, i) => `m${i}`).filter((_, i) => i % 3 !== 2),
    );
    const named = await allPages(client, { logGroupName: '/test/select', logStreamNames: ['b-1'], limit: 7 });
    expect(named.events.map((e) => e.message)).toEqual(Array.from({ length: 20 }, (_, k) => `m${3 * k + 2}`));
    expect(
      await rejection(
        client.send(
          new FilterLogEventsCommand({
            logGroupName: '/test/select',
            logStreamNames: ['b-1'],
            logStreamNamePrefix: 'b',
          }),
        ),
      ),
    ).toBe('InvalidParameterException');
  });
});

describe('nextToken', () => {
  async function pagedGroup(): Promise<LogsService & { token: string }> {
    const service = await logsService();
    for (let i = 0; i < 50; i++) service.store.put('/test/tokens', `s${i % 2}`, `line ${i}`, T0 + i);
    service.store.put('/test/other', 's0', 'other', T0);
    const first = await service.client.send(
      new FilterLogEventsCommand({ logGroupName: '/test/tokens', filterPattern: 'line', limit: 10 }),
    );
    expect(first.nextToken).toBeDefined();
    return { ...service, token: first.nextToken! };
  }

  it('goes on from where the page stopped for the same query, whatever the page size', async () => {
    const { client, token } = await pagedGroup();
    const next = await client.send(
      new FilterLogEventsCommand({ logGroupName: '/test/tokens', filterPattern: 'line', limit: 5, nextToken: token }),
    );
    expect(next.events?.map((e) => e.message)).toEqual(['line 10', 'line 11', 'line 12', 'line 13', 'line 14']);
  });

  it.each([
    ['another filter pattern', { logGroupName: '/test/tokens', filterPattern: 'line 1' }],
    ['another log group', { logGroupName: '/test/other', filterPattern: 'line' }],
    ['another time window', { logGroupName: '/test/tokens', filterPattern: 'line', startTime: T0 }],
    ['a stream selection', { logGroupName: '/test/tokens', filterPattern: 'line', logStreamNames: ['s0'] }],
  ])('refuses a token issued for a different query (%s) with InvalidParameterException', async (_, input) => {
    const { client, token } = await pagedGroup();
    expect(await rejection(client.send(new FilterLogEventsCommand({ ...input, nextToken: token })))).toBe(
      'InvalidParameterException',
    );
  });

  it('refuses a tampered token with InvalidParameterException', async () => {
    const { client, token } = await pagedGroup();
    const [kind, position, mac] = token.split('/') as [string, string, string];
    const tampered = [
      `${kind}/${(Number.parseInt(position, 36) + 1).toString(36)}/${mac}`,
      `${kind}/${position}/${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
      `${kind}/${position}`,
      '10',
      `${token}x`,
    ];
    for (const nextToken of tampered) {
      expect(
        await rejection(
          client.send(new FilterLogEventsCommand({ logGroupName: '/test/tokens', filterPattern: 'line', nextToken })),
        ),
        nextToken,
      ).toBe('InvalidParameterException');
    }
  });

  it('refuses a token of one operation in the other, and a token of another Logs API instance', async () => {
    const { store, client, token } = await pagedGroup();
    expect(
      await rejection(
        client.send(new GetLogEventsCommand({ logGroupName: '/test/tokens', logStreamName: 's0', nextToken: token })),
      ),
    ).toBe('InvalidParameterException');
    const stream = await client.send(
      new GetLogEventsCommand({ logGroupName: '/test/tokens', logStreamName: 's0', limit: 5, startFromHead: true }),
    );
    expect(
      await rejection(
        client.send(new FilterLogEventsCommand({ logGroupName: '/test/tokens', nextToken: stream.nextForwardToken })),
      ),
    ).toBe('InvalidParameterException');
    // The same store behind a restarted API: its tokens were signed with another key.
    const restarted = await logsService({}, store);
    expect(
      await rejection(
        restarted.client.send(
          new FilterLogEventsCommand({ logGroupName: '/test/tokens', filterPattern: 'line', nextToken: token }),
        ),
      ),
    ).toBe('InvalidParameterException');
  });
});

describe('log files', () => {
  it('writes a line to its file without being asked, and every pending line at once on flushFiles()', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'log-batches-'));
    try {
      const store = new LogStore({ mirrorDir: dir });
      const file = path.join(dir, 'aws', 'lambda', 'batched', 'stream.log');
      const lines = async (): Promise<string[]> =>
        (await readFile(file, 'utf8').catch(() => '')).split('\n').filter((line) => line !== '');
      // Each line is the event's own timestamp, then its message.
      const line = (ms: number, message: string) => `${new Date(ms).toISOString()} ${message}`;
      store.put('/aws/lambda/batched', 'stream', 'first', T0);
      await vi.waitFor(async () => expect(await lines()).toEqual([line(T0, 'first')]), {
        timeout: 5_000,
        interval: 20,
      });
      const more = Array.from({ length: 100 }, (_, k) => `line ${k}`);
      for (const [k, message] of more.entries()) store.put('/aws/lambda/batched', 'stream', message, T0 + k);
      await store.flushFiles();
      expect(await lines()).toEqual([line(T0, 'first'), ...more.map((message, k) => line(T0 + k, message))]);
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rotates a stream file past its size: at most the file and one previous copy, newest lines last', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'log-rotation-'));
    try {
      const store = new LogStore({ mirrorDir: dir, maxFileBytes: 1_000 });
      // Ten batches of ten 75-byte lines (24-character timestamp, a space, 49 characters, newline).
      for (let batch = 0; batch < 10; batch++) {
        for (let k = 0; k < 10; k++) store.put('/aws/lambda/rotated', 'stream', fixed(batch * 10 + k, 49), T0);
        await store.close();
      }
      const groupDir = path.join(dir, 'aws', 'lambda', 'rotated');
      expect((await readdir(groupDir)).sort()).toEqual(['stream.log', 'stream.log.1']);
      const lines = async (file: string): Promise<string[]> =>
        (await readFile(path.join(groupDir, file), 'utf8'))
          .trimEnd()
          .split('\n')
          .map((line) => line.slice(25));
      expect(await lines('stream.log.1')).toEqual(Array.from({ length: 10 }, (_, k) => fixed(80 + k, 49)));
      expect(await lines('stream.log')).toEqual(Array.from({ length: 10 }, (_, k) => fixed(90 + k, 49)));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('retention on the command line', () => {
  it.each([
    ['33554432', 33_554_432],
    ['512KiB', 524_288],
    ['32MiB', 33_554_432],
    ['32 mib', 33_554_432],
    ['500MB', 500_000_000],
    ['1.5GiB', 1_610_612_736],
  ])('reads %s as %d bytes', (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });

  it.each(['', '0', '-1MiB', 'lots', '12 parsecs', '1e9'])('refuses %j as a size', (text) => {
    expect(parseByteSize(text)).toBeUndefined();
  });

  it('npm start refuses a retention that is not a size, before starting anything', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'emulator/cli.ts', '--log-retention', 'lots'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("option '--log-retention <size>' argument 'lots' is invalid");
  });
});
