/**
 * localstack/check-authorizer.mjs is what the Compose `deploy` service runs to exercise the
 * authorizer on LocalStack (whose free edition never calls it from API Gateway). Here it runs
 * against a loopback stand-in for the Lambda Invoke API that calls our authorizer handler, so the
 * script's contract is proven without Docker: it passes on the real authorizer, and fails when the
 * deployed function would let a wrong token in.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuthorizerHandler } from '../../server/authorizer/authorizer.ts';
import { repoRoot } from '../../shared/lambda-artifacts.ts';
import { captureOutput, lambdaContext, loadAuthorizerEntry } from '../authorizer/helpers.ts';

const TOKEN = 'compose-check-token';
const SCRIPT = path.join(repoRoot, 'localstack', 'check-authorizer.mjs');


/** POST /2015-03-31/functions/<name>/invocations, answered as Lambda's Invoke API does. */
async function invokeApi(handler: (event: unknown) => Promise<unknown>): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handler(JSON.parse(Buffer.concat(chunks).toString('utf8')))
        .then((result) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result)))
        .catch((error: Error) =>
          res
            .writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' })
            .end(JSON.stringify({ errorType: error.name, errorMessage: error.message })),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

let running: Server | undefined;
afterEach(() => {
  running?.close();
  running = undefined;
});

async function runCheck(url: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [SCRIPT, 'mcp-authorizer', 'abc123', 'dev'], {
      env: { ...process.env, AWS_ENDPOINT_URL: url, MCP_TOKEN: TOKEN },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe('localstack/check-authorizer.mjs', () => {
  it('passes against the authorizer in static-token mode: Allow for the whole API, Unauthorized otherwise', async () => {
    const output = captureOutput();
    try {
      const handler = await loadAuthorizerEntry({ AUTH_MODE: 'static', STATIC_TOKENS: JSON.stringify([TOKEN]) });
      const api = await invokeApi((event) => handler(event as Parameters<AuthorizerHandler>[0], lambdaContext()));
      running = api.server;
      const result = await runCheck(api.url);
      expect(result.code, result.output).toBe(0);
      expect(result.output).toContain('deployed token → Allow arn:aws:execute-api:us-east-1:000000000000:abc123/dev/*/*');
    } finally {
      output.restore();
    }
  });

  it('fails when the deployed function lets a wrong token in', async () => {
    const allowAll = async (): Promise<unknown> => ({
      principalId: 'anyone',
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:us-east-1:000000000000:abc123/dev/*/*' }] },
    });
    const api = await invokeApi(allowAll);
    running = api.server;
    const result = await runCheck(api.url);
    expect(result.code).toBe(1);
    expect(result.output).toContain('a wrong token was not refused');
  });
});
