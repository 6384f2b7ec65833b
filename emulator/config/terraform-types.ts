/**
 * A variable's `type` constraint applied as Terraform applies it to a given value: the value is
 * converted when Terraform converts it, refused when Terraform refuses it
 * (https://developer.hashicorp.com/terraform/language/expressions/type-constraints#conversion-of-primitive-types:
 * numbers and bools become strings; a string becomes a number when it is one, a bool when it is
 * "true" or "false"; collections convert element by element).
 */
import type { TerraformValue } from './terraform-variables.ts';

export type TypeConstraint =
  | { kind: 'string' | 'number' | 'bool' | 'any' }
  | { kind: 'list' | 'set' | 'map'; element: TypeConstraint }
  | { kind: 'unchecked'; text: string };

/** `${list(string)}` (as hcl2json writes a type) → a constraint; object/tuple types are left unchecked. */
export function parseTypeConstraint(raw: string | undefined): TypeConstraint {
  if (raw === undefined) return { kind: 'any' };
  const text = raw
    .trim()
    .replace(/^\$\{([\s\S]*)\}$/, '$1')
    .replace(/\s+/g, '');
  if (text === 'string' || text === 'number' || text === 'bool' || text === 'any') return { kind: text };
  const collection = /^(list|set|map)\((.+)\)$/.exec(text);
  if (collection) return { kind: collection[1] as 'list' | 'set' | 'map', element: parseTypeConstraint(collection[2]) };
  return { kind: 'unchecked', text };
}

export function describeType(type: TypeConstraint): string {
  if (type.kind === 'unchecked') return type.text;
  if ('element' in type) return `${type.kind}(${describeType(type.element)})`;
  return type.kind;
}

export class TypeConversionError extends Error {
  override readonly name = 'TypeConversionError';
}

const NUMBER_LITERAL = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

/** Returns the value converted to the type, or throws TypeConversionError with Terraform's wording. */
export function convertToType(value: TerraformValue, type: TypeConstraint): TerraformValue {
  if (value === null || type.kind === 'any' || type.kind === 'unchecked') return value;
  switch (type.kind) {
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      throw new TypeConversionError('string required');
    case 'number':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      if (typeof value === 'string' && NUMBER_LITERAL.test(value.trim())) return Number(value.trim());
      throw new TypeConversionError('a number is required');
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw new TypeConversionError('a bool is required');
    case 'list':
    case 'set': {
      if (!Array.isArray(value))
        throw new TypeConversionError(`${type.kind} of ${describeType(type.element)} required`);
      const converted = value.map((item, i) => {
        try {
          return convertToType(item, type.element);
        } catch (error) {
          throw new TypeConversionError(`element ${i}: ${(error as Error).message}`);
        }
      });
      return type.kind === 'set'
        ? converted.filter(
            (item, i) => converted.findIndex((other) => JSON.stringify(other) === JSON.stringify(item)) === i,
          )
        : converted;
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value))
        throw new TypeConversionError(`map of ${describeType(type.element)} required`);
      const out: Record<string, TerraformValue> = {};
      for (const [key, item] of Object.entries(value)) {
        try {
          out[key] = convertToType(item, type.element);
        } catch (error) {
          throw new TypeConversionError(`element "${key}": ${(error as Error).message}`);
        }
      }
      return out;
    }
  }
}
