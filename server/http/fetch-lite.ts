/**
 * `Headers`, `Request` and `Response` for the MCP endpoint and the SDK, in place of Node's globals:
 * our endpoint imports them from here, and the build gives the SDK's modules the same import
 * (shared/fetch-lite-for-sdk.ts). The user's server module keeps Node's own classes. The globals
 * are undici, which Node loads (with http2 and zlib) on
 * first touch, and that load was most of a new execution environment's first invocation. The SDK's
 * web-standard handler and our endpoint only build and read these objects, they never fetch, so
 * this is the part of the Fetch Standard (https://fetch.spec.whatwg.org/) they use, with the
 * standard's header rules: case-insensitive names, values trimmed of HTTP whitespace, invalid names
 * or values rejected, combined values joined with ", ", Set-Cookie kept apart, sorted iteration.
 * test/server/fetch-lite.test.ts compares each behaviour with Node's own classes.
 */

type HeadersInitLite = Headers | Iterable<readonly [string, string]> | Record<string, string> | undefined | null;
type BodyLite = string | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array> | null | undefined;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const INVALID_VALUE = /[\0\r\n]/;
const HTTP_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;

function headerName(name: string): string {
  const text = String(name);
  if (!TOKEN.test(text)) throw new TypeError(`Headers: invalid header name "${text}"`);
  return text.toLowerCase();
}

function headerValue(value: string): string {
  const text = String(value).replace(HTTP_WHITESPACE, '');
  if (INVALID_VALUE.test(text)) throw new TypeError('Headers: invalid header value');
  return text;
}

class HeadersLite {
  readonly #list = new Map<string, string[]>();

  constructor(init?: HeadersInitLite) {
    if (init === undefined || init === null) return;
    if (init instanceof HeadersLite) {
      for (const [name, values] of init.#list) this.#list.set(name, [...values]);
    } else if (typeof (init as Iterable<unknown>)[Symbol.iterator] === 'function') {
      for (const pair of init as Iterable<readonly [string, string]>) {
        if (pair.length !== 2) throw new TypeError('Headers: each header pair needs a name and a value');
        this.append(pair[0], pair[1]);
      }
    } else {
      for (const [name, value] of Object.entries(init as Record<string, string>)) this.append(name, value);
    }
  }

  append(name: string, value: string): void {
    const key = headerName(name);
    const normalized = headerValue(value);
    const values = this.#list.get(key);
    if (values) values.push(normalized);
    else this.#list.set(key, [normalized]);
  }

  set(name: string, value: string): void {
    this.#list.set(headerName(name), [headerValue(value)]);
  }

  delete(name: string): void {
    this.#list.delete(headerName(name));
  }

  has(name: string): boolean {
    return this.#list.has(headerName(name));
  }

  get(name: string): string | null {
    return this.#list.get(headerName(name))?.join(', ') ?? null;
  }

  getSetCookie(): string[] {
    return [...(this.#list.get('set-cookie') ?? [])];
  }

  *entries(): IterableIterator<[string, string]> {
    for (const name of [...this.#list.keys()].sort()) {
      const values = this.#list.get(name);
      if (!values) continue;
      if (name === 'set-cookie') for (const value of values) yield [name, value];
      else yield [name, values.join(', ')];
    }
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  forEach(callback: (value: string, name: string, headers: HeadersLite) => void, thisArg?: unknown): void {
    for (const [name, value] of this.entries()) callback.call(thisArg, value, name, this);
  }

  get [Symbol.toStringTag](): string {
    return 'Headers';
  }
}

const encoder = new TextEncoder();

function bytesOf(body: string | Uint8Array | ArrayBuffer): Uint8Array {
  if (typeof body === 'string') return encoder.encode(body);
  return body instanceof ArrayBuffer ? new Uint8Array(body) : body;
}

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (bytes.byteLength > 0) controller.enqueue(bytes);
      controller.close();
    },
  });
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function isStream(source: unknown): source is ReadableStream<Uint8Array> {
  // Not `instanceof ReadableStream`: touching that global makes Node load its web streams.
  return typeof source === 'object' && source !== null && typeof (source as ReadableStream).getReader === 'function';
}

/**
 * A body read at most once, kept as text or bytes until someone asks for a stream (Node loads its
 * web streams only then).
 */
class Body {
  #source: string | Uint8Array | ReadableStream<Uint8Array> | null;
  #stream: ReadableStream<Uint8Array> | null = null;
  #used = false;

  constructor(body: BodyLite) {
    if (body === undefined || body === null) this.#source = null;
    else if (typeof body === 'string' || isStream(body)) this.#source = body;
    else this.#source = bytesOf(body);
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.#source === null) return null;
    if (isStream(this.#source)) return this.#source;
    this.#stream ??= streamOf(bytesOf(this.#source));
    return this.#stream;
  }

  get bodyUsed(): boolean {
    return this.#used || (this.#stream?.locked ?? false) || (isStream(this.#source) && this.#source.locked);
  }

  /** The source for a copy: text and bytes are shared; a stream is split in two (tee). */
  cloneSource(): BodyLite {
    if (this.bodyUsed) throw new TypeError('Body has already been consumed');
    const stream = this.#stream ?? (isStream(this.#source) ? this.#source : null);
    if (!stream) return this.#source;
    const [mine, theirs] = stream.tee();
    if (this.#stream) this.#stream = mine;
    else this.#source = mine;
    return theirs;
  }

  async bytes(): Promise<Uint8Array> {
    if (this.bodyUsed) throw new TypeError('Body has already been consumed');
    this.#used = true;
    const source = this.#stream ?? this.#source;
    if (source === null) return new Uint8Array(0);
    if (isStream(source)) return readAll(source);
    return bytesOf(source);
  }

  async text(): Promise<string> {
    if (typeof this.#source === 'string' && !this.bodyUsed && !this.#stream) {
      this.#used = true;
      return this.#source;
    }
    return new TextDecoder().decode(await this.bytes());
  }
}

function defaultContentType(body: BodyLite, headers: HeadersLite): void {
  if (typeof body === 'string' && !headers.has('content-type')) headers.set('content-type', 'text/plain;charset=UTF-8');
}

/** What Request and Response share: their body, read at most once (the standard's Body mixin). */
abstract class BodyMixin {
  readonly #content: Body;

  protected constructor(body: BodyLite) {
    this.#content = new Body(body);
  }

  /** The source for a copy of this body (clone()). */
  protected cloneBody(): BodyLite {
    return this.#content.cloneSource();
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this.#content.body;
  }

  get bodyUsed(): boolean {
    return this.#content.bodyUsed;
  }

  text(): Promise<string> {
    return this.#content.text();
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.#content.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.#content.bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  bytes(): Promise<Uint8Array> {
    return this.#content.bytes();
  }
}

interface RequestInitLite {
  readonly method?: string;
  readonly headers?: HeadersInitLite;
  readonly body?: BodyLite;
  readonly signal?: AbortSignal | null;
}

const NORMALIZED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

class RequestLite extends BodyMixin {
  readonly url: string;
  readonly method: string;
  readonly headers: HeadersLite;
  readonly signal: AbortSignal;

  constructor(input: string | URL | RequestLite, init: RequestInitLite = {}) {
    const base = input instanceof RequestLite ? input : undefined;
    const body = init.body !== undefined ? init.body : base ? base.cloneBody() : null;
    super(body);
    this.url = base ? base.url : new URL(String(input)).href;
    const method = init.method ?? base?.method ?? 'GET';
    this.method = NORMALIZED_METHODS.has(method.toUpperCase()) ? method.toUpperCase() : method;
    this.headers = new HeadersLite(init.headers ?? base?.headers);
    if (body !== null && body !== undefined && (this.method === 'GET' || this.method === 'HEAD'))
      throw new TypeError('Request with GET/HEAD method cannot have body.');
    defaultContentType(body, this.headers);
    this.signal = init.signal ?? base?.signal ?? new AbortController().signal;
  }

  clone(): RequestLite {
    return new RequestLite(this);
  }

  get [Symbol.toStringTag](): string {
    return 'Request';
  }
}

interface ResponseInitLite {
  readonly status?: number;
  readonly statusText?: string;
  readonly headers?: HeadersInitLite;
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

class ResponseLite extends BodyMixin {
  readonly status: number;
  readonly statusText: string;
  readonly headers: HeadersLite;
  readonly type = 'default';
  readonly url = '';
  readonly redirected = false;

  constructor(body?: BodyLite, init: ResponseInitLite = {}) {
    const status = init.status ?? 200;
    if (!Number.isInteger(status) || status < 200 || status > 599)
      throw new RangeError(`init["status"] must be in the range of 200 to 599, inclusive.`);
    if (body !== null && body !== undefined && NULL_BODY_STATUSES.has(status))
      throw new TypeError('Response constructor: Invalid response status code');
    super(body);
    this.status = status;
    this.statusText = init.statusText ?? '';
    this.headers = new HeadersLite(init.headers);
    defaultContentType(body, this.headers);
  }

  static json(data: unknown, init: ResponseInitLite = {}): ResponseLite {
    const text = JSON.stringify(data);
    if (text === undefined) throw new TypeError('Value is not JSON serializable');
    const headers = new HeadersLite(init.headers);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    return new ResponseLite(text, { ...init, headers });
  }

  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }

  clone(): ResponseLite {
    return new ResponseLite(this.cloneBody(), {
      status: this.status,
      statusText: this.statusText,
      headers: this.headers,
    });
  }

  get [Symbol.toStringTag](): string {
    return 'Response';
  }
}

// Typed as the standard classes, so code that imports them keeps the standard types (the SDK's
// handler takes and returns those); test/server/fetch-lite.test.ts holds them to the standard.
export const Headers = HeadersLite as unknown as typeof globalThis.Headers;
export type Headers = globalThis.Headers;
export const Request = RequestLite as unknown as typeof globalThis.Request;
export type Request = globalThis.Request;
export const Response = ResponseLite as unknown as typeof globalThis.Response;
export type Response = globalThis.Response;
