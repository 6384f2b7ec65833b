/**
 * nextToken values of FilterLogEvents, GetLogEvents and the Describe* lists: a position in a log
 * group's log (or in a list), bound to the query that issued it and signed with a key of this
 * store, so a token is opaque to callers, and a token that was altered or comes from another query
 * (another group, stream, pattern or time window) is refused with InvalidParameterException, as
 * AWS refuses a token it did not issue. "The token expires after 24 hours" (API_FilterLogEvents.html
 * and API_GetLogEvents.html, "nextToken"): a token carries the second it was issued, and one older
 * than that is refused the same way. A position that retention has since dropped reads on from the
 * oldest kept event.
 */
import { createHmac, randomBytes } from 'node:crypto';

export interface PagePosition {
  /** 'n' FilterLogEvents, 'f' GetLogEvents forward, 'b' GetLogEvents backward, 'd' a Describe* list. */
  readonly kind: 'n' | 'f' | 'b' | 'd';
  readonly position: number;
}

const TOKEN = /^([nfbd])\/([0-9a-z]{1,11})\/([0-9a-z]{1,8})\/([\w-]{22})$/;
export const TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;

export class PageTokens {
  private readonly key = randomBytes(32);

  /** `now`: the clock tokens are issued and checked by (milliseconds since the epoch). */
  constructor(private readonly now: () => number = Date.now) {}

  /** `query` names everything the token is valid for, e.g. JSON of the operation and its filters. */
  issue(page: PagePosition, query: string): string {
    const body = `${page.kind}/${page.position.toString(36)}/${this.seconds().toString(36)}`;
    return `${body}/${this.mac(body, query)}`;
  }

  /** The position a token holds, or undefined if this store did not issue it for this query or it expired. */
  read(token: string, query: string): PagePosition | undefined {
    const parts = TOKEN.exec(token);
    if (!parts) return undefined;
    const body = `${parts[1]}/${parts[2]}/${parts[3]}`;
    if (this.mac(body, query) !== parts[4]) return undefined;
    if (this.seconds() - Number.parseInt(parts[3]!, 36) > TOKEN_LIFETIME_SECONDS) return undefined;
    const position = Number.parseInt(parts[2]!, 36);
    if (!Number.isSafeInteger(position)) return undefined;
    return { kind: parts[1] as PagePosition['kind'], position };
  }

  private seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  private mac(body: string, query: string): string {
    return createHmac('sha256', this.key).update(query).update('\u0000').update(body).digest('base64url').slice(0, 22);
  }
}
