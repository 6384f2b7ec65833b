/**
 * The embedded stack runs the functions terraform/lambda.tf declares: names, handler, runtime,
 * memory, timeout, reserved concurrency and environment variables are read from the .tf files
 * (expected values below are the literals lambda.tf and variables.tf give), a changed .tf value is
 * picked up, and an expression the stack cannot evaluate stops it with the file and attribute named.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type EmulatorSettings, readStackConfig } from '../../emulator/config/stack-config.ts';
import { readTerraformVariables, type TerraformVariables } from '../../emulator/config/terraform-variables.ts';
import { repoRoot } from '../../shared/lambda-artifacts.ts';

const TF_DIR = path.join(repoRoot, 'terraform');

const SETTINGS: EmulatorSettings = {
  mcpBundlePath: '/bundles/mcp/index.mjs',
  authorizerBundlePath: '/bundles/authorizer/index.mjs',
  fallbackTokens: ['fallback-token-for-the-test'],
  mcpEndpointUrl: 'http://127.0.0.1:3000/dev/mcp',
  taskStoreDir: '/tmp/tasks',
};

async function configOf(dir: string, overrides: TerraformVariables = {}) {
  return readStackConfig(dir, await readTerraformVariables(dir, { env: {}, overrides }), SETTINGS);
}

/** A copy of terraform/'s .tf files with lambda.tf edited by `edit` (each replacement must apply). */
function editedTerraform(edits: ReadonlyArray<readonly [string, string]>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tf-functions-'));
  for (const file of readdirSync(TF_DIR).filter((name) => name.endsWith('.tf')))
    copyFileSync(path.join(TF_DIR, file), path.join(dir, file));
  let lambda = readFileSync(path.join(dir, 'lambda.tf'), 'utf8');
  for (const [from, to] of edits) {
    expect(lambda, `lambda.tf contains ${from}`).toContain(from);
    lambda = lambda.replace(from, to);
  }
  writeFileSync(path.join(dir, 'lambda.tf'), lambda);
  return dir;
}

describe('functions read from terraform/lambda.tf', () => {
  it('runs both functions with the settings and environments lambda.tf declares (variable defaults)', async () => {
    const config = await configOf(TF_DIR);
    expect(config.mcp).toEqual({
      functionName: 'stateless-mcp-mcp-server',
      bundlePath: '/bundles/mcp/index.mjs',
      handler: 'index.handler',
      runtime: 'nodejs22.x',
      memorySizeMb: 512,
      timeoutSeconds: 10,
      concurrencyLimit: 10,
      environment: {
        STAGE_NAME: 'dev',
        AUTHORIZATION_SERVERS: '',
        SCOPES_SUPPORTED: '',
        STREAMING_ENABLED: 'false',
        POWERTOOLS_SERVICE_NAME: 'stateless-mcp-mcp-server',
        NODE_OPTIONS: '--enable-source-maps',
        LOG_LEVEL: 'INFO',
        // The task table is a directory every execution environment of the stack shares.
        MCP_TASK_STORE_DIR: '/tmp/tasks',
        MCP_CORS_ALLOWED_ORIGINS: '',
      },
    });
    expect(config.authorizerFunction).toEqual({
      functionName: 'stateless-mcp-authorizer',
      bundlePath: '/bundles/authorizer/index.mjs',
      handler: 'index.handler',
      runtime: 'nodejs22.x',
      memorySizeMb: 256,
      timeoutSeconds: 5,
      concurrencyLimit: 10,
      environment: {
        AUTH_MODE: 'static',
        // static_tokens is empty: the stack's own token stands in.
        STATIC_TOKENS: '["fallback-token-for-the-test"]',
        JWT_ISSUER: '',
        JWT_JWKS_URL: '',
        // jwt_audience is empty: local.mcp_url, the stack's MCP endpoint.
        JWT_AUDIENCE: 'http://127.0.0.1:3000/dev/mcp',
        JWT_AUDIENCE_CLAIM: 'aud',
        JWT_REQUIRED_SCOPES: '',
        JWT_ALLOWED_ALGORITHMS: 'RS256,ES256',
        POWERTOOLS_SERVICE_NAME: 'stateless-mcp-authorizer',
        NODE_OPTIONS: '--enable-source-maps',
        LOG_LEVEL: 'INFO',
      },
    });
    expect(config.integrationTimeoutMs).toBe(29_000);
  });

  it('follows the variables through the expressions of lambda.tf and main.tf', async () => {
    const config = await configOf(TF_DIR, {
      name: 'demo',
      lambda_runtime: 'nodejs24.x',
      mcp_memory_size: 1024,
      mcp_timeout_seconds: 60,
      mcp_reserved_concurrency: -1,
      authorizer_reserved_concurrency: 3,
      streaming_enabled: true,
      tasks_enabled: false,
      log_level: 'DEBUG',
      scopes_supported: ['mcp:read', 'mcp:write'],
      cors_allowed_origins: ['https://app.example'],
      mcp_environment: { NOTES_TABLE: 'notes' },
      auth_mode: 'jwt',
      jwt_issuer: 'https://issuer.example/',
      jwt_jwks_url: 'https://issuer.example/jwks',
      jwt_audience: 'https://api.example/mcp',
      jwt_required_scopes: ['mcp:read'],
      static_tokens: ['a-static-token-0123456789'],
    });
    expect(config.mcp).toMatchObject({
      functionName: 'demo-mcp-server',
      runtime: 'nodejs24.x',
      memorySizeMb: 1024,
      timeoutSeconds: 60,
      // -1: nothing reserved, the account's default quota (1,000) is the limit.
      concurrencyLimit: 1000,
    });
    expect(config.mcp.environment).toEqual({
      NOTES_TABLE: 'notes',
      STAGE_NAME: 'dev',
      // No authorization_servers: the JWT issuer (local.authorization_servers).
      AUTHORIZATION_SERVERS: 'https://issuer.example/',
      SCOPES_SUPPORTED: 'mcp:read,mcp:write',
      STREAMING_ENABLED: 'true',
      POWERTOOLS_SERVICE_NAME: 'demo-mcp-server',
      NODE_OPTIONS: '--enable-source-maps',
      LOG_LEVEL: 'DEBUG',
      MCP_TASK_STORE_DIR: '',
      MCP_CORS_ALLOWED_ORIGINS: 'https://app.example',
    });
    expect(config.authorizerFunction).toMatchObject({
      functionName: 'demo-authorizer',
      concurrencyLimit: 3,
      environment: expect.objectContaining({
        AUTH_MODE: 'jwt',
        STATIC_TOKENS: '["a-static-token-0123456789"]',
        JWT_AUDIENCE: 'https://api.example/mcp',
        JWT_REQUIRED_SCOPES: 'mcp:read',
        POWERTOOLS_SERVICE_NAME: 'demo-authorizer',
      }),
    });
    // Streaming: the integration timeout follows the function's (API Gateway allows up to 15 minutes).
    expect(config.integrationTimeoutMs).toBe(60_000);
  });

  it('picks up a changed value in lambda.tf', async () => {
    const dir = editedTerraform([
      ['handler          = "index.handler"', 'handler          = "main.run"'],
      ['LOG_LEVEL    = var.log_level', 'LOG_LEVEL    = "WARN"'],
      ['memory_size          = var.mcp_memory_size', 'memory_size          = 2048'],
      [
        'LOG_LEVEL               = var.log_level\n',
        'LOG_LEVEL               = var.log_level\n        STAGE_UPPER             = upper(var.stage_name)\n        PAYLOAD                 = jsonencode({ html = "<a&b>" })\n',
      ],
    ]);
    const config = await configOf(dir);
    expect(config.mcp.handler).toBe('main.run');
    expect(config.authorizerFunction.handler).toBe('main.run');
    expect(config.mcp.memorySizeMb).toBe(2048);
    expect(config.mcp.environment.LOG_LEVEL).toBe('WARN');
    expect(config.authorizerFunction.environment.LOG_LEVEL).toBe('INFO');
    expect(config.authorizerFunction.environment.STAGE_UPPER).toBe('DEV');
    // jsonencode escapes <, > and & (Terraform's jsonencode documentation).
    expect(config.authorizerFunction.environment.PAYLOAD).toBe('{"html":"\\u003ca\\u0026b\\u003e"}');
  });

  it('refuses an expression it cannot evaluate, naming the file and the attribute', async () => {
    const dir = editedTerraform([['timeout              = var.mcp_timeout_seconds', 'timeout = sum([1, 2])']]);
    await expect(configOf(dir)).rejects.toThrow(
      /^lambda\.tf: aws_lambda_function\.this\.for_each: local\.lambda_functions\.mcp\.timeout: function sum\(\)$/,
    );
  });

  it('refuses an environment value Terraform knows only after apply, naming the variable', async () => {
    const dir = editedTerraform([
      [
        'LOG_LEVEL               = var.log_level\n',
        'LOG_LEVEL               = var.log_level\n        ROLE = aws_iam_role.mcp.arn\n',
      ],
    ]);
    await expect(configOf(dir)).rejects.toThrow(
      'lambda.tf: aws_lambda_function.this["authorizer"].environment.variables.ROLE: aws_iam_role.mcp.arn is known only after apply',
    );
  });
});
