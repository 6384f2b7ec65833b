/**
 * Turns whatever went wrong (a socket error, an API Gateway answer, an SDK error of either SDK
 * generation, a JSON-RPC error) into a kind, a one-line message and a hint that says what to fix.
 */
import { networkErrorCode, type HttpExchange } from './http-observer.ts';

export const EXIT_CODES = {
  ok: 0,
  checksFailed: 1,
  usage: 2,
  unreachable: 3,
  authRejected: 4,
} as const;
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

export type FailureKind =
  | 'unreachable'
  | 'wrong-url'
  | 'auth'
  | 'throttled'
  | 'server-error'
  | 'timeout'
  | 'protocol'
  | 'tool-error'
  | 'other';

export interface Diagnosis {
  readonly kind: FailureKind;
  readonly message: string;
  readonly hint: string;
  readonly exitCode: ExitCode;
  readonly httpStatus?: number;
}

export interface DiagnoseContext {
  readonly url: URL;
  readonly tokenGiven: boolean;
  readonly timeoutMs: number;
  /** `connect` failures mean nothing else can run; a timeout there is "cannot connect". */
  readonly phase: 'connect' | 'request';
  /** What the HTTP layer last saw fail, when the error itself does not say. */
  readonly exchange?: HttpExchange | undefined;
}

/** The diagnosis context of a command: its target, and what its HTTP observer last saw fail. */
export function contextFor(
  config: { readonly url: URL; readonly token?: string | undefined; readonly timeoutMs: number },
  observer: { readonly lastFailure: HttpExchange | undefined },
): (phase: DiagnoseContext['phase']) => DiagnoseContext {
  return (phase) => ({
    url: config.url,
    tokenGiven: config.token !== undefined,
    timeoutMs: config.timeoutMs,
    phase,
    exchange: observer.lastFailure,
  });
}

const URL_SHAPE = 'an API Gateway endpoint looks like https://<api-id>.execute-api.<region>.amazonaws.com/<stage>/mcp';

const WRONG_URL_HINT =
  'check --url; API Gateway answers 403 Missing Authentication Token for an unknown path or stage, ' +
  `and the MCP route is <stage>/mcp (${URL_SHAPE}; \`npm start\` prints the local one)`;

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : JSON.stringify(error);
}

/** HTTP status carried by the error itself, across v1 (`StreamableHTTPError.code`) and v2 (`SdkHttpError.status`, or the message). */
export function statusFromError(error: unknown): number | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const candidate = error as {
    status?: unknown;
    code?: unknown;
    data?: { status?: unknown };
    name?: unknown;
    message?: unknown;
  };
  const isHttpStatus = (value: unknown): value is number =>
    typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599;
  if (isHttpStatus(candidate.status)) return candidate.status;
  if (isHttpStatus(candidate.data?.status)) return candidate.data.status;
  const message = typeof candidate.message === 'string' ? candidate.message : '';
  // v1: `new StreamableHTTPError(status, ...)` puts the HTTP status in `code`; JSON-RPC codes are negative.
  if (isHttpStatus(candidate.code) && message.startsWith('Streamable HTTP error')) return candidate.code;
  const match = /\(HTTP (\d{3})\)|\bHTTP (\d{3})\b|returned (\d{3})\b/.exec(message);
  const digits = match?.[1] ?? match?.[2] ?? match?.[3];
  return digits ? Number(digits) : undefined;
}

function isTimeout(error: unknown): boolean {
  const candidate = error as { code?: unknown; name?: unknown; message?: unknown } | null;
  if (!candidate || typeof candidate !== 'object') return false;
  // v1: McpError(ErrorCode.RequestTimeout = -32001); v2: SdkError('REQUEST_TIMEOUT'); fetch: TimeoutError.
  return candidate.code === -32001 || candidate.code === 'REQUEST_TIMEOUT' || candidate.name === 'TimeoutError';
}

/** A JSON-RPC error answered by the server (negative integer code), from either SDK. */
function jsonRpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' && Number.isInteger(code) && code < 0 && code !== -1 ? code : undefined;
}

function describeNetwork(code: string | undefined, url: URL): { message: string; hint: string } {
  const where = `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
  switch (code) {
    case 'ECONNREFUSED':
      return {
        message: `cannot connect to ${where}: connection refused (nothing is listening there)`,
        hint: `check --url: is the server running on that host and port? (\`npm start\` prints the local endpoint; ${URL_SHAPE})`,
      };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return {
        message: `cannot resolve host name '${url.hostname}' (${code})`,
        hint: `check --url for a typo in the host name (${URL_SHAPE})`,
      };
    default:
      if (code && /CERT|TLS|SELF_SIGNED|UNABLE_TO/.test(code)) {
        return {
          message: `TLS handshake with ${where} failed (${code})`,
          hint: 'check --url: the scheme (http/https) and host must match the certificate',
        };
      }
      return {
        message: `cannot connect to ${where}${code ? ` (${code})` : ''}`,
        hint: `check --url and the network path to the server (${URL_SHAPE})`,
      };
  }
}

function gatewayMessage(snippet: string | undefined): string | null | undefined {
  if (!snippet) return undefined;
  try {
    const body = JSON.parse(snippet) as { message?: unknown; Message?: unknown };
    const value = body.message ?? body.Message;
    return typeof value === 'string' || value === null ? value : undefined;
  } catch {
    return undefined;
  }
}

function fromHttpStatus(status: number, snippet: string | undefined, ctx: DiagnoseContext): Diagnosis {
  const gateway = gatewayMessage(snippet);
  const said = gateway ? `: ${gateway}` : '';
  if (status === 404 || (status === 403 && /Missing Authentication Token/i.test(snippet ?? ''))) {
    return {
      kind: 'wrong-url',
      httpStatus: status,
      message: `HTTP ${status}${said || (status === 404 ? ': Not Found' : '')} from ${ctx.url.href}`,
      hint: WRONG_URL_HINT,
      exitCode: EXIT_CODES.unreachable,
    };
  }
  if (status === 401) {
    return {
      kind: 'auth',
      httpStatus: status,
      message: `HTTP 401 Unauthorized${ctx.tokenGiven ? ': the token was rejected' : ': the endpoint requires a bearer token'}`,
      hint: ctx.tokenGiven
        ? 'check --token (or MCP_TOKEN): it must be a token the API Gateway authorizer accepts (`npm start` keeps the local one in .local/dev-token)'
        : 'pass --token or set MCP_TOKEN (the API Gateway authorizer refuses calls without one)',
      exitCode: EXIT_CODES.authRejected,
    };
  }
  if (status === 403) {
    return {
      kind: 'auth',
      httpStatus: status,
      message: `HTTP 403 Forbidden${said}`,
      hint: 'check --token (or MCP_TOKEN): the authorizer denied it (explicit Deny); the token may be for another audience or lack a scope',
      exitCode: EXIT_CODES.authRejected,
    };
  }
  if (status === 405) {
    return {
      kind: 'wrong-url',
      httpStatus: status,
      message: `HTTP 405 Method Not Allowed from ${ctx.url.href}`,
      hint: `check --url: it does not accept MCP POSTs (${URL_SHAPE})`,
      exitCode: EXIT_CODES.unreachable,
    };
  }
  if (status === 429) {
    return {
      kind: 'throttled',
      httpStatus: status,
      message: `HTTP 429 Too Many Requests${said}`,
      hint: 'the stage throttle or the function concurrency limit was hit: send fewer requests in parallel, or raise throttling_* / reserved concurrency in Terraform',
      exitCode: EXIT_CODES.checksFailed,
    };
  }
  if (status >= 500) {
    let hint = "server error: read the MCP function's CloudWatch logs (or the embedded stack's log streams)";
    if (status === 500 && gateway === null)
      hint =
        'server error: the API Gateway authorizer failed (500 {"message":null}); read the authorizer function\'s logs';
    else if (status === 502)
      hint = 'server error: the Lambda function crashed or returned a malformed response (502); read its logs';
    else if (status === 504)
      hint =
        'server error: the integration timed out (API Gateway stops waiting after 29 s); the function is too slow or stuck';
    else if (status === 500)
      hint =
        'server error: API Gateway could not invoke the function (500), e.g. concurrency exhausted or missing permission';
    return {
      kind: 'server-error',
      httpStatus: status,
      message: `HTTP ${status}${said}`,
      hint,
      exitCode: EXIT_CODES.checksFailed,
    };
  }
  return {
    kind: 'protocol',
    httpStatus: status,
    message: `HTTP ${status}${said || (snippet ? `: ${snippet.slice(0, 200)}` : '')}`,
    hint: 'the server refused the request: if it names a protocol version, try another --protocol',
    exitCode: EXIT_CODES.checksFailed,
  };
}

export function diagnose(error: unknown, ctx: DiagnoseContext): Diagnosis {
  const message = errorMessage(error);
  const exchange = ctx.exchange;

  const netCode = networkErrorCode(error) ?? exchange?.networkError?.code;
  if (netCode || (exchange?.networkError && ctx.phase === 'connect')) {
    const described = describeNetwork(netCode, ctx.url);
    return { kind: 'unreachable', ...described, exitCode: EXIT_CODES.unreachable };
  }

  if (isTimeout(error)) {
    return {
      kind: 'timeout',
      message: `no answer within ${ctx.timeoutMs} ms`,
      hint:
        ctx.phase === 'connect'
          ? 'check --url (a host that silently drops packets looks like this), or raise --timeout for a slow cold start'
          : 'raise --timeout, or check the server: API Gateway answers 504 itself after 29 s',
      exitCode: ctx.phase === 'connect' ? EXIT_CODES.unreachable : EXIT_CODES.checksFailed,
    };
  }

  const status = statusFromError(error) ?? (ctx.phase === 'connect' ? exchange?.status : undefined);
  if (status !== undefined)
    return fromHttpStatus(status, exchange?.status === status ? exchange.bodySnippet : message, ctx);

  if (
    /unexpected content type/i.test(message) ||
    (error as { code?: unknown } | null)?.code === 'CLIENT_HTTP_UNEXPECTED_CONTENT'
  ) {
    return {
      kind: 'wrong-url',
      message: `the URL answered, but not as an MCP endpoint (${message})`,
      hint: `check --url (${URL_SHAPE})`,
      exitCode: EXIT_CODES.unreachable,
    };
  }

  if ((error as { code?: unknown } | null)?.code === 'ERA_NEGOTIATION_FAILED') {
    return {
      kind: 'protocol',
      message: `protocol negotiation failed: ${message}`,
      hint: 'the server does not offer 2026-07-28 through server/discover: try --protocol 2025-11-25',
      exitCode: EXIT_CODES.checksFailed,
    };
  }

  const rpc = jsonRpcCode(error);
  if (rpc !== undefined) {
    return {
      kind: 'protocol',
      message: `JSON-RPC error ${rpc}: ${message}`,
      hint:
        rpc === -32601
          ? 'the server does not implement this method'
          : rpc === -32602
            ? "the server rejected the parameters (or the result failed the tool's outputSchema)"
            : 'the server answered with a protocol error',
      exitCode: EXIT_CODES.checksFailed,
    };
  }

  return {
    kind: 'other',
    message,
    hint: 'unexpected failure; rerun with --json for details',
    exitCode: EXIT_CODES.checksFailed,
  };
}
