/** Pure parts of the client: argument generation, error diagnosis, statistics, rendering, options. */
import { describe, expect, it } from 'vitest';
import { resourceMetadataFrom } from '../../client/auth-probe.ts';
import { resolveConfig, UsageError } from '../../client/config.ts';
import { diagnose, statusFromError } from '../../client/diagnose.ts';
import { renderBar, renderLine } from '../../client/progress.ts';
import { table } from '../../client/report.ts';
import { planArguments, TOOL_SAMPLES } from '../../client/sample-args.ts';
import { percentile, latencyStats } from '../../client/scale.ts';
import { validate } from '../../client/schema-validator.ts';
import { LEGACY_PROTOCOL } from '../support/mcp-protocol.ts';

const url = new URL('http://127.0.0.1:3000/dev/mcp');
const ctx = { url, tokenGiven: true, timeoutMs: 1000, phase: 'connect' as const };

describe('sample arguments', () => {
  it('uses the table for known tools and never plans a call of a destructive one', () => {
    expect(planArguments({ name: 'lookup_region', inputSchema: {} })).toMatchObject({
      kind: 'sample',
      args: { code: 'eu-west-1' },
    });
    expect(planArguments({ name: 'fault_crash', inputSchema: {} })).toMatchObject({ kind: 'skip' });
    expect(TOOL_SAMPLES.long_task?.progress).toBe(true);
  });

  it('generates arguments from the required fields of an unknown tool, valid against its schema', () => {
    const inputSchema = {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 8 },
        count: { type: 'integer', minimum: 3, maximum: 9 },
        mode: { enum: ['fast', 'slow'] },
        when: { type: 'string', format: 'date-time' },
        tags: { type: 'array', items: { type: 'string' }, minItems: 1 },
        nested: { type: 'object', properties: { flag: { type: 'boolean' } }, required: ['flag'] },
        optional: { type: 'string', pattern: '^x+$' },
      },
      required: ['name', 'count', 'mode', 'when', 'tags', 'nested'],
    };
    const plan = planArguments({ name: 'brand_new_tool', inputSchema });
    expect(plan.kind).toBe('generated');
    if (plan.kind !== 'generated') return;
    expect(plan.args).toMatchObject({ count: 3, mode: 'fast', nested: { flag: false } });
    expect(plan.args).not.toHaveProperty('optional');
    expect(validate(inputSchema, plan.args)).toEqual({ ok: true });
  });

  it('reports "skipped: no sample" when a required value cannot be invented', () => {
    const plan = planArguments({
      name: 'needs_pattern',
      inputSchema: { type: 'object', properties: { id: { type: 'string', pattern: '^[A-Z]{3}$' } }, required: ['id'] },
    });
    expect(plan).toMatchObject({ kind: 'skip' });
    if (plan.kind === 'skip') expect(plan.reason).toMatch(/^skipped: no sample/);
  });
});

describe('schema validation', () => {
  it('validates 2020-12 (default) and draft-07 schemas and explains failures', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { a: { type: 'integer' } },
      required: ['a'],
      additionalProperties: false,
    };
    expect(validate(schema, { a: 1 })).toEqual({ ok: true });
    const bad = validate(schema, { a: 'x', b: 2 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors).toMatch(/\/a must be integer|additional/);
    expect(
      validate({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'string', format: 'email' }, 'a@b.example'),
    ).toEqual({ ok: true });
    expect(validate({ $schema: 'http://json-schema.org/draft-04/schema#' }, 1)).toMatchObject({ ok: false });
  });
});

describe('diagnosis', () => {
  it('reads the HTTP status from v1 and v2 SDK errors', () => {
    expect(
      statusFromError(
        Object.assign(new Error('Streamable HTTP error: Error POSTing to endpoint: {"message":"Unauthorized"}'), {
          code: 401,
        }),
      ),
    ).toBe(401);
    expect(
      statusFromError(new Error('Error POSTing to endpoint (HTTP 403): {"message":"Missing Authentication Token"}')),
    ).toBe(403);
    expect(
      statusFromError(Object.assign(new Error('x'), { code: 'CLIENT_HTTP_AUTHENTICATION', data: { status: 401 } })),
    ).toBe(401);
    expect(statusFromError(Object.assign(new Error('Invalid params'), { code: -32602 }))).toBeUndefined();
  });

  it('maps failures to kinds, exit codes and hints', () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    expect(diagnose(refused, ctx)).toMatchObject({ kind: 'unreachable', exitCode: 3 });
    const mat = {
      method: 'POST',
      url: url.href,
      status: 403,
      bodySnippet: '{"message":"Missing Authentication Token"}',
    };
    expect(diagnose(new Error('boom'), { ...ctx, exchange: mat })).toMatchObject({ kind: 'wrong-url', exitCode: 3 });
    expect(
      diagnose(
        new Error(
          'Error POSTing to endpoint (HTTP 403): {"Message":"User is not authorized to access this resource with an explicit deny"}',
        ),
        ctx,
      ),
    ).toMatchObject({
      kind: 'auth',
      exitCode: 4,
    });
    expect(diagnose(new Error('(HTTP 401)'), { ...ctx, tokenGiven: false }).hint).toContain('pass --token');
    expect(diagnose(new Error('(HTTP 502)'), ctx)).toMatchObject({ kind: 'server-error', exitCode: 1 });
    expect(diagnose(new Error('(HTTP 429)'), ctx)).toMatchObject({ kind: 'throttled', exitCode: 1 });
    const timeout = Object.assign(new Error('Request timed out'), { code: -32001 });
    expect(diagnose(timeout, ctx)).toMatchObject({ kind: 'timeout', exitCode: 3 });
    expect(diagnose(timeout, { ...ctx, phase: 'request' })).toMatchObject({ kind: 'timeout', exitCode: 1 });
    expect(
      diagnose(Object.assign(new Error('negotiation failed'), { code: 'ERA_NEGOTIATION_FAILED' }), ctx),
    ).toMatchObject({ kind: 'protocol' });
  });
});

describe('statistics and rendering', () => {
  it('computes nearest-rank percentiles', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(samples, 50), percentile(samples, 95), percentile(samples, 99)]).toEqual([50, 95, 99]);
    expect(latencyStats([5])).toMatchObject({ p50: 5, p99: 5, min: 5, max: 5 });
    expect(latencyStats([])).toBeNull();
  });

  it('draws progress as a bar or as a line', () => {
    expect(renderBar({ progress: 1, total: 4 }, 8)).toBe('[##------] 1/4 25%');
    expect(renderLine('long_task', { progress: 2, total: 4, message: 'step 2 of 4' })).toBe(
      'progress long_task 2/4 (50%) step 2 of 4',
    );
    expect(renderLine('t', { progress: 7 })).toBe('progress t 7');
  });

  it('aligns table columns', () => {
    expect(
      table(
        ['A', 'B', 'C'],
        [
          ['x', '10', 'free text'],
          ['long', '2', ''],
        ],
        ['left', 'right', 'left'],
      ),
    ).toEqual(['A      B  C', 'x     10  free text', 'long   2']);
  });

  it('parses the resource_metadata parameter of a Bearer challenge', () => {
    expect(
      resourceMetadataFrom('Bearer resource_metadata="https://h/dev/.well-known/oauth-protected-resource", scope="a"'),
    ).toBe('https://h/dev/.well-known/oauth-protected-resource');
    expect(resourceMetadataFrom('Bearer resource_metadata=https://h/x')).toBe('https://h/x');
    expect(resourceMetadataFrom('Bearer realm="x"')).toBeUndefined();
  });
});

describe('options', () => {
  it('takes the URL and token from the environment and resolves --expect-auth auto', () => {
    const config = resolveConfig(
      {},
      { MCP_SERVER_ENDPOINT: 'https://abc.execute-api.eu-west-1.amazonaws.com/dev/mcp', MCP_TOKEN: 't' },
    );
    expect(config).toMatchObject({ protocol: LEGACY_PROTOCOL, expectAuth: true, token: 't', timeoutMs: 30_000 });
    expect(resolveConfig({ url: url.href }, {}).expectAuth).toBe(false);
    expect(resolveConfig({ url: url.href, token: 't', expectAuth: 'off' }, {}).expectAuth).toBe(false);
    expect(() => resolveConfig({}, {})).toThrow(UsageError);
    expect(() => resolveConfig({ url: 'ftp://x' }, {})).toThrow(UsageError);
    expect(() => resolveConfig({ url: url.href, expectAuth: 'on' }, {})).toThrow(/needs a token/);
  });
});
