/**
 * Arguments generated from a tool's input JSON Schema, for load scenarios that name a tool without
 * giving its arguments (`"arguments": "sample"`). The same rules as the smoke client's generator
 * (client/sample-args.ts): `const`, the first of `examples`, `default`, the first of `enum`, else the
 * simplest value of the type that meets its bounds. Plain JS without Node APIs: k6 runs it too.
 */

const MAX_DEPTH = 6;

const FORMATS = {
  'date-time': '1970-01-01T00:00:00.000Z',
  date: '2024-01-01',
  time: '12:00:00Z',
  email: 'load@example.com',
  uri: 'https://example.com/',
  url: 'https://example.com/',
  'uri-reference': 'https://example.com/',
  uuid: '00000000-0000-4000-8000-000000000000',
  hostname: 'example.com',
  ipv4: '192.0.2.1',
};

function firstType(schema) {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.find((t) => t !== 'null') || type[0];
  if (schema.properties !== undefined) return 'object';
  return undefined;
}

function generateString(schema) {
  if (typeof schema.format === 'string' && FORMATS[schema.format] !== undefined)
    return { ok: true, value: FORMATS[schema.format] };
  if (typeof schema.pattern === 'string')
    return { ok: false, reason: `a string matching /${schema.pattern}/ (give the property "examples")` };
  const min = typeof schema.minLength === 'number' ? schema.minLength : 1;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : Math.max(min, 6);
  return { ok: true, value: 'sample'.padEnd(min, 'x').slice(0, Math.max(max, 0)) };
}

function generateNumber(schema, integer) {
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
  let value = min !== undefined ? min : max !== undefined && max < 1 ? max : 1;
  if (integer) value = Math.ceil(value);
  return { ok: true, value };
}

/** { ok: true, value } satisfying `schema`, or { ok: false, reason } for what it cannot invent. */
export function generateValue(schema, depth) {
  const level = depth || 0;
  if (level > MAX_DEPTH) return { ok: false, reason: 'a deeply nested value' };
  if (schema === null || typeof schema !== 'object') return { ok: false, reason: 'a value without a schema' };
  if ('const' in schema) return { ok: true, value: schema.const };
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return { ok: true, value: schema.examples[0] };
  if ('default' in schema) return { ok: true, value: schema.default };
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return { ok: true, value: schema.enum[0] };
  for (const key of ['anyOf', 'oneOf']) {
    if (Array.isArray(schema[key])) {
      for (const option of schema[key]) {
        const generated = generateValue(option, level + 1);
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
      const item = generateValue(schema.items || {}, level + 1);
      if (!item.ok) return item;
      const value = [];
      for (let i = 0; i < minItems; i += 1) value.push(item.value);
      return { ok: true, value };
    }
    case 'object': {
      const properties = schema.properties || {};
      const required = Array.isArray(schema.required) ? schema.required : [];
      const value = {};
      for (const name of required) {
        if (!properties[name]) return { ok: false, reason: `required property '${name}' without a schema` };
        const generated = generateValue(properties[name], level + 1);
        if (!generated.ok) return { ok: false, reason: `'${name}': ${generated.reason}` };
        value[name] = generated.value;
      }
      return { ok: true, value };
    }
    default:
      return { ok: false, reason: 'a value of unknown type' };
  }
}

/** The arguments of a tool's input schema (tools/list `inputSchema`), as generateValue gives them. */
export function sampleArguments(inputSchema) {
  return generateValue(Object.assign({ type: 'object' }, inputSchema || {}));
}
