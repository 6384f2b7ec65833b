/**
 * The execution environment's channel (emulator/lambda/runtime-channel.ts): what the function
 * returns reaches the client byte for byte, and the function sees the process Lambda gives it, with
 * no IPC channel. The frame codec itself is checked at every chunk boundary a stream may cut it at.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFrame, frameReader } from '../../emulator/lambda/runtime-channel.ts';
import type { RunningStack } from '../../emulator/stack.ts';
import { callTool } from '../support/mcp-http.ts';
import { startTestStack } from '../support/stack.ts';

function readAll(chunks: readonly Buffer[]): Array<{ header: unknown; payload: string }> {
  const frames: Array<{ header: unknown; payload: string }> = [];
  const read = frameReader((header, payload) => frames.push({ header, payload: payload.toString('utf8') }));
  for (const chunk of chunks) read(chunk);
  return frames;
}

describe('runtime channel frames', () => {
  const frames = [
    { header: { type: 'result', requestId: 'a', text: 'Zoë' }, payload: '{"body":"漢字 🙂"}' },
    { header: { type: 'chunk', requestId: 'a' }, payload: '' },
    { header: { type: 'ready' }, payload: 'x'.repeat(300) },
  ];
  const bytes = Buffer.concat(frames.map((frame) => encodeFrame(frame.header, frame.payload)));

  it('arrive whole and in order whatever the chunk boundaries', () => {
    expect(readAll([bytes])).toEqual(frames);
    expect(readAll([...bytes].map((byte) => Buffer.from([byte])))).toEqual(frames);
    for (let cut = 1; cut < bytes.length; cut += 1) {
      expect(readAll([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(frames);
    }
  });

  it('carry a payload larger than a read as one payload', () => {
    const large = Buffer.alloc(7 * 1024 * 1024, 0x61);
    const frame = encodeFrame({ type: 'chunk', requestId: 'b' }, large);
    const received: Buffer[] = [];
    const read = frameReader((_header, payload) => received.push(payload));
    for (let at = 0; at < frame.length; at += 65_536) read(frame.subarray(at, at + 65_536));
    expect(received).toHaveLength(1);
    expect(received[0]!.equals(large)).toBe(true);
  });

  it('write a string payload as UTF-8 and a buffer payload as it is', () => {
    const [fromString] = readAll([encodeFrame({}, 'é🙂')]);
    const [fromBuffer] = readAll([encodeFrame({}, Buffer.from([0xc3, 0xa9]))]);
    expect(fromString!.payload).toBe('é🙂');
    expect(fromBuffer!.payload).toBe('é');
  });
});

describe('an execution environment, through the stack', () => {
  let stack: RunningStack & { token: string };
  let out: string;

  beforeAll(async () => {
    out = await mkdtemp(path.join(tmpdir(), 'runtime-probe-'));
    stack = await startTestStack({ build: { server: 'test/fixtures/runtime-probe/server.ts', out } });
  });
  afterAll(async () => {
    await stack?.stop();
    await rm(out, { recursive: true, force: true });
  });

  it('returns a body with any characters exactly as the function wrote it', async () => {
    const text = 'Zoë 漢字 🙂 "quoted" back\\slash\nnew line\ttab \u0000 \u2028 \uFFFD';
    const response = await callTool(stack.endpoint, stack.token, 'echo', { text });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(response.text)));
    expect((response.json as { result: { content: Array<{ text: string }> } }).result.content[0]!.text).toBe(text);
  });

  it('gives the function no IPC channel, as Lambda does not', async () => {
    const response = await callTool(stack.endpoint, stack.token, 'runtime_probe');
    expect(response.status).toBe(200);
    expect((response.json as { result: { structuredContent: unknown } }).result.structuredContent).toEqual({
      processSend: 'undefined',
      processConnected: null,
      nodeChannelFd: null,
    });
  });
});
