/**
 * Resolves the static `import … from 'node:crypto'` of our own modules (server/) and of the
 * Powertools logger (in every bundle) to server/runtime/lazy-node-crypto.ts, which loads Node's
 * module on first use instead of at INIT. A server module built with `--server` and its own
 * dependencies keep Node's module, with every export it has. `require('crypto')` in bundled
 * CommonJS code is left alone: it already runs only when that module is first evaluated.
 *
 * test/server/first-invocation-modules.test.ts fails if a cold start loads `node:crypto` again.
 */
import type { Plugin } from 'esbuild';
import path from 'node:path';
import { repoRoot } from './lambda-artifacts.ts';

const LAZY_NODE_CRYPTO = path.join(repoRoot, 'server', 'runtime', 'lazy-node-crypto.ts');
const OUR_MODULES = path.join(repoRoot, 'server') + path.sep;
const POWERTOOLS = /[\\/]node_modules[\\/]@aws-lambda-powertools[\\/]/;

function getsLazyCrypto(importer: string): boolean {
  return importer.startsWith(OUR_MODULES) || POWERTOOLS.test(importer);
}

export function lazyNodeCrypto(): Plugin {
  return {
    name: 'lazy-node-crypto',
    setup(build) {
      build.onResolve({ filter: /^(?:node:)?crypto$/ }, (args) =>
        args.kind === 'import-statement' && getsLazyCrypto(args.importer) ? { path: LAZY_NODE_CRYPTO } : undefined,
      );
    },
  };
}
