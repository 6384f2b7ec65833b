/**
 * The bundles Terraform deploys (dist/) hold the product only: no conformance fixture (`test_*`
 * tools, `test://` resources), no fault hook (crash/sleep tools, crash/hang tokens) and no source
 * under test/. The test build (.local/test-dist/) holds them, which proves the markers below are
 * the ones test code really leaves in a bundle.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildIfStale } from '../../shared/build-if-stale.ts';
import { resolveBuildTarget } from '../../shared/build-target.ts';
import { DIST_DIR, TEST_BUILD } from '../../shared/lambda-artifacts.ts';

const TEST_CODE_MARKERS: ReadonlyArray<[string, RegExp]> = [
  ['a test_* tool name', /["'`]test_[a-z0-9_]+["'`]/],
  ['a test:// resource', /test:\/\//],
  ['the crash tool', /fault_crash/],
  ['the sleep tool', /fault_sleep/],
  ['the fault tokens', /fault-crash\.|fault-hang\.|AUTHORIZER_FAULT_TOKENS/],
  ['the fault tools switch', /MCP_FAULT_TOOLS/],
  ['the conformance profile switch', /MCP_PROFILE/],
];

async function bundleTexts(distDir: string): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const fn of ['mcp-server', 'authorizer']) {
    const dir = path.join(distDir, fn);
    for (const name of await readdir(dir, { recursive: true })) {
      if (name.endsWith('.mjs') || name.endsWith('.map'))
        texts.set(`${fn}/${name}`, await readFile(path.join(dir, name), 'utf8'));
    }
  }
  return texts;
}

function markersIn(texts: Map<string, string>): string[] {
  const found: string[] = [];
  for (const [file, text] of texts) {
    for (const [label, pattern] of TEST_CODE_MARKERS) if (pattern.test(text)) found.push(`${file}: ${label}`);
    if (
      file.endsWith('.map') &&
      (JSON.parse(text) as { sources: string[] }).sources.some((source) => /(^|\/)test\//.test(source))
    ) {
      found.push(`${file}: a source under test/`);
    }
  }
  return found;
}

beforeAll(async () => {
  await buildIfStale(() => undefined, resolveBuildTarget({}, {}));
  await buildIfStale(() => undefined, resolveBuildTarget({ test: true }, {}));
}, 120_000);

describe('product bundles', () => {
  it('contain no conformance fixture, fault hook or test source', async () => {
    const texts = await bundleTexts(DIST_DIR);
    expect(texts.size).toBeGreaterThan(2);
    expect(markersIn(texts)).toEqual([]);
  });

  it('differ from the test build, which holds every marker', async () => {
    const found = markersIn(await bundleTexts(TEST_BUILD.distDir)).join('\n');
    for (const [label] of TEST_CODE_MARKERS) expect(found).toContain(label);
    expect(found).toContain('a source under test/');
  });
});
