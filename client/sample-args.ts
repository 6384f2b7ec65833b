/**
 * Valid sample arguments for every tool and prompt the smoke check calls. Known names use the table
 * below (with optional checks of what they answer); unknown tools get arguments generated from the
 * required fields of their inputSchema, or are reported as skipped: never silently passed.
 */
import { randomUUID } from 'node:crypto';
import type { JsonSchema, ToolInfo } from './session.ts';

export interface ExpectationContext {
  /** Whether the endpoint is expected to enforce auth (so the authorizer's identity must reach the tool). */
  readonly authExpected: boolean;
  readonly progressUpdates: number;
}

/** A problem found in a tool's answer: `fail` fails the check, `warn` only annotates it. */
export interface ExpectationProblem {
  readonly level: 'fail' | 'warn';
  readonly message: string;
}

export interface ToolSample {
  readonly args?: Record<string, unknown>;
  /** Ask for progress notifications (the SDK attaches a progressToken). */
  readonly progress?: boolean;
  /** Never call this tool from a smoke check; the reason is shown. */
  readonly skip?: string;
  readonly expect?: (structured: Record<string, unknown>, ctx: ExpectationContext) => ExpectationProblem | undefined;
}

const SAMPLE_TEXT = 'The quick brown fox jumps over the lazy dog. The dog sleeps!\nA second line.';

export const TOOL_SAMPLES: Readonly<Record<string, ToolSample>> = {
  ping: {
    args: {},
    expect: (s) =>
      typeof s.logStream === 'string' && s.logStream.length > 0
        ? undefined
        : { level: 'fail', message: 'ping answered without a logStream' },
  },
  text_stats: {
    args: { text: SAMPLE_TEXT, top: 3 },
    expect: (s) =>
      s.words === 15
        ? undefined
        : { level: 'fail', message: `text_stats counted ${String(s.words)} words in the sample, expected 15` },
  },
  lookup_region: {
    args: { code: 'eu-west-1' },
    expect: (s) =>
      s.code === 'eu-west-1'
        ? undefined
        : { level: 'fail', message: `lookup_region answered for '${String(s.code)}', asked for eu-west-1` },
  },
  whoami: {
    args: {},
    expect: (s, ctx) =>
      ctx.authExpected && s.authenticated !== true
        ? {
            level: 'fail',
            message:
              'whoami says unauthenticated although the authorizer accepted the token: its context does not reach the function',
          }
        : undefined,
  },
  long_task: {
    args: { steps: 3, stepMs: 20 },
    progress: true,
    expect: (s, ctx) => {
      if (s.stepsCompleted !== 3)
        return { level: 'fail', message: `long_task completed ${String(s.stepsCompleted)} of 3 steps` };
      if (ctx.progressUpdates === 0) {
        return {
          level: 'warn',
          message:
            'no progress notifications arrived (a JSON response drops them; the server must answer SSE when a progressToken is sent)',
        };
      }
      return undefined;
    },
  },
  // Fault-injection tools exist only when the function runs with MCP_FAULT_TOOLS=on.
  fault_sleep: { args: { ms: 0 } },
  fault_crash: { skip: 'fault-injection tool: it crashes its execution environment on purpose' },
};

export const PROMPT_SAMPLES: Readonly<Record<string, Record<string, string>>> = {
  plan_region_rollout: { service: 'checkout', regions: 'eu-west-1,us-east-1' },
};

export type ArgumentPlan =
  | { readonly kind: 'sample'; readonly args: Record<string, unknown>; readonly sample: ToolSample }
  | { readonly kind: 'generated'; readonly args: Record<string, unknown> }
  | { readonly kind: 'skip'; readonly reason: string };

type Generated = { ok: true; value: unknown } | { ok: false; reason: string };

const MAX_DEPTH = 6;

function firstType(schema: JsonSchema): string | undefined {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return (type.find((t) => t !== 'null') ?? type[0]) as string | undefined;
  if (schema.properties !== undefined) return 'object';
  return undefined;
}

function generateString(schema: JsonSchema): Generated {
  const format = typeof schema.format === 'string' ? schema.format : undefined;
  const formats: Record<string, string> = {
    'date-time': new Date(0).toISOString(),
    date: '2024-01-01',
    time: '12:00:00Z',
    email: 'smoke@example.com',
    uri: 'https://example.com/',
    url: 'https://example.com/',
    'uri-reference': 'https://example.com/',
    uuid: randomUUID(),
    hostname: 'example.com',
    ipv4: '192.0.2.1',
  };
  if (format && formats[format] !== undefined) return { ok: true, value: formats[format] };
  if (typeof schema.pattern === 'string') return { ok: false, reason: `a string matching /${schema.pattern}/` };
  const min = typeof schema.minLength === 'number' ? schema.minLength : 1;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : Math.max(min, 6);
  const value = 'sample'.padEnd(min, 'x').slice(0, Math.max(max, 0));
  return { ok: true, value };
}

function generateNumber(schema: JsonSchema, integer: boolean): Generated {
  const step = integer ? 1 : 0.5;
  const min =
    typeof schema.minimum === 'number'
      ? schema.minimum
      : typeof schema.exclusiveMinimum === 'number'
        ? schema.exclusiveMinimum + step
        : undefined;
  const max =
    typeof schema.maximum === 'number'
      ? schema.maximum
      : typeof schema.exclusiveMaximum === 'number'
        ? schema.exclusiveMaximum - step
        : undefined;
  let value = min ?? (max !== undefined && max < 1 ? max : 1);
  if (integer) value = Math.ceil(value);
  return { ok: true, value };
}

/** A value satisfying `schema`, as simple as possible; fails for constraints it cannot invent (patterns). */
export function generateValue(schema: JsonSchema, depth = 0): Generated {
  if (depth > MAX_DEPTH) return { ok: false, reason: 'a deeply nested value' };
  if ('const' in schema) return { ok: true, value: schema.const };
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return { ok: true, value: schema.examples[0] };
  if ('default' in schema) return { ok: true, value: schema.default };
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return { ok: true, value: schema.enum[0] };
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options)) {
      for (const option of options) {
        const generated = generateValue(option as JsonSchema, depth + 1);
        if (generated.ok) return generated;
      }
      return { ok: false, reason: `a value for ${key}` };
    }
  }
  switch (firstType(schema)) {
    case 'string':
      return generateString(schema);
    case 'integer':
      return generateNumber(schema, true);
    case 'number':
      return generateNumber(schema, false);
    case 'boolean':
      return { ok: true, value: false };
    case 'null':
      return { ok: true, value: null };
    case 'array': {
      const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0;
      if (minItems === 0) return { ok: true, value: [] };
      const item = generateValue((schema.items ?? {}) as JsonSchema, depth + 1);
      return item.ok ? { ok: true, value: Array.from({ length: minItems }, () => item.value) } : item;
    }
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
      const value: Record<string, unknown> = {};
      for (const name of required) {
        const property = properties[name];
        if (!property) return { ok: false, reason: `required property '${name}' without a schema` };
        const generated = generateValue(property, depth + 1);
        if (!generated.ok) return { ok: false, reason: `'${name}': ${generated.reason}` };
        value[name] = generated.value;
      }
      return { ok: true, value };
    }
    default:
      return { ok: false, reason: 'a value of unknown type' };
  }
}

/** How the smoke check will call `tool`: from the table, with generated arguments, or not at all. */
export function planArguments(tool: ToolInfo): ArgumentPlan {
  const sample = TOOL_SAMPLES[tool.name];
  if (sample?.skip) return { kind: 'skip', reason: `skipped: ${sample.skip}` };
  if (sample) return { kind: 'sample', args: sample.args ?? {}, sample };
  const generated = generateValue({ type: 'object', ...tool.inputSchema });
  if (!generated.ok)
    return {
      kind: 'skip',
      reason: `skipped: no sample (cannot generate ${generated.reason}; add one to client/sample-args.ts)`,
    };
  return { kind: 'generated', args: generated.value as Record<string, unknown> };
}

export function promptArguments(prompt: {
  name: string;
  arguments?: ReadonlyArray<{ name: string; required?: boolean }>;
}): Record<string, string> {
  const known = PROMPT_SAMPLES[prompt.name];
  if (known) return known;
  const args: Record<string, string> = {};
  for (const argument of prompt.arguments ?? []) if (argument.required) args[argument.name] = 'sample';
  return args;
}
