import type { Context } from 'aws-lambda';
import type { Writable } from 'node:stream';
import { authInfoFromAuthorizer } from '../gateway/authorizer-context.ts';
import type { ProxyEvent, ProxyResult } from '../gateway/proxy-event.ts';
import type { McpEndpoint } from '../http/mcp-endpoint.ts';
import { recordInvocation } from '../runtime/environment-stats.ts';
import { isMcpPost, mcpRequestFromProxyEvent } from './mcp-route.ts';

/**
 * The global the Lambda Node.js runtime provides for response streaming (typed by @types/aws-lambda;
 * absent outside Lambda) (https://docs.aws.amazon.com/lambda/latest/dg/config-rs-write-functions.html).
 */
function lambdaRuntime(): typeof awslambda | undefined {
  return (globalThis as { awslambda?: typeof awslambda }).awslambda;
}

async function writeResponse(stream: Writable, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const out = lambdaRuntime()!.HttpResponseStream.from(stream, { statusCode: response.status, headers });
  if (response.body) {
    for await (const chunk of response.body) {
      if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
    }
  }
  await new Promise<void>((resolve) => out.end(resolve));
}

/**
 * The opt-in streaming integration (API Gateway `response_transfer_mode = STREAM`, Lambda invoked
 * with InvokeWithResponseStream): MCP responses, SSE included, reach the client as they are
 * written, which carries progress notifications and lets tools outlive the 29 s buffered limit
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode-lambda.html).
 * Other routes are answered by the buffered handler and written in one piece.
 */
export function createStreamingHandler(endpoint: McpEndpoint, buffered: (event: ProxyEvent, context: Context) => Promise<ProxyResult>): unknown {
  const runtime = lambdaRuntime();
  if (!runtime) throw new Error('STREAMING_ENABLED=true needs the Lambda Node.js runtime (global awslambda is missing)');
  return runtime.streamifyResponse(async (event, responseStream, context) => {
    recordInvocation();
    if (isMcpPost(event)) {
      await writeResponse(responseStream, await endpoint(mcpRequestFromProxyEvent(event), authInfoFromAuthorizer(event.requestContext?.authorizer)));
      return;
    }
    const result = await buffered(event, context);
    const body = Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8');
    const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]));
    await writeResponse(responseStream, new Response(body.length > 0 ? body : null, { status: result.statusCode, headers }));
  });
}
