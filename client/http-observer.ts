/**
 * A `fetch` wrapper handed to the SDK transports so the client can tell *why* a request failed from
 * what actually came back over HTTP (status, API Gateway's `{"message": ...}` body, or the socket
 * error), whichever SDK generation wraps it in whichever error type.
 */

export interface HttpExchange {
  readonly method: string;
  readonly url: string;
  readonly status?: number;
  readonly contentType?: string;
  /** The start of a non-2xx body, e.g. `{"message":"Missing Authentication Token"}`. */
  readonly bodySnippet?: string;
  readonly networkError?: { readonly code: string | undefined; readonly message: string };
}

export type FetchFunction = (url: string | URL, init?: RequestInit) => Promise<Response>;

const SNIPPET_CHARS = 400;

/** Socket, DNS and TLS error codes (not SDK codes such as ERA_NEGOTIATION_FAILED). */
const NETWORK_CODE =
  /^(ECONNREFUSED|ECONNRESET|ECONNABORTED|ENOTFOUND|EAI_AGAIN|EAI_FAIL|ETIMEDOUT|EHOSTUNREACH|EHOSTDOWN|ENETUNREACH|ENETDOWN|EPIPE|EADDRNOTAVAIL|EPROTO|UND_ERR_[A-Z_]+|ERR_TLS_[A-Z_]+|ERR_SSL_[A-Z_]+|CERT_[A-Z_]+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_[A-Z_]+)$/;

/** Walks an error's `cause` chain for a Node/undici error code such as `ECONNREFUSED`. */
export function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== null && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODE.test(code)) {
      return code;
    }
    const nested = (current as { errors?: unknown }).errors;
    if (Array.isArray(nested) && nested.length > 0) {
      const inner = networkErrorCode(nested[0]);
      if (inner) return inner;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function isAbort(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}

export class HttpObserver {
  /** The most recent exchange that did not succeed (non-2xx or no response at all). */
  lastFailure: HttpExchange | undefined;
  requests = 0;

  constructor(private readonly base: FetchFunction = (url, init) => fetch(url, init)) {}

  readonly fetch: FetchFunction = async (url, init) => {
    this.requests += 1;
    const method = (init?.method ?? 'GET').toUpperCase();
    const target = String(url);
    let response: Response;
    try {
      response = await this.base(url, init);
    } catch (error) {
      if (!isAbort(error)) {
        this.lastFailure = {
          method,
          url: target,
          networkError: {
            code: networkErrorCode(error),
            message: error instanceof Error ? error.message : String(error),
          },
        };
      }
      throw error;
    }
    // 405 on the SDK's optional GET stream is the stateless server's documented answer, not a failure.
    if (!response.ok && !(method === 'GET' && response.status === 405)) {
      let bodySnippet: string | undefined;
      try {
        bodySnippet = (await response.clone().text()).slice(0, SNIPPET_CHARS);
      } catch {
        bodySnippet = undefined;
      }
      const contentType = response.headers.get('content-type') ?? undefined;
      this.lastFailure = {
        method,
        url: target,
        status: response.status,
        ...(contentType ? { contentType } : {}),
        ...(bodySnippet ? { bodySnippet } : {}),
      };
    }
    return response;
  };
}
