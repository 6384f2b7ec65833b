/** What a verifier concluded about a bearer token. */
export interface Identity {
  readonly principalId: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
}

export type Verdict =
  /** Valid token with every required scope. */
  | { readonly kind: 'allow'; readonly identity: Identity }
  /** Valid token that lacks required scopes: API Gateway answers 403. */
  | { readonly kind: 'deny'; readonly identity: Identity; readonly reason: string }
  /** Unknown, malformed or invalid token: API Gateway answers 401. */
  | { readonly kind: 'unauthorized'; readonly reason: string };

export type TokenVerifier = (token: string) => Promise<Verdict>;
