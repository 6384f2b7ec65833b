import type { Request } from 'express';
import type { ServerConfig } from '../config.ts';
import { forwardedProto } from './request-host.ts';

export const METADATA_PATH = '/.well-known/oauth-protected-resource';
/**
 * Where RFC 9728 section 3.1 puts the metadata of a resource with a path: the well-known segment
 * inserted before `/mcp`. Behind a custom domain that is where clients look first.
 */
export const METADATA_PATHS = [METADATA_PATH, `${METADATA_PATH}/mcp`];

/** The answer depends on these request headers: caches must key on them (RFC 9110 section 12.5.5). */
export const METADATA_VARY = 'Host, X-Forwarded-Proto';

/**
 * The MCP endpoint's resource URI (RFC 8707), derived from the request because a Lambda cannot know
 * its own invoke URL without a dependency cycle. Behind API Gateway `requestContext.path` is the
 * path the client used, stage (or custom-domain base path) included; the scheme and host are read
 * as server/http/request-host.ts explains (the caller has checked that `Host` is well formed).
 */
export function resourceUrl(req: Request): string {
  const proto = forwardedProto(req.get('x-forwarded-proto'));
  const host = req.get('host') ?? 'localhost';
  const clientPath: string = req.requestContext?.path ?? req.path;
  const at = clientPath.indexOf(METADATA_PATH);
  const base = at >= 0 ? clientPath.slice(0, at) : '';
  return `${proto}://${host}${base}/mcp`;
}

/** RFC 9728 section 2 metadata for this resource server. */
export function protectedResourceMetadata(req: Request, config: ServerConfig): Record<string, unknown> {
  return {
    resource: resourceUrl(req),
    authorization_servers: config.authorizationServers,
    scopes_supported: config.scopesSupported,
    bearer_methods_supported: ['header'],
    resource_name: 'Stateless MCP on AWS Lambda',
  };
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by serverless-http from the API Gateway event. */
    requestContext?: {
      path?: string;
      authorizer?: Record<string, string | number | boolean | null | undefined> | null;
    };
  }
}
