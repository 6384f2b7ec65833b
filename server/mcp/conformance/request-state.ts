import { createRequestStateCodec, type RequestStateCodec } from '@modelcontextprotocol/server';
import { randomUUID } from 'node:crypto';
import { ownerOf } from '../tasks/owner.ts';

/**
 * What a conformance fixture carries between multi-round-trip rounds. The codec signs it (HMAC),
 * it does not encrypt it: never put secrets here. The nonce makes every round's state distinct.
 */
export interface FixtureState {
  readonly tool: string;
  readonly round: number;
  readonly name?: string;
  readonly nonce: string;
}

export type FixtureStateCodec = RequestStateCodec<FixtureState>;

/**
 * The `requestState` codec, built once per execution environment from the deployment's key (the
 * same on every environment, so a retry may land anywhere). States expire after 10 minutes and are
 * bound to the caller (a state only verifies for the caller it was minted for).
 */
export function createFixtureStateCodec(key: string): FixtureStateCodec {
  return createRequestStateCodec<FixtureState>({ key, ttlSeconds: 600, bind: ownerOf });
}

export function freshState(tool: string, round: number, extra: { name?: string } = {}): FixtureState {
  return { tool, round, ...extra, nonce: randomUUID() };
}
