/**
 * `-32602 Invalid params` with a readable message for the request parameters the SDK validates
 * against its wire schemas but answers as `-32603` with the raw zod issues: the log level of
 * `logging/setLevel`, the arguments of `prompts/get` (a map of strings) and the cursor of the list
 * methods (an opaque string). JSON-RPC 2.0 section 5.1: -32602 is "Invalid method parameter(s)".
 */
import * as z from 'zod';
import { JSON_RPC } from './json-rpc-error.ts';

const LOGGING_LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'] as const;
const cursorParams = z.looseObject({ cursor: z.string().optional() }).optional();

/** A Map, not an object: a method named `__proto__` or `valueOf` must find nothing. */
const PARAMS: ReadonlyMap<string, z.ZodType> = new Map<string, z.ZodType>([
  ['prompts/get', z.looseObject({ name: z.string(), arguments: z.record(z.string(), z.string()).optional() })],
  ['tools/list', cursorParams],
  ['prompts/list', cursorParams],
  ['resources/list', cursorParams],
  ['resources/templates/list', cursorParams],
]);
/** logging/setLevel exists on the 2025 revisions only; 2026-07-28 answers it "method not found". */
const LEGACY_PARAMS: ReadonlyMap<string, z.ZodType> = new Map<string, z.ZodType>([
  ...PARAMS,
  ['logging/setLevel', z.looseObject({ level: z.enum(LOGGING_LEVELS) })],
]);

function describe(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? issue.path.join('.') : 'params';
  return `${where}: ${issue.message}`;
}

/**
 * The -32602 answer for a single JSON-RPC request whose params are invalid, else undefined (the
 * SDK serves it). Batches are left to the SDK.
 */
export function invalidParamsAnswer(message: unknown, era: 'legacy' | 'modern'): string | undefined {
  if (message === null || typeof message !== 'object' || Array.isArray(message)) return undefined;
  const { method, params, id } = message as { method?: unknown; params?: unknown; id?: unknown };
  if (typeof method !== 'string' || (typeof id !== 'string' && typeof id !== 'number')) return undefined;
  const schema = (era === 'legacy' ? LEGACY_PARAMS : PARAMS).get(method);
  if (!schema) return undefined;
  const parsed = schema.safeParse(params);
  if (parsed.success) return undefined;
  const detail = parsed.error.issues.map(describe).join('; ');
  return JSON.stringify({
    jsonrpc: '2.0',
    id,
    error: { code: JSON_RPC.invalidParams, message: `Invalid params for ${method}: ${detail}` },
  });
}
