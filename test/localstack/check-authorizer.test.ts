/**
 * localstack/check-authorizer.mjs is what the Compose `deploy` service runs to exercise the
 * authorizer on LocalStack (whose free edition never calls it from API Gateway). Here it runs
 * against a loopback stand-in for the Lambda Invoke API that calls our authorizer handler, so the
 * script's contract is proven without Docker: it passes on the real authorizer, and fails when the
 * deployed function would let a wrong token in.
 *
 * The stand-in files functions by Region as LocalStack does: the Region comes from the credential
 * scope of the SigV4 Authorization header, and an unsigned request counts as us-east-1
 * (localstack-core 4.14.0, localstack/utils/aws/request_context.py, extract_region_from_headers).
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

/** The Region of a request as LocalStack reads it: the SigV4 credential scope, else us-east-1. */
function regionOf(authorization: string | undefined): string {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\/lambda\/aws4_request/.exec(authorization ?? '')?.[1] ?? 'us-east-1';
}

/**
 * POST /2015-03-31/functions/<name>/invocations, answered as Lambda's Invoke API does, for a
 * function deployed to `deployedRegion` (404 ResourceNotFoundException from any other Region).
 */
async function invokeApi(
  handler: (event: unknown) => Promise<unknown>,
  deployedRegion = 'us-east-1',
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (regionOf(req.headers.authorization) !== deployedRegion) {
      res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' });
      res.end(
        JSON.stringify({ Type: 'User', message: 'Function not found: arn:aws:lambda:...:function:mcp-authorizer' }),
      );
      req.resume();
      return;
    }
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

async function runCheck(url: string, region?: string): Promise<{ code: number; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_ENDPOINT_URL: url, MCP_TOKEN: TOKEN };
  delete env.AWS_REGION;
  delete env.AWS_DEFAULT_REGION;
  if (region) env.AWS_DEFAULT_REGION = region;
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [SCRIPT, 'mcp-authorizer', 'abc123', 'dev'],
      { env },
    );
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
      expect(result.output).toContain(
        'deployed token → Allow arn:aws:execute-api:us-east-1:000000000000:abc123/dev/*/*',
      );
    } finally {
      output.restore();
    }
  });

  it('finds the authorizer deployed outside us-east-1: the invocation is signed for AWS_DEFAULT_REGION', async () => {
    const output = captureOutput();
    try {
      const handler = await loadAuthorizerEntry({ AUTH_MODE: 'static', STATIC_TOKENS: JSON.stringify([TOKEN]) });
      const api = await invokeApi(
        (event) => handler(event as Parameters<AuthorizerHandler>[0], lambdaContext()),
        'eu-west-1',
      );
      running = api.server;
      const result = await runCheck(api.url, 'eu-west-1');
      expect(result.code, result.output).toBe(0);
      expect(result.output).toContain(
        'deployed token → Allow arn:aws:execute-api:eu-west-1:000000000000:abc123/dev/*/*',
      );
    } finally {
      output.restore();
    }
  });

  it('fails with the Invoke error when the function is not found in its Region', async () => {
    const api = await invokeApi(async () => ({}), 'ap-southeast-2');
    running = api.server;
    const result = await runCheck(api.url, 'eu-west-1');
    expect(result.code).toBe(1);
    expect(result.output).toContain('Invoke mcp-authorizer in eu-west-1 answered 404');
  });

  it('fails when the deployed function lets a wrong token in', async () => {
    const allowAll = async (): Promise<unknown> => ({
      principalId: 'anyone',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'execute-api:Invoke',
            Effect: 'Allow',
            Resource: 'arn:aws:execute-api:us-east-1:000000000000:abc123/dev/*/*',
          },
        ],
      },
    });
    const api = await invokeApi(allowAll);
    running = api.server;
    const result = await runCheck(api.url);
    expect(result.code).toBe(1);
    expect(result.output).toContain('a wrong token was not refused');
  });
});
