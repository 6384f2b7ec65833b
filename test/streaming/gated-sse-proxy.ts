/**
 * A loopback proxy in front of an MCP endpoint that holds a streamed (SSE) response back: after
 * each progress notification it forwards, it sends nothing more of that stream until the test says
 * the client has shown that notification. A client that prints progress as it arrives passes
 * through at once; one that waits for the end of the stream never sees the next event, so the
 * proxy gives up after `patienceMs` and records it. Ordering is then proved by cause, not by
 * timing: no assertion depends on how fast a loaded machine runs.
 */
import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GatedSseProxy {
  /** The proxy's URL for the target's path. */
  readonly url: string;
  /** Tells the proxy the client has shown one more progress notification. */
  shown(): void;
  /** Progress notifications forwarded so far. */
  readonly forwarded: () => number;
  /** How many times the proxy had to give up waiting for the client (0 when every one was shown in time). */
  readonly gaveUp: () => number;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startGatedSseProxy(target: string, patienceMs = 20_000): Promise<GatedSseProxy> {
  const targetUrl = new URL(target);
  const events = new EventEmitter();
  let shown = 0;
  let forwarded = 0;
  let gaveUp = 0;

  /** Waits until the client has shown every progress notification forwarded so far. */
  async function clientCaughtUp(): Promise<void> {
    while (shown < forwarded) {
      const timeout = AbortSignal.timeout(patienceMs);
      try {
        await once(events, 'shown', { signal: timeout });
      } catch {
        gaveUp += 1;
        return;
      }
    }
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await bodyOf(req);
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          (entry): entry is [string, string] => !HOP_BY_HOP.has(entry[0]) && typeof entry[1] === 'string',
        ),
      );
      const upstream = await fetch(new URL(req.url ?? '/', targetUrl), {
        method: req.method ?? 'GET',
        headers,
        ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: new Uint8Array(body) }),
      });
      const answer = [...upstream.headers].filter(([name]) => !HOP_BY_HOP.has(name) && name !== 'content-encoding');
      res.writeHead(upstream.status, Object.fromEntries(answer));
      const streamed = upstream.headers.get('content-type')?.startsWith('text/event-stream') ?? false;
      if (!upstream.body || !streamed) {
        res.end(Buffer.from(await upstream.arrayBuffer()));
        return;
      }
      const decoder = new TextDecoder();
      let pending = '';
      for await (const chunk of upstream.body) {
        pending += decoder.decode(chunk as Uint8Array, { stream: true });
        for (let end = /\r?\n\r?\n/.exec(pending); end; end = /\r?\n\r?\n/.exec(pending)) {
          const event = pending.slice(0, end.index + end[0].length);
          pending = pending.slice(end.index + end[0].length);
          await clientCaughtUp();
          res.write(event);
          if (event.includes('"notifications/progress"')) forwarded += 1;
        }
      }
      await clientCaughtUp();
      res.end(pending);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${targetUrl.pathname}`,
    shown: () => {
      shown += 1;
      events.emit('shown');
    },
    forwarded: () => forwarded,
    gaveUp: () => gaveUp,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
