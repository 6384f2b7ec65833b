import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../shared/lambda-artifacts.ts';
import { bundleLikeTheLambda } from './bundle.ts';

/**
 * The packages the MCP function loads during INIT, imported from node_modules as an unbundled
 * function would. Express and serverless-http are not among them: the bundle loads them on the
 * first non-MCP route (a split chunk), and an unbundled function could defer them just the same.
 */
export const UNBUNDLED_DEPENDENCIES = ['@modelcontextprotocol/server', 'zod', '@aws-lambda-powertools/logger'];

function timeImport(nodePath: string, specifiers: readonly string[]): number {
  const script = `const t=performance.now();for(const s of ${JSON.stringify(specifiers)}) await import(s);process.stdout.write(String(performance.now()-t));`;
  return Number(execFileSync(nodePath, ['--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8' }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * The floor any bundle serving MCP with `@modelcontextprotocol/server` shares: the SDK's server entry
 * alone, bundled and minified as ours is. Importing it builds the SDK's protocol schemas (zod), which
 * no bundler can skip.
 */
function buildSdkAloneBundle(dir: string): string {
  const entry = path.join(dir, 'entry.mjs');
  writeFileSync(entry, "export { McpServer, createMcpHandler } from '@modelcontextprotocol/server';\n");
  return bundleLikeTheLambda(entry, path.join(dir, 'sdk-alone.mjs'));
}

export interface ModuleLoadTimes {
  readonly bundleMs: number;
  readonly unbundledMs: number;
  readonly sdkAloneMs: number;
  readonly bundleBytes: number;
}

/** Median of fresh processes, alternating the cases so machine noise hits them alike. */
export function measureModuleLoad(
  bundlePath: string,
  runs: number,
  nodePath: string = process.execPath,
): ModuleLoadTimes {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-sdk-alone-'));
  try {
    const sdkAlone = pathToFileURL(buildSdkAloneBundle(dir)).href;
    const bundle: number[] = [];
    const unbundled: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      bundle.push(timeImport(nodePath, [pathToFileURL(bundlePath).href]));
      unbundled.push(timeImport(nodePath, UNBUNDLED_DEPENDENCIES));
      floor.push(timeImport(nodePath, [sdkAlone]));
    }
    return {
      bundleMs: median(bundle),
      unbundledMs: median(unbundled),
      sdkAloneMs: median(floor),
      bundleBytes: initBytes(bundlePath),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Bytes INIT loads: the entry file and the chunks it imports statically (dynamic ones load later). */
export function initBytes(bundlePath: string): number {
  const entry = readFileSync(bundlePath, 'utf8');
  const chunks = [...entry.matchAll(/import\s*(?:[^'"()]*?from\s*)?["'](\.\/chunks\/[^"']+)["']/g)].map(
    (match) => match[1]!,
  );
  return (
    statSync(bundlePath).size +
    chunks.reduce((sum, chunk) => sum + statSync(path.join(path.dirname(bundlePath), chunk)).size, 0)
  );
}
