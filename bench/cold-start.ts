/**
 * Cold start, spawn of a fresh process to its first answer, measured side by side in one run:
 * - ours: the deployed MCP bundle in a minimal Lambda runtime (bench/servers/lambda-cold-start.mjs),
 *   split into INIT (spawn → handler module loaded, what REPORT's `Init Duration` counts) and the
 *   first invocation (a `tools/list` REST proxy event);
 * - the original sample (SDK 1.11 stateless example + express, unbundled): spawn → listening → first
 *   `tools/list` answered over HTTP;
 * - the SDK's server entry alone with one tool (bench/servers/sdk-server.ts, bundled like ours), and
 *   a bare node:http responder, the same way;
 * - the authorizer bundle: INIT and its first TOKEN event;
 * - an empty handler module in the same minimal runtime: the floor of both Lambda rows (Node's own
 *   start, the ESM loader, one event read and one answer);
 * - a handler that only imports the SDK (bench/servers/sdk-import-handler.ts): the floor of any
 *   Lambda built on `@modelcontextprotocol/server`, before its own code and first request.
 * Every process starts with the node flags Lambda's runtime uses for the memory size, on the Lambda
 * runtime's Node major; the cases alternate run by run so machine noise hits them alike.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { lambdaNodeArguments } from '../emulator/lambda/execution-environment.ts';
import type { NodeRuntime } from '../emulator/lambda/node-runtime.ts';
import { toProxyEvent } from '../emulator/gateway/proxy-event-builder.ts';
import { repoRoot } from '../shared/lambda-artifacts.ts';
import { bundleLikeTheLambda } from './bundle.ts';
import { ORIGINAL_SAMPLE_ARGS } from './original-sample.ts';
import { LEGACY_HEADERS, TOOLS_LIST, benchRoute } from './requests.ts';

const LAMBDA_COLD_START = path.join(repoRoot, 'bench', 'servers', 'lambda-cold-start.mjs');
const TIMEOUT_MS = 30_000;

/** Milliseconds since spawn at which each awaited stdout line arrived. */
type Marks = Record<string, number>;

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export interface ColdStartResults {
  readonly runs: number;
  /** Ours: INIT, first invocation, and spawn → first answer. */
  readonly mcpInit: Spread;
  readonly mcpFirstInvocation: Spread;
  readonly mcpTotal: Spread;
  readonly authorizerInit: Spread;
  readonly authorizerFirstInvocation: Spread;
  readonly authorizerTotal: Spread;
  /** Spawn → first HTTP answer. */
  readonly originalSample: Spread;
  readonly sdkAlone: Spread;
  readonly bareResponder: Spread;
  /** Spawn → answer of an empty Lambda handler in the same runtime. */
  readonly emptyHandler: Spread;
  /** Spawn → answer of a Lambda handler that only imports the SDK. */
  readonly sdkImportHandler: Spread;
}

function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** Spawns `args` and records when each line matching one of `wanted` first appears on stdout. */
async function runUntil(
  nodePath: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  onLine: (line: string, marks: Marks, elapsed: number) => Promise<boolean> | boolean,
): Promise<Marks> {
  const started = performance.now();
  const child = spawn(nodePath, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
  const marks: Marks = {};
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        Promise.resolve(onLine(line, marks, performance.now() - started)).then((done) => done && resolve(), reject);
      });
      child.once('exit', (code) => reject(new Error(`${args.at(-1)} exited with ${code} before its first answer`)));
      timer = setTimeout(() => reject(new Error(`no first answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    });
    return marks;
  } finally {
    clearTimeout(timer);
    child.kill();
  }
}

/** A Lambda bundle: spawn → "init" line (INIT) → "answered" line (first invocation). */
async function lambdaColdStart(
  nodePath: string,
  nodeArgs: readonly string[],
  bundle: string,
  eventFile: string,
  env: NodeJS.ProcessEnv,
) {
  const marks = await runUntil(
    nodePath,
    [...nodeArgs, LAMBDA_COLD_START, bundle, eventFile],
    env,
    (line, m, elapsed) => {
      if (line === 'init') m.init = elapsed;
      const answered = /^answered (\S+)$/.exec(line);
      if (!answered) return false;
      if (answered[1] !== '200' && answered[1] !== 'policy')
        throw new Error(`${path.basename(path.dirname(bundle))} answered ${answered[1]}`);
      m.answered = elapsed;
      return true;
    },
  );
  return { init: marks.init!, first: marks.answered! - marks.init!, total: marks.answered! };
}

/** An HTTP server that prints its port: spawn → first `tools/list` answered. */
async function httpColdStart(
  nodePath: string,
  args: readonly string[],
  routePath: string,
  portLine: RegExp,
): Promise<number> {
  const marks = await runUntil(nodePath, args, process.env, async (line, m) => {
    const port = portLine.exec(line)?.[1];
    if (port === undefined) return false;
    const response = await fetch(`http://127.0.0.1:${port}${routePath}`, {
      method: 'POST',
      headers: LEGACY_HEADERS,
      body: TOOLS_LIST,
    });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${args.at(-1)} answered ${response.status}`);
    m.answered = performance.now();
    return true;
  });
  return marks.answered!;
}

async function timedHttpColdStart(
  nodePath: string,
  args: readonly string[],
  routePath: string,
  portLine: RegExp,
): Promise<number> {
  const started = performance.now();
  return (await httpColdStart(nodePath, args, routePath, portLine)) - started;
}

export interface ColdStartOptions {
  readonly runs: number;
  readonly runtime: NodeRuntime;
  readonly memorySizeMb: number;
  readonly mcpBundle: string;
  readonly authorizerBundle: string;
  /** The environment variables each function gets on the stack (Terraform's, via the emulator's config). */
  readonly mcpEnvironment: Readonly<Record<string, string>>;
  readonly authorizerEnvironment: Readonly<Record<string, string>>;
  /** A bearer token the authorizer accepts with that environment. */
  readonly token: string;
}

function lambdaEnv(
  functionName: string,
  memorySizeMb: number,
  environment: Readonly<Record<string, string>>,
): NodeJS.ProcessEnv {
  return {
    ...environment,
    PATH: process.env.PATH,
    TZ: ':UTC',
    AWS_REGION: 'us-east-1',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memorySizeMb),
    AWS_LAMBDA_LOG_STREAM_NAME: 'bench/cold-start',
    // No tasks table: the bench measures what every cold start pays.
    NODE_PATH: path.join(repoRoot, 'node_modules'),
  };
}

export async function measureColdStarts(options: ColdStartOptions): Promise<ColdStartResults> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-cold-start-'));
  try {
    const nodeArgs = lambdaNodeArguments(options.memorySizeMb);
    const nodePath = options.runtime.nodePath;
    const mcpEvent = path.join(dir, 'tools-list.json');
    writeFileSync(
      mcpEvent,
      JSON.stringify(
        toProxyEvent(
          {
            method: 'POST',
            path: '/mcp',
            query: new URLSearchParams(),
            headers: Object.entries(LEGACY_HEADERS),
            body: Buffer.from(TOOLS_LIST),
            sourceIp: '127.0.0.1',
          },
          benchRoute('cold-start-1'),
        ),
      ),
    );
    const authorizerEvent = path.join(dir, 'token.json');
    // A TOKEN authorizer's input (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html).
    writeFileSync(
      authorizerEvent,
      JSON.stringify({
        type: 'TOKEN',
        authorizationToken: `Bearer ${options.token}`,
        methodArn: 'arn:aws:execute-api:us-east-1:000000000000:bench/dev/POST/mcp',
      }),
    );
    const sdkAlone = bundleLikeTheLambda(
      path.join(repoRoot, 'bench', 'servers', 'sdk-server.ts'),
      path.join(dir, 'sdk-server.mjs'),
    );
    const bare = bundleLikeTheLambda(
      path.join(repoRoot, 'bench', 'servers', 'raw-server.ts'),
      path.join(dir, 'raw-server.mjs'),
    );
    const sdkImportHandler = bundleLikeTheLambda(
      path.join(repoRoot, 'bench', 'servers', 'sdk-import-handler.ts'),
      path.join(dir, 'sdk-import-handler.mjs'),
      true,
    );
    const emptyHandler = path.join(dir, 'empty-handler.mjs');
    writeFileSync(emptyHandler, 'export const handler = async () => ({ statusCode: 200 });\n');
    const mcpEnv = lambdaEnv('mcp-server', options.memorySizeMb, options.mcpEnvironment);
    const authorizerEnv = lambdaEnv('mcp-authorizer', options.memorySizeMb, options.authorizerEnvironment);
    const portLine = /^(\d+)$/;
    const samples = {
      mcp: [] as Array<{ init: number; first: number; total: number }>,
      authorizer: [] as Array<{ init: number; first: number; total: number }>,
      original: [] as number[],
      sdk: [] as number[],
      bare: [] as number[],
      empty: [] as number[],
      sdkImport: [] as number[],
    };
    // One discarded round warms the file system cache, as every deployed function's code is local to its host.
    for (let i = -1; i < options.runs; i += 1) {
      const mcp = await lambdaColdStart(nodePath, nodeArgs, options.mcpBundle, mcpEvent, mcpEnv);
      const authorizer = await lambdaColdStart(
        nodePath,
        nodeArgs,
        options.authorizerBundle,
        authorizerEvent,
        authorizerEnv,
      );
      const original = await timedHttpColdStart(
        nodePath,
        [...nodeArgs, ...ORIGINAL_SAMPLE_ARGS],
        '/mcp',
        /^bench-port (\d+)$/,
      );
      const sdk = await timedHttpColdStart(nodePath, [...nodeArgs, sdkAlone], '/mcp', portLine);
      const bareMs = await timedHttpColdStart(
        nodePath,
        [...nodeArgs, bare, '{"jsonrpc":"2.0","id":0,"result":{"tools":[]}}'],
        '/',
        portLine,
      );
      const empty = await lambdaColdStart(nodePath, nodeArgs, emptyHandler, authorizerEvent, authorizerEnv);
      const sdkImport = await lambdaColdStart(nodePath, nodeArgs, sdkImportHandler, mcpEvent, mcpEnv);
      if (i < 0) continue;
      samples.mcp.push(mcp);
      samples.authorizer.push(authorizer);
      samples.original.push(original);
      samples.sdk.push(sdk);
      samples.bare.push(bareMs);
      samples.empty.push(empty.total);
      samples.sdkImport.push(sdkImport.total);
    }
    return {
      runs: options.runs,
      mcpInit: spread(samples.mcp.map((s) => s.init)),
      mcpFirstInvocation: spread(samples.mcp.map((s) => s.first)),
      mcpTotal: spread(samples.mcp.map((s) => s.total)),
      authorizerInit: spread(samples.authorizer.map((s) => s.init)),
      authorizerFirstInvocation: spread(samples.authorizer.map((s) => s.first)),
      authorizerTotal: spread(samples.authorizer.map((s) => s.total)),
      originalSample: spread(samples.original),
      sdkAlone: spread(samples.sdk),
      bareResponder: spread(samples.bare),
      emptyHandler: spread(samples.empty),
      sdkImportHandler: spread(samples.sdkImport),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
