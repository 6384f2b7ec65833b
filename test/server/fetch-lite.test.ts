/**
 * The MCP bundle's Headers/Request/Response (server/http/fetch-lite.ts) behave as Node's own
 * (undici, the Fetch Standard) for everything the SDK and our endpoint do with them: each case
 * runs against both and the outcomes must be equal.
 */
import { describe, expect, it } from 'vitest';
import * as lite from '../../server/http/fetch-lite.ts';

type Impl = { Headers: typeof Headers; Request: typeof Request; Response: typeof Response };
const IMPLS: Record<'node' | 'lite', Impl> = {
  node: { Headers, Request, Response },
  lite: lite as unknown as Impl,
};

/** Runs `scenario` with both implementations; a thrown error becomes its class name. */
async function both(scenario: (impl: Impl) => unknown): Promise<[unknown, unknown]> {
  const run = async (impl: Impl): Promise<unknown> => {
    try {
      return await scenario(impl);
    } catch (error) {
      return `throws ${(error as Error).constructor.name}`;
    }
  };
  return [await run(IMPLS.node), await run(IMPLS.lite)];
}

async function expectSame(scenario: (impl: Impl) => unknown): Promise<unknown> {
  const [node, ours] = await both(scenario);
  expect(ours).toEqual(node);
  return node;
}

describe('Headers', () => {
  it('folds names to lower case, trims values and joins repeated ones, Set-Cookie apart, sorted', async () => {
    const result = await expectSame(({ Headers }) => {
      const h = new Headers({ 'X-B': ' 1 ', Accept: 'application/json' });
      h.append('x-b', '2\t');
      h.append('Set-Cookie', 'a=1');
      h.append('set-cookie', 'b=2');
      h.set('Content-Type', 'text/plain');
      h.delete('ACCEPT');
      const seen: string[] = [];
      h.forEach((value, name) => {
        seen.push(`${name}=${value}`);
      });
      return {
        entries: [...h],
        get: [h.get('x-b'), h.get('X-MISSING'), h.get('set-cookie')],
        has: [h.has('Content-type'), h.has('accept')],
        cookies: h.getSetCookie(),
        keys: [...h.keys()],
        values: [...h.values()],
        seen,
      };
    });
    expect(result).toMatchObject({ get: ['1, 2', null, 'a=1, b=2'] });
  });

  it('copies from another Headers, from pairs and from records', async () => {
    await expectSame(({ Headers }) => {
      const base = new Headers([
        ['a', '1'],
        ['a', '2'],
      ]);
      const copy = new Headers(base);
      copy.append('b', '3');
      return [[...base], [...copy], [...new Headers({ c: '4' })]];
    });
  });

  it('rejects invalid names, values and pairs', async () => {
    for (const scenario of [
      ({ Headers }: Impl) => new Headers({ 'bad name': 'x' }),
      ({ Headers }: Impl) => new Headers().append('x', 'a\r\nb'),
      ({ Headers }: Impl) => new Headers([['only-name']] as unknown as [string, string][]),
      ({ Headers }: Impl) => new Headers().get('bad:name'),
    ]) {
      expect(await expectSame(scenario)).toBe('throws TypeError');
    }
  });
});

describe('Request', () => {
  it('keeps url, method, headers, body and signal; clones read independently', async () => {
    const controller = new AbortController();
    await expectSame(async ({ Request }) => {
      const request = new Request('http://127.0.0.1/dev/mcp?x=1', {
        method: 'post',
        headers: { accept: 'application/json', 'mcp-protocol-version': '2025-11-25' },
        body: '{"jsonrpc":"2.0"}',
        signal: controller.signal,
      });
      const copy = request.clone();
      return {
        url: request.url,
        method: request.method,
        headers: [...request.headers],
        aborted: request.signal.aborted,
        clone: await copy.json(),
        text: await request.text(),
        used: [request.bodyUsed, copy.bodyUsed],
        again: await request.text().catch((error: Error) => `throws ${error.constructor.name}`),
      };
    });
  });

  it('streams its body, follows the given signal and refuses a body on GET', async () => {
    const controller = new AbortController();
    await expectSame(async ({ Request }) => {
      const request = new Request('http://127.0.0.1/', { method: 'POST', body: 'abc', signal: controller.signal });
      const reader = request.body!.getReader();
      const chunks: number[] = [];
      for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(...r.value);
      controller.abort();
      return { chunks, aborted: request.signal.aborted, noBody: new Request('http://x/').body };
    });
    expect(await expectSame(({ Request }) => new Request('http://x/', { method: 'GET', body: 'x' }))).toBe(
      'throws TypeError',
    );
    expect(await expectSame(({ Request }) => new Request('not a url'))).toBe('throws TypeError');
  });
});

describe('Response', () => {
  it('builds JSON, text, empty and stream responses as Node does', async () => {
    await expectSame(async ({ Response }) => {
      const json = Response.json({ ok: 1 }, { status: 201, headers: { 'x-a': 'b' } });
      const text = new Response('hi', { status: 400, statusText: 'Bad' });
      const empty = new Response(null, { status: 202 });
      const stream = new Response(
        new ReadableStream({
          start(c) {
            c.enqueue(new TextEncoder().encode('data: 1\n\n'));
            c.close();
          },
        }),
        { headers: { 'content-type': 'text/event-stream' } },
      );
      const copy = json.clone();
      return {
        json: [json.status, json.ok, [...json.headers], await json.text(), await copy.json()],
        text: [text.status, text.ok, text.statusText, [...text.headers], await text.text()],
        empty: [empty.status, empty.body, [...empty.headers], Buffer.from(await empty.arrayBuffer()).length],
        stream: [[...stream.headers], Buffer.from(await stream.arrayBuffer()).toString()],
        used: [json.bodyUsed, stream.bodyUsed],
      };
    });
  });

  it('exposes a string body as a stream and rejects bad statuses', async () => {
    await expectSame(async ({ Response }) => {
      const response = new Response('{"a":1}', { headers: { 'content-type': 'application/json' } });
      const reader = response.body!.getReader();
      const first = await reader.read();
      return [Buffer.from(first.value!).toString(), (await reader.read()).done, response.bodyUsed];
    });
    expect(await expectSame(({ Response }) => new Response(null, { status: 99 }))).toBe('throws RangeError');
    expect(await expectSame(({ Response }) => new Response('x', { status: 204 }))).toBe('throws TypeError');
  });
});
