/**
 * `npm run check:cycles`: fails on an import cycle, between files (madge --circular; type-only
 * imports are erased at run time and left out, see .madgerc) or between the repository's
 * top-level folders (every import, types included: a folder that needs another's types depends
 * on it). The layering it keeps: server ← emulator ← scripts/bench/test, shared ← everything
 * that builds or reads Lambda artifacts, loadtest and client beside them.
 */
import madge from 'madge';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../shared/lambda-artifacts.ts';

const FOLDERS = ['server', 'emulator', 'shared', 'client', 'loadtest', 'scripts', 'bench', 'test'];

/** Folder-level edges from a file-level import graph (paths relative to the repository). */
export function folderGraph(files: Record<string, string[]>): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const folderOf = (file: string): string => file.split('/')[0]!;
  for (const [file, imports] of Object.entries(files)) {
    const from = folderOf(file);
    for (const imported of imports) {
      const to = folderOf(imported);
      if (to !== from && FOLDERS.includes(to)) (graph.get(from) ?? graph.set(from, new Set()).get(from)!).add(to);
    }
  }
  return graph;
}

/** Every cycle through the graph's nodes, each as the path that closes it (`a → b → a`). */
export function cyclesOf(graph: Map<string, Set<string>>): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const visit = (node: string, trail: string[]): void => {
    const at = trail.indexOf(node);
    if (at >= 0) {
      const cycle = [...trail.slice(at), node];
      const key = [...cycle.slice(0, -1)].sort().join(',');
      if (!seen.has(key)) {
        seen.add(key);
        cycles.push(cycle);
      }
      return;
    }
    for (const next of graph.get(node) ?? []) visit(next, [...trail, node]);
  };
  for (const node of graph.keys()) visit(node, []);
  return cycles;
}

async function main(): Promise<void> {
  const config = JSON.parse(await readFile(path.join(repoRoot, '.madgerc'), 'utf8')) as Record<string, unknown>;
  const base = { baseDir: repoRoot, fileExtensions: ['ts'], tsConfig: path.join(repoRoot, 'tsconfig.json') };
  const folders = FOLDERS.map((folder) => path.join(repoRoot, folder));
  const withoutTypes = await madge(folders, { ...config, ...base });
  const fileCycles = withoutTypes.circular();
  const withTypes = await madge(folders, base);
  const folderCycles = cyclesOf(folderGraph(withTypes.obj()));
  for (const cycle of fileCycles) console.error(`file cycle: ${cycle.join(' → ')}`);
  for (const cycle of folderCycles) console.error(`folder cycle: ${cycle.join(' → ')}`);
  if (fileCycles.length > 0 || folderCycles.length > 0) process.exit(1);
  console.log(`no import cycle between files or between the folders ${FOLDERS.join(', ')}`);
}

if (process.argv[1] === path.join(repoRoot, 'scripts', 'check-import-cycles.ts')) await main();
