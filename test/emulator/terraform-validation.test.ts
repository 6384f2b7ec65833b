/**
 * The embedded stack refuses the variable values `terraform plan` refuses: types converted as
 * Terraform converts them, every `validation` block of terraform/variables.tf evaluated, every
 * problem listed at once, and `npm start` exiting before it prints a banner. Where a terraform
 * binary is on PATH, the same cases go through `terraform plan` on a copy of variables.tf (no
 * provider needed) and both must agree.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { describe, expect, it } from 'vitest';
import {
  evaluateCondition,
  parseExpression,
  unwrapInterpolation,
} from '../../emulator/config/terraform-expressions.ts';
import {
  InvalidVariablesError,
  readTerraformVariables,
  type TerraformVariables,
} from '../../emulator/config/terraform-variables.ts';
import { repoRoot } from '../../shared/lambda-artifacts.ts';
import { runCli } from '../client/cli-runner.ts';

const TF_DIR = path.join(repoRoot, 'terraform');

async function problemsOf(overrides: TerraformVariables): Promise<readonly string[]> {
  try {
    await readTerraformVariables(TF_DIR, { env: {}, overrides });
    return [];
  } catch (error) {
    if (error instanceof InvalidVariablesError) return error.problems;
    throw error;
  }
}

/** Cases with the variables each must be refused for (literals from variables.tf's rules). */
const CASES: ReadonlyArray<{ values: TerraformVariables; refused: readonly string[] }> = [
  { values: {}, refused: [] },
  { values: { mcp_memory_size: 64 }, refused: ['mcp_memory_size'] },
  { values: { mcp_memory_size: 1024.5 }, refused: ['mcp_memory_size'] },
  { values: { mcp_memory_size: 10240, mcp_timeout_seconds: 900 }, refused: [] },
  { values: { auth_mode: 'oauth' }, refused: ['auth_mode'] },
  { values: { streaming_enabled: 'yes' }, refused: ['streaming_enabled'] },
  { values: { streaming_enabled: 'true', mcp_memory_size: '256' }, refused: [] },
  { values: { region: 'Europe' }, refused: ['region'] },
  { values: { name: 'a'.repeat(41) }, refused: ['name'] },
  { values: { stage_name: 'dev-1' }, refused: ['stage_name'] },
  { values: { static_tokens: ['short'] }, refused: ['static_tokens'] },
  { values: { static_tokens: ['a-token-of-twenty-chars'] }, refused: [] },
  { values: { jwt_allowed_algorithms: ['HS256'] }, refused: ['jwt_allowed_algorithms'] },
  { values: { jwt_allowed_algorithms: [] }, refused: ['jwt_allowed_algorithms'] },
  {
    values: {
      authorizer_type: 'REQUEST',
      authorizer_identity_source: 'method.request.header.Authorization, method.request.querystring.tenant',
    },
    refused: [],
  },
  {
    values: { authorizer_identity_source: 'method.request.querystring.token' },
    refused: ['authorizer_identity_source'],
  },
  {
    values: { authorizer_identity_validation_expression: '([' },
    refused: ['authorizer_identity_validation_expression'],
  },
  {
    values: { log_retention_days: 10, mcp_reserved_concurrency: -2, throttling_burst_limit: 1.5 },
    refused: ['log_retention_days', 'mcp_reserved_concurrency', 'throttling_burst_limit'],
  },
  { values: { mcp_zip_path: 'bundle.tar' }, refused: ['mcp_zip_path'] },
  { values: { authorization_servers: ['ftp://as'] }, refused: ['authorization_servers'] },
];

const refusedNames = (problems: readonly string[]): string[] =>
  [...new Set(problems.map((p) => /^var\.([a-z_0-9]+)/.exec(p)![1]!))].sort();

describe('Terraform variable validation in the embedded stack', () => {
  it('parses and evaluates every validation condition of terraform/variables.tf with the defaults', async () => {
    const parsed = (await parse('variables.tf', await readFile(path.join(TF_DIR, 'variables.tf'), 'utf8'))) as {
      variable: Record<string, Array<{ validation?: Array<{ condition: string }> }>>;
    };
    const defaults = await readTerraformVariables(TF_DIR, { env: {} });
    const conditions = Object.values(parsed.variable).flatMap((blocks) =>
      (blocks[0]!.validation ?? []).map((v) => v.condition),
    );
    expect(conditions.length).toBeGreaterThanOrEqual(25);
    for (const condition of conditions) {
      expect(() => parseExpression(unwrapInterpolation(condition)), condition).not.toThrow();
      expect(evaluateCondition(condition, defaults), condition).toBe(true);
    }
  });

  it.each(CASES.map((c) => [JSON.stringify(c.values), c] as const))('%s', async (_name, { values, refused }) => {
    expect(refusedNames(await problemsOf(values))).toEqual([...refused].sort());
  });

  it('converts values to the declared types as Terraform does', async () => {
    const values = await readTerraformVariables(TF_DIR, {
      env: { TF_VAR_mcp_memory_size: '256' },
      overrides: { streaming_enabled: 'false', stage_name: 7 },
    });
    expect([values.mcp_memory_size, values.streaming_enabled, values.stage_name]).toEqual([256, false, '7']);
  });

  it("reports every problem at once, with the rule's own message, never echoing a sensitive value", async () => {
    const problems = await problemsOf({
      mcp_memory_size: 64,
      auth_mode: 'oauth',
      streaming_enabled: 'yes',
      static_tokens: ['secret-but-short'.slice(0, 10)],
    });
    expect(problems).toHaveLength(4);
    expect(problems).toContain(
      'var.mcp_memory_size = 64: mcp_memory_size must be a whole number of MB between 128 and 10240.',
    );
    expect(problems).toContain('var.auth_mode = "oauth": auth_mode must be static or jwt.');
    expect(problems).toContain('var.streaming_enabled = "yes": a bool is required (type bool)');
    expect(problems.find((p) => p.startsWith('var.static_tokens'))).toMatch(
      /^var\.static_tokens = \(sensitive value\): Every static token/,
    );
    expect(problems.join('\n')).not.toContain('secret-but');
  });

  it('npm start refuses invalid values with every reason and prints no banner', async () => {
    const result = await runCli(
      [
        '--port',
        '0',
        '--no-log-dir',
        '--var',
        'mcp_memory_size=64',
        '--var',
        'auth_mode=oauth',
        '--var',
        'streaming_enabled=yes',
      ],
      {
        entry: path.join(repoRoot, 'emulator', 'cli.ts'),
        timeoutMs: 60_000,
      },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('mcp_memory_size must be a whole number of MB between 128 and 10240.');
    expect(result.stderr).toContain('auth_mode must be static or jwt.');
    expect(result.stderr).toContain('var.streaming_enabled = "yes": a bool is required');
    expect(result.stdout).not.toContain('Embedded stack running');
  }, 70_000);

  it('agrees with `terraform plan` on every case (when terraform is on PATH)', (ctx) => {
    if (spawnSync('terraform', ['version'], { encoding: 'utf8' }).status !== 0)
      return ctx.skip('no terraform binary on PATH');
    const dir = mkdtempSync(path.join(tmpdir(), 'tf-variables-'));
    copyFileSync(path.join(TF_DIR, 'variables.tf'), path.join(dir, 'variables.tf'));
    const env = { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
    // Only variable blocks: no provider, so init downloads nothing.
    expect(
      spawnSync('terraform', ['init', '-input=false', '-backend=false', '-no-color'], {
        cwd: dir,
        env,
        encoding: 'utf8',
      }).status,
    ).toBe(0);
    CASES.forEach(({ values, refused }, i) => {
      const file = path.join(dir, `case-${i}.tfvars.json`);
      writeFileSync(file, JSON.stringify(values));
      const plan = spawnSync('terraform', ['plan', '-input=false', '-no-color', '-lock=false', `-var-file=${file}`], {
        cwd: dir,
        env,
        encoding: 'utf8',
        timeout: 60_000,
      });
      const output = `${plan.stdout}${plan.stderr}`;
      // Terraform names the variable in "on <file> line N" context lines; count its error blocks instead.
      const errors = output.match(/Error: Invalid value for (input )?variable/g)?.length ?? 0;
      expect(plan.status === 0, `${JSON.stringify(values)}\n${output}`).toBe(refused.length === 0);
      expect(errors, `${JSON.stringify(values)}\n${output}`).toBe(refused.length);
    });
  }, 170_000);
});
