import path from 'node:path';
import { buildSync } from 'esbuild';
import { BUNDLE_ALIASES } from '../shared/build.ts';
import { ESM_REQUIRE_BANNER, repoRoot } from '../shared/lambda-artifacts.ts';

/**
 * Bundles a bench entry the way the deployed Lambda bundle is built (minified ESM for Node 22), so
 * a floor measured from it carries no more code or source text than ours; packages resolve from the
 * repository's node_modules even for an entry written outside it. `withBundleAliases` gives it the
 * product bundles' replacements of dependency modules (shared/build.ts), for a floor that should
 * carry none of what those replacements keep out of INIT.
 */
export function bundleLikeTheLambda(entry: string, outfile: string, withBundleAliases = false): string {
  buildSync({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    nodePaths: [path.join(repoRoot, 'node_modules')],
    banner: { js: ESM_REQUIRE_BANNER },
    ...(withBundleAliases ? { alias: { ...BUNDLE_ALIASES } } : {}),
    logLevel: 'error',
  });
  return outfile;
}
