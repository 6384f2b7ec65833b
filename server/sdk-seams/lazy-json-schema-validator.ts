/**
 * The SDK's Node shims (`@modelcontextprotocol/server/_shims`) with the default JSON Schema
 * validator loaded on first use. The bundles alias the SDK's shims module to this file
 * (shared/build.ts); code run from source (tests, tsx) keeps the SDK's own.
 *
 * Why: the SDK's Node shims import Ajv with ajv-formats (a third of the MCP bundle's code at INIT)
 * so that every `Server` gets an `AjvJsonSchemaValidator`, which the server uses only to check an
 * accepted form elicitation against its requested schema. Evaluating Ajv's modules cost every cold
 * start that time, though a stateless request never elicits through a held stream. Here the class
 * has the same name and shape; Ajv's modules are evaluated by the first `getValidator` call, inside
 * the bundle (esbuild turns the `require` below into a lazily run bundled module).
 */
import type { JsonSchemaType, JsonSchemaValidator, jsonSchemaValidator } from '@modelcontextprotocol/server';
import type { AjvJsonSchemaValidator } from '@modelcontextprotocol/server/validators/ajv';

export { default as process } from 'node:process';

type AjvEngine = ConstructorParameters<typeof AjvJsonSchemaValidator>[0];

function loadAjvValidator(): typeof AjvJsonSchemaValidator {
  // A bundled module, not a file read at run time: esbuild inlines it and runs it on this first call.
  return (
    require('@modelcontextprotocol/server/validators/ajv') as { AjvJsonSchemaValidator: typeof AjvJsonSchemaValidator }
  ).AjvJsonSchemaValidator;
}

export class DefaultJsonSchemaValidator implements jsonSchemaValidator {
  #ajv: AjvEngine;
  #delegate: AjvJsonSchemaValidator | undefined;

  constructor(ajv?: AjvEngine) {
    this.#ajv = ajv;
  }

  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    this.#delegate ??= new (loadAjvValidator())(this.#ajv);
    return this.#delegate.getValidator<T>(schema);
  }
}
