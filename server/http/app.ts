import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { ServerConfig } from '../config.ts';
import { authInfoFromAuthorizer } from '../gateway/authorizer-context.ts';
import { JSON_RPC, sendJsonRpcError } from './json-rpc-error.ts';
import { MAX_REQUEST_BODY_BYTES } from './configured-endpoint.ts';
import type { McpEndpoint } from './mcp-endpoint.ts';
import { corsResponseHeaders } from './cors.ts';
import { METADATA_PATHS, METADATA_VARY, protectedResourceMetadata } from './protected-resource-metadata.ts';
import { isWellFormedHost } from './request-host.ts';
import { readRequestBody, requestHeaders, requestUrl } from './node-request.ts';
import { sendWebResponse } from './web-response.ts';

export interface AppHooks {
  /** Reports errors the SDK handled itself (rejected requests, transport faults). */
  readonly onError?: (error: Error) => void;
  /** The MCP endpoint to serve (configured-endpoint.ts). */
  readonly endpoint: McpEndpoint;
}

function methodNotAllowed(_req: Request, res: Response): void {
  // Stateless Streamable HTTP: no standalone SSE stream (GET) and no session to delete (DELETE).
  sendJsonRpcError(
    res,
    405,
    JSON_RPC.invalidRequest,
    'Method not allowed: this stateless endpoint accepts POST only.',
    { Allow: 'POST' },
  );
}

/**
 * The HTTP face of the MCP function: one POST route serving both protocol eras (2026-07-28 through
 * the SDK's modern path, 2025-era clients through its stateless legacy fallback), plus the
 * unauthenticated health and RFC 9728 metadata routes. Built once per execution environment.
 */
export function createApp(config: ServerConfig, hooks: AppHooks): Express {
  const serveMcp = hooks.endpoint;

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');

  app.use((req: Request, res: Response, next: NextFunction) => {
    // A Host that is not host[:port] (userinfo, a path) is the client's error, and must not end up
    // in a URL (the metadata's resource) or a stack trace.
    const host = req.headers.host;
    if (host !== undefined && !isWellFormedHost(host)) {
      if (req.path === '/mcp')
        return sendJsonRpcError(res, 400, JSON_RPC.invalidRequest, 'Bad Request: malformed Host header');
      res.status(400).json({ message: 'Bad Request: malformed Host header' });
      return;
    }
    for (const [name, value] of corsResponseHeaders(req.headers.origin, config.corsAllowedOrigins))
      res.append(name, value);
    next();
  });

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', logStream: config.logStreamName });
  });

  app.get(METADATA_PATHS, (req, res) => {
    res.set('Cache-Control', 'max-age=300').append('Vary', METADATA_VARY).json(protectedResourceMetadata(req, config));
  });

  app.post('/mcp', (req: Request, res: Response, next: NextFunction) => {
    // Cancel the MCP exchange only if the client goes away before the response is complete;
    // aborting a finished exchange costs an AbortError per request.
    const abort = new AbortController();
    let finished = false;
    res.once('finish', () => {
      finished = true;
    });
    res.once('close', () => {
      if (!finished) abort.abort();
    });
    readRequestBody(req, MAX_REQUEST_BODY_BYTES)
      .then(async (body) => {
        if (body === undefined) return sendJsonRpcError(res, 413, JSON_RPC.invalidRequest, 'Request body too large');
        const request = {
          url: requestUrl(req),
          method: 'POST',
          headers: requestHeaders(req),
          body: body.toString('utf8'),
          signal: abort.signal,
        };
        await sendWebResponse(res, await serveMcp(request, authInfoFromAuthorizer(req.requestContext?.authorizer)));
      })
      .catch(next);
  });
  app.all('/mcp', methodNotAllowed);

  app.use((_req: Request, res: Response) => {
    res.status(404).json({ message: 'Not Found' });
  });
  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    hooks.onError?.(error);
    if (res.headersSent) return;
    sendJsonRpcError(res, 500, JSON_RPC.internalError, 'Internal error');
  });
  return app;
}
