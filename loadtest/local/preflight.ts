/**
 * Before a scenario runs: is the server there, and does it take the token? One MCP `ping`
 * request (2025-11-25, which a stateless server answers without a handshake), so a wrong URL, a
 * stopped stack or a rejected token fails in a second with a reason instead of after a whole run.
 */

export class PreflightError extends Error {
  override readonly name = 'PreflightError';
}

/** A token pasted with its scheme ("Bearer abc…") would be sent as "Bearer Bearer abc…". */
export function checkTokenShape(token: string | undefined): void {
  if (token && /^bearer\s/i.test(token.trim())) {
    throw new PreflightError(
      'the token starts with "Bearer ": pass the token alone (MCP_TOKEN=abc…), the driver adds the scheme',
    );
  }
}

function snippet(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

export async function preflight(url: string, token: string | undefined, timeoutMs = 10_000): Promise<void> {
  checkTokenShape(token);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2025-11-25',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 'preflight', method: 'ping' }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new PreflightError(
      `cannot reach ${url} (${cause}): is the stack running? Start it with \`npm start\`, or pass --embedded`,
    );
  }
  const body = await response.text();
  if (response.ok) return;
  const status = response.status;
  if (status === 401) {
    throw new PreflightError(
      token
        ? `HTTP 401 from ${url}: the token was rejected. Use the one the stack accepts (npm start: .local/dev-token)`
        : `HTTP 401 from ${url}: no token. Set MCP_TOKEN (npm start keeps its token in .local/dev-token)`,
    );
  }
  if (status === 403 && /Missing Authentication Token/i.test(body)) {
    throw new PreflightError(
      `HTTP 403 Missing Authentication Token from ${url}: no such route; the URL should end in /<stage>/mcp`,
    );
  }
  if (status === 403)
    throw new PreflightError(`HTTP 403 from ${url}: the authorizer denied the token (${snippet(body)})`);
  if (status === 404) throw new PreflightError(`HTTP 404 from ${url}: wrong URL; it should end in /<stage>/mcp`);
  throw new PreflightError(`HTTP ${status} from ${url} before the run: ${snippet(body)}`);
}
