/**
 * Structural checks of terraform/ that run in `npm test` without a provider or an AWS account:
 * `terraform fmt -check`, the variable contract the embedded emulator relies on, and the shape of
 * the API (authorizer on /mcp, unauthenticated discovery routes, gateway responses, redeployment
 * by hash). `scripts/check-terraform.sh` adds `terraform validate` and a credential-less plan with
 * a provider built from source.
 */
import { parse } from '@cdktf/hcl2json';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readStackConfig } from '../emulator/config/stack-config.ts';
import { readTerraformVariables } from '../emulator/config/terraform-variables.ts';
import { SUPPORTED_ALGORITHMS } from '../server/authorizer/algorithms.ts';
import { IDENTITY_VALIDATION_EXPRESSION } from '../server/authorizer/bearer.ts';
import { TASK_TABLE_HASH_KEY, TASK_TABLE_TTL_ATTRIBUTE } from '../server/mcp/tasks/dynamo-store.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TF_DIR = path.join(ROOT, 'terraform');

type Block = Record<string, unknown>;
type Hcl = {
  terraform?: Block[];
  variable?: Record<string, Block[]>;
  output?: Record<string, Block[]>;
  locals?: Block[];
  moved?: Block[];
  resource?: Record<string, Record<string, Block[]>>;
  data?: Record<string, Record<string, Block[]>>;
};

const files: Record<string, string> = {};
const parsed: Record<string, Hcl> = {};

function resources(type: string): Record<string, Block> {
  const out: Record<string, Block> = {};
  for (const hcl of Object.values(parsed)) {
    for (const [name, blocks] of Object.entries(hcl.resource?.[type] ?? {})) out[name] = blocks[0]!;
  }
  return out;
}

function resource(type: string, name: string): Block {
  const block = resources(type)[name];
  if (!block) throw new Error(`resource ${type}.${name} is not declared`);
  return block;
}

function variables(): Record<string, Block> {
  const out: Record<string, Block> = {};
  for (const hcl of Object.values(parsed))
    for (const [name, blocks] of Object.entries(hcl.variable ?? {})) out[name] = blocks[0]!;
  return out;
}

function locals(): Record<string, unknown> {
  return Object.assign({}, ...Object.values(parsed).flatMap((hcl) => hcl.locals ?? [])) as Record<string, unknown>;
}

/** The settings of one function in `local.lambda_functions` (lambda.tf), the map aws_lambda_function.this is over. */
function functionOf(name: 'mcp' | 'authorizer'): Block {
  const fn = (locals().lambda_functions as Record<string, Block> | undefined)?.[name];
  if (!fn) throw new Error(`local.lambda_functions.${name} is not declared`);
  return fn;
}

/**
 * A function's environment variables. The MCP function's are the harness's (a local), merged
 * over the server module's own `mcp_environment`, which the harness's win against.
 */
function environmentOf(name: 'mcp' | 'authorizer'): Record<string, string> {
  const variables = functionOf(name).environment;
  if (name === 'authorizer') return variables as Record<string, string>;
  expect(variables).toBe('${merge(var.mcp_environment, local.mcp_harness_environment)}');
  return locals().mcp_harness_environment as Record<string, string>;
}

function terraformBinary(): string | undefined {
  const probe = spawnSync('terraform', ['version'], { encoding: 'utf8' });
  return probe.status === 0 ? 'terraform' : undefined;
}

beforeAll(async () => {
  for (const file of readdirSync(TF_DIR).filter((f) => f.endsWith('.tf'))) {
    files[file] = readFileSync(path.join(TF_DIR, file), 'utf8');
    parsed[file] = (await parse(file, files[file])) as Hcl;
  }
});

describe('terraform/ layout', () => {
  it('splits resources by concern like terraform-aws-modules', () => {
    for (const file of [
      'versions.tf',
      'variables.tf',
      'outputs.tf',
      'lambda.tf',
      'iam.tf',
      'logs.tf',
      'api_gateway.tf',
      'gateway_responses.tf',
      'tasks.tf',
    ]) {
      expect(files[file], file).toBeDefined();
    }
    expect(existsSync(path.join(TF_DIR, 'terraform.tfvars.example'))).toBe(true);
    expect(existsSync(path.join(TF_DIR, 'README.md'))).toBe(true);
  });

  it('is `terraform fmt` clean', (ctx) => {
    const terraform = terraformBinary();
    if (!terraform) return ctx.skip('no terraform binary on PATH');
    const config = path.join(mkdtempSync(path.join(tmpdir(), 'tf-fmt-')), 'empty.tfrc');
    writeFileSync(config, '');
    const result = spawnSync(terraform!, ['fmt', '-check', '-recursive', '-diff', TF_DIR], {
      encoding: 'utf8',
      env: { ...process.env, TF_CLI_CONFIG_FILE: config, CHECKPOINT_DISABLE: '1' },
    });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('passes `terraform validate` and plans both variants with the AWS provider built from source', (ctx) => {
    if (!terraformBinary()) return ctx.skip('no terraform binary on PATH');
    // Never builds the provider here (50+ min): `npm run check:terraform` does that once per machine.
    const result = spawnSync('bash', [path.join(ROOT, 'scripts', 'check-terraform.sh'), '--cached-only'], {
      encoding: 'utf8',
      timeout: 170_000,
    });
    const output = `${result.stdout}${result.stderr}`;
    if (result.status === 3) return ctx.skip(output.trim().split('\n').at(-1)!);
    expect(result.status, output).toBe(0);
    expect(output).toContain('Success! The configuration is valid.');
    expect(output.match(/Plan: \d+ to add, 0 to change, 0 to destroy\./g)).toHaveLength(2);
  }, 180_000);

  it('pins Terraform >= 1.9 and exactly the AWS provider 6 release check:terraform validates (>= 6.26)', () => {
    const tf = parsed['versions.tf']!.terraform![0]!;
    expect(tf.required_version).toBe('>= 1.9');
    const aws = (tf.required_providers as Record<string, { source: string; version: string }>[])[0]!.aws!;
    expect(aws.source).toBe('hashicorp/aws');
    // An exact version: no lock file is committed (its hashes must come from the registry).
    const match = /^6\.(\d+)\.\d+$/.exec(aws.version);
    expect(match, aws.version).not.toBeNull();
    expect(Number(match![1])).toBeGreaterThanOrEqual(26);
    const checked = /AWS_PROVIDER_VERSION=\$\{AWS_PROVIDER_VERSION:-([^}]+)\}/.exec(
      readFileSync(path.join(ROOT, 'scripts', 'check-terraform.sh'), 'utf8'),
    )?.[1];
    expect(checked).toBe(aws.version);
  });

  it('never redeploys on every apply (no timestamp()) and hard-codes no region', () => {
    for (const [file, text] of Object.entries(files)) {
      expect(text.replace(/^\s*#.*$/gm, ''), file).not.toMatch(/timestamp\(\)/);
      if (file === 'variables.tf') continue; // the region variable's default
      expect(text.replace(/^\s*#.*$/gm, ''), file).not.toMatch(/"(us|eu|ap|sa|ca|me|af)-[a-z]+-\d"/);
    }
  });
});

describe('variables: the contract shared with the embedded emulator', () => {
  // name -> [HCL type, default]
  const CONTRACT: Record<string, [string, unknown]> = {
    region: ['string', 'us-east-1'],
    name: ['string', 'stateless-mcp'],
    stage_name: ['string', 'dev'],
    mcp_zip_path: ['string', '../dist/mcp-server.zip'],
    authorizer_zip_path: ['string', '../dist/authorizer.zip'],
    lambda_runtime: ['string', 'nodejs22.x'],
    lambda_architecture: ['string', 'arm64'],
    mcp_memory_size: ['number', 512],
    mcp_timeout_seconds: ['number', 10],
    mcp_reserved_concurrency: ['number', 10],
    authorizer_memory_size: ['number', 256],
    authorizer_timeout_seconds: ['number', 5],
    authorizer_reserved_concurrency: ['number', 10],
    authorizer_type: ['string', 'TOKEN'],
    authorizer_identity_source: ['string', 'method.request.header.Authorization'],
    authorizer_identity_validation_expression: ['string', IDENTITY_VALIDATION_EXPRESSION],
    authorizer_result_ttl_seconds: ['number', 300],
    auth_mode: ['string', 'static'],
    static_tokens: ['list(string)', []],
    jwt_issuer: ['string', ''],
    jwt_jwks_url: ['string', ''],
    jwt_audience: ['string', ''],
    jwt_audience_claim: ['string', 'aud'],
    jwt_required_scopes: ['list(string)', []],
    jwt_allowed_algorithms: ['list(string)', ['RS256', 'ES256']],
    authorization_servers: ['list(string)', []],
    scopes_supported: ['list(string)', []],
    throttling_rate_limit: ['number', 100],
    throttling_burst_limit: ['number', 50],
    log_retention_days: ['number', 14],
    streaming_enabled: ['bool', false],
    tasks_enabled: ['bool', true],
    tasks_point_in_time_recovery: ['bool', true],
    tags: ['map(string)', {}],
  };

  it.each(Object.entries(CONTRACT))('%s has the agreed type and default', (name, [type, value]) => {
    const variable = variables()[name];
    expect(variable, `variable "${name}"`).toBeDefined();
    expect(variable!.type).toBe(`\${${type}}`);
    expect(variable!.default).toEqual(value);
  });

  it('every variable is described and typed', () => {
    for (const [name, variable] of Object.entries(variables())) {
      expect(typeof variable.description, name).toBe('string');
      expect((variable.description as string).length, name).toBeGreaterThan(10);
      expect(variable.type, name).toBeDefined();
    }
  });

  it('validates the variables that have a closed set of values or a range', () => {
    const withValidation = [
      'region',
      'name',
      'stage_name',
      'lambda_runtime',
      'lambda_architecture',
      'mcp_memory_size',
      'mcp_timeout_seconds',
      'mcp_reserved_concurrency',
      'authorizer_reserved_concurrency',
      'authorizer_type',
      'authorizer_identity_source',
      'authorizer_result_ttl_seconds',
      'auth_mode',
      'static_tokens',
      'jwt_allowed_algorithms',
      'jwt_audience_claim',
      'log_retention_days',
    ];
    for (const name of withValidation) expect(variables()[name]!.validation, name).toBeDefined();
  });

  it('refuses `none` and HMAC algorithms for JWTs, allows exactly what the authorizer supports, and marks the static tokens sensitive', () => {
    const condition = JSON.stringify(variables().jwt_allowed_algorithms!.validation);
    expect(condition).not.toMatch(/"none"|HS256|HS384|HS512/);
    const allowed = [
      ...JSON.stringify(variables().jwt_allowed_algorithms!.validation).matchAll(/\\"([A-Za-z0-9]+)\\"/g),
    ].map((m) => m[1]);
    expect(new Set(allowed)).toEqual(new Set(SUPPORTED_ALGORITHMS));
    expect(variables().static_tokens!.sensitive).toBe(true);
  });

  it('terraform.tfvars.example only sets declared variables, and the emulator accepts it', async () => {
    const example = path.join(TF_DIR, 'terraform.tfvars.example');
    const copy = path.join(mkdtempSync(path.join(tmpdir(), 'tfvars-')), 'example.tfvars');
    writeFileSync(copy, readFileSync(example, 'utf8'));
    const values = await readTerraformVariables(TF_DIR, { varFiles: [copy], env: {} });
    const config = await readStackConfig(TF_DIR, values, {
      mcpBundlePath: 'mcp.mjs',
      authorizerBundlePath: 'authorizer.mjs',
      fallbackTokens: ['fallback-token-for-the-test'],
      mcpEndpointUrl: 'http://127.0.0.1:3000/dev/mcp',
      taskStoreDir: '/tmp/tasks',
    });
    expect(config.stageName).toBe('dev');
    expect(config.mcp.memorySizeMb).toBe(512);
  });
});

describe('Lambda functions', () => {
  it('declares both functions once, over a map (as terraform-aws-modules/lambda), keeping the state of the two former resources', () => {
    const fn = resource('aws_lambda_function', 'this');
    expect(Object.keys(resources('aws_lambda_function'))).toEqual(['this']);
    expect(fn.for_each).toBe('${local.lambda_functions}');
    expect(Object.keys(locals().lambda_functions as Block).sort()).toEqual(['authorizer', 'mcp']);
    expect(parsed['lambda.tf']!.moved).toEqual([
      { from: '${aws_lambda_function.mcp}', to: '${aws_lambda_function.this["mcp"]}' },
      { from: '${aws_lambda_function.authorizer}', to: '${aws_lambda_function.this["authorizer"]}' },
    ]);
  });

  it('deploys both bundles with index.handler, a content hash, and the shared runtime settings', () => {
    const fn = resource('aws_lambda_function', 'this');
    expect(fn.handler).toBe('index.handler');
    expect(fn.filename).toBe('${each.value.zip_path}');
    expect(fn.source_code_hash).toBe('${filebase64sha256(each.value.zip_path)}');
    expect(fn.runtime).toBe('${var.lambda_runtime}');
    expect(fn.architectures).toEqual(['${var.lambda_architecture}']);
    expect(fn.memory_size).toBe('${each.value.memory_size}');
    expect(fn.timeout).toBe('${each.value.timeout}');
    expect(fn.reserved_concurrent_executions).toBe('${each.value.reserved_concurrency}');
    expect(fn.role).toBe('${each.value.role_arn}');
    expect((fn.environment as Block[])[0]!.variables).toBe('${each.value.environment}');
    // Log groups (with retention) first, so Lambda never creates one without it.
    expect(JSON.stringify(fn.depends_on)).toContain('aws_cloudwatch_log_group.mcp');
    expect(JSON.stringify(fn.depends_on)).toContain('aws_cloudwatch_log_group.authorizer');
    for (const [name, prefix] of [
      ['mcp', 'mcp'],
      ['authorizer', 'authorizer'],
    ] as const) {
      expect(functionOf(name)).toMatchObject({
        zip_path: `\${var.${prefix}_zip_path}`,
        role_arn: `\${aws_iam_role.${prefix}.arn}`,
        memory_size: `\${var.${prefix}_memory_size}`,
        timeout: `\${var.${prefix}_timeout_seconds}`,
        reserved_concurrency: `\${var.${prefix}_reserved_concurrency}`,
      });
    }
  });

  it('names the log groups after the functions', () => {
    const loc = locals();
    expect(loc.mcp_function_name).toBe('${var.name}-mcp-server');
    expect(loc.authorizer_function_name).toBe('${var.name}-authorizer');
    expect(functionOf('mcp').function_name).toBe('${local.mcp_function_name}');
    expect(functionOf('authorizer').function_name).toBe('${local.authorizer_function_name}');
    expect(resource('aws_cloudwatch_log_group', 'mcp').name).toBe('/aws/lambda/${local.mcp_function_name}');
    expect(resource('aws_cloudwatch_log_group', 'authorizer').name).toBe(
      '/aws/lambda/${local.authorizer_function_name}',
    );
  });

  it("keeps mcp_environment off the harness's variables: its validation names every one", async () => {
    const harness = Object.keys(environmentOf('mcp')).sort();
    expect(harness).toEqual([
      'AUTHORIZATION_SERVERS',
      'LOG_LEVEL',
      'MCP_CORS_ALLOWED_ORIGINS',
      'MCP_TASKS_TABLE',
      'NODE_OPTIONS',
      'POWERTOOLS_SERVICE_NAME',
      'SCOPES_SUPPORTED',
      'STAGE_NAME',
      'STREAMING_ENABLED',
    ]);
    const validation = JSON.stringify(variables().mcp_environment!.validation);
    for (const name of harness) expect(validation).toContain(`\\"${name}\\"`);
    // Refused by the variable's own validation block, as `terraform plan` refuses it.
    await expect(
      readTerraformVariables(TF_DIR, { env: {}, overrides: { mcp_environment: { LOG_LEVEL: 'x' } } }),
    ).rejects.toThrow(/var\.mcp_environment.*LOG_LEVEL/);
  });

  it('lists the JWT issuer as the RFC 9728 authorization server when none is given', () => {
    expect(locals().authorization_servers).toMatch(
      /length\(var\.authorization_servers\) > 0 \? var\.authorization_servers : \(var\.auth_mode == "jwt" && var\.jwt_issuer != "" \? \[var\.jwt_issuer\] : \[\]\)/,
    );
    expect(environmentOf('mcp').AUTHORIZATION_SERVERS).toBe('${join(",", local.authorization_servers)}');
  });

  it('passes the static tokens as a JSON array and defaults the JWT audience to the MCP endpoint', () => {
    const environment = environmentOf('authorizer');
    expect(environment.STATIC_TOKENS).toBe('${jsonencode(var.static_tokens)}');
    expect(environment.JWT_AUDIENCE).toMatch(/var\.jwt_audience.*local\.mcp_url/);
  });

  it('checks the auth mode settings on the authorizer only', () => {
    const conditions = ((resource('aws_lambda_function', 'this').lifecycle as Block[])[0]!.precondition as Block[]).map(
      (rule) => rule.condition,
    );
    expect(conditions).toHaveLength(2);
    for (const condition of conditions) expect(condition).toMatch(/^\$\{each\.key != "authorizer" \|\| /);
  });

  it('lets only this REST API invoke the functions', () => {
    for (const permission of Object.values(resources('aws_lambda_permission'))) {
      expect(permission.principal).toBe('apigateway.amazonaws.com');
      expect(permission.action).toBe('lambda:InvokeFunction');
      expect(permission.source_arn).toMatch(/^\$\{aws_api_gateway_rest_api\.this\.execution_arn\}\//);
    }
    expect(Object.keys(resources('aws_lambda_permission')).sort()).toEqual(['authorizer', 'mcp']);
  });
});

describe('IAM is least privilege', () => {
  it('grants the functions only CreateLogStream/PutLogEvents on their own log group', () => {
    const documents = parsed['iam.tf']!.data!.aws_iam_policy_document!;
    for (const name of ['mcp_logs', 'authorizer_logs']) {
      const statements = documents[name]![0]!.statement as Block[];
      expect(statements).toHaveLength(1);
      expect(statements[0]!.actions).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
      const group = name.replace('_logs', '');
      expect(statements[0]!.resources).toEqual([`\${aws_cloudwatch_log_group.${group}.arn}:*`]);
    }
  });

  it('lets the MCP function only get, put, update and delete items of the task table', () => {
    const document = parsed['iam.tf']!.data!.aws_iam_policy_document!.mcp_tasks![0]!;
    expect(document.count).toBe('${var.tasks_enabled ? 1 : 0}');
    const statements = document.statement as Block[];
    expect(statements).toHaveLength(1);
    expect(statements[0]!.actions).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
    ]);
    expect(statements[0]!.resources).toEqual(['${aws_dynamodb_table.tasks[0].arn}']);
    const policy = resource('aws_iam_role_policy', 'mcp_tasks');
    expect(policy.role).toBe('${aws_iam_role.mcp.id}');
    expect(policy.policy).toBe('${data.aws_iam_policy_document.mcp_tasks[0].json}');
  });

  it('has no wildcard action anywhere', () => {
    const text = Object.values(files).join('\n');
    expect(text).not.toMatch(/"[a-z0-9-]+:\*"/);
    expect(text).not.toMatch(/actions\s*=\s*\[\s*"\*"/);
  });
});

describe('tasks table (tasks_enabled)', () => {
  it('is an on-demand table keyed by taskId with TTL, encryption and point-in-time recovery, created only when tasks are enabled', () => {
    const table = resource('aws_dynamodb_table', 'tasks');
    expect(table.count).toBe('${var.tasks_enabled ? 1 : 0}');
    expect(table.billing_mode).toBe('PAY_PER_REQUEST');
    // The names the store writes (server/mcp/tasks/dynamo-store.ts).
    expect(table.hash_key).toBe(TASK_TABLE_HASH_KEY);
    expect(table.attribute).toEqual([{ name: TASK_TABLE_HASH_KEY, type: 'S' }]);
    expect(table.ttl).toEqual([{ attribute_name: TASK_TABLE_TTL_ATTRIBUTE, enabled: true }]);
    expect(table.server_side_encryption).toEqual([{ enabled: true }]);
    expect(table.point_in_time_recovery).toEqual([{ enabled: '${var.tasks_point_in_time_recovery}' }]);
  });

  it('tells the MCP function the table name (empty when tasks are off) and outputs it', () => {
    const environment = environmentOf('mcp');
    expect(environment.MCP_TASKS_TABLE).toBe('${var.tasks_enabled ? aws_dynamodb_table.tasks[0].name : ""}');
    expect(JSON.stringify(resource('aws_lambda_function', 'this').depends_on)).toContain(
      'aws_iam_role_policy.mcp_tasks',
    );
    const output = parsed['outputs.tf']!.output!.tasks_table_name![0]!;
    expect(output.value).toBe('${var.tasks_enabled ? aws_dynamodb_table.tasks[0].name : null}');
  });
});

describe('API Gateway', () => {
  it('protects ANY /mcp with the CUSTOM authorizer (on by default)', () => {
    const method = resource('aws_api_gateway_method', 'mcp');
    expect(method.http_method).toBe('ANY');
    expect(method.authorization).toBe('CUSTOM');
    expect(method.authorizer_id).toBe('${aws_api_gateway_authorizer.this.id}');
    expect(resource('aws_api_gateway_resource', 'mcp').path_part).toBe('mcp');
    const authorizer = resource('aws_api_gateway_authorizer', 'this');
    expect(authorizer.type).toBe('${var.authorizer_type}');
    expect(authorizer.identity_source).toBe('${var.authorizer_identity_source}');
    expect(authorizer.authorizer_result_ttl_in_seconds).toBe('${var.authorizer_result_ttl_seconds}');
    expect(authorizer.authorizer_uri).toBe('${aws_lambda_function.this["authorizer"].invoke_arn}');
    expect(String(authorizer.identity_validation_expression)).toMatch(/var\.authorizer_type == "TOKEN"/);
  });

  it('serves /health and the RFC 9728 metadata without auth, all through Lambda proxy integrations', () => {
    const routes = (locals().public_routes ?? {}) as Record<string, string>;
    expect(Object.values(routes).sort()).toEqual([
      '${aws_api_gateway_resource.health.id}',
      '${aws_api_gateway_resource.protected_resource_metadata.id}',
      '${aws_api_gateway_resource.protected_resource_metadata_mcp.id}',
    ]);
    expect(resource('aws_api_gateway_resource', 'well_known').path_part).toBe('.well-known');
    expect(resource('aws_api_gateway_resource', 'protected_resource_metadata').path_part).toBe(
      'oauth-protected-resource',
    );
    const method = resource('aws_api_gateway_method', 'public');
    expect(method.http_method).toBe('GET');
    expect(method.authorization).toBe('NONE');
    const proxied = Object.entries(resources('aws_api_gateway_integration')).filter(([name]) =>
      ['mcp', 'public'].includes(name),
    );
    expect(proxied).toHaveLength(2);
    for (const [, integration] of proxied) {
      expect(integration.type).toBe('AWS_PROXY');
      expect(integration.integration_http_method).toBe('POST');
      expect(integration.uri).toBe('${local.mcp_integration_uri}');
      expect(integration.response_transfer_mode).toBe('${local.mcp_response_transfer_mode}');
    }
  });

  it('switches every integration to response streaming when streaming_enabled is set', () => {
    const loc = locals();
    expect(loc.mcp_response_transfer_mode).toBe('${var.streaming_enabled ? "STREAM" : "BUFFERED"}');
    expect(String(loc.mcp_integration_uri)).toMatch(
      /var\.streaming_enabled[\s\S]*2021-11-15\/functions\/\$\{aws_lambda_function\.this\["mcp"\]\.arn\}\/response-streaming-invocations[\s\S]*aws_lambda_function\.this\["mcp"\]\.invoke_arn/,
    );
  });

  it('answers 401 and 403 with the discovery header and API Gateway JSON body', () => {
    const auth = resource('aws_api_gateway_gateway_response', 'auth');
    expect(auth.response_type).toBe('${each.key}');
    expect(locals().auth_gateway_responses).toEqual({ UNAUTHORIZED: '401', ACCESS_DENIED: '403' });
    // A static header value is a single-quoted literal in a gateway response mapping.
    expect(auth.response_parameters).toBe(
      '${merge(local.www_authenticate_header, local.cors_gateway_response_headers)}',
    );
    expect(
      (locals().www_authenticate_header as Record<string, string>)['gatewayresponse.header.WWW-Authenticate'],
    ).toBe(`'Bearer resource_metadata="\${local.protected_resource_metadata_url}"'`);
    expect(auth.response_templates).toEqual({ 'application/json': '{"message":$context.error.messageString}' });
    const loc = locals();
    expect(loc.protected_resource_metadata_url).toBe('${local.stage_url}/.well-known/oauth-protected-resource');
    // Built from the API id, not from the stage (the stage depends on the gateway responses).
    expect(String(loc.stage_url)).toMatch(/^https:\/\/\$\{aws_api_gateway_rest_api\.this\.id\}\.execute-api\./);
    expect(String(loc.stage_url)).not.toContain('aws_api_gateway_stage');
  });

  it('answers GET and DELETE on /mcp at the gateway: MOCK 405 with Allow: POST, no authorizer', () => {
    expect(locals().mcp_methods_not_allowed).toBe('${toset(["GET", "DELETE"])}');
    const method = resource('aws_api_gateway_method', 'mcp_not_allowed');
    expect(method).toMatchObject({
      for_each: '${local.mcp_methods_not_allowed}',
      http_method: '${each.key}',
      authorization: 'NONE',
    });
    expect(method.resource_id).toBe('${aws_api_gateway_resource.mcp.id}');
    const integration = resource('aws_api_gateway_integration', 'mcp_not_allowed');
    expect(integration.type).toBe('MOCK');
    expect(integration.request_templates).toEqual({ 'application/json': '{"statusCode": 405}' });
    const response = resource('aws_api_gateway_integration_response', 'mcp_not_allowed');
    expect(response.status_code).toBe('405');
    expect(locals().allow_post_header).toEqual({ 'method.response.header.Allow': "'POST'" });
  });

  it('offers CORS only when cors_allowed_origins lists origins (default none), preflight without auth', () => {
    const variable = variables().cors_allowed_origins!;
    expect(variable.default).toEqual([]);
    expect(locals().cors_enabled).toBe('${length(var.cors_allowed_origins) > 0}');
    expect(String(locals().cors_preflight_routes)).toMatch(/^\$\{local\.cors_enabled \?[\s\S]*: \{\}\}$/);
    const method = resource('aws_api_gateway_method', 'cors_preflight');
    expect(method).toMatchObject({
      for_each: '${local.cors_preflight_routes}',
      http_method: 'OPTIONS',
      authorization: 'NONE',
    });
    expect(resource('aws_api_gateway_integration', 'cors_preflight').type).toBe('MOCK');
    expect(files['lambda.tf']).toMatch(/MCP_CORS_ALLOWED_ORIGINS\s*=\s*join\(",", var\.cors_allowed_origins\)/);
  });

  it('redeploys from a hash of every API definition resource, creating before destroying', () => {
    const deployment = resource('aws_api_gateway_deployment', 'this');
    expect(deployment.stage_name).toBeUndefined();
    expect((deployment.lifecycle as Block[])[0]!.create_before_destroy).toBe(true);
    expect((deployment.triggers as Record<string, string>)?.redeployment).toBe(
      '${sha1(jsonencode(local.api_definition))}',
    );
    // Each resource without its null or empty attributes, which the provider may read back either way.
    const trigger = String(locals().api_definition);
    expect(trigger).toContain(
      ': { for name, value in definition : name => value if try(length(value) > 0, value != null) }',
    );
    const definitionTypes = [
      'aws_api_gateway_resource',
      'aws_api_gateway_method',
      'aws_api_gateway_integration',
      'aws_api_gateway_gateway_response',
      'aws_api_gateway_authorizer',
    ];
    for (const type of definitionTypes) {
      for (const name of Object.keys(resources(type)))
        expect(trigger, `${type}.${name}`).toMatch(new RegExp(`${type}\\.${name}\\b`));
    }
  });

  it('has a stage with access logs and stage-wide throttling', () => {
    const stage = resource('aws_api_gateway_stage', 'this');
    expect(stage.stage_name).toBe('${var.stage_name}');
    expect(stage.deployment_id).toBe('${aws_api_gateway_deployment.this.id}');
    expect((stage.access_log_settings as Block[])[0]!.destination_arn).toBe('${aws_cloudwatch_log_group.access.arn}');
    const settings = resource('aws_api_gateway_method_settings', 'all');
    expect(settings.method_path).toBe('*/*');
    expect((settings.settings as Block[])[0]).toMatchObject({
      throttling_rate_limit: '${var.throttling_rate_limit}',
      throttling_burst_limit: '${var.throttling_burst_limit}',
    });
  });
});

describe('outputs', () => {
  it('lists mcp_endpoint first, then the ids and names tools need, each described', () => {
    const names = [...files['outputs.tf']!.matchAll(/^output "([^"]+)"/gm)].map((m) => m[1]);
    expect(names[0]).toBe('mcp_endpoint');
    for (const name of [
      'api_id',
      'stage_name',
      'mcp_function_name',
      'authorizer_function_name',
      'mcp_log_group_name',
      'authorizer_log_group_name',
      'protected_resource_metadata_url',
      'tasks_table_name',
    ]) {
      expect(names).toContain(name);
    }
    for (const [name, blocks] of Object.entries(parsed['outputs.tf']!.output!))
      expect(blocks[0]!.description, name).toBeTruthy();
    expect(parsed['outputs.tf']!.output!.mcp_endpoint![0]!.value).toBe('${aws_api_gateway_stage.this.invoke_url}/mcp');
  });
});
