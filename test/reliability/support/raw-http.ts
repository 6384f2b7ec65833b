/**
 * HTTP/1.1 over a plain socket, for requests `fetch` refuses to send (CR, LF or NUL in header
 * values, obs-fold, conflicting framing headers, a missing Host): the bytes go out exactly as
 * written and whatever comes back is parsed, including Node's bare parser rejections.
 */
import net from 'node:net';

export interface RawHttpAnswer {
  readonly status: number;
  /** Lower-cased names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
  readonly json: unknown;
  /** The bytes received, as latin1, for diagnostics. */
  readonly raw: string;
}

function decodeChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < body.length) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = Number.parseInt(body.subarray(offset, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** Parses one HTTP/1.1 response (the server closes the connection after it: `Connection: close`). */
export function parseHttpResponse(bytes: Buffer): RawHttpAnswer {
  const raw = bytes.toString('latin1');
  const headEnd = bytes.indexOf('\r\n\r\n');
  if (headEnd < 0) throw new Error(`no complete HTTP response: ${JSON.stringify(raw.slice(0, 300))}`);
  const [statusLine, ...headerLines] = bytes.subarray(0, headEnd).toString('latin1').split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '');
  if (!match) throw new Error(`not an HTTP status line: ${JSON.stringify(statusLine)}`);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let body = bytes.subarray(headEnd + 4);
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') body = decodeChunked(body);
  else if (headers['content-length'] !== undefined) body = body.subarray(0, Number(headers['content-length']));
  const text = body.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: Number(match[1]), headers, text, json, raw };
}

/** Writes `request` as is to host:port and resolves with the parsed response once the server closes. */
export function rawHttp(url: string, request: string | Buffer, timeoutMs = 10_000): Promise<RawHttpAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(parseHttpResponse(Buffer.concat(chunks)));
      } catch (error) {
        reject(error);
      }
    });
    socket.write(request);
  });
}

/** A request head and body with `Connection: close`; header lines are inserted verbatim. */
export function httpRequest(options: {
  method?: string;
  target: string;
  host?: string | null;
  headerLines: readonly string[];
  body?: string | Buffer;
}): Buffer {
  const body =
    options.body === undefined
      ? Buffer.alloc(0)
      : Buffer.isBuffer(options.body)
        ? options.body
        : Buffer.from(options.body, 'utf8');
  const lines = [
    `${options.method ?? 'POST'} ${options.target} HTTP/1.1`,
    ...(options.host === null ? [] : [`Host: ${options.host ?? '127.0.0.1'}`]),
    ...options.headerLines,
    'Connection: close',
  ];
  const hasLength = options.headerLines.some((line) => /^content-length:/i.test(line));
  if (!hasLength) lines.push(`Content-Length: ${body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}
