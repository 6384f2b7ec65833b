/**
 * The one place the build reaches into the MCP SDK's modules: each of its ESM files that names
 * `Headers`, `Request` or `Response` gets them from server/http/fetch-lite.ts instead of Node's
 * globals (undici, which loads http2, zlib and web streams on first touch). The user's server
 * module and every other dependency keep Node's own classes.
 *
 * test/server/first-invocation-modules.test.ts fails if a new SDK release leaves a path where the
 * first request loads undici again.
 */
import type { Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from './lambda-artifacts.ts';

const SDK_ESM_FILE = /[\\/]node_modules[\\/]@modelcontextprotocol[\\/][^\\/]+[\\/]dist[\\/].*\.mjs$/;
const FETCH_NAMES = /\b(?:Headers|Request|Response)\b/;
const FETCH_LITE = path.join(repoRoot, 'server', 'http', 'fetch-lite.ts');

export function fetchLiteForSdk(): Plugin {
  return {
    name: 'fetch-lite-for-sdk',
    setup(build) {
      build.onLoad({ filter: SDK_ESM_FILE }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!FETCH_NAMES.test(source)) return undefined;
        const contents = `import { Headers, Request, Response } from ${JSON.stringify(FETCH_LITE)};\n${source}`;
        return { contents, loader: 'js', resolveDir: path.dirname(args.path) };
      });
    },
  };
}
