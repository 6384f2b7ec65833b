/**
 * Options shared by every command, resolved against the environment in one place so that the CLI,
 * the Docker image and the tests agree on defaults.
 */

/** Protocol revisions the client can speak, newest first. */
export const PROTOCOL_VERSIONS = ['2026-07-28', '2025-11-25', '2025-06-18', '2025-03-26'] as const;
export type ProtocolVersion = (typeof PROTOCOL_VERSIONS)[number];

/**
 * 2025-11-25 through the v1 SDK (`@modelcontextprotocol/sdk`) by default: most MCP clients deployed
 * today are built on the 1.x SDK, so that is the traffic a server sees first.
 */
export const DEFAULT_PROTOCOL: ProtocolVersion = '2025-11-25';

export const EXPECT_AUTH_MODES = ['on', 'off', 'auto'] as const;
export type ExpectAuthMode = (typeof EXPECT_AUTH_MODES)[number];

/** A little above API Gateway's 29 s integration timeout, so the gateway's 504 wins over ours. */
export const DEFAULT_TIMEOUT_MS = 30_000;

export const ENV_URL = 'MCP_SERVER_ENDPOINT';
export const ENV_TOKEN = 'MCP_TOKEN';

/** Raw option values as commander hands them over. */
export interface CommonOptionValues {
  readonly url?: string | undefined;
  readonly token?: string | undefined;
  readonly timeout?: number | undefined;
  readonly json?: boolean | undefined;
  readonly protocol?: string | undefined;
  readonly expectAuth?: string | undefined;
}

export interface ClientConfig {
  readonly url: URL;
  /** Never printed. */
  readonly token: string | undefined;
  readonly timeoutMs: number;
  readonly json: boolean;
  readonly protocol: ProtocolVersion;
  /** Whether the endpoint is expected to refuse unauthenticated calls (resolved from `--expect-auth`). */
  readonly expectAuth: boolean;
  readonly expectAuthMode: ExpectAuthMode;
}

/** A mistake in how the CLI was called: exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function isProtocolVersion(value: string): value is ProtocolVersion {
  return (PROTOCOL_VERSIONS as readonly string[]).includes(value);
}

export function usesModernClient(protocol: ProtocolVersion): boolean {
  return protocol === '2026-07-28';
}

/** Human description of the SDK client a protocol choice selects. */
export function clientDescription(protocol: ProtocolVersion): string {
  return usesModernClient(protocol)
    ? '@modelcontextprotocol/client 2.x (v2 SDK), server/discover'
    : '@modelcontextprotocol/sdk 1.x (v1 SDK), initialize';
}

export function parseEndpointUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(
      `--url '${raw}' is not a URL; expected e.g. https://<api-id>.execute-api.<region>.amazonaws.com/<stage>/mcp`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url must be http(s), got ${url.protocol}`);
  }
  return url;
}

export function resolveConfig(options: CommonOptionValues, env: NodeJS.ProcessEnv = process.env): ClientConfig {
  const rawUrl = options.url ?? env[ENV_URL];
  if (!rawUrl) throw new UsageError(`no endpoint: pass --url or set ${ENV_URL}`);
  const url = parseEndpointUrl(rawUrl);

  const token = (options.token ?? env[ENV_TOKEN]) || undefined;
  if (token && /^bearer\s/i.test(token.trim())) {
    throw new UsageError(
      `the token starts with "Bearer ": set ${ENV_TOKEN} to the token alone; the client sends "Authorization: Bearer <token>" itself`,
    );
  }

  const protocol = options.protocol ?? DEFAULT_PROTOCOL;
  if (!isProtocolVersion(protocol)) throw new UsageError(`--protocol must be one of ${PROTOCOL_VERSIONS.join(', ')}`);

  const mode = options.expectAuth ?? 'auto';
  if (!(EXPECT_AUTH_MODES as readonly string[]).includes(mode))
    throw new UsageError(`--expect-auth must be one of ${EXPECT_AUTH_MODES.join(', ')}`);
  const expectAuthMode = mode as ExpectAuthMode;
  const expectAuth = expectAuthMode === 'on' || (expectAuthMode === 'auto' && token !== undefined);
  if (expectAuthMode === 'on' && token === undefined) {
    throw new UsageError(`--expect-auth on needs a token to call the endpoint with: pass --token or set ${ENV_TOKEN}`);
  }

  const timeoutMs = options.timeout ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    throw new UsageError('--timeout must be a positive number of milliseconds');

  return { url, token, timeoutMs, json: options.json ?? false, protocol, expectAuth, expectAuthMode };
}
