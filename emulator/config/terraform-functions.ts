/**
 * The Lambda functions terraform/ declares (`aws_lambda_function`, one block per function or one
 * over a `for_each` map), read from the .tf files so the embedded stack runs each function with
 * the name, handler, runtime, memory, timeout, reserved concurrency and environment variables
 * `terraform apply` gives it. Expressions go through terraform-expressions.ts; one the stack cannot
 * evaluate stops it with the file, block and attribute named.
 */
import {
  isMap,
  render,
  type Scope,
  UnsupportedTerraformError,
  Unknown,
  type Value,
  forEachInstances,
} from './terraform-expressions.ts';
import { localsOf, readTerraformFiles, resourcesOf } from './terraform-files.ts';
import type { TerraformVariables } from './terraform-variables.ts';

export interface TerraformFunction {
  /** `aws_lambda_function.this["mcp"]`, with the file: where its values were read. */
  readonly address: string;
  readonly functionName: string;
  readonly handler: string;
  readonly runtime: string;
  readonly memorySizeMb: number;
  readonly timeoutSeconds: number;
  /** Reserved concurrent executions; -1 means none reserved. */
  readonly reservedConcurrency: number;
  /** Environment variables; a value Terraform knows only after apply stays Unknown. */
  readonly environment: Readonly<Record<string, string | Unknown>>;
}

/**
 * The provider's defaults for attributes a block leaves out
 * (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lambda_function:
 * memory_size 128, timeout 3, reserved_concurrent_executions -1).
 */
const DEFAULTS = { memory_size: 128, timeout: 3, reserved_concurrent_executions: -1 } as const;

function text(value: Value, where: string): string {
  if (typeof value !== 'string') throw new UnsupportedTerraformError(`${where}: expected a string`);
  return value;
}

function whole(value: Value, where: string): number {
  // Terraform converts a numeric string to a number attribute.
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number))
    throw new UnsupportedTerraformError(`${where}: expected a whole number`);
  return number;
}

/** `environment { variables = ... }`: a map(string), numbers and bools converted as Terraform converts them. */
function environmentOf(block: Record<string, unknown>, scope: Scope): Record<string, string | Unknown> {
  const environment = (block.environment as Array<Record<string, unknown>> | undefined)?.[0];
  if (environment?.variables === undefined) return {};
  const where = `${scope.where}.environment.variables`;
  const value = render(environment.variables, { ...scope, where });
  if (!isMap(value)) throw new UnsupportedTerraformError(`${where}: expected a map of strings`);
  const out: Record<string, string | Unknown> = {};
  for (const [name, item] of Object.entries(value)) {
    if (typeof item === 'string' || item instanceof Unknown) out[name] = item;
    else if (typeof item === 'number' || typeof item === 'boolean') out[name] = String(item);
    else throw new UnsupportedTerraformError(`${where}.${name}: expected a string`);
  }
  return out;
}

/**
 * Every function instance in `terraformDir`, keyed by its `for_each` key (or its label without
 * one). `locals` are values the stack computes itself and that win over the .tf locals (the MCP
 * endpoint URL, which on AWS contains the API id).
 */
export async function readLambdaFunctions(
  terraformDir: string,
  variables: TerraformVariables,
  locals: Readonly<Record<string, string>> = {},
): Promise<Map<string, TerraformFunction>> {
  const files = await readTerraformFiles(terraformDir);
  const allLocals = { ...localsOf(files), ...locals };
  const functions = new Map<string, TerraformFunction>();
  for (const { file, label, block } of resourcesOf(files, 'aws_lambda_function')) {
    const base: Scope = { variables, locals: allLocals, where: `${file}: aws_lambda_function.${label}` };
    for (const each of forEachInstances(block.for_each, { ...base, where: `${base.where}.for_each` })) {
      const address = `aws_lambda_function.${label}${each ? `[${JSON.stringify(each.key)}]` : ''}`;
      const scope: Scope = { ...base, ...(each ? { each } : {}), where: `${file}: ${address}` };
      const attribute = (name: string): Value => {
        const value = block[name];
        const fallback = DEFAULTS[name as keyof typeof DEFAULTS];
        if (value === undefined && fallback !== undefined) return fallback;
        if (value === undefined) throw new UnsupportedTerraformError(`${scope.where}: ${name} is not set`);
        return render(value, { ...scope, where: `${scope.where}.${name}` });
      };
      const key = each?.key ?? label;
      if (functions.has(key)) throw new UnsupportedTerraformError(`${scope.where}: a second function named ${key}`);
      functions.set(key, {
        address: scope.where,
        functionName: text(attribute('function_name'), `${scope.where}.function_name`),
        handler: text(attribute('handler'), `${scope.where}.handler`),
        runtime: text(attribute('runtime'), `${scope.where}.runtime`),
        memorySizeMb: whole(attribute('memory_size'), `${scope.where}.memory_size`),
        timeoutSeconds: whole(attribute('timeout'), `${scope.where}.timeout`),
        reservedConcurrency: whole(
          attribute('reserved_concurrent_executions'),
          `${scope.where}.reserved_concurrent_executions`,
        ),
        environment: environmentOf(block, scope),
      });
    }
  }
  return functions;
}
