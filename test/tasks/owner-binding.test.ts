/**
 * Owner binding of tasks and of signed `requestState`: the owner is the caller the API Gateway
 * authorizer established (its policy's principalId, passed on in `requestContext.authorizer`), else
 * the client id. A task or a state minted for one caller must be worthless to another: a task id is
 * "not found" for them and a state fails verification. Multi round-trip `requestState` is signed by
 * the server and must be verified before use; states expire (MCP 2026-07-28, multi round-trip
 * requests). Driven through the authorizer-context mapping, the tasks engine and the state codec.
 */
import type { ServerContext } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { authInfoFromAuthorizer } from '../../server/gateway/authorizer-context.ts';
import { createFixtureStateCodec, freshState } from '../fixtures/test-server/conformance/request-state.ts';
import { TaskEngine, TaskNotFoundError } from '../../server/mcp/tasks/engine.ts';
import { MemoryTaskStore } from '../../server/mcp/tasks/memory-store.ts';
import { ownerOf } from '../../server/mcp/tasks/owner.ts';

const KEY = 'owner-binding-test-key-0123456789abcdef012345';

/** The MCP request context for a caller, as the Lambda path builds it from the authorizer context. */
function callerContext(authorizer: Record<string, string | number | boolean | null | undefined> | null): ServerContext {
  return { http: { authInfo: authInfoFromAuthorizer(authorizer) } } as unknown as ServerContext;
}

const alice = callerContext({ principalId: 'alice', clientId: 'shared-client', scope: 'mcp:invoke', authMode: 'jwt' });
const bob = callerContext({ principalId: 'bob', clientId: 'shared-client', scope: 'mcp:invoke', authMode: 'jwt' });

afterEach(() => {
  vi.useRealTimers();
});

describe('the owner of a request', () => {
  it('is the principal the authorizer established, not the client id two users share', () => {
    expect([ownerOf(alice), ownerOf(bob)]).toEqual(['alice', 'bob']);
  });

  it('is the client id when the auth info carries no string principal, and empty without auth info', () => {
    const clientOnly = {
      http: { authInfo: { token: '', clientId: 'client-7', scopes: [], extra: { principal: 42 } } },
    } as unknown as ServerContext;
    const noExtra = { http: { authInfo: { token: '', clientId: 'client-8', scopes: [] } } } as unknown as ServerContext;
    expect(ownerOf(clientOnly)).toBe('client-7');
    expect(ownerOf(noExtra)).toBe('client-8');
    expect(ownerOf({ http: {} } as unknown as ServerContext)).toBe('');
    expect(ownerOf({} as unknown as ServerContext)).toBe('');
  });

  it('without an authorizer principal there is no authenticated caller at all', () => {
    expect(authInfoFromAuthorizer(null)).toBeUndefined();
    expect(authInfoFromAuthorizer({ clientId: 'c' })).toBeUndefined();
    expect(authInfoFromAuthorizer({ principalId: '' })).toBeUndefined();
  });

  it('maps the authorizer context into the SDK auth info: scopes split on spaces, never the token', () => {
    expect(authInfoFromAuthorizer({ principalId: 'p', clientId: 'c', scope: ' a  b ', authMode: 'static' })).toEqual({
      token: '',
      clientId: 'c',
      scopes: ['a', 'b'],
      extra: { principal: 'p', authMode: 'static' },
    });
    expect(authInfoFromAuthorizer({ principalId: 7, clientId: null })).toEqual({
      token: '',
      clientId: '',
      scopes: [],
      extra: { principal: '7', authMode: undefined },
    });
  });
});

describe('tasks are bound to their owner', () => {
  it('another caller cannot read or cancel a task whose id they learned', async () => {
    const engine = new TaskEngine({ store: new MemoryTaskStore(() => Date.now()), programs: new Map() });
    const task = await engine.create(ownerOf(alice), 'sleep', {}, { status: 'completed', result: { content: [] } });
    await expect(engine.get(ownerOf(bob), task.taskId)).rejects.toBeInstanceOf(TaskNotFoundError);
    await expect(engine.cancel(ownerOf(bob), task.taskId)).rejects.toBeInstanceOf(TaskNotFoundError);
    expect((await engine.get(ownerOf(alice), task.taskId)).taskId).toBe(task.taskId);
  });
});

describe('signed requestState', () => {
  it('verifies for the caller it was minted for, and for no one else', async () => {
    const codec = createFixtureStateCodec(KEY);
    const state = freshState('tool_a', 1, { name: 'x' });
    const minted = await codec.mint(state, alice);
    expect(await codec.verify(minted, alice)).toEqual(state);
    await expect(codec.verify(minted, bob)).rejects.toThrow();
  });

  it('a state minted under another key does not verify', async () => {
    const minted = await createFixtureStateCodec('another-key-0123456789abcdef0123456789ab').mint(
      freshState('tool_a', 1),
      alice,
    );
    await expect(createFixtureStateCodec(KEY).verify(minted, alice)).rejects.toThrow();
  });

  it('expires ten minutes after it was minted', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-07-28T12:00:00.000Z'));
    const codec = createFixtureStateCodec(KEY);
    const minted = await codec.mint(freshState('tool_a', 2), alice);
    vi.setSystemTime(new Date('2026-07-28T12:09:59.000Z'));
    await expect(codec.verify(minted, alice)).resolves.toMatchObject({ tool: 'tool_a', round: 2 });
    vi.setSystemTime(new Date('2026-07-28T12:10:01.000Z'));
    await expect(codec.verify(minted, alice)).rejects.toThrow();
  });

  it('every round carries a fresh nonce, so two states for the same round differ', () => {
    const first = freshState('tool_a', 1);
    const second = freshState('tool_a', 1);
    expect(first).toEqual({ tool: 'tool_a', round: 1, nonce: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(first.nonce).not.toBe(second.nonce);
    expect(freshState('tool_b', 3, { name: 'n' })).toMatchObject({ tool: 'tool_b', round: 3, name: 'n' });
  });
});
