/**
 * JSON Schema validation of tool inputs and outputs with ajv, picking the dialect the schema names.
 * MCP (2025-11-25) makes JSON Schema 2020-12 the default when a schema has no `$schema`.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { JsonSchema } from './session.ts';

export type Validation = { readonly ok: true } | { readonly ok: false; readonly errors: string };

type AnyAjv = Ajv | Ajv2019 | Ajv2020;

// ajv-formats is CommonJS; under NodeNext its default export is the module object.
const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

function create<T extends AnyAjv>(instance: T): T {
  (addFormats as unknown as (ajv: AnyAjv) => void)(instance);
  return instance;
}

const options = { strict: false, allErrors: true } as const;
let engines: { draft07: Ajv; draft2019: Ajv2019; draft2020: Ajv2020 } | undefined;

function engineFor(schema: JsonSchema): AnyAjv | string {
  engines ??= {
    draft07: create(new Ajv(options)),
    draft2019: create(new Ajv2019(options)),
    draft2020: create(new Ajv2020(options)),
  };
  const dialect = typeof schema.$schema === 'string' ? schema.$schema : undefined;
  if (dialect === undefined || dialect.includes('2020-12')) return engines.draft2020;
  if (dialect.includes('2019-09')) return engines.draft2019;
  if (dialect.includes('draft-07') || dialect.includes('draft-06')) return engines.draft07;
  return `unsupported JSON Schema dialect ${dialect}`;
}

const cache = new WeakMap<JsonSchema, ValidateFunction | string>();

function compile(schema: JsonSchema): ValidateFunction | string {
  const cached = cache.get(schema);
  if (cached) return cached;
  const engine = engineFor(schema);
  let compiled: ValidateFunction | string;
  if (typeof engine === 'string') {
    compiled = engine;
  } else {
    try {
      // `$id`s would clash between compilations of equal schemas; validate them anonymously.
      const { $id: _id, ...anonymous } = schema;
      compiled = engine.compile(anonymous);
    } catch (error) {
      compiled = `schema does not compile: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  cache.set(schema, compiled);
  return compiled;
}

/** Validates `value`; a schema that cannot be compiled is reported as a failed validation. */
export function validate(schema: JsonSchema, value: unknown): Validation {
  const validator = compile(schema);
  if (typeof validator === 'string') return { ok: false, errors: validator };
  if (validator(value)) return { ok: true };
  const errors = (validator.errors ?? [])
    .slice(0, 3)
    .map(
      (e) =>
        `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? ` '${String(e.params.additionalProperty)}'` : ''}`,
    )
    .join('; ');
  return { ok: false, errors };
}
