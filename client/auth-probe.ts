/**
 * Raw-HTTP checks of the endpoint's authorization surface (MCP spec 2025-06-18 onward, "Authorization"):
 * a call without a token is refused with 401 and a `WWW-Authenticate` challenge naming the RFC 9728
 * protected resource metadata, a wrong token is refused, and that metadata document is served
 * without auth with the fields RFC 9728 defines.
 */
import { randomBytes } from 'node:crypto';
import type { CheckOutcome } from './checks.ts';

const INITIALIZE_BODY = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 'stateless-mcp-smoke', version: '0.1.0' },
  },
});

function post(url: URL, timeoutMs: number, authorization?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(authorization ? { authorization } : {}),
    },
    body: INITIALIZE_BODY,
    signal: AbortSignal.timeout(timeoutMs),
  });
}

/** The `resource_metadata` parameter of a Bearer challenge (RFC 9728 section 5.1), quoted or not. */
export function resourceMetadataFrom(challenge: string): string | undefined {
  const match = /resource_metadata\s*=\s*(?:"([^"]*)"|([^\s,]+))/i.exec(challenge);
  return match?.[1] ?? match?.[2];
}

export interface UnauthenticatedProbe extends CheckOutcome {
  readonly metadataUrl?: string;
}

export async function probeWithoutToken(url: URL, timeoutMs: number): Promise<UnauthenticatedProbe> {
  const response = await post(url, timeoutMs);
  await response.body?.cancel();
  const challenge = response.headers.get('www-authenticate');
  if (response.status !== 401) {
    const why = response.ok
      ? "the endpoint answered without a token: the authorizer is not enforced (LocalStack's free edition never invokes authorizers: use --expect-auth off there)"
      : `expected 401 without a token, got HTTP ${response.status}`;
    return { status: 'fail', detail: why };
  }
  if (!challenge) {
    const remapped = response.headers.get('x-amzn-remapped-www-authenticate');
    return {
      status: 'fail',
      detail: remapped
        ? '401 carries x-amzn-Remapped-WWW-Authenticate only: API Gateway renames a challenge sent by the Lambda; send it from the UNAUTHORIZED gateway response'
        : '401 without a WWW-Authenticate header: clients cannot discover how to authorize (configure the UNAUTHORIZED gateway response)',
    };
  }
  const metadataUrl = resourceMetadataFrom(challenge);
  if (!/^Bearer\b/i.test(challenge.trim()) || metadataUrl === undefined) {
    return { status: 'fail', detail: `WWW-Authenticate lacks a Bearer resource_metadata= parameter: ${challenge}` };
  }
  return { status: 'pass', detail: `401, WWW-Authenticate: ${challenge}`, metadataUrl };
}

export async function probeWrongToken(url: URL, timeoutMs: number): Promise<CheckOutcome> {
  const response = await post(url, timeoutMs, `Bearer smoke-invalid-${randomBytes(12).toString('hex')}`);
  await response.body?.cancel();
  if (response.status === 401 || response.status === 403) return { status: 'pass', detail: `HTTP ${response.status}` };
  return { status: 'fail', detail: `a made-up token was not refused: HTTP ${response.status}` };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function sameResource(a: string, b: string): boolean {
  const normalise = (s: string): string => {
    try {
      const url = new URL(s);
      url.hash = '';
      return url.href.replace(/\/$/, '');
    } catch {
      return s;
    }
  };
  return normalise(a) === normalise(b);
}

/** Fetches and checks the RFC 9728 protected resource metadata document, without credentials. */
export async function checkResourceMetadata(
  metadataUrl: string,
  endpoint: URL,
  timeoutMs: number,
): Promise<CheckOutcome> {
  let target: URL;
  try {
    target = new URL(metadataUrl, endpoint);
  } catch {
    return { status: 'fail', detail: `resource_metadata is not a URL: ${metadataUrl}` };
  }
  const response = await fetch(target, {
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  if (!response.ok)
    return {
      status: 'fail',
      detail: `GET ${target.href} answered HTTP ${response.status} (it must be served without auth)`,
    };
  let document: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    document = parsed as Record<string, unknown>;
  } catch {
    return { status: 'fail', detail: `${target.href} is not a JSON object` };
  }

  const problems: string[] = [];
  // RFC 9728 section 2: `resource` is REQUIRED; section 3.3: it must be the resource the client asked about.
  if (typeof document.resource !== 'string') problems.push('`resource` is missing');
  else if (!sameResource(document.resource, endpoint.href)) {
    problems.push(
      `\`resource\` is ${document.resource}, not the endpoint ${endpoint.href} (RFC 9728 section 3.3: clients must reject it)`,
    );
  }
  for (const field of [
    'authorization_servers',
    'scopes_supported',
    'bearer_methods_supported',
    'resource_signing_alg_values_supported',
  ] as const) {
    if (field in document && !isStringArray(document[field])) problems.push(`\`${field}\` is not an array of strings`);
  }
  if (isStringArray(document.bearer_methods_supported)) {
    const unknown = document.bearer_methods_supported.filter((m) => !['header', 'body', 'query'].includes(m));
    if (unknown.length > 0) problems.push(`\`bearer_methods_supported\` has unknown values ${unknown.join(', ')}`);
  }
  if (problems.length > 0) return { status: 'fail', detail: problems.join('; ') };

  const servers = isStringArray(document.authorization_servers) ? document.authorization_servers : [];
  if (servers.length === 0) {
    return {
      status: 'warn',
      detail:
        'valid, but lists no authorization_servers: fine for static tokens, OAuth clients cannot discover where to get a token',
    };
  }
  return {
    status: 'pass',
    detail: `resource ${String(document.resource)}, authorization servers ${servers.join(', ')}`,
  };
}
