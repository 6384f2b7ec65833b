/**
 * Reads Terraform input variables the way `terraform plan` resolves them, so the embedded stack
 * and the deployed stack never disagree: declared defaults, then TF_VAR_* environment variables,
 * then terraform.tfvars(.json), then *.auto.tfvars(.json) in lexical order, then var files given
 * explicitly, then overrides (https://developer.hashicorp.com/terraform/language/values/variables#variable-definition-precedence).
 * Then, as `terraform plan` does, each value is converted to its declared `type` and checked
 * against the variable's `validation` blocks; every problem is reported at once.
 */
import { parse } from '@cdktf/hcl2json';
import { evaluateCondition, UnsupportedTerraformError } from './terraform-expressions.ts';
import { convertToType, describeType, parseTypeConstraint } from './terraform-types.ts';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export type TerraformValue = string | number | boolean | null | TerraformValue[] | { [key: string]: TerraformValue };
export type TerraformVariables = Record<string, TerraformValue>;

interface VariableBlock {
  default?: TerraformValue;
  type?: string;
  sensitive?: boolean;
  validation?: Array<{ condition?: string; error_message?: string }>;
}

async function parseHcl(file: string): Promise<Record<string, unknown>> {
  const text = await readFile(file, 'utf8');
  return file.endsWith('.json')
    ? (JSON.parse(text) as Record<string, unknown>)
    : ((await parse(path.basename(file), text)) as Record<string, unknown>);
}

async function declaredVariables(dir: string, only?: readonly string[]): Promise<Map<string, VariableBlock>> {
  const declared = new Map<string, VariableBlock>();
  const files = (await readdir(dir)).filter((name) => name.endsWith('.tf') && (!only || only.includes(name))).sort();
  for (const file of files) {
    const parsed = await parseHcl(path.join(dir, file));
    const variables = (parsed.variable ?? {}) as Record<string, VariableBlock[]>;
    for (const [name, blocks] of Object.entries(variables)) declared.set(name, blocks[0] ?? {});
  }
  return declared;
}

/** TF_VAR_ values are literal strings for string variables and HCL expressions for the others. */
function fromEnvironment(raw: string, type: string | undefined): TerraformValue {
  if (type === undefined || type === '${string}') return raw;
  try {
    return JSON.parse(raw) as TerraformValue;
  } catch {
    return raw;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await readFile(file);
    return true;
  } catch {
    return false;
  }
}

export class UndeclaredVariableError extends Error {
  override readonly name = 'UndeclaredVariableError';
}

/** Values `terraform plan` would refuse: every problem, one per line. */
export class InvalidVariablesError extends Error {
  override readonly name = 'InvalidVariablesError';
  constructor(readonly problems: readonly string[]) {
    super(
      `${problems.length} invalid Terraform variable value(s) (terraform plan would refuse them too):\n  ${problems.join('\n  ')}`,
    );
  }
}

function shown(value: TerraformValue, block: VariableBlock): string {
  return block.sensitive ? '(sensitive value)' : JSON.stringify(value);
}

/**
 * Converts each value to its variable's type and evaluates the validation conditions
 * (https://developer.hashicorp.com/terraform/language/values/variables#custom-validation-rules).
 * Returns the converted values; throws InvalidVariablesError listing every problem.
 */
function checkVariables(declared: ReadonlyMap<string, VariableBlock>, values: TerraformVariables): TerraformVariables {
  const problems: string[] = [];
  const converted: TerraformVariables = {};
  const typeOk = new Set<string>();
  for (const [name, block] of declared) {
    if (!(name in values)) {
      problems.push(
        `var.${name}: no value (the variable has no default; set it in a tfvars file, TF_VAR_${name} or --var)`,
      );
      continue;
    }
    const type = parseTypeConstraint(block.type);
    try {
      converted[name] = convertToType(values[name]!, type);
      typeOk.add(name);
    } catch (error) {
      problems.push(
        `var.${name} = ${shown(values[name]!, block)}: ${(error as Error).message} (type ${describeType(type)})`,
      );
      converted[name] = values[name]!;
    }
  }
  for (const [name, block] of declared) {
    if (!typeOk.has(name)) continue;
    for (const rule of block.validation ?? []) {
      if (!rule.condition) continue;
      let ok: boolean;
      try {
        ok = evaluateCondition(rule.condition, converted);
      } catch (error) {
        const reason =
          error instanceof UnsupportedTerraformError
            ? `the embedded stack cannot evaluate its condition (${error.message})`
            : (error as Error).message;
        problems.push(`var.${name} = ${shown(converted[name]!, block)}: ${reason}`);
        continue;
      }
      if (!ok)
        problems.push(`var.${name} = ${shown(converted[name]!, block)}: ${rule.error_message ?? 'validation failed'}`);
    }
  }
  if (problems.length > 0) throw new InvalidVariablesError(problems);
  return converted;
}

export async function readTerraformVariables(
  dir: string,
  options: {
    varFiles?: readonly string[];
    overrides?: TerraformVariables;
    env?: Readonly<Record<string, string | undefined>>;
    /** Only these .tf files declare variables (e.g. ['variables.tf']): parsing every file takes seconds on a busy host. */
    declarationFiles?: readonly string[];
  } = {},
): Promise<TerraformVariables> {
  const declared = await declaredVariables(dir, options.declarationFiles);
  if (declared.size === 0) throw new Error(`No Terraform variables declared in ${dir}`);
  const values: TerraformVariables = {};
  for (const [name, block] of declared) if (block.default !== undefined) values[name] = block.default;

  const env = options.env ?? process.env;
  for (const [name, block] of declared) {
    const raw = env[`TF_VAR_${name}`];
    if (raw !== undefined) values[name] = fromEnvironment(raw, block.type);
  }

  const autoFiles = (await readdir(dir)).filter((f) => /\.auto\.tfvars(\.json)?$/.test(f)).sort();
  const files = [
    ...(
      await Promise.all(
        ['terraform.tfvars', 'terraform.tfvars.json'].map(async (f) => ((await exists(path.join(dir, f))) ? [f] : [])),
      )
    ).flat(),
    ...autoFiles,
  ].map((f) => path.join(dir, f));
  for (const file of [...files, ...(options.varFiles ?? [])]) {
    for (const [name, value] of Object.entries(await parseHcl(file))) {
      if (!declared.has(name))
        throw new UndeclaredVariableError(`${file} sets "${name}", which terraform/ does not declare`);
      values[name] = value as TerraformValue;
    }
  }
  for (const [name, value] of Object.entries(options.overrides ?? {})) {
    if (!declared.has(name))
      throw new UndeclaredVariableError(`override "${name}" is not a declared Terraform variable`);
    values[name] = value;
  }
  return checkVariables(declared, values);
}
