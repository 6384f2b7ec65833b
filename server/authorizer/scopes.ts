/**
 * Scopes granted by an access token: `scope` is a space-separated string (RFC 8693 section 4.2,
 * RFC 9068 section 2.2.3; Cognito, Auth0); `scp` is an array (Okta) or a space-separated string
 * (Entra ID).
 */
function words(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter((scope) => scope.length > 0);
  if (Array.isArray(value))
    return value.filter((scope): scope is string => typeof scope === 'string' && scope.length > 0);
  return [];
}

export function scopesFromClaims(claims: Readonly<Record<string, unknown>>): string[] {
  return [...new Set([...words(claims.scope), ...words(claims.scp)])];
}

export function missingScopes(granted: readonly string[], required: readonly string[]): string[] {
  const have = new Set(granted);
  return required.filter((scope) => !have.has(scope));
}
