/**
 * Bundles the CLI into one ESM file, `client/dist/cli.mjs`, that runs on plain Node without
 * node_modules or tsx: `npx tsx client/build.ts`, then `node client/dist/cli.mjs --help`.
 * The Docker image (client/Dockerfile) runs this at build time and ships only the bundle.
 */
import { build } from 'esbuild';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const CLI_BUNDLE = path.join(here, 'dist', 'cli.mjs');

export async function buildCli(outfile = CLI_BUNDLE): Promise<string> {
  await build({
    entryPoints: [path.join(here, 'cli.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    // The image runs Node 22; the repo's engines floor is Node 20.19.
    target: 'node20',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    logLevel: 'warning',
    // CommonJS dependencies (ajv, commander) call require(); give the ESM bundle one.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return outfile;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const outfile = await buildCli(process.argv[2] ? path.resolve(process.argv[2]) : CLI_BUNDLE);
  const { size } = await stat(outfile);
  console.log(
    `built ${path.relative(process.cwd(), outfile)} ${Math.round(size / 1024)} KiB (${Math.round(performance.now() - started)} ms)`,
  );
}
