/**
 * The few Terraform expressions the embedded stack evaluates when it renders terraform/'s API
 * Gateway resources (routes, MOCK integrations, gateway responses) from the .tf files as
 * `@cdktf/hcl2json` parses them: literals, `var.*`, `local.*`, `each.key`/`each.value`, resource
 * ids of `aws_api_gateway_resource`, `cond ? a : b`, `length(x) > 0`, `merge`, `toset`,
 * `jsonencode`. Anything else is refused loudly rather than guessed.
 */
import type { TerraformValue, TerraformVariables } from './terraform-variables.ts';

export class UnsupportedTerraformError extends Error {
  override readonly name = 'UnsupportedTerraformError';
}

export type Value = TerraformValue | ResourceId | ReadonlyMap<string, Value> | null;

/** `aws_api_gateway_resource.<label>.id`; the API's root resource is the label `/`. */
export class ResourceId {
  constructor(readonly label: string) {}
}

export interface Scope {
  readonly variables: TerraformVariables;
  /** Locals as parsed (values still holding `${...}`), plus values the stack computes itself. */
  readonly locals: Readonly<Record<string, unknown>>;
  readonly each?: { readonly key: string; readonly value: Value };
  readonly where: string;
}

type Token =
  | { kind: 'string'; text: string }
  | { kind: 'number'; value: number }
  | { kind: 'word'; text: string }
  | { kind: 'punct'; text: string };

function tokenize(source: string, where: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:"((?:[^"\\]|\\.)*)"|(-?\d+)|([A-Za-z_][A-Za-z0-9_.\-/]*)|(\[|\]|\(|\)|\{|\}|,|\?|:|>|=))/y;
  let at = 0;
  while (at < source.length) {
    if (/^\s*$/.test(source.slice(at))) break;
    pattern.lastIndex = at;
    const match = pattern.exec(source);
    if (!match) throw new UnsupportedTerraformError(`${where}: cannot read the expression ${source}`);
    at = pattern.lastIndex;
    if (match[1] !== undefined) tokens.push({ kind: 'string', text: JSON.parse(`"${match[1]}"`) as string });
    else if (match[2] !== undefined) tokens.push({ kind: 'number', value: Number(match[2]) });
    else if (match[3] !== undefined) tokens.push({ kind: 'word', text: match[3] });
    else tokens.push({ kind: 'punct', text: match[4]! });
  }
  return tokens;
}

class Parser {
  private at = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly scope: Scope,
    private readonly source: string,
  ) {}

  private fail(): never {
    throw new UnsupportedTerraformError(`${this.scope.where}: the embedded stack cannot evaluate \${${this.source}}`);
  }
  private peek(text: string): boolean {
    const token = this.tokens[this.at];
    return token !== undefined && token.kind === 'punct' && token.text === text;
  }
  private expect(text: string): void {
    if (!this.peek(text)) this.fail();
    this.at++;
  }

  parseAll(): Value {
    const value = this.conditional();
    if (this.at !== this.tokens.length) this.fail();
    return value;
  }

  private conditional(): Value {
    const condition = this.comparison();
    if (!this.peek('?')) return condition;
    this.at++;
    const whenTrue = this.conditional();
    this.expect(':');
    const whenFalse = this.conditional();
    if (typeof condition !== 'boolean') this.fail();
    return condition ? whenTrue : whenFalse;
  }

  private comparison(): Value {
    const left = this.primary();
    if (!this.peek('>')) return left;
    this.at++;
    const right = this.primary();
    if (typeof left !== 'number' || typeof right !== 'number') this.fail();
    return left > right;
  }

  private list(close: string): Value[] {
    const items: Value[] = [];
    while (!this.peek(close)) {
      items.push(this.conditional());
      if (!this.peek(close)) this.expect(',');
    }
    this.at++;
    return items;
  }

  private primary(): Value {
    const token = this.tokens[this.at++];
    if (!token) this.fail();
    if (token.kind === 'string') return interpolate(token.text, this.scope);
    if (token.kind === 'number') return token.value;
    if (token.kind === 'punct') {
      if (token.text === '[') return this.list(']') as TerraformValue;
      if (token.text === '{') return this.object();
      this.fail();
    }
    if (this.peek('(')) {
      this.at++;
      return this.call(token.text, this.list(')'));
    }
    return this.reference(token.text);
  }

  /** `{ key = value, "key" = value }` (commas optional, as between lines). */
  private object(): Value {
    const entries = new Map<string, Value>();
    while (!this.peek('}')) {
      const key = this.tokens[this.at++];
      if (!key || (key.kind !== 'word' && key.kind !== 'string')) this.fail();
      this.expect('=');
      entries.set(key.text, this.conditional());
      if (this.peek(',')) this.at++;
    }
    this.at++;
    return entries;
  }

  private call(name: string, args: Value[]): Value {
    if (name === 'length' && args.length === 1) {
      const [value] = args;
      if (Array.isArray(value)) return value.length;
      if (value instanceof Map) return value.size;
    }
    if (name === 'toset' && args.length === 1 && Array.isArray(args[0]))
      return [...new Set(args[0] as Value[])] as TerraformValue;
    if (name === 'jsonencode' && args.length === 1)
      return JSON.stringify(args[0], (_key, item: unknown) => (item instanceof Map ? Object.fromEntries(item) : item));
    if (name === 'merge' && args.every((arg) => arg instanceof Map)) {
      return new Map(args.flatMap((arg) => [...(arg as ReadonlyMap<string, Value>)]));
    }
    this.fail();
  }

  private reference(path: string): Value {
    const { scope } = this;
    if (path === 'true' || path === 'false') return path === 'true';
    if (path === 'null') return null;
    if (path === 'each.key' && scope.each) return scope.each.key;
    if (path === 'each.value' && scope.each) return scope.each.value;
    if (path === 'aws_api_gateway_rest_api.this.root_resource_id') return new ResourceId('/');
    const resource = /^aws_api_gateway_resource\.([A-Za-z0-9_]+)\.id$/.exec(path);
    if (resource) return new ResourceId(resource[1]!);
    const variable = /^var\.([A-Za-z0-9_]+)$/.exec(path);
    if (variable && variable[1]! in scope.variables) return scope.variables[variable[1]!]!;
    const local = /^local\.([A-Za-z0-9_]+)$/.exec(path);
    if (local && local[1]! in scope.locals)
      return render(scope.locals[local[1]!], { ...scope, where: `${scope.where} (local.${local[1]})` });
    this.fail();
  }
}

/** Evaluates the inside of one `${...}`. */
export function evaluate(expression: string, scope: Scope): Value {
  return new Parser(tokenize(expression, scope.where), scope, expression).parseAll();
}

/** Finds the `}` that closes the `${` at `start`, skipping quoted strings. */
function closingBrace(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return i;
  }
  return -1;
}

/** A string as hcl2json gives it: `${...}` alone is its value; mixed with text, each is rendered as text. */
export function interpolate(text: string, scope: Scope): Value {
  const whole = text.startsWith('${') ? closingBrace(text, 1) : -1;
  if (whole !== -1 && whole === text.length - 1) return evaluate(text.slice(2, -1), scope);
  let out = '';
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf('${', at);
    if (open === -1) break;
    const close = closingBrace(text, open + 1);
    if (close === -1) throw new UnsupportedTerraformError(`${scope.where}: unclosed interpolation in ${text}`);
    const value = evaluate(text.slice(open + 2, close), scope);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new UnsupportedTerraformError(`${scope.where}: \${${text.slice(open + 2, close)}} is not text`);
    }
    out += text.slice(at, open) + String(value);
    at = close + 1;
  }
  return out + text.slice(at);
}

/** Renders a parsed HCL value: strings interpolated, objects as maps, lists item by item. */
export function render(value: unknown, scope: Scope): Value {
  if (typeof value === 'string') return interpolate(value, scope);
  if (Array.isArray(value)) return value.map((item) => render(item, scope)) as TerraformValue;
  if (value !== null && typeof value === 'object') {
    return new Map(Object.entries(value).map(([key, item]) => [key, render(item, scope)]));
  }
  return value as Value;
}

/** A rendered value that must be a map of strings (response parameters, templates). */
export function stringMap(value: Value, where: string): Map<string, string> {
  if (value === undefined || value === null) return new Map();
  if (!(value instanceof Map)) throw new UnsupportedTerraformError(`${where}: expected a map`);
  const out = new Map<string, string>();
  for (const [key, item] of value) {
    if (typeof item !== 'string') throw new UnsupportedTerraformError(`${where}: ${key} must be a string`);
    out.set(key, item);
  }
  return out;
}

/** The instances of a block with `for_each` (a map or a set of strings), or one without. */
export function forEachInstances(forEach: unknown, scope: Scope): Array<{ key: string; value: Value } | undefined> {
  if (forEach === undefined) return [undefined];
  const value = render(forEach, scope);
  if (value instanceof Map) return [...value].map(([key, item]) => ({ key, value: item }));
  if (Array.isArray(value) && value.every((item) => typeof item === 'string'))
    return (value as string[]).map((item) => ({ key: item, value: item }));
  throw new UnsupportedTerraformError(`${scope.where}: for_each must be a map or a set of strings`);
}
