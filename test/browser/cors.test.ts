/**
 * A real browser (Debian's Chromium, headless, driven by playwright-core) against the embedded
 * stack with `cors_allowed_origins` set: a page on the allowed origin runs the SDK's browser client
 * (lists the tools, calls ping with the token) and can read the 401 challenge; a page on another
 * origin is blocked by the browser itself.
 *
 * Chromium comes from `.ci/run` (apt-get install chromium). Outside CI a missing Chromium skips
 * these tests with the reason; in CI (CI=true) it fails them.
 */
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningStack } from '../../emulator/stack.ts';
import { startTestStack } from '../support/stack.ts';

const CHROMIUM = '/usr/bin/chromium';
const HERE = path.dirname(fileURLToPath(import.meta.url));
const chromiumMissing = !existsSync(CHROMIUM);
const inCi = process.env.CI === 'true';

if (chromiumMissing && !inCi) {
  console.warn(
    `\n*** SKIPPING the browser CORS tests: ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it) ***\n`,
  );
}

/** Serves the test pages; the same server is two origins: 127.0.0.1 (allowed) and localhost (not). */
async function startPageServer(bundle: string): Promise<{ server: Server; port: number }> {
  const pages: Record<string, [string, string]> = {
    '/': ['text/html', '<!doctype html><title>allowed</title><script type="module" src="/client.js"></script>'],
    '/client.js': ['text/javascript', bundle],
    '/plain.html': ['text/html', '<!doctype html><title>plain</title>'],
  };
  const server = createServer((req, res) => {
    const page = pages[new URL(req.url ?? '/', 'http://x').pathname];
    if (!page) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': page[0] }).end(page[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe.skipIf(chromiumMissing && !inCi)('a browser-based MCP client through the embedded stack with CORS', () => {
  let stack: RunningStack & { token: string };
  let pages: { server: Server; port: number };
  let browser: Browser;
  let allowedOrigin: string;

  beforeAll(async () => {
    if (chromiumMissing) throw new Error(`CI=true but ${CHROMIUM} is missing: .ci/run must apt-get install chromium`);
    const bundled = await build({
      entryPoints: [path.join(HERE, 'support/mcp-browser-client.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    pages = await startPageServer(bundled.outputFiles[0]!.text);
    allowedOrigin = `http://127.0.0.1:${pages.port}`;
    stack = await startTestStack({ overrides: { cors_allowed_origins: [allowedOrigin] } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await new Promise((resolve) => pages?.server.close(resolve));
  });

  it('the SDK browser client on the allowed origin lists the tools and calls ping with the token', async () => {
    const page = await browser.newPage();
    await page.goto(`${allowedOrigin}/`);
    await page.waitForFunction(() => 'mcpBrowserClient' in globalThis);
    const run = await page.evaluate(
      ([endpoint, token]) => (globalThis as any).mcpBrowserClient.listToolsAndPing(endpoint, token),
      [stack.endpoint, stack.token] as const,
    );
    expect(run.tools).toEqual(expect.arrayContaining(['ping', 'text_stats', 'lookup_region', 'whoami']));
    expect(run.ping).toMatchObject({ message: 'pong' });
    await page.close();
  }, 120_000);

  it('a script on the allowed origin can read the 401 challenge (WWW-Authenticate exposed)', async () => {
    const page = await browser.newPage();
    await page.goto(`${allowedOrigin}/`);
    await page.waitForFunction(() => 'mcpBrowserClient' in globalThis);
    const answer = await page.evaluate(
      (endpoint) => (globalThis as any).mcpBrowserClient.unauthorized(endpoint),
      stack.endpoint,
    );
    expect(answer.status).toBe(401);
    expect(answer.wwwAuthenticate).toBe(
      `Bearer resource_metadata="${stack.baseUrl}/.well-known/oauth-protected-resource"`,
    );
    expect(answer.body).toEqual({ message: 'Unauthorized' });
    await page.close();
  }, 60_000);

  it('a page on an origin that is not allowed is blocked by the browser', async () => {
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    await page.goto(`http://localhost:${pages.port}/plain.html`);
    const outcome = await page.evaluate(
      async ([endpoint, token]) => {
        try {
          const response = await fetch(endpoint, {
            method: 'POST',
            headers: {
              Authorization: `Bearer ${token}`,
              'Content-Type': 'application/json',
              Accept: 'application/json, text/event-stream',
            },
            body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
          });
          return { blocked: false, status: response.status };
        } catch (error) {
          return { blocked: true, error: String(error) };
        }
      },
      [stack.endpoint, stack.token] as const,
    );
    expect(outcome).toEqual({ blocked: true, error: 'TypeError: Failed to fetch' });
    expect(consoleErrors.join('\n')).toMatch(/CORS policy/);
    await page.close();
  }, 60_000);
});
