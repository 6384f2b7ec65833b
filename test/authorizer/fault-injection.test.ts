/**
 * The authorizer's fault hook lives in the test build only (test/fixtures/test-server/): the
 * product's entry ignores `AUTHORIZER_FAULT_TOKENS` altogether. The test entry is off unless
 * `AUTHORIZER_FAULT_TOKENS=on`: without it a fault-prefixed token is an ordinary unknown token (401)
 * and the process lives on; with it, only fault-prefixed tokens crash or hang, every other token is
 * authorized as before. Driven through the Lambda entry modules as Lambda loads them, with
 * `process.exit` stubbed so a crash is observed instead of ending the test run.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { repoRoot } from '../../shared/lambda-artifacts.ts';
import type { AuthorizerHandler } from '../../server/authorizer/authorizer.ts';
import { readAuthorizerConfig } from '../../server/authorizer/config.ts';
import {
  CRASH_EXIT_CODE,
  CRASH_TOKEN_PREFIX,
  FAULT_TOKENS_VARIABLE,
  HANG_TOKEN_PREFIX,
} from '../fixtures/test-server/authorizer-fault-tokens.ts';
import { captureOutput, lambdaContext, loadAuthorizerEntry, requestEvent, tokenEvent, WHOLE_API } from './helpers.ts';

const GOOD_TOKEN = 'good-token-123';
const STATIC_ENV = { AUTH_MODE: 'static', STATIC_TOKENS: JSON.stringify([GOOD_TOKEN]) };
const CRASH = `Bearer ${CRASH_TOKEN_PREFIX}abc`;
const HANG = `Bearer ${HANG_TOKEN_PREFIX}abc`;

/** The entry module, with the fault variable only as `env` sets it (never inherited). */
const loadEntryWithoutHook = (env: Record<string, string>): Promise<AuthorizerHandler> =>
  loadAuthorizerEntry(env, [FAULT_TOKENS_VARIABLE], TEST_ENTRY);
const TEST_ENTRY = '../fixtures/test-server/authorizer-handler.ts';

/** 'pending' when the invocation has not settled within `ms` (a hang, from the caller's side). */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<'resolved' | 'rejected' | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<'pending'>((resolve) => {
    timer = setTimeout(() => resolve('pending'), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => 'resolved' as const,
        () => 'rejected' as const,
      ),
      pending,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

let output: ReturnType<typeof captureOutput>;
let exit: MockInstance<typeof process.exit> | undefined;
beforeAll(() => {
  output = captureOutput();
});
afterAll(() => output.restore());
afterEach(() => exit?.mockRestore());

function stubExit(): void {
  // Observed, not performed: the real exit would end the test worker.
  exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as typeof process.exit);
}

describe('authorizer fault hook', () => {
  it.each([
    ['unset', undefined],
    ['empty', ''],
    ['"true"', 'true'],
    ['"1"', '1'],
    ['"ON"', 'ON'],
    ['"off"', 'off'],
  ])(
    'is off when %s: fault tokens are ordinary unknown tokens (401) and the process keeps running',
    async (_label, value) => {
      stubExit();
      const handler = await loadEntryWithoutHook(
        value === undefined ? STATIC_ENV : { ...STATIC_ENV, [FAULT_TOKENS_VARIABLE]: value },
      );
      await expect(handler(tokenEvent(CRASH), lambdaContext())).rejects.toThrow(/^Unauthorized$/);
      await expect(handler(tokenEvent(HANG), lambdaContext())).rejects.toThrow(/^Unauthorized$/);
      expect(exit).not.toHaveBeenCalled();
      const allowed = await handler(tokenEvent(`Bearer ${GOOD_TOKEN}`), lambdaContext());
      expect(allowed.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow', Resource: WHOLE_API });
    },
  );

  it('does not exist in the product: its entry ignores the variable and its config never carries it', async () => {
    stubExit();
    const product = await loadAuthorizerEntry({ ...STATIC_ENV, [FAULT_TOKENS_VARIABLE]: 'on' });
    await expect(product(tokenEvent(CRASH), lambdaContext())).rejects.toThrow(/^Unauthorized$/);
    await expect(product(tokenEvent(HANG), lambdaContext())).rejects.toThrow(/^Unauthorized$/);
    expect(exit).not.toHaveBeenCalled();
    expect(readAuthorizerConfig({ ...STATIC_ENV, [FAULT_TOKENS_VARIABLE]: 'on' })).toEqual({
      mode: 'static',
      tokens: [GOOD_TOKEN],
    });
  });

  it('when on, a crash token exits the process with status 1 and a hang token never answers', async () => {
    stubExit();
    const handler = await loadEntryWithoutHook({ ...STATIC_ENV, [FAULT_TOKENS_VARIABLE]: 'on' });
    const crashed = handler(tokenEvent(CRASH), lambdaContext());
    expect(exit).toHaveBeenCalledTimes(1);
    expect(exit).toHaveBeenCalledWith(CRASH_EXIT_CODE);
    // With exit stubbed the invocation stays open, as the real process would never answer it.
    expect(await settledWithin(crashed, 50)).toBe('pending');

    expect(await settledWithin(handler(tokenEvent(HANG), lambdaContext()), 300)).toBe('pending');
    // REQUEST authorizers read the header from the event's headers: the same tokens apply.
    expect(await settledWithin(handler(requestEvent([['Authorization', HANG]]), lambdaContext()), 50)).toBe('pending');
    expect(exit).toHaveBeenCalledTimes(1);
    expect(output.text()).toMatch(
      /"level":"WARN","message":"Injected authorizer fault".*"function_request_id":"[^"]+".*"fault":"crash"/,
    );
  });

  it('when on, every other token is decided exactly as without it', async () => {
    stubExit();
    const handler = await loadEntryWithoutHook({ ...STATIC_ENV, [FAULT_TOKENS_VARIABLE]: 'on' });
    const allowed = await handler(tokenEvent(`Bearer ${GOOD_TOKEN}`), lambdaContext());
    expect(allowed.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow', Resource: WHOLE_API });
    await expect(handler(tokenEvent('Bearer not-a-known-token'), lambdaContext())).rejects.toThrow(/^Unauthorized$/);
    // The prefix must start the token: elsewhere in it, it is just characters.
    await expect(handler(tokenEvent(`Bearer x${CRASH_TOKEN_PREFIX}abc`), lambdaContext())).rejects.toThrow(
      /^Unauthorized$/,
    );
    await expect(handler(tokenEvent(`Basic ${CRASH_TOKEN_PREFIX}abc`), lambdaContext())).rejects.toThrow(
      /^Unauthorized$/,
    );
    expect(exit).not.toHaveBeenCalled();
  });

  it('is never switched on by Terraform', async () => {
    const dir = path.join(repoRoot, 'terraform');
    const files = (await readdir(dir)).filter((name) => name.endsWith('.tf') || name.endsWith('.tfvars.example'));
    expect(files.length).toBeGreaterThan(0);
    for (const name of files)
      expect(await readFile(path.join(dir, name), 'utf8'), name).not.toContain(FAULT_TOKENS_VARIABLE);
  });
});
