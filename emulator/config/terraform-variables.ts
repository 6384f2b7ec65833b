/**
 * Reads Terraform input variables the way `terraform plan` resolves them, so the embedded stack
 * and the deployed stack never disagree: declared defaults, then TF_VAR_* environment variables,
 * then terraform.tfvars(.json), then *.auto.tfvars(.json) in lexical order, then var files given
 * explicitly, then overrides (https://developer.hashicorp.com/terraform/language/values/variables#variable-definition-precedence).
 */
import { parse } from '@cdktf/hcl2json';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export type TerraformValue = string | number | boolean | null | TerraformValue[] | { [key: string]: TerraformValue };
export type TerraformVariables = Record<string, TerraformValue>;

interface VariableBlock {
  default?: TerraformValue;
  type?: string;
}

async function parseHcl(file: string): Promise<Record<string, unknown>> {
  const text = await readFile(file, 'utf8');
  return file.endsWith('.json') ? (JSON.parse(text) as Record<string, unknown>) : ((await parse(path.basename(file), text)) as Record<string, unknown>);
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
    ...(await Promise.all(['terraform.tfvars', 'terraform.tfvars.json'].map(async (f) => ((await exists(path.join(dir, f))) ? [f] : [])))).flat(),
    ...autoFiles,
  ].map((f) => path.join(dir, f));
  for (const file of [...files, ...(options.varFiles ?? [])]) {
    for (const [name, value] of Object.entries(await parseHcl(file))) {
      if (!declared.has(name)) throw new UndeclaredVariableError(`${file} sets "${name}", which terraform/ does not declare`);
      values[name] = value as TerraformValue;
    }
  }
  for (const [name, value] of Object.entries(options.overrides ?? {})) {
    if (!declared.has(name)) throw new UndeclaredVariableError(`override "${name}" is not a declared Terraform variable`);
    values[name] = value;
  }
  return values;
}
