import type { AuthInfo } from '@modelcontextprotocol/server';
import type { AuthorizerContext } from './proxy-event.ts';

/**
 * Keys of the context our authorizer returns. API Gateway passes only string, number and boolean
 * values through to `requestContext.authorizer`, so scopes travel space-separated (as in OAuth).
 */
export const AUTH_CONTEXT_KEYS = {
  principal: 'principalId',
  clientId: 'clientId',
  scopes: 'scope',
  authMode: 'authMode',
} as const;

/** The MCP SDK's view of the caller, built from what the API Gateway authorizer established. */
export function authInfoFromAuthorizer(context: AuthorizerContext | null | undefined): AuthInfo | undefined {
  if (!context) return undefined;
  const text = (key: string): string => {
    const value = context[key];
    return value === undefined || value === null ? '' : String(value);
  };
  const principal = text(AUTH_CONTEXT_KEYS.principal);
  if (principal === '') return undefined;
  return {
    // The gateway never forwards the bearer token to the integration, and neither do we.
    token: '',
    clientId: text(AUTH_CONTEXT_KEYS.clientId),
    scopes: text(AUTH_CONTEXT_KEYS.scopes)
      .split(' ')
      .filter((scope) => scope.length > 0),
    extra: { principal, authMode: text(AUTH_CONTEXT_KEYS.authMode) || undefined },
  };
}
