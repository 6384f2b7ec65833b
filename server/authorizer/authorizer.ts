/**
 * The authorizer as a plain function of (config, logger): event in, policy out, or one of the two
 * errors API Gateway tells apart (see errors.ts). The Lambda entry only reads the config from the
 * environment and calls this once per execution environment; tests call it with their own config.
 *
 * Outcomes, as API Gateway answers them:
 * - no, malformed, unknown or invalid token  → throw Error("Unauthorized")   → 401
 * - valid token without a required scope     → Deny policy                   → 403
 * - valid token                              → Allow policy (whole API)      → integration runs
 * - JWKS unreachable, bad methodArn, bugs    → throw any other error         → 500
 * The token itself is never logged; a 12-hex-digit SHA-256 fingerprint is.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { parseBearer } from './bearer.ts';
import { validateAuthorizerConfig, type AuthorizerConfig } from './config.ts';
import { AuthorizerDependencyError, unauthorized } from './errors.ts';
import { authorizationFromEvent, methodArnOf } from './event.ts';
import { tokenFingerprint } from './fingerprint.ts';
import type { TokenVerifier, Verdict } from './identity.ts';
import { apiWideResource, buildPolicy, type AuthorizerResult } from './policy.ts';
import { createStaticTokenVerifier } from './static-tokens.ts';

export type AuthorizerHandler = (event: unknown, context?: Context) => Promise<AuthorizerResult>;

export interface AuthorizerDependencies {
  readonly logger: Logger;
}

function verifierFor(config: AuthorizerConfig): TokenVerifier {
  if (config.mode === 'static') return createStaticTokenVerifier(config.tokens);
  // jose is loaded with the first token (a chunk of the bundle), not at INIT: a function that
  // checks static tokens never loads it, and a JWT function's INIT + first request costs the same.
  let jwt: Promise<TokenVerifier> | undefined;
  return async (token) => {
    jwt ??= import('./jwt.ts').then((module) => module.createJwtVerifier(config));
    return (await jwt)(token);
  };
}

export function createAuthorizer(config: AuthorizerConfig, { logger }: AuthorizerDependencies): AuthorizerHandler {
  validateAuthorizerConfig(config);
  const verify = verifierFor(config);
  const authMode = config.mode;

  return async function authorize(event, context) {
    if (context) logger.addContext(context);
    const methodArn = methodArnOf(event);
    const header = authorizationFromEvent(event);
    const bearer = header === null ? ({ ok: false, reason: 'duplicate-header' } as const) : parseBearer(header);
    if (!bearer.ok) {
      // Stryker disable next-line all: log record only (which fields, what wording); no decision depends on it
      logger.info('Authorization refused', { outcome: 'unauthorized', reason: bearer.reason, authMode, methodArn });
      throw unauthorized();
    }
    const fingerprint = tokenFingerprint(bearer.token);
    let verdict: Verdict;
    try {
      verdict = await verify(bearer.token);
    } catch (error) {
      // Stryker disable next-line all: log record only (which fields, what wording); no decision depends on it
      const reason = error instanceof AuthorizerDependencyError ? 'dependency-unavailable' : 'internal-error';
      // Stryker disable all: log record only (which fields, what wording); no decision depends on it
      logger.error('Authorization failed', {
        outcome: 'error',
        reason,
        authMode,
        tokenFingerprint: fingerprint,
        methodArn,
        error,
      });
      // Stryker restore all
      throw error;
    }
    if (verdict.kind === 'unauthorized') {
      // Stryker disable all: log record only (which fields, what wording); no decision depends on it
      logger.info('Authorization refused', {
        outcome: 'unauthorized',
        reason: verdict.reason,
        authMode,
        tokenFingerprint: fingerprint,
        methodArn,
      });
      // Stryker restore all
      throw unauthorized();
    }
    const resource = apiWideResource(methodArn);
    const { principalId, clientId, scopes } = verdict.identity;
    if (verdict.kind === 'deny') {
      // Stryker disable all: log record only (which fields, what wording); no decision depends on it
      logger.info('Authorization denied', {
        outcome: 'deny',
        reason: verdict.reason,
        authMode,
        tokenFingerprint: fingerprint,
        principalId,
        clientId,
        methodArn,
      });
      // Stryker restore all
      return buildPolicy('Deny', verdict.identity, resource, authMode);
    }
    // Stryker disable all: log record only (which fields, what wording); no decision depends on it
    logger.info('Authorization allowed', {
      outcome: 'allow',
      authMode,
      tokenFingerprint: fingerprint,
      principalId,
      clientId,
      scopes: scopes.join(' '),
      methodArn,
    });
    // Stryker restore all
    return buildPolicy('Allow', verdict.identity, resource, authMode);
  };
}
