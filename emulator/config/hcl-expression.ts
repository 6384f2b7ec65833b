/**
 * Evaluates the Terraform expressions that variable `validation` conditions use, so the embedded
 * stack refuses what `terraform plan` refuses. A subset of HCL's native expression syntax
 * (https://developer.hashicorp.com/terraform/language/expressions): literals, lists, `var.<name>`,
 * for expressions over lists, the arithmetic, comparison and logical operators, `? :`, and the
 * functions listed in FUNCTIONS (https://developer.hashicorp.com/terraform/language/functions).
 * Anything else is an UnsupportedExpressionError, never a silent pass: a test evaluates every
 * condition of terraform/variables.tf, so a new construct there fails CI until it is supported.
 */
import type { TerraformValue } from './terraform-variables.ts';

/** An error Terraform would raise while evaluating (what `can()` turns into false). */
export class EvaluationError extends Error {
  override readonly name = 'EvaluationError';
}

/** A construct this evaluator does not implement. */
export class UnsupportedExpressionError extends Error {
  override readonly name = 'UnsupportedExpressionError';
}

type Token =
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'ident'; value: string }
  | { kind: 'op'; value: string };

const OPERATORS = [
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
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
];

function readString(text: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < text.length && text[i] !== '"') {
    const c = text[i]!;
    if (c === '\\') {
      const next = text[i + 1];
      const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
      if (next === undefined || !(next in escapes))
        throw new UnsupportedExpressionError(`string escape \\${next ?? ''}`);
      value += escapes[next];
      i += 2;
    } else if (c === '$' && text[i + 1] === '$' && text[i + 2] === '{') {
      value += '${';
      i += 3;
    } else if (c === '%' && text[i + 1] === '%' && text[i + 2] === '{') {
      value += '%{';
      i += 3;
    } else if ((c === '$' || c === '%') && text[i + 1] === '{') {
      throw new UnsupportedExpressionError('string templates (${…} or %{…} inside a string)');
    } else {
      value += c;
      i += 1;
    }
  }
  if (i >= text.length) throw new UnsupportedExpressionError('unterminated string');
  return { value, end: i + 1 };
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
      const { value, end } = readString(text, i);
      tokens.push({ kind: 'string', value });
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
      if (!op) throw new UnsupportedExpressionError(`unexpected character "${c}"`);
      tokens.push({ kind: 'op', value: op });
      i += op.length;
    }
  }
  return tokens;
}

export type Node =
  | { type: 'literal'; value: TerraformValue }
  | { type: 'ref'; name: string }
  | { type: 'attr'; target: Node; name: string }
  | { type: 'index'; target: Node; index: Node }
  | { type: 'call'; name: string; args: Node[] }
  | { type: 'list'; items: Node[] }
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
  const isOp = (value: string): boolean => peek()?.kind === 'op' && peek()!.value === value;
  const expectOp = (value: string): void => {
    if (!isOp(value)) throw new UnsupportedExpressionError(`expected "${value}" at token ${pos} of ${text.trim()}`);
    pos += 1;
  };
  const ident = (): string => {
    const token = peek();
    if (token?.kind !== 'ident') throw new UnsupportedExpressionError(`expected a name at token ${pos}`);
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
    while (peek()?.kind === 'op' && BINARY_LEVELS[level]!.includes(String(peek()!.value))) {
      const op = tokens[pos++]!.value as string;
      left = { type: 'binary', op, left, right: binary(level + 1) };
    }
    return left;
  }

  function unary(): Node {
    if (isOp('!') || isOp('-')) {
      const op = tokens[pos++]!.value as string;
      return { type: 'unary', op, operand: unary() };
    }
    return postfix(primary());
  }

  function postfix(node: Node): Node {
    for (;;) {
      if (isOp('.')) {
        pos += 1;
        node = { type: 'attr', target: node, name: ident() };
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

  function list(): Node {
    expectOp('[');
    if (peek()?.kind === 'ident' && peek()!.value === 'for') {
      pos += 1;
      let key: string | undefined;
      let value = ident();
      if (isOp(',')) {
        pos += 1;
        key = value;
        value = ident();
      }
      if (ident() !== 'in') throw new UnsupportedExpressionError('expected "in" in a for expression');
      const collection = expression();
      expectOp(':');
      const body = expression();
      let filter: Node | undefined;
      if (peek()?.kind === 'ident' && peek()!.value === 'if') {
        pos += 1;
        filter = expression();
      }
      expectOp(']');
      return { type: 'for', key, value, collection, body, filter };
    }
    const items: Node[] = [];
    while (!isOp(']')) {
      items.push(expression());
      if (isOp(',')) pos += 1;
      else break;
    }
    expectOp(']');
    return { type: 'list', items };
  }

  function primary(): Node {
    const token = peek();
    if (!token) throw new UnsupportedExpressionError('unexpected end of expression');
    if (token.kind === 'number' || token.kind === 'string') {
      pos += 1;
      return { type: 'literal', value: token.value };
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
    throw new UnsupportedExpressionError(`"${token.value}" (objects and other constructs are not supported)`);
  }

  const node = expression();
  if (pos !== tokens.length)
    throw new UnsupportedExpressionError(`unexpected tokens after position ${pos} of ${text.trim()}`);
  return node;
}

/** Terraform conditions reach us from hcl2json as "${…}". */
export function unwrapInterpolation(text: string): string {
  const trimmed = text.trim();
  return trimmed.startsWith('${') && trimmed.endsWith('}') ? trimmed.slice(2, -1) : trimmed;
}

// ------------------------------------------------------------------ evaluation

type Scope = Readonly<Record<string, TerraformValue>>;

function describe(value: TerraformValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  return typeof value === 'object' ? 'map' : typeof value;
}

function expectType<T extends TerraformValue>(
  value: TerraformValue,
  type: 'string' | 'number' | 'bool' | 'list',
  what: string,
): T {
  const ok =
    (type === 'string' && typeof value === 'string') ||
    (type === 'number' && typeof value === 'number') ||
    (type === 'bool' && typeof value === 'boolean') ||
    (type === 'list' && Array.isArray(value));
  if (!ok) throw new EvaluationError(`${what}: a ${type} is required, got ${describe(value)}`);
  return value as T;
}

function equal(a: TerraformValue, b: TerraformValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => equal(item, b[i]!));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && equal(a[k]!, b[k]!));
  }
  return a === b;
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

type Fn = (args: TerraformValue[]) => TerraformValue;
const arity = (name: string, args: TerraformValue[], n: number): void => {
  if (args.length !== n) throw new EvaluationError(`${name}() takes ${n} argument(s), got ${args.length}`);
};

const FUNCTIONS: Readonly<Record<string, Fn>> = {
  regex: (args) => {
    arity('regex', args, 2);
    const match = compileRegex(expectType<string>(args[0]!, 'string', 'regex pattern')).exec(
      expectType<string>(args[1]!, 'string', 'regex string'),
    );
    if (!match) throw new EvaluationError('regex: pattern did not match');
    return match.length > 1 ? match.slice(1).map((g) => g ?? null) : match[0];
  },
  regexall: (args) => {
    arity('regexall', args, 2);
    const re = compileRegex(expectType<string>(args[0]!, 'string', 'regexall pattern'));
    const text = expectType<string>(args[1]!, 'string', 'regexall string');
    return [...text.matchAll(new RegExp(re.source, `${re.flags}g`))].map((m) =>
      m.length > 1 ? m.slice(1).map((g) => g ?? null) : m[0],
    );
  },
  contains: (args) => {
    arity('contains', args, 2);
    return expectType<TerraformValue[]>(args[0]!, 'list', 'contains list').some((item) => equal(item, args[1]!));
  },
  length: (args) => {
    arity('length', args, 1);
    const v = args[0]!;
    if (typeof v === 'string') return [...v].length;
    if (Array.isArray(v)) return v.length;
    if (v && typeof v === 'object') return Object.keys(v).length;
    throw new EvaluationError(`length: a string, list or map is required, got ${describe(v)}`);
  },
  floor: (args) => (arity('floor', args, 1), Math.floor(expectType<number>(args[0]!, 'number', 'floor'))),
  ceil: (args) => (arity('ceil', args, 1), Math.ceil(expectType<number>(args[0]!, 'number', 'ceil'))),
  abs: (args) => (arity('abs', args, 1), Math.abs(expectType<number>(args[0]!, 'number', 'abs'))),
  min: (args) => Math.min(...args.map((a) => expectType<number>(a, 'number', 'min'))),
  max: (args) => Math.max(...args.map((a) => expectType<number>(a, 'number', 'max'))),
  alltrue: (args) => (
    arity('alltrue', args, 1),
    expectType<TerraformValue[]>(args[0]!, 'list', 'alltrue').every((b) =>
      expectType<boolean>(b, 'bool', 'alltrue element'),
    )
  ),
  anytrue: (args) => (
    arity('anytrue', args, 1),
    expectType<TerraformValue[]>(args[0]!, 'list', 'anytrue').some((b) =>
      expectType<boolean>(b, 'bool', 'anytrue element'),
    )
  ),
  startswith: (args) => (
    arity('startswith', args, 2),
    expectType<string>(args[0]!, 'string', 'startswith').startsWith(
      expectType<string>(args[1]!, 'string', 'startswith prefix'),
    )
  ),
  endswith: (args) => (
    arity('endswith', args, 2),
    expectType<string>(args[0]!, 'string', 'endswith').endsWith(
      expectType<string>(args[1]!, 'string', 'endswith suffix'),
    )
  ),
  lower: (args) => (arity('lower', args, 1), expectType<string>(args[0]!, 'string', 'lower').toLowerCase()),
  upper: (args) => (arity('upper', args, 1), expectType<string>(args[0]!, 'string', 'upper').toUpperCase()),
  trimspace: (args) => (arity('trimspace', args, 1), expectType<string>(args[0]!, 'string', 'trimspace').trim()),
  // A map's keys in lexicographical order (https://developer.hashicorp.com/terraform/language/functions/keys).
  keys: (args) => {
    arity('keys', args, 1);
    const map = args[0]!;
    if (map === null || typeof map !== 'object' || Array.isArray(map))
      throw new EvaluationError(`keys: a map is required, got ${describe(map)}`);
    return Object.keys(map).sort();
  },
  jsondecode: (args) => {
    arity('jsondecode', args, 1);
    try {
      return JSON.parse(expectType<string>(args[0]!, 'string', 'jsondecode')) as TerraformValue;
    } catch (error) {
      if (error instanceof EvaluationError) throw error;
      throw new EvaluationError(`jsondecode: ${(error as Error).message}`);
    }
  },
};

export function evaluate(node: Node, variables: Scope, locals: Scope = {}): TerraformValue {
  const ev = (n: Node, scope: Scope = locals): TerraformValue => evaluate(n, variables, scope);
  switch (node.type) {
    case 'literal':
      return node.value;
    case 'ref':
      if (node.name in locals) return locals[node.name]!;
      throw new UnsupportedExpressionError(
        `reference to "${node.name}" (only var.<name> and for-expression symbols are supported)`,
      );
    case 'attr': {
      if (node.target.type === 'ref' && node.target.name === 'var' && !('var' in locals)) {
        if (!(node.name in variables)) throw new EvaluationError(`var.${node.name} is not declared`);
        return variables[node.name]!;
      }
      const target = ev(node.target);
      if (target && typeof target === 'object' && !Array.isArray(target) && node.name in target)
        return target[node.name]!;
      throw new EvaluationError(`no attribute "${node.name}"`);
    }
    case 'index': {
      const target = ev(node.target);
      const index = ev(node.index);
      if (Array.isArray(target) && typeof index === 'number' && index >= 0 && index < target.length)
        return target[index]!;
      if (
        target &&
        typeof target === 'object' &&
        !Array.isArray(target) &&
        typeof index === 'string' &&
        index in target
      )
        return target[index]!;
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
      if (!fn) throw new UnsupportedExpressionError(`function ${node.name}()`);
      return fn(node.args.map((a) => ev(a)));
    }
    case 'list':
      return node.items.map((item) => ev(item));
    case 'for': {
      const collection = ev(node.collection);
      const entries: Array<[TerraformValue, TerraformValue]> = Array.isArray(collection)
        ? collection.map((v, i) => [i, v])
        : collection && typeof collection === 'object'
          ? Object.entries(collection)
          : [];
      if (!Array.isArray(collection) && (collection === null || typeof collection !== 'object')) {
        throw new EvaluationError(`a for expression needs a list or map, got ${describe(collection)}`);
      }
      const out: TerraformValue[] = [];
      for (const [k, v] of entries) {
        const scope = { ...locals, [node.value]: v, ...(node.key ? { [node.key]: k } : {}) };
        if (node.filter && expectType<boolean>(ev(node.filter, scope), 'bool', 'for filter') === false) continue;
        out.push(ev(node.body, scope));
      }
      return out;
    }
    case 'unary': {
      const v = ev(node.operand);
      return node.op === '!' ? !expectType<boolean>(v, 'bool', '!') : -expectType<number>(v, 'number', 'unary -');
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
          const a = expectType<number>(left, 'number', node.op);
          const b = expectType<number>(right, 'number', node.op);
          const arithmetic: Record<string, () => TerraformValue> = {
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
export function evaluateCondition(condition: string, variables: Scope): boolean {
  const result = evaluate(parseExpression(unwrapInterpolation(condition)), variables);
  if (typeof result !== 'boolean') throw new EvaluationError(`the condition gave a ${describe(result)}, not a bool`);
  return result;
}
