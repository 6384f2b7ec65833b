/**
 * Bundles each Lambda into one minified ESM file with a source map, and packs it into a
 * deterministic zip (fixed timestamps and order: same input, same bytes). These zips are exactly
 * what Terraform deploys and what the embedded stack runs.
 */
import { build, type Metafile } from 'esbuild';
import { zipSync } from 'fflate';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST_DIR, EMULATOR_RUNTIME, LAMBDA_FUNCTIONS, distPaths, repoRoot } from './lambda-artifacts.ts';

// The DOS epoch: zip timestamps cannot be earlier. fflate encodes local time, so this is local
// midnight, which gives the same bytes in every time zone.
const FIXED_MTIME = new Date(1980, 0, 1);

async function bundle(entry: string, outfile: string): Promise<Metafile> {
  const result = await build({
    entryPoints: [path.join(repoRoot, entry)],
    outfile,
    bundle: true,
    minify: true,
    sourcemap: 'linked',
    sourcesContent: false,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
    // Express's unused body parsers cost a seventh of INIT; see body-parser-unused.ts.
    alias: { 'body-parser': path.join(repoRoot, 'scripts', 'body-parser-unused.ts') },
    // Several bundled CommonJS dependencies call require() for Node built-ins.
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  });
  return result.metafile;
}

async function pack(files: Record<string, string>, zipPath: string): Promise<number> {
  const entries: Record<string, [Uint8Array, { mtime: Date; level: 9 }]> = {};
  for (const name of Object.keys(files).sort()) {
    entries[name] = [await readFile(files[name]!), { mtime: FIXED_MTIME, level: 9 }];
  }
  const zip = zipSync(entries);
  await writeFile(zipPath, zip);
  return zip.byteLength;
}

/** Builds into `distDir` (tests build into a temporary directory to compare outputs). */
export async function buildAll(distDir: string = DIST_DIR, log: (line: string) => void = console.log): Promise<void> {
  for (const fn of LAMBDA_FUNCTIONS) {
    const paths = distPaths(fn.name, distDir);
    await rm(paths.dir, { recursive: true, force: true });
    await mkdir(paths.dir, { recursive: true });
    const started = performance.now();
    await bundle(fn.entry, paths.bundle);
    const zipBytes = await pack({ 'index.mjs': paths.bundle, 'index.mjs.map': `${paths.bundle}.map` }, paths.zip);
    const bundleBytes = (await readFile(paths.bundle)).byteLength;
    const ms = Math.round(performance.now() - started);
    log(
      `built ${fn.name}: ${path.relative(repoRoot, paths.bundle)} ${(bundleBytes / 1024).toFixed(0)} KiB, ${path.relative(repoRoot, paths.zip)} ${(zipBytes / 1024).toFixed(0)} KiB (${ms} ms)`,
    );
  }
  if (distDir === DIST_DIR) {
    await mkdir(path.dirname(EMULATOR_RUNTIME.bundle), { recursive: true });
    await bundle(EMULATOR_RUNTIME.entry, EMULATOR_RUNTIME.bundle);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildAll();
}
