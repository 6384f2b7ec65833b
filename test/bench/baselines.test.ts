/**
 * The baselines `npm run bench` measures against are what its rows say they are: the original
 * sample is the SDK 1.11 stateless example and answers MCP, the SDK-alone server answers with its
 * one tool, and the module-load and memory floors are measured from real processes. Nothing here is
 * timed: figures stay in the benchmark, these tests only prove its baselines run and answer.
 */
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { measurePeakRss } from '../../bench/memory.ts';
import { measureModuleLoad } from '../../bench/module-load.ts';
import { startOriginalSample } from '../../bench/original-sample.ts';
import { LEGACY_HEADERS, TOOLS_LIST, startServer } from '../../bench/support.ts';
import { resolveNodeRuntime } from '../../emulator/lambda/node-runtime.ts';
import { distPaths } from '../../shared/lambda-artifacts.ts';

const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

function track(child: ChildProcess): void {
  stops.push(() => child.kill());
}

async function toolsList(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method: 'POST', headers: LEGACY_HEADERS, body: TOOLS_LIST });
  return { status: response.status, text: await response.text() };
}

describe('bench baselines', () => {
  it('runs the original sample as the SDK 1.11 stateless example ships it, and it answers tools/list', async () => {
    const sample = await startOriginalSample();
    if ('unavailable' in sample) throw new Error(`the original sample could not start: ${sample.unavailable}`);
    stops.push(() => sample.stop());
    const { status, text } = await toolsList(sample.url);
    expect(status).toBe(200);
    // The example's one tool, over SSE as its transport answers by default.
    expect(text).toContain('event: message');
    expect(text).toContain('start-notification-stream');
  });

  it('serves the SDK-alone floor with a fresh one-tool server per request over node:http', async () => {
    const server = await startServer('bench/servers/sdk-server.ts');
    track(server.child);
    const url = `http://127.0.0.1:${server.port}/mcp`;
    for (let i = 0; i < 3; i += 1) {
      const { status, text } = await toolsList(url);
      expect(status).toBe(200);
      // The SDK's own legacy fallback answers over SSE: one message event carrying the result.
      const data = /^data: (.*)$/m.exec(text)?.[1];
      expect(JSON.parse(data ?? 'null')).toMatchObject({
        jsonrpc: '2.0',
        id: 0,
        result: { tools: [{ name: 'ping' }] },
      });
    }
  });

  it("serves the gateway floor: the deployed bundle's tools/list through environments on the runtime channel", async () => {
    const runtime = resolveNodeRuntime('nodejs22.x');
    const server = await startServer('bench/servers/minimal-gateway.ts', [
      distPaths('mcp-server').bundle,
      runtime.nodePath,
      '2',
    ]);
    track(server.child);
    const url = `http://127.0.0.1:${server.port}/dev/mcp`;
    const answers = await Promise.all([0, 1, 2, 3].map(() => toolsList(url)));
    for (const { status, text } of answers) {
      expect(status).toBe(200);
      expect(JSON.parse(text)).toMatchObject({ jsonrpc: '2.0', id: 0, result: { tools: expect.any(Array) } });
    }
  });

  it('times module loads in fresh processes, the SDK-alone bundle included', () => {
    const times = measureModuleLoad(distPaths('mcp-server').bundle, 1);
    for (const ms of [times.bundleMs, times.unbundledMs, times.sdkAloneMs]) expect(ms).toBeGreaterThan(0);
    expect(times.bundleBytes).toBeGreaterThan(100 * 1024);
  });

  it("reads peak RSS from processes started with Lambda's node flags, after the requests they served", async () => {
    const runtime = resolveNodeRuntime('nodejs22.x');
    const [raw, sdk] = await measurePeakRss(
      [
        {
          label: 'raw',
          script: 'bench/servers/raw-server.ts',
          args: ['{"jsonrpc":"2.0","id":0,"result":{"tools":[]}}'],
          path: '/',
        },
        { label: 'sdk', script: 'bench/servers/sdk-server.ts', path: '/mcp' },
      ],
      { memorySizeMb: 512, runtime, requests: 20 },
    );
    for (const result of [raw!, sdk!]) {
      expect(result.afterStartMb).toBeGreaterThan(10);
      expect(result.peakMb).toBeGreaterThanOrEqual(result.afterStartMb);
    }
    // Loading the SDK costs memory a bare node:http responder does not pay.
    expect(sdk!.afterStartMb).toBeGreaterThan(raw!.afterStartMb);
  });
});
