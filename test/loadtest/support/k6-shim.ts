/**
 * Runs the real k6 scripts' code in Node for tests, with the k6 modules replaced by a small shim
 * (k6 itself may not run on our machines). esbuild bundles a script with `k6`, `k6/http`,
 * `k6/metrics` and `k6/execution` resolved to the shim; `open()` and `__ENV` are globals as in k6.
 * k6's `http.post` is synchronous: the shim blocks on Atomics.wait while a worker thread does the
 * fetch, so the server must live in another process.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { build, type Plugin } from 'esbuild';

const SHIM_SOURCES: Record<string, string> = {
  k6: `
    export function check(value, sets, tags) { return globalThis.__k6.check(value, sets, tags); }
    export function sleep(seconds) { globalThis.__k6.sleep(seconds); }
    export function group(name, fn) { return fn(); }
    export default { check, sleep, group };`,
  'k6/http': `
    export function post(url, body, params) { return globalThis.__k6.post(url, body, params); }
    export default { post };`,
  'k6/metrics': `
    class Metric { constructor(name) { this.name = name; globalThis.__k6.metric(name, this.constructor.name); } add(value, tags) { globalThis.__k6.add(this.name, value, tags); } }
    export class Counter extends Metric {}
    export class Trend extends Metric {}
    export class Rate extends Metric {}
    export class Gauge extends Metric {}`,
  'k6/execution': `
    export default { get scenario() { return globalThis.__k6.scenario(); } };`,
};

export const k6ShimPlugin: Plugin = {
  name: 'k6-shim',
  setup(b) {
    b.onResolve({ filter: /^k6(\/.*)?$/ }, (args) => ({ path: args.path, namespace: 'k6-shim' }));
    b.onLoad({ filter: /.*/, namespace: 'k6-shim' }, (args) => {
      const contents = SHIM_SOURCES[args.path];
      if (contents === undefined) return { errors: [{ text: `the test shim has no ${args.path}` }] };
      return { contents, loader: 'js' };
    });
  },
};

export interface K6Response {
  status: number;
  body: string | null;
  headers: Record<string, string>;
  error: string;
  timings: { duration: number };
}

export interface K6Host {
  env: Record<string, string>;
  check(value: unknown, sets: Record<string, (v: unknown) => unknown>, tags?: Record<string, string>): boolean;
  post(
    url: string,
    body: string,
    params?: { headers?: Record<string, string>; tags?: Record<string, string>; timeout?: string },
  ): K6Response;
  sleep(seconds: number): void;
  metric(name: string, type: string): void;
  add(name: string, value: number, tags?: Record<string, string>): void;
  scenario(): { iterationInTest: number };
}

export interface K6Module {
  options: Record<string, unknown> & {
    scenarios: Record<string, Record<string, unknown>>;
    thresholds: Record<string, string[]>;
  };
  setup?: () => unknown;
  default: (data?: unknown) => void;
  handleSummary: (data: unknown) => Record<string, string>;
}

/** Bundles a k6 script with the shim and imports it; `host` stands in for the k6 runtime. */
export async function loadK6Script(script: string, host: K6Host): Promise<K6Module> {
  const result = await build({
    entryPoints: [script],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
    plugins: [k6ShimPlugin],
    logLevel: 'silent',
  });
  const dir = await mkdtemp(path.join(tmpdir(), 'k6-shim-'));
  const file = path.join(dir, `${path.basename(script, '.js')}.mjs`);
  await writeFile(file, result.outputFiles[0]!.text);
  const g = globalThis as Record<string, unknown>;
  g.__k6 = host;
  g.__ENV = host.env;
  // k6 resolves open() paths against the script that calls it.
  g.open = (p: string) => readFileSync(path.resolve(path.dirname(script), p), 'utf8');
  return (await import(pathToFileURL(file).href)) as K6Module;
}

const FETCH_WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', async ({ port, signal, url, init, timeoutMs }) => {
  const started = performance.now();
  let reply;
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const body = await res.text();
    const headers = {};
    res.headers.forEach((v, k) => { headers[k.replace(/(^|-)([a-z])/g, (m) => m.toUpperCase())] = v; });
    reply = { status: res.status, body, headers, error: '', duration: performance.now() - started };
  } catch (e) {
    reply = { status: 0, body: null, headers: {}, error: String(e && e.message || e), duration: performance.now() - started };
  }
  port.postMessage(reply);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});`;

/** A synchronous HTTP POST, as k6's: blocks this thread until a worker thread has the answer. */
export function createSyncPost(): {
  post: (url: string, body: string, headers: Record<string, string>, timeoutMs: number) => K6Response;
  close: () => Promise<number>;
} {
  const worker = new Worker(FETCH_WORKER, { eval: true });
  return {
    post(url, body, headers, timeoutMs) {
      const signal = new Int32Array(new SharedArrayBuffer(4));
      const { port1, port2 } = new MessageChannel();
      worker.postMessage({ port: port2, signal, url, init: { method: 'POST', body, headers }, timeoutMs }, [port2]);
      Atomics.wait(signal, 0, 0, timeoutMs + 5000);
      const reply = receiveMessageOnPort(port1)?.message as
        | (Omit<K6Response, 'timings'> & { duration: number })
        | undefined;
      port1.close();
      if (!reply)
        return {
          status: 0,
          body: null,
          headers: {},
          error: 'no reply from the fetch worker',
          timings: { duration: 0 },
        };
      return {
        status: reply.status,
        body: reply.body,
        headers: reply.headers,
        error: reply.error,
        timings: { duration: reply.duration },
      };
    },
    close: () => worker.terminate(),
  };
}
