import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../scripts/lambda-artifacts.ts';

/**
 * The packages the MCP function loads during INIT, imported from node_modules as an unbundled
 * function would. Express and serverless-http are not among them: the bundle loads them on the
 * first non-MCP route (a split chunk), and an unbundled function could defer them just the same.
 */
export const UNBUNDLED_DEPENDENCIES = ['@modelcontextprotocol/server', 'zod', '@aws-lambda-powertools/logger'];

function timeImport(specifiers: readonly string[]): number {
  const script = `const t=performance.now();for(const s of ${JSON.stringify(specifiers)}) await import(s);process.stdout.write(String(performance.now()-t));`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8' }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median of fresh processes, alternating the two cases so machine noise hits both alike. */
export function measureModuleLoad(bundlePath: string, runs: number): { bundleMs: number; unbundledMs: number; bundleBytes: number } {
  const bundle: number[] = [];
  const unbundled: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    bundle.push(timeImport([pathToFileURL(bundlePath).href]));
    unbundled.push(timeImport(UNBUNDLED_DEPENDENCIES));
  }
  return { bundleMs: median(bundle), unbundledMs: median(unbundled), bundleBytes: initBytes(bundlePath) };
}

/** Bytes INIT loads: the entry file and the chunks it imports statically (dynamic ones load later). */
export function initBytes(bundlePath: string): number {
  const entry = readFileSync(bundlePath, 'utf8');
  const chunks = [...entry.matchAll(/import\s*(?:[^'"()]*?from\s*)?["'](\.\/chunks\/[^"']+)["']/g)].map((match) => match[1]!);
  return statSync(bundlePath).size + chunks.reduce((sum, chunk) => sum + statSync(path.join(path.dirname(bundlePath), chunk)).size, 0);
}
