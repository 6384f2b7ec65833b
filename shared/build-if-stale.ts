import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { buildAll, buildEmulatorRuntime } from './build.ts';
import {
  buildTargetInfo,
  resolveBuildTarget,
  serverSources,
  type BuildTarget,
  type BuildTargetOptions,
} from './build-target.ts';
import {
  BUILD_INPUTS,
  EMULATOR_RUNTIME,
  LAMBDA_FUNCTIONS,
  buildInfoPath,
  distPaths,
  repoRoot,
} from './lambda-artifacts.ts';

async function newestMtime(target: string): Promise<number> {
  const info = await stat(target);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(target)) {
    if (entry === 'node_modules') continue;
    newest = Math.max(newest, await newestMtime(path.join(target, entry)));
  }
  return newest;
}

async function oldest(files: readonly string[]): Promise<number> {
  try {
    return Math.min(...(await Promise.all(files.map(async (file) => (await stat(file)).mtimeMs))));
  } catch {
    return 0;
  }
}

/** True when `distDir` holds a build of this target's server module (build-info.json). */
async function holdsTarget(target: BuildTarget): Promise<boolean> {
  try {
    const recorded: unknown = JSON.parse(await readFile(buildInfoPath(target.distDir), 'utf8'));
    return JSON.stringify(recorded) === JSON.stringify(buildTargetInfo(target));
  } catch {
    return false;
  }
}

/**
 * Builds the bundles when any is missing, older than its sources, or built for another server
 * module; `npm start`, the load driver and the tests call this.
 */
export async function buildIfStale(
  log: (line: string) => void = console.log,
  options: BuildTarget | BuildTargetOptions = {},
): Promise<boolean> {
  const target = 'authorizerEntry' in options ? options : resolveBuildTarget(options);
  const inputs = [...BUILD_INPUTS.map((input) => path.join(repoRoot, input)), ...serverSources(target)];
  const newest = Math.max(...(await Promise.all(inputs.map(newestMtime))));
  const artefacts = LAMBDA_FUNCTIONS.map((fn) => distPaths(fn.name, target.distDir).zip);
  let built = false;
  if (!(await holdsTarget(target)) || (await oldest(artefacts)) < newest) {
    log(`Building Lambda bundles for ${target.server} (sources changed since the last build)...`);
    await buildAll(target, log);
    built = true;
  }
  if ((await oldest([EMULATOR_RUNTIME.bundle])) < newest) {
    await buildEmulatorRuntime();
    built = true;
  }
  return built;
}
