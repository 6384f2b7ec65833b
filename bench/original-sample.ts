/**
 * The baseline the throughput target is set against: the MCP SDK 1.11 stateless Streamable
 * HTTP example (express, `express.json()`, a new server and transport per request), run as the SDK
 * ships it (`dist/esm/examples/server/simpleStatelessStreamableHttp.js` of
 * `@modelcontextprotocol/sdk@1.11.5`, installed under the alias `mcp-sdk-original-sample`), so
 * "≥ 4× the original sample" is measured on the same machine, in the same run, with the same
 * harness instead of being a number carried over from another day.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createInterface } from 'node:readline';
import { repoRoot } from '../shared/lambda-artifacts.ts';

const EXAMPLE = path.join(
  repoRoot,
  'node_modules',
  'mcp-sdk-original-sample',
  'dist',
  'esm',
  'examples',
  'server',
  'simpleStatelessStreamableHttp.js',
);
/** The example hard-codes port 3000; this preload moves it to a free loopback port and prints it. */
const LOOPBACK_ANY_PORT = path.join(repoRoot, 'bench', 'servers', 'loopback-any-port.mjs');
const START_TIMEOUT_MS = 30_000;
/** Node arguments that run the sample on a free loopback port (it prints `bench-port <port>`). */
export const ORIGINAL_SAMPLE_ARGS: readonly string[] = ['--import', pathToFileURL(LOOPBACK_ANY_PORT).href, EXAMPLE];

export interface OriginalSample {
  readonly url: string;
  stop(): void;
}

/** Starts the sample, or says why it cannot run here (a reason, never a made-up figure). */
export async function startOriginalSample(
  nodePath: string = process.execPath,
): Promise<OriginalSample | { unavailable: string }> {
  if (!existsSync(EXAMPLE)) return { unavailable: `${path.relative(repoRoot, EXAMPLE)} is missing (run npm ci)` };
  // Its per-request "Request closed" line is part of the sample; it goes to a pipe that is read and dropped.
  const child: ChildProcess = spawn(nodePath, ORIGINAL_SAMPLE_ARGS, { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  let timer: NodeJS.Timeout | undefined;
  try {
    const port = await new Promise<number>((resolve, reject) => {
      lines.on('line', (line) => {
        const match = /^bench-port (\d+)$/.exec(line);
        if (match) resolve(Number(match[1]));
      });
      child.once('exit', (code) => reject(new Error(`the original sample exited with ${code}`)));
      timer = setTimeout(
        () => reject(new Error(`the original sample did not listen within ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
    });
    return { url: `http://127.0.0.1:${port}/mcp`, stop: () => child.kill() };
  } catch (error) {
    child.kill();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
