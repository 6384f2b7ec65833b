import type { ServerContext } from '@modelcontextprotocol/server';

/**
 * The authenticated caller, as the API Gateway authorizer established it (its policy context's
 * principal, else the client id). Tasks and signed requestState are bound to it, so another
 * caller that learns an id or a state gets nothing.
 */
export function ownerOf(ctx: ServerContext): string {
  const auth = ctx.http?.authInfo;
  const principal = (auth?.extra as { principal?: unknown } | undefined)?.principal;
  return typeof principal === 'string' ? principal : (auth?.clientId ?? '');
}
