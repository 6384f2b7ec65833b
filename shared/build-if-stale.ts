import { stat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { buildAll } from './build.ts';
import { BUILD_INPUTS, EMULATOR_RUNTIME, LAMBDA_FUNCTIONS, distPaths, repoRoot } from './lambda-artifacts.ts';

async function newestMtime(target: string): Promise<number> {
  const info = await stat(target);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(target)) newest = Math.max(newest, await newestMtime(path.join(target, entry)));
  return newest;
}

async function oldestArtefact(): Promise<number> {
  const files = [...LAMBDA_FUNCTIONS.map((fn) => distPaths(fn.name).zip), EMULATOR_RUNTIME.bundle];
  try {
    return Math.min(...(await Promise.all(files.map(async (file) => (await stat(file)).mtimeMs))));
  } catch {
    return 0;
  }
}

/** Builds the bundles when any is missing or older than its sources; `npm start` calls this. */
export async function buildIfStale(log: (line: string) => void = console.log): Promise<boolean> {
  const inputs = await Promise.all(BUILD_INPUTS.map((input) => newestMtime(path.join(repoRoot, input))));
  if ((await oldestArtefact()) >= Math.max(...inputs)) return false;
  log('Building Lambda bundles (sources changed since the last build)...');
  await buildAll();
  return true;
}
