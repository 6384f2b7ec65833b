/**
 * nextToken values of FilterLogEvents and GetLogEvents: a position in a log group's log, bound to
 * the query that issued it and signed with a key of this store, so a token is opaque to callers,
 * and a token that was altered or comes from another query (another group, stream, pattern or time
 * window) is refused with InvalidParameterException, as AWS refuses a token it did not issue.
 * AWS tokens expire after 24 hours (API_FilterLogEvents.html, "nextToken"); these last as long as
 * the store, and a position that retention has since dropped reads on from the oldest kept event.
 */
import { createHmac, randomBytes } from 'node:crypto';

export interface PagePosition {
  /** 'n' FilterLogEvents, 'f' GetLogEvents forward, 'b' GetLogEvents backward. */
  readonly kind: 'n' | 'f' | 'b';
  readonly position: number;
}

const TOKEN = /^([nfb])\/([0-9a-z]{1,11})\/([\w-]{22})$/;

export class PageTokens {
  private readonly key = randomBytes(32);

  /** `query` names everything the token is valid for, e.g. JSON of the operation and its filters. */
  issue(page: PagePosition, query: string): string {
    const body = `${page.kind}/${page.position.toString(36)}`;
    return `${body}/${this.mac(body, query)}`;
  }

  /** The position a token holds, or undefined if this store did not issue it for this query. */
  read(token: string, query: string): PagePosition | undefined {
    const parts = TOKEN.exec(token);
    if (!parts) return undefined;
    const body = `${parts[1]}/${parts[2]}`;
    if (this.mac(body, query) !== parts[3]) return undefined;
    const position = Number.parseInt(parts[2]!, 36);
    if (!Number.isSafeInteger(position)) return undefined;
    return { kind: parts[1] as PagePosition['kind'], position };
  }

  private mac(body: string, query: string): string {
    return createHmac('sha256', this.key).update(query).update('\u0000').update(body).digest('base64url').slice(0, 22);
  }
}
