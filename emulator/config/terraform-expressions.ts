/**
 * The one evaluator of Terraform expressions in the embedded stack: variable `validation`
 * conditions (so it refuses what `terraform plan` refuses) and the resources it renders from the
 * .tf files as `@cdktf/hcl2json` parses them (API Gateway routes and gateway responses, the Lambda
 * functions and their environments). A subset of HCL's native syntax
 * (https://developer.hashicorp.com/terraform/language/expressions): literals, string templates,
 * lists, objects, `for` expressions over lists and maps, arithmetic, comparison and logical
 * operators, `? :`, the functions in FUNCTIONS, and the references `var.*`, `local.*`,
 * `each.key`/`each.value` and resource attributes. A resource attribute Terraform knows only after
 * apply (an ARN, a table name) is an Unknown value, as in a plan: it may be passed along, but any
 * use that needs its value is refused. Anything else is an UnsupportedTerraformError, never a
 * silent guess; every error names where the expression was read.
 */
import type { TerraformValue, TerraformVariables } from './terraform-variables.ts';

abstract class TerraformExpressionError extends Error {
  /** Prefixes the message with where the expression was read (once per context). */
  abstract within(context: string): TerraformExpressionError;
}

/** An error Terraform would raise while evaluating (what `can()` turns into false). */
export class EvaluationError extends TerraformExpressionError {
  override readonly name = 'EvaluationError';
  within(context: string): EvaluationError {
    return new EvaluationError(`${context}: ${this.message}`);
  }
}

/** A construct the embedded stack does not implement, or a value it cannot know. */
export class UnsupportedTerraformError extends TerraformExpressionError {
  override readonly name = 'UnsupportedTerraformError';
  within(context: string): UnsupportedTerraformError {
    return new UnsupportedTerraformError(`${context}: ${this.message}`);
  }
}

/** `aws_api_gateway_resource.<label>.id`; the API's root resource is the label `/`. */
export class ResourceId {
  constructor(readonly label: string) {}
}

/** A resource or data source attribute known only after apply (`aws_iam_role.mcp.arn`). */
export class Unknown {
  constructor(readonly reference: string) {}
}

export type Value = null | string | number | boolean | ResourceId | Unknown | Value[] | { [key: string]: Value };

/** A map or object value (not a list, not a ResourceId or Unknown). */
export function isMap(value: unknown): value is { [key: string]: Value } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

export interface Scope {
  readonly variables: Readonly<Record<string, Value>>;
  /** Locals as parsed (values still holding `${...}`), plus values the stack computes itself. */
  readonly locals?: Readonly<Record<string, unknown>>;
  readonly each?: { readonly key: string; readonly value: Value };
  /** Where the expression was read, e.g. `lambda.tf: aws_lambda_function.this["mcp"].timeout`. */
  readonly where: string;
  /** Locals being rendered (a local that refers to itself is refused). */
  readonly rendering?: ReadonlySet<string>;
}

// ------------------------------------------------------------------ syntax

type Token =
  | { kind: 'number'; value: number }
  | { kind: 'string'; parts: TemplatePart[] }
  | { kind: 'ident'; value: string }
  | { kind: 'op'; value: string };

type TemplatePart = string | Node;

const OPERATORS = [
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '=>',
  '<',
  '>',
  '!',
  '+',
  '-',
  '*',
  '/',
  '%',
  '?',
  ':',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  '.',
  '=',
];

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };

/** The index of the `}` closing the interpolation whose `${` ends just before `start`. */
function interpolationEnd(text: string, start: number): number {
  let depth = 1;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  throw new UnsupportedTerraformError(`unclosed interpolation in ${text}`);
}

/**
 * A template's parts, from `start` up to the closing quote (quoted) or the end of the text
 * (a whole string as hcl2json gives it, whose escapes it has already decoded).
 */
function readTemplate(text: string, start: number, quoted: boolean): { parts: TemplatePart[]; end: number } {
  const parts: TemplatePart[] = [];
  let literal = '';
  let i = start;
  while (i < text.length && !(quoted && text[i] === '"')) {
    const c = text[i]!;
    if (quoted && c === '\\') {
      const next = text[i + 1];
      if (next === undefined || !(next in ESCAPES))
        throw new UnsupportedTerraformError(`string escape \\${next ?? ''}`);
      literal += ESCAPES[next];
      i += 2;
    } else if ((c === '$' || c === '%') && text[i + 1] === c && text[i + 2] === '{') {
      literal += `${c}{`;
      i += 3;
    } else if (c === '%' && text[i + 1] === '{') {
      throw new UnsupportedTerraformError('template directives (%{…})');
    } else if (c === '$' && text[i + 1] === '{') {
      const close = interpolationEnd(text, i + 2);
      if (literal) parts.push(literal);
      literal = '';
      parts.push(parseExpression(text.slice(i + 2, close)));
      i = close + 1;
    } else {
      literal += c;
      i += 1;
    }
  }
  if (quoted && i >= text.length) throw new UnsupportedTerraformError('unterminated string');
  if (literal || parts.length === 0) parts.push(literal);
  return { parts, end: quoted ? i + 1 : i };
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i += 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === '"') {
      const { parts, end } = readTemplate(text, i + 1, true);
      tokens.push({ kind: 'string', parts });
      i = end;
    } else if (/[0-9]/.test(c)) {
      const match = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i))!;
      tokens.push({ kind: 'number', value: Number(match[0]) });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(i))!;
      tokens.push({ kind: 'ident', value: match[0] });
      i += match[0].length;
    } else {
      const op = OPERATORS.find((o) => text.startsWith(o, i));
      if (!op) throw new UnsupportedTerraformError(`unexpected character "${c}"`);
      tokens.push({ kind: 'op', value: op });
      i += op.length;
    }
  }
  return tokens;
}

export type Node =
  | { type: 'literal'; value: TerraformValue }
  | { type: 'template'; parts: TemplatePart[] }
  | { type: 'ref'; name: string }
  | { type: 'attr'; target: Node; name: string }
  | { type: 'index'; target: Node; index: Node }
  | { type: 'call'; name: string; args: Node[] }
  | { type: 'list'; items: Node[] }
  | { type: 'object'; entries: Array<[string, Node]> }
  | { type: 'for'; key: string | undefined; value: string; collection: Node; body: Node; filter: Node | undefined }
  | { type: 'unary'; op: string; operand: Node }
  | { type: 'binary'; op: string; left: Node; right: Node }
  | { type: 'conditional'; test: Node; then: Node; otherwise: Node };

const BINARY_LEVELS: readonly (readonly string[])[] = [
  ['||'],
  ['&&'],
  ['==', '!='],
  ['<', '<=', '>', '>='],
  ['+', '-'],
  ['*', '/', '%'],
];

export function parseExpression(text: string): Node {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isOp = (value: string): boolean => {
    const token = peek();
    return token?.kind === 'op' && token.value === value;
  };
  const isIdent = (value: string): boolean => {
    const token = peek();
    return token?.kind === 'ident' && token.value === value;
  };
  const expectOp = (value: string): void => {
    if (!isOp(value)) throw new UnsupportedTerraformError(`expected "${value}" at token ${pos} of ${text.trim()}`);
    pos += 1;
  };
  const ident = (): string => {
    const token = peek();
    if (token?.kind !== 'ident') throw new UnsupportedTerraformError(`expected a name at token ${pos}`);
    pos += 1;
    return token.value;
  };

  function expression(): Node {
    const test = binary(0);
    if (!isOp('?')) return test;
    pos += 1;
    const then = expression();
    expectOp(':');
    return { type: 'conditional', test, then, otherwise: expression() };
  }

  function binary(level: number): Node {
    if (level >= BINARY_LEVELS.length) return unary();
    let left = binary(level + 1);
    for (;;) {
      const token = peek();
      if (token?.kind !== 'op' || !BINARY_LEVELS[level]!.includes(token.value)) return left;
      pos += 1;
      left = { type: 'binary', op: token.value, left, right: binary(level + 1) };
    }
  }

  function unary(): Node {
    const token = peek();
    if (token?.kind === 'op' && (token.value === '!' || token.value === '-')) {
      pos += 1;
      return { type: 'unary', op: token.value, operand: unary() };
    }
    return postfix(primary());
  }

  function postfix(node: Node): Node {
    for (;;) {
      if (isOp('.')) {
        pos += 1;
        const token = peek();
        if (token?.kind === 'number') {
          // Legacy index syntax `list.0`.
          pos += 1;
          node = { type: 'index', target: node, index: { type: 'literal', value: token.value } };
        } else {
          node = { type: 'attr', target: node, name: ident() };
        }
      } else if (isOp('[')) {
        pos += 1;
        const index = expression();
        expectOp(']');
        node = { type: 'index', target: node, index };
      } else {
        return node;
      }
    }
  }

  /** `for k, v in collection : body if filter`, after the opening bracket. */
  function forClause(close: string): Node {
    pos += 1;
    let key: string | undefined;
    let value = ident();
    if (isOp(',')) {
      pos += 1;
      key = value;
      value = ident();
    }
    if (ident() !== 'in') throw new UnsupportedTerraformError('expected "in" in a for expression');
    const collection = expression();
    expectOp(':');
    const body = expression();
    if (close === '}') throw new UnsupportedTerraformError('for expressions that build objects ({ for … => … })');
    let filter: Node | undefined;
    if (isIdent('if')) {
      pos += 1;
      filter = expression();
    }
    expectOp(close);
    return { type: 'for', key, value, collection, body, filter };
  }

  function list(): Node {
    expectOp('[');
    if (isIdent('for')) return forClause(']');
    const items: Node[] = [];
    while (!isOp(']')) {
      items.push(expression());
      if (isOp(',')) pos += 1;
      else break;
    }
    expectOp(']');
    return { type: 'list', items };
  }

  /** `{ key = value, "key" = value }`; commas optional, as between lines. */
  function object(): Node {
    expectOp('{');
    if (isIdent('for')) return forClause('}');
    const entries: Array<[string, Node]> = [];
    while (!isOp('}')) {
      const key = peek();
      let name: string;
      if (key?.kind === 'ident') name = key.value;
      else if (key?.kind === 'string' && key.parts.length === 1 && typeof key.parts[0] === 'string')
        name = key.parts[0];
      else throw new UnsupportedTerraformError('object keys other than names and literal strings');
      pos += 1;
      if (isOp('=') || isOp(':')) pos += 1;
      else throw new UnsupportedTerraformError(`expected "=" after the object key ${name}`);
      entries.push([name, expression()]);
      if (isOp(',')) pos += 1;
    }
    expectOp('}');
    return { type: 'object', entries };
  }

  function primary(): Node {
    const token = peek();
    if (!token) throw new UnsupportedTerraformError('unexpected end of expression');
    if (token.kind === 'number') {
      pos += 1;
      return { type: 'literal', value: token.value };
    }
    if (token.kind === 'string') {
      pos += 1;
      return { type: 'template', parts: token.parts };
    }
    if (token.kind === 'ident') {
      pos += 1;
      if (token.value === 'true' || token.value === 'false') return { type: 'literal', value: token.value === 'true' };
      if (token.value === 'null') return { type: 'literal', value: null };
      if (isOp('(')) {
        pos += 1;
        const args: Node[] = [];
        while (!isOp(')')) {
          args.push(expression());
          if (isOp(',')) pos += 1;
          else break;
        }
        expectOp(')');
        return { type: 'call', name: token.value, args };
      }
      return { type: 'ref', name: token.value };
    }
    if (token.value === '(') {
      pos += 1;
      const inner = expression();
      expectOp(')');
      return inner;
    }
    if (token.value === '[') return list();
    if (token.value === '{') return object();
    throw new UnsupportedTerraformError(`"${token.value}" where a value was expected`);
  }

  const node = expression();
  if (pos !== tokens.length)
    throw new UnsupportedTerraformError(`unexpected tokens after position ${pos} of ${text.trim()}`);
  return node;
}

/** Terraform conditions reach us from hcl2json as "${…}". */
export function unwrapInterpolation(text: string): string {
  const trimmed = text.trim();
  return trimmed.startsWith('${') && trimmed.endsWith('}') ? trimmed.slice(2, -1) : trimmed;
}

// ------------------------------------------------------------------ evaluation

function describe(value: Value): string {
  if (value === null) return 'null';
  if (value instanceof Unknown) return `${value.reference} (known only after apply)`;
  if (value instanceof ResourceId) return 'a resource id';
  if (Array.isArray(value)) return 'list';
  return typeof value === 'object' ? 'map' : typeof value;
}

/** A value the operation must know; an Unknown one cannot be used here, as the stack has no plan to defer to. */
function known(value: Value, what: string): Value {
  if (value instanceof Unknown)
    throw new UnsupportedTerraformError(
      `${what} needs ${value.reference}, which Terraform knows only after apply and the embedded stack does not model`,
    );
  return value;
}

function expectType<T extends Value>(value: Value, type: 'string' | 'number' | 'bool' | 'list', what: string): T {
  known(value, what);
  const ok =
    (type === 'string' && typeof value === 'string') ||
    (type === 'number' && typeof value === 'number') ||
    (type === 'bool' && typeof value === 'boolean') ||
    (type === 'list' && Array.isArray(value));
  if (!ok) throw new EvaluationError(`${what}: a ${type} is required, got ${describe(value)}`);
  return value as T;
}

function expectMap(value: Value, what: string): { [key: string]: Value } {
  known(value, what);
  if (!isMap(value)) throw new EvaluationError(`${what}: a map is required, got ${describe(value)}`);
  return value;
}

function equal(a: Value, b: Value): boolean {
  known(a, '==');
  known(b, '==');
  if (a instanceof ResourceId && b instanceof ResourceId) return a.label === b.label;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => equal(item, b[i]!));
  if (isMap(a) && isMap(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && equal(a[k]!, b[k]!));
  }
  return a === b;
}

/** A string, number or bool as Terraform converts it to a string (templates, `tostring`, `join`). */
function asText(value: Value, what: string): string {
  known(value, what);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new EvaluationError(`${what}: a string is required, got ${describe(value)}`);
}

/**
 * Terraform's regular expressions are RE2; the forms used in variables.tf mean the same in
 * JavaScript. A leading `(?i)` (RE2's inline flag) becomes the `i` flag.
 */
function compileRegex(pattern: string): RegExp {
  const caseless = pattern.startsWith('(?i)');
  const source = caseless ? pattern.slice(4) : pattern;
  try {
    return new RegExp(source, `u${caseless ? 'i' : ''}`);
  } catch (error) {
    throw new EvaluationError(`invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message}`);
  }
}

/**
 * `jsonencode` (https://developer.hashicorp.com/terraform/language/functions/jsonencode): compact
 * JSON in which <, >, &, U+2028 and U+2029 are written as Unicode escapes.
 */
function jsonEncode(value: Value): string {
  const plain = (item: Value): unknown => {
    known(item, 'jsonencode');
    if (item instanceof ResourceId) throw new UnsupportedTerraformError('jsonencode of a resource id');
    if (Array.isArray(item)) return item.map(plain);
    if (isMap(item)) return Object.fromEntries(Object.entries(item).map(([key, v]) => [key, plain(v)]));
    return item;
  };
  const escapes: Readonly<Record<string, string>> = {
    '<': '\\u003c',
    '>': '\\u003e',
    '&': '\\u0026',
    '\u2028': '\\u2028',
    '\u2029': '\\u2029',
  };
  return JSON.stringify(plain(value)).replace(/[<>&\u2028\u2029]/g, (c) => escapes[c]!);
}

type Fn = (args: Value[]) => Value;
const arity = (name: string, args: Value[], n: number): void => {
  if (args.length !== n) throw new EvaluationError(`${name}() takes ${n} argument(s), got ${args.length}`);
};
/** A function of exactly one or two arguments. */
const one =
  (name: string, fn: (a: Value) => Value): Fn =>
  (args) => {
    arity(name, args, 1);
    return fn(args[0]!);
  };
const two =
  (name: string, fn: (a: Value, b: Value) => Value): Fn =>
  (args) => {
    arity(name, args, 2);
    return fn(args[0]!, args[1]!);
  };
const str = (value: Value, what: string): string => expectType<string>(value, 'string', what);
const num = (value: Value, what: string): number => expectType<number>(value, 'number', what);
const list = (value: Value, what: string): Value[] => expectType<Value[]>(value, 'list', what);
const bool = (value: Value, what: string): boolean => expectType<boolean>(value, 'bool', what);

/** The functions the .tf files use (https://developer.hashicorp.com/terraform/language/functions). */
const FUNCTIONS: Readonly<Record<string, Fn>> = {
  regex: two('regex', (pattern, text) => {
    const match = compileRegex(str(pattern, 'regex pattern')).exec(str(text, 'regex string'));
    if (!match) throw new EvaluationError('regex: pattern did not match');
    return match.length > 1 ? match.slice(1).map((g) => g ?? null) : match[0];
  }),
  regexall: two('regexall', (pattern, text) => {
    const re = compileRegex(str(pattern, 'regexall pattern'));
    return [...str(text, 'regexall string').matchAll(new RegExp(re.source, `${re.flags}g`))].map((m) =>
      m.length > 1 ? m.slice(1).map((g) => g ?? null) : m[0],
    );
  }),
  contains: two('contains', (items, item) => list(items, 'contains list').some((other) => equal(other, item))),
  length: one('length', (value) => {
    const v = known(value, 'length');
    if (typeof v === 'string') return [...v].length;
    if (Array.isArray(v)) return v.length;
    if (isMap(v)) return Object.keys(v).length;
    throw new EvaluationError(`length: a string, list or map is required, got ${describe(v)}`);
  }),
  floor: one('floor', (v) => Math.floor(num(v, 'floor'))),
  ceil: one('ceil', (v) => Math.ceil(num(v, 'ceil'))),
  abs: one('abs', (v) => Math.abs(num(v, 'abs'))),
  min: (args) => Math.min(...args.map((a) => num(a, 'min'))),
  max: (args) => Math.max(...args.map((a) => num(a, 'max'))),
  alltrue: one('alltrue', (v) => list(v, 'alltrue').every((b) => bool(b, 'alltrue element'))),
  anytrue: one('anytrue', (v) => list(v, 'anytrue').some((b) => bool(b, 'anytrue element'))),
  startswith: two('startswith', (v, prefix) => str(v, 'startswith').startsWith(str(prefix, 'startswith prefix'))),
  endswith: two('endswith', (v, suffix) => str(v, 'endswith').endsWith(str(suffix, 'endswith suffix'))),
  lower: one('lower', (v) => str(v, 'lower').toLowerCase()),
  upper: one('upper', (v) => str(v, 'upper').toUpperCase()),
  trimspace: one('trimspace', (v) => str(v, 'trimspace').trim()),
  // A map's keys in lexicographical order (https://developer.hashicorp.com/terraform/language/functions/keys).
  keys: one('keys', (v) => Object.keys(expectMap(v, 'keys')).sort()),
  jsondecode: one('jsondecode', (v) => {
    const text = str(v, 'jsondecode');
    try {
      return JSON.parse(text) as TerraformValue;
    } catch (error) {
      throw new EvaluationError(`jsondecode: ${(error as Error).message}`);
    }
  }),
  jsonencode: one('jsonencode', jsonEncode),
  join: two('join', (separator, items) => {
    const glue = str(separator, 'join separator');
    return list(items, 'join list')
      .map((item) => asText(item, 'join element'))
      .join(glue);
  }),
  tostring: one('tostring', (v) => (v === null ? null : asText(v, 'tostring'))),
  // A set of strings, kept in first-seen order here (for_each only needs its members).
  toset: one('toset', (v) => {
    const items = list(v, 'toset');
    return items.filter((item, i) => items.findIndex((other) => equal(other, item)) === i);
  }),
  // Later maps win (https://developer.hashicorp.com/terraform/language/functions/merge).
  merge: (args) => Object.assign({}, ...args.filter((a) => a !== null).map((a) => expectMap(a, 'merge'))),
};

const RESOURCE_TYPE = /^[a-z][a-z0-9]*_[a-z0-9_]+$/;

/** `a.b[0].c` for a chain of attributes and literal indexes on a name, else undefined. */
function traversal(node: Node): string | undefined {
  if (node.type === 'ref') return node.name;
  if (node.type === 'attr') {
    const target = traversal(node.target);
    return target === undefined ? undefined : `${target}.${node.name}`;
  }
  if (node.type === 'index' && node.index.type === 'literal') {
    const target = traversal(node.target);
    return target === undefined ? undefined : `${target}[${JSON.stringify(node.index.value)}]`;
  }
  return undefined;
}

function renderLocal(name: string, scope: Scope): Value {
  const locals = scope.locals ?? {};
  if (!(name in locals)) throw new UnsupportedTerraformError(`local.${name} is not declared`);
  const rendering = scope.rendering ?? new Set<string>();
  if (rendering.has(name)) throw new UnsupportedTerraformError(`local.${name} refers to itself`);
  return renderAt(locals[name], { ...scope, rendering: new Set([...rendering, name]) }, `local.${name}`);
}

/** A reference by name: `var.x`, `local.x`, `each.key`, a resource attribute, or a for-expression symbol. */
function reference(node: Node, scope: Scope, symbols: Readonly<Record<string, Value>>): Value | undefined {
  const path = traversal(node);
  if (path === undefined) return undefined;
  const root = path.split(/[.[]/, 1)[0]!;
  if (root in symbols) return undefined;
  const attribute = /^(var|local|each)\.([A-Za-z0-9_-]+)$/.exec(path);
  if (attribute) {
    const [, kind, name] = attribute;
    if (kind === 'var') {
      if (!(name! in scope.variables)) throw new EvaluationError(`var.${name} is not declared`);
      return scope.variables[name!]!;
    }
    if (kind === 'local') return renderLocal(name!, scope);
    if (!scope.each) throw new UnsupportedTerraformError(`each.${name} outside a for_each block`);
    if (name === 'key') return scope.each.key;
    if (name === 'value') return scope.each.value;
    throw new UnsupportedTerraformError(`each.${name}`);
  }
  if (path === 'aws_api_gateway_rest_api.this.root_resource_id') return new ResourceId('/');
  const resourceId = /^aws_api_gateway_resource\.([A-Za-z0-9_]+)\.id$/.exec(path);
  if (resourceId) return new ResourceId(resourceId[1]!);
  // A resource or data source attribute: what it holds is decided at apply.
  if (/^data\.[a-z0-9_]+\.[A-Za-z0-9_-]+\./.test(path) || /^[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z0-9_-]+/.test(path))
    return new Unknown(path);
  return undefined;
}

export function evaluate(node: Node, scope: Scope, symbols: Readonly<Record<string, Value>> = {}): Value {
  const ev = (n: Node, inner: Readonly<Record<string, Value>> = symbols): Value => evaluate(n, scope, inner);
  switch (node.type) {
    case 'literal':
      return node.value;
    case 'template': {
      const [only] = node.parts;
      // "${x}" alone is x itself, whatever its type (https://developer.hashicorp.com/terraform/language/expressions/strings#interpolation).
      if (node.parts.length === 1 && typeof only !== 'string' && only !== undefined) return ev(only);
      return node.parts.map((part) => (typeof part === 'string' ? part : asText(ev(part), 'interpolation'))).join('');
    }
    case 'ref': {
      if (node.name in symbols) return symbols[node.name]!;
      if (node.name === 'var' || node.name === 'local' || node.name === 'each' || RESOURCE_TYPE.test(node.name))
        throw new UnsupportedTerraformError(`"${node.name}" without an attribute`);
      throw new UnsupportedTerraformError(
        `reference to "${node.name}" (var.*, local.*, each.*, resource attributes and for-expression symbols are supported)`,
      );
    }
    case 'attr': {
      const resolved = reference(node, scope, symbols);
      if (resolved !== undefined) return resolved;
      const target = ev(node.target);
      if (target instanceof Unknown) return new Unknown(`${target.reference}.${node.name}`);
      if (isMap(target) && node.name in target) return target[node.name]!;
      if (node.target.type === 'ref' && !(node.target.name in symbols))
        throw new UnsupportedTerraformError(`reference to ${node.target.name}.${node.name}`);
      throw new EvaluationError(`no attribute "${node.name}"`);
    }
    case 'index': {
      const resolved = reference(node, scope, symbols);
      if (resolved !== undefined) return resolved;
      const target = ev(node.target);
      const index = known(ev(node.index), 'an index');
      if (target instanceof Unknown) return new Unknown(`${target.reference}[${JSON.stringify(index)}]`);
      if (Array.isArray(target) && typeof index === 'number' && index >= 0 && index < target.length)
        return target[index]!;
      if (isMap(target) && typeof index === 'string' && index in target) return target[index]!;
      throw new EvaluationError('invalid index');
    }
    case 'call': {
      if (node.name === 'can') {
        if (node.args.length !== 1) throw new EvaluationError('can() takes 1 argument');
        try {
          ev(node.args[0]!);
          return true;
        } catch (error) {
          if (error instanceof EvaluationError) return false;
          throw error;
        }
      }
      const fn = FUNCTIONS[node.name];
      if (!fn) throw new UnsupportedTerraformError(`function ${node.name}()`);
      return fn(node.args.map((a) => ev(a)));
    }
    case 'list':
      return node.items.map((item) => ev(item));
    case 'object':
      return Object.fromEntries(node.entries.map(([key, item]) => [key, ev(item)]));
    case 'for': {
      const collection = known(ev(node.collection), 'a for expression');
      let entries: Array<[Value, Value]>;
      if (Array.isArray(collection)) entries = collection.map((v, i) => [i, v]);
      else if (isMap(collection)) entries = Object.entries(collection);
      else throw new EvaluationError(`a for expression needs a list or map, got ${describe(collection)}`);
      const out: Value[] = [];
      for (const [k, v] of entries) {
        const inner = { ...symbols, [node.value]: v, ...(node.key ? { [node.key]: k } : {}) };
        if (node.filter && !bool(ev(node.filter, inner), 'for filter')) continue;
        out.push(ev(node.body, inner));
      }
      return out;
    }
    case 'unary': {
      const v = ev(node.operand);
      return node.op === '!' ? !expectType<boolean>(v, 'bool', '!') : -num(v, 'unary -');
    }
    case 'conditional':
      return expectType<boolean>(ev(node.test), 'bool', 'condition of ? :') ? ev(node.then) : ev(node.otherwise);
    case 'binary': {
      // Terraform evaluates both operands of && and || (no short circuit): an error on either side is an error.
      const left = ev(node.left);
      const right = ev(node.right);
      switch (node.op) {
        case '==':
          return equal(left, right);
        case '!=':
          return !equal(left, right);
        case '&&':
          return expectType<boolean>(left, 'bool', '&&') && expectType<boolean>(right, 'bool', '&&');
        case '||':
          return expectType<boolean>(left, 'bool', '||') || expectType<boolean>(right, 'bool', '||');
        default: {
          const a = num(left, node.op);
          const b = num(right, node.op);
          const arithmetic: Record<string, () => Value> = {
            '<': () => a < b,
            '<=': () => a <= b,
            '>': () => a > b,
            '>=': () => a >= b,
            '+': () => a + b,
            '-': () => a - b,
            '*': () => a * b,
            '/': () => a / b,
            '%': () => a % b,
          };
          return arithmetic[node.op]!();
        }
      }
    }
  }
}

/** Evaluates a validation condition ("${…}" as hcl2json gives it) against the variables' values. */
export function evaluateCondition(condition: string, variables: TerraformVariables): boolean {
  const result = evaluate(parseExpression(unwrapInterpolation(condition)), { variables, where: 'condition' });
  if (typeof result !== 'boolean') throw new EvaluationError(`the condition gave a ${describe(result)}, not a bool`);
  return result;
}

/** A string as hcl2json gives it: a template whose `${...}` alone is its value. */
export function interpolate(text: string, scope: Scope): Value {
  return evaluate({ type: 'template', parts: readTemplate(text, 0, false).parts }, scope);
}

/** Renders a value at `path` (`local.x.key[0]`); an error names the path of the string that failed. */
function renderAt(value: unknown, scope: Scope, path: string): Value {
  if (typeof value === 'string') {
    try {
      return interpolate(value, scope);
    } catch (error) {
      if (path && error instanceof TerraformExpressionError) throw error.within(path);
      throw error;
    }
  }
  if (Array.isArray(value)) return value.map((item, i) => renderAt(item, scope, `${path}[${i}]`));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, renderAt(item, scope, path ? `${path}.${key}` : key)]),
    );
  return value as Value;
}

/**
 * Renders a parsed HCL value: strings as templates, objects as maps, lists item by item. Errors
 * name `scope.where` (the file, block and attribute) and the path inside the value.
 */
export function render(value: unknown, scope: Scope): Value {
  try {
    return renderAt(value, scope, '');
  } catch (error) {
    if (error instanceof TerraformExpressionError) throw error.within(scope.where);
    throw error;
  }
}

/** A rendered value that must be a map of strings (response parameters, templates, environment variables). */
export function stringMap(value: Value | undefined, where: string): Map<string, string> {
  if (value === undefined || value === null) return new Map();
  if (value instanceof Unknown) known(value, where);
  if (!isMap(value)) throw new UnsupportedTerraformError(`${where}: expected a map, got ${describe(value)}`);
  const out = new Map<string, string>();
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') throw new UnsupportedTerraformError(`${where}: ${key} must be a string`);
    out.set(key, item);
  }
  return out;
}

/** The instances of a block with `for_each` (a map or a set of strings), or one without. */
export function forEachInstances(forEach: unknown, scope: Scope): Array<{ key: string; value: Value } | undefined> {
  if (forEach === undefined) return [undefined];
  const value = render(forEach, scope);
  if (isMap(value)) return Object.entries(value).map(([key, item]) => ({ key, value: item }));
  if (Array.isArray(value) && value.every((item) => typeof item === 'string'))
    return (value as string[]).map((item) => ({ key: item, value: item }));
  throw new UnsupportedTerraformError(`${scope.where}: for_each must be a map or a set of strings`);
}
