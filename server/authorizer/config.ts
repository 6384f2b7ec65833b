/**
 * Typed configuration of the authorizer function, read once per execution environment from the
 * variables Terraform (or the embedded stack, from the same Terraform variables) sets. A bad
 * configuration fails the Lambda init with a message naming every problem at once; API Gateway then
 * answers 500 (AUTHORIZER_FAILURE) instead of letting anyone in.
 */
import { commaList, type Env } from '../env.ts';
import { isAsymmetricAlgorithm, SUPPORTED_ALGORITHMS } from './algorithms.ts';
import { isBearerTokenSyntax } from './bearer.ts';

export type AuthMode = 'static' | 'jwt';
export type AudienceClaim = 'aud' | 'client_id';

export interface StaticAuthConfig {
  readonly mode: 'static';
  /** The accepted bearer tokens (Terraform's sensitive `static_tokens`). Never logged. */
  readonly tokens: readonly string[];
}

export interface JwtAuthConfig {
  readonly mode: 'jwt';
  /** Exact `iss` the tokens must carry. */
  readonly issuer: string;
  readonly jwksUrl: URL;
  /** Accepted audience values: the MCP endpoint's resource URI (RFC 8707), optionally more. */
  readonly audience: readonly string[];
  /**
   * The claim holding the audience: `aud` (RFC 7519/9068, Auth0, Entra ID, Okta) or `client_id`
   * for issuers whose access tokens carry no `aud` (Amazon Cognito user pools).
   */
  readonly audienceClaim: AudienceClaim;
  /** Scopes every token must carry; missing ones make the authorizer Deny (403). */
  readonly requiredScopes: readonly string[];
  /** JWS `alg` allow-list; asymmetric algorithms only (never `none`, never HS*). */
  readonly allowedAlgorithms: readonly string[];
  readonly clockToleranceSeconds: number;
  /** Per-request timeout of the JWKS fetch. */
  readonly jwksTimeoutMs: number;
  /** How long a fetched JWKS is used before it is fetched again. */
  readonly jwksCacheMaxAgeMs: number;
  /** Minimum time between refetches triggered by an unknown `kid` (abuse guard). */
  readonly jwksCooldownMs: number;
}

export type AuthorizerConfig = StaticAuthConfig | JwtAuthConfig;

export const DEFAULT_ALLOWED_ALGORITHMS = ['RS256', 'ES256'] as const;
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;
export const DEFAULT_JWKS_TIMEOUT_MS = 3000;
export const DEFAULT_JWKS_CACHE_MAX_AGE_MS = 10 * 60 * 1000;
export const DEFAULT_JWKS_COOLDOWN_MS = 30 * 1000;

export class AuthorizerConfigError extends Error {
  override readonly name = 'AuthorizerConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid authorizer configuration: ${problems.join('; ')}`);
  }
}

function text(value: string | undefined): string {
  return (value ?? '').trim();
}

function parseStaticTokens(raw: string | undefined, problems: string[]): string[] {
  if (text(raw) === '') {
    problems.push('STATIC_TOKENS is required when AUTH_MODE=static (a JSON array of bearer tokens)');
    return [];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw!);
  } catch {
    // Never echo the value: it holds secrets.
    problems.push('STATIC_TOKENS is not valid JSON (expected a JSON array of strings)');
    return [];
  }
  if (!Array.isArray(parsed) || !parsed.every((token) => typeof token === 'string')) {
    problems.push('STATIC_TOKENS must be a JSON array of strings');
    return [];
  }
  const tokens = parsed as string[];
  if (tokens.length === 0) problems.push('STATIC_TOKENS must hold at least one token');
  tokens.forEach((token, index) => {
    if (!isBearerTokenSyntax(token)) {
      problems.push(
        `STATIC_TOKENS[${index}] is not a valid bearer token (RFC 6750 b64token: A-Z a-z 0-9 - . _ ~ + / then optional =)`,
      );
    }
  });
  return tokens;
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

function parseJwksUrl(env: Env, problems: string[]): URL | undefined {
  const raw = text(env.JWT_JWKS_URL);
  if (raw === '') {
    problems.push('JWT_JWKS_URL is required when AUTH_MODE=jwt');
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    problems.push(`JWT_JWKS_URL is not a URL: ${raw}`);
    return undefined;
  }
  const insecureAllowed = env.JWT_JWKS_ALLOW_HTTP === 'true';
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !insecureAllowed) {
    problems.push(
      'JWT_JWKS_URL must use https (http is accepted for loopback hosts, or with JWT_JWKS_ALLOW_HTTP=true)',
    );
  } else if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    problems.push(`JWT_JWKS_URL must be an http(s) URL: ${raw}`);
  }
  return url;
}

function parseAlgorithms(raw: string | undefined, problems: string[]): string[] {
  const algorithms = text(raw) === '' ? [...DEFAULT_ALLOWED_ALGORITHMS] : commaList(raw);
  for (const alg of algorithms) {
    if (alg.toLowerCase() === 'none' || /^HS\d+$/i.test(alg)) {
      problems.push(
        `JWT_ALLOWED_ALGORITHMS must not contain ${alg}: only asymmetric algorithms verify against a public JWKS`,
      );
    } else if (!isAsymmetricAlgorithm(alg)) {
      problems.push(
        `JWT_ALLOWED_ALGORITHMS contains unsupported algorithm ${alg} (supported: ${SUPPORTED_ALGORITHMS.join(', ')})`,
      );
    }
  }
  if (algorithms.length === 0) problems.push('JWT_ALLOWED_ALGORITHMS must not be empty');
  return algorithms;
}

function positiveInteger(name: string, raw: string | undefined, fallback: number, problems: string[]): number {
  if (text(raw) === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    problems.push(`${name} must be a positive integer, got ${raw}`);
    return fallback;
  }
  return value;
}

function readJwtConfig(env: Env, problems: string[]): JwtAuthConfig {
  const issuer = text(env.JWT_ISSUER);
  if (issuer === '') problems.push('JWT_ISSUER is required when AUTH_MODE=jwt');
  const audience = commaList(env.JWT_AUDIENCE);
  if (audience.length === 0)
    problems.push('JWT_AUDIENCE is required when AUTH_MODE=jwt (the MCP endpoint URL, RFC 8707)');
  const jwksUrl = parseJwksUrl(env, problems);
  const audienceClaim = text(env.JWT_AUDIENCE_CLAIM) || 'aud';
  if (audienceClaim !== 'aud' && audienceClaim !== 'client_id') {
    problems.push(`JWT_AUDIENCE_CLAIM must be "aud" or "client_id", got "${audienceClaim}"`);
  }
  return {
    mode: 'jwt',
    issuer,
    jwksUrl: jwksUrl ?? new URL('https://invalid.invalid/'),
    audience,
    audienceClaim: audienceClaim === 'client_id' ? 'client_id' : 'aud',
    requiredScopes: commaList(env.JWT_REQUIRED_SCOPES),
    allowedAlgorithms: parseAlgorithms(env.JWT_ALLOWED_ALGORITHMS, problems),
    clockToleranceSeconds: DEFAULT_CLOCK_TOLERANCE_SECONDS,
    jwksTimeoutMs: positiveInteger('JWT_JWKS_TIMEOUT_MS', env.JWT_JWKS_TIMEOUT_MS, DEFAULT_JWKS_TIMEOUT_MS, problems),
    jwksCacheMaxAgeMs: DEFAULT_JWKS_CACHE_MAX_AGE_MS,
    jwksCooldownMs: DEFAULT_JWKS_COOLDOWN_MS,
  };
}

/**
 * Reads `AUTH_MODE` (static | jwt, default static), `STATIC_TOKENS` (JSON array), and for jwt
 * `JWT_ISSUER`, `JWT_JWKS_URL`, `JWT_AUDIENCE` (comma-separated), `JWT_REQUIRED_SCOPES`
 * (comma-separated), `JWT_ALLOWED_ALGORITHMS` (comma-separated, default RS256,ES256),
 * `JWT_AUDIENCE_CLAIM` (aud | client_id, default aud), `JWT_JWKS_TIMEOUT_MS` (default 3000),
 * `JWT_JWKS_ALLOW_HTTP` (true to allow a plain-http JWKS URL on a non-loopback host). Throws {@link AuthorizerConfigError} listing every problem.
 */
export function readAuthorizerConfig(env: Env = process.env): AuthorizerConfig {
  const problems: string[] = [];
  const mode = text(env.AUTH_MODE).toLowerCase() || 'static';
  let config: AuthorizerConfig;
  if (mode === 'static') {
    config = { mode: 'static', tokens: parseStaticTokens(env.STATIC_TOKENS, problems) };
  } else if (mode === 'jwt') {
    config = readJwtConfig(env, problems);
  } else {
    throw new AuthorizerConfigError([`AUTH_MODE must be "static" or "jwt", got "${env.AUTH_MODE}"`]);
  }
  if (problems.length > 0) throw new AuthorizerConfigError(problems);
  return config;
}

/** Checks a config built in code (tests, the embedded stack) with the same rules as the env path. */
export function validateAuthorizerConfig(config: AuthorizerConfig): AuthorizerConfig {
  const problems: string[] = [];
  if (config.mode === 'static') {
    if (config.tokens.length === 0) problems.push('static mode needs at least one token');
    config.tokens.forEach((token, index) => {
      if (!isBearerTokenSyntax(token)) problems.push(`tokens[${index}] is not a valid bearer token`);
    });
  } else {
    if (config.issuer === '') problems.push('jwt mode needs an issuer');
    if (config.audience.length === 0) problems.push('jwt mode needs an audience');
    if (config.audienceClaim !== 'aud' && config.audienceClaim !== 'client_id')
      problems.push('audienceClaim must be aud or client_id');
    if (config.allowedAlgorithms.length === 0) problems.push('jwt mode needs at least one algorithm');
    for (const alg of config.allowedAlgorithms) {
      if (!isAsymmetricAlgorithm(alg)) problems.push(`algorithm ${alg} is not allowed (asymmetric algorithms only)`);
    }
  }
  if (problems.length > 0) throw new AuthorizerConfigError(problems);
  return config;
}
