import {
  CloudWatchLogsClient,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  paginateFilterLogEvents,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReportLine } from '../../shared/lambda-log-lines.ts';
import type { RunningStack } from '../../emulator/stack.ts';
import { callTool } from '../support/mcp-http.ts';
import { startTestStack } from '../support/stack.ts';

let stack: RunningStack & { token: string };
let logs: CloudWatchLogsClient;

beforeAll(async () => {
  stack = await startTestStack();
  logs = new CloudWatchLogsClient({
    endpoint: stack.logsEndpoint,
    region: stack.config.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await Promise.all(
    Array.from({ length: 3 }, () => callTool(stack.endpoint, stack.token, 'long_task', { steps: 1, stepMs: 500 })),
  );
  for (let i = 0; i < 5; i += 1) await callTool(stack.endpoint, stack.token, 'ping');
});
afterAll(async () => {
  logs?.destroy();
  await stack?.stop();
});

describe('CloudWatch Logs API of the embedded stack, read with @aws-sdk/client-cloudwatch-logs', () => {
  it('lists one log stream per execution environment', async () => {
    const out = await logs.send(
      new DescribeLogStreamsCommand({
        logGroupName: stack.mcp.logGroupName,
        orderBy: 'LastEventTime',
        descending: true,
      }),
    );
    expect(out.logStreams).toHaveLength(stack.mcp.stats().environments);
    expect(out.logStreams!.every((s) => /\[\$LATEST\][0-9a-f]{32}$/.test(s.logStreamName!))).toBe(true);
  });

  it('filters REPORT lines across streams, with Init Duration on each cold start', async () => {
    const reports = [];
    for await (const page of paginateFilterLogEvents(
      { client: logs, pageSize: 2 },
      { logGroupName: stack.mcp.logGroupName, filterPattern: '"REPORT RequestId"', limit: 2 },
    )) {
      reports.push(...(page.events ?? []));
    }
    expect(reports).toHaveLength(8);
    const parsed = reports.map((e) => parseReportLine(e.message!));
    expect(parsed.every((r) => r !== undefined)).toBe(true);
    expect(parsed.filter((r) => r!.initDurationMs !== undefined)).toHaveLength(stack.mcp.stats().coldStarts);
    expect(new Set(reports.map((e) => e.logStreamName)).size).toBe(stack.mcp.stats().environments);
  });

  it('reads one stream forward with GetLogEvents until the token repeats', async () => {
    const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: stack.mcp.logGroupName }));
    const name = streams.logStreams![0]!.logStreamName!;
    const first = await logs.send(
      new GetLogEventsCommand({
        logGroupName: stack.mcp.logGroupName,
        logStreamName: name,
        startFromHead: true,
        limit: 3,
      }),
    );
    expect(first.events).toHaveLength(3);
    expect(first.events![0]!.message).toMatch(/^INIT_START/);
    const rest = await logs.send(
      new GetLogEventsCommand({
        logGroupName: stack.mcp.logGroupName,
        logStreamName: name,
        nextToken: first.nextForwardToken,
      }),
    );
    const end = await logs.send(
      new GetLogEventsCommand({
        logGroupName: stack.mcp.logGroupName,
        logStreamName: name,
        nextToken: rest.nextForwardToken,
      }),
    );
    expect(end.events).toHaveLength(0);
    expect(end.nextForwardToken).toBe(rest.nextForwardToken);
  });

  it('reads the latest events first when startFromHead is not set, then pages backward', async () => {
    const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: stack.mcp.logGroupName }));
    const name = streams.logStreams![0]!.logStreamName!;
    const all = await logs.send(
      new GetLogEventsCommand({ logGroupName: stack.mcp.logGroupName, logStreamName: name, startFromHead: true }),
    );
    const messages = all.events!.map((e) => e.message);
    expect(messages.length).toBeGreaterThanOrEqual(4);
    const latest = await logs.send(
      new GetLogEventsCommand({ logGroupName: stack.mcp.logGroupName, logStreamName: name, limit: 2 }),
    );
    expect(latest.events!.map((e) => e.message)).toEqual(messages.slice(-2));
    const before = await logs.send(
      new GetLogEventsCommand({
        logGroupName: stack.mcp.logGroupName,
        logStreamName: name,
        limit: 2,
        nextToken: latest.nextBackwardToken,
      }),
    );
    expect(before.events!.map((e) => e.message)).toEqual(messages.slice(-4, -2));
  });

  it('answers ResourceNotFoundException for a log group that does not exist', async () => {
    await expect(logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/nope' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});
