import type * as z from 'zod';
import { SdkSeamError } from './seam-error.ts';

type JsonSchemaOptions = { readonly target?: unknown; readonly libraryOptions?: unknown };

/**
 * SDK SEAM (zod internals): zod's Standard Schema property `~standard.jsonSchema.{input,output}`,
 * which the SDK calls to list tools. Checked by test/sdk-seams/seams.test.ts.
 *
 * Converts a zod schema to JSON Schema once per execution environment instead of once per request.
 *
 * The SDK builds a new server for every request (statelessness) and asks each tool's schema for
 * its JSON Schema on every `tools/list`; zod recomputes it each time, which was the largest cost
 * of a warm request. The schemas themselves never change, so the conversion is memoised on the
 * schema through zod's own `~standard` setter; validation still runs through zod.
 */
export function withCachedJsonSchema<T extends z.ZodType>(schema: T): T {
  const standard = schema['~standard'];
  const { jsonSchema } = standard;
  if (typeof jsonSchema?.input !== 'function' || typeof jsonSchema.output !== 'function') {
    throw new SdkSeamError("zod's ~standard.jsonSchema.input/output");
  }
  const cache = new Map<string, Record<string, unknown>>();
  const memoised =
    (io: 'input' | 'output') =>
    (options: JsonSchemaOptions): Record<string, unknown> => {
      const key = `${io}\u0000${JSON.stringify(options ?? {})}`;
      let converted = cache.get(key);
      if (!converted) {
        converted = Object.freeze(jsonSchema[io](options as Parameters<typeof jsonSchema.input>[0])) as Record<
          string,
          unknown
        >;
        cache.set(key, converted);
      }
      return converted;
    };
  schema['~standard'] = {
    ...standard,
    jsonSchema: { input: memoised('input'), output: memoised('output') },
  } as typeof standard;
  return schema;
}
