/**
 * `npm run loadtest -- preflight` against a stack seeded into moto's server as terraform/ deploys
 * it (reserved concurrency 10, stage method settings for every method 100 req/s burst 50, a TOKEN authorizer
 * caching for 300 s), read through the AWS SDK over HTTP. moto lacks Lambda GetAccountSettings:
 * a recorded response answers it (support/recorded-aws.ts). Also the pure parts: the demand of a
 * plan (Little's law) and the embedded stack's answers from its Terraform variables.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  APIGatewayClient,
  CreateAuthorizerCommand,
  CreateDeploymentCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  GetResourcesCommand,
  PutIntegrationCommand,
  PutMethodCommand,
  UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import { CreateFunctionCommand, LambdaClient, PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePlan } from '../../loadtest/k6/lib/config.js';
import { readScenarioFile } from '../../loadtest/local/scenario-file.ts';
import { checkPlan, verdictOf } from '../../loadtest/preflight/check.ts';
import { demandOf } from '../../loadtest/preflight/demand.ts';
import { readAwsLimits, targetFromTerraformOutputs } from '../../loadtest/preflight/aws.ts';
import { readEmbeddedLimits } from '../../loadtest/preflight/embedded.ts';
import { locateMoto } from '../../scripts/conformance.ts';
import { startMoto, type MotoServer } from '../tasks/support/moto-server.ts';
import { runCli } from './support/cli.ts';
import { startRecordedAws, type RecordedAws } from './support/recorded-aws.ts';

const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
const CLI_ENV = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: REGION };

describe('the demand of a plan', () => {
  it('is the peak rate times the mean invocation duration, plus cold-start headroom', async () => {
    const plan = resolvePlan(await readScenarioFile(), 'load', {
      RATE: '40',
      DURATION: '60s',
      ERA: 'mixed',
      LONG_TASK_STEPS: '4',
      LONG_TASK_STEP_MS: '125',
    });
    const d = demandOf(plan, { baseDurationMs: 30, initDurationMs: 500, authorizerDurationMs: 20 });
    // Mixed eras: (4 + 6) / 2 + 1 long_task = 5 requests per iteration; 30 ms + 500 ms / 5 = 130 ms.
    expect(d.meanDurationMs).toBeCloseTo(130, 6);
    expect(d.peakRate).toBeCloseTo(40, 6);
    expect(d.steadyConcurrency).toBeCloseTo(5.2, 6);
    // 0 → 40 req/s over the first 25 % of 60 s: 40 / 15 = 2.67 req/s more each second; × 0.5 s Init.
    expect(d.maxRiseInOneSecond).toBeCloseTo(40 / 15, 6);
    expect(d.coldStartHeadroom).toBeCloseTo(40 / 15 / 2, 6);
    expect(d.neededConcurrency).toBe(7);
    // 15 s up + 36 s held + 9 s down: 40 × (7.5 + 36 + 4.5) = 1,920 requests.
    expect(d.totalRequests).toBe(1920);
  });

  it('counts a spike as a jump of the rate within a second', async () => {
    const plan = resolvePlan(await readScenarioFile(), 'spike', {
      RATE: '100',
      DURATION: '100s',
      LONG_TASK_STEPS: '0',
    });
    const d = demandOf(plan, { baseDurationMs: 50, initDurationMs: 1000, authorizerDurationMs: 20 });
    // 20 → 100 req/s within 2 s (2 % of 100 s): 40 req/s in the steepest second, × 1 s Init = 40.
    expect(d.maxRiseInOneSecond).toBeCloseTo(40, 6);
    expect(d.neededConcurrency).toBe(Math.ceil(100 * 0.05 + 40));
  });
});

describe('the embedded stack answers from its Terraform variables', () => {
  it('passes the default load and refuses ten times that rate, naming the variables to raise', async () => {
    const limits = await readEmbeddedLimits();
    expect(limits).toMatchObject({
      onAws: false,
      fn: { reservedConcurrency: 10, memorySizeMb: 512, architecture: 'arm64' },
      stageThrottle: { rateLimit: 100, burstLimit: 50 },
    });
    const file = await readScenarioFile();
    const fits = checkPlan(demandOf(resolvePlan(file, 'load', { RATE: '40' })), limits);
    expect(verdictOf(fits).ok).toBe(true);
    const tooMuch = checkPlan(demandOf(resolvePlan(file, 'load', { RATE: '400' })), limits);
    const verdict = verdictOf(tooMuch);
    expect(verdict.ok).toBe(false);
    expect(verdict.first!.check).toMatch(/reserved concurrency/);
    expect(tooMuch.map((f) => f.advice).join('\n')).toMatch(
      /mcp_reserved_concurrency[\s\S]*throttling_rate_limit|throttling_rate_limit[\s\S]*mcp_reserved_concurrency/,
    );
  });
});

describe('preflight against moto', () => {
  let moto: MotoServer | undefined;
  let front: RecordedAws | undefined;
  let outputsFile = '';

  beforeAll(async () => {
    const { server } = await locateMoto();
    moto = await startMoto(server);
    front = await startRecordedAws(moto.endpoint);
    // moto's Lambda wants the execution role to exist in its IAM (Query API; moto checks no signature).
    const role = await fetch(moto.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `AWS4-HMAC-SHA256 Credential=test/20261202/${REGION}/iam/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: new URLSearchParams({
        Action: 'CreateRole',
        Version: '2010-05-08',
        RoleName: 'mcp',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      }),
    });
    expect(role.status).toBe(200);
    const lambda = new LambdaClient({ region: REGION, endpoint: moto.endpoint, credentials: CREDENTIALS });
    const apigw = new APIGatewayClient({ region: REGION, endpoint: moto.endpoint, credentials: CREDENTIALS });
    try {
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: 'stateless-mcp-mcp-server',
          Runtime: 'nodejs22.x',
          Role: 'arn:aws:iam::123456789012:role/mcp',
          Handler: 'index.handler',
          Code: {
            ZipFile: zipSync({ 'index.mjs': new TextEncoder().encode('export const handler = async () => ({});') }),
          },
          MemorySize: 512,
          Timeout: 10,
          Architectures: ['arm64'],
        }),
      );
      await lambda.send(
        new PutFunctionConcurrencyCommand({
          FunctionName: 'stateless-mcp-mcp-server',
          ReservedConcurrentExecutions: 10,
        }),
      );
      const api = await apigw.send(new CreateRestApiCommand({ name: 'stateless-mcp' }));
      const root = (await apigw.send(new GetResourcesCommand({ restApiId: api.id! }))).items!.find(
        (r) => r.path === '/',
      )!;
      const mcp = await apigw.send(
        new CreateResourceCommand({ restApiId: api.id!, parentId: root.id!, pathPart: 'mcp' }),
      );
      const uri = `arn:aws:apigateway:${REGION}:lambda:path/2015-03-31/functions/arn:aws:lambda:${REGION}:123456789012:function:stateless-mcp-mcp-server/invocations`;
      const authorizer = await apigw.send(
        new CreateAuthorizerCommand({
          restApiId: api.id!,
          name: 'stateless-mcp-authorizer',
          type: 'TOKEN',
          authorizerUri: uri.replace('stateless-mcp-mcp-server', 'stateless-mcp-authorizer'),
          identitySource: 'method.request.header.Authorization',
          authorizerResultTtlInSeconds: 300,
        }),
      );
      await apigw.send(
        new PutMethodCommand({
          restApiId: api.id!,
          resourceId: mcp.id!,
          httpMethod: 'ANY',
          authorizationType: 'CUSTOM',
          authorizerId: authorizer.id!,
        }),
      );
      await apigw.send(
        new PutIntegrationCommand({
          restApiId: api.id!,
          resourceId: mcp.id!,
          httpMethod: 'ANY',
          type: 'AWS_PROXY',
          integrationHttpMethod: 'POST',
          uri,
        }),
      );
      await apigw.send(new CreateDeploymentCommand({ restApiId: api.id!, stageName: 'dev' }));
      // As terraform/api_gateway.tf's aws_api_gateway_method_settings "*/*" with the default variables.
      await apigw.send(
        new UpdateStageCommand({
          restApiId: api.id!,
          stageName: 'dev',
          patchOperations: [
            { op: 'replace', path: '/*/*/throttling/rateLimit', value: '100' },
            { op: 'replace', path: '/*/*/throttling/burstLimit', value: '50' },
          ],
        }),
      );
      const dir = await mkdtemp(path.join(tmpdir(), 'preflight-'));
      outputsFile = path.join(dir, 'outputs.json');
      // The shape `terraform output -json` writes.
      const output = (value: string) => ({ sensitive: false, type: 'string', value });
      await writeFile(
        outputsFile,
        JSON.stringify({
          mcp_endpoint: output(`https://${api.id}.execute-api.${REGION}.amazonaws.com/dev/mcp`),
          api_id: output(api.id!),
          stage_name: output('dev'),
          mcp_function_name: output('stateless-mcp-mcp-server'),
          authorizer_function_name: output('stateless-mcp-authorizer'),
        }),
      );
    } finally {
      lambda.destroy();
      apigw.destroy();
    }
  }, 90_000);

  afterAll(async () => {
    await front?.stop();
    await moto?.stop();
  });

  const preflight = (args: string[]) =>
    runCli(
      'loadtest/local/cli.ts',
      ['preflight', ...args, '--outputs', outputsFile, '--endpoint-url', front!.endpoint],
      { timeoutMs: 60_000, env: CLI_ENV },
    );

  it('passes a plan that fits what moto reports (exit 0)', async () => {
    const result = await preflight(['load', '--rate', '40', '--duration', '60s']);
    expect(result.stderr).not.toMatch(/failed|Error/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/API Gateway account throttle.*\bok\b.*10,000 req\/s, burst 5,000/);
    expect(result.stdout).toMatch(/API Gateway stage throttle \(method settings "\*\/\*"\)\s+ok.*100 req\/s, burst 50/);
    expect(result.stdout).toMatch(/Authorizer stateless-mcp-authorizer result cache\s+ok.*TTL 300 s/);
    expect(result.stdout).toMatch(
      /Lambda reserved concurrency of stateless-mcp-mcp-server\s+ok\s+7 environments.*10 \(reserved\)/,
    );
    expect(result.stdout).toMatch(/function 10 s/);
    expect(result.stdout).toContain('PASS: the plan fits within every limit read.');
    expect(front!.recordedHits).toContain('/2016-08-19/account-settings');
  });

  it('refuses a plan beyond the reserved concurrency and the stage throttle (exit 1) and says what to raise', async () => {
    const result = await preflight(['load', '--rate', '400', '--duration', '60s']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/API Gateway stage throttle \(method settings "\*\/\*"\)\s+EXCEEDS/);
    expect(result.stdout).toMatch(/Lambda reserved concurrency of stateless-mcp-mcp-server\s+EXCEEDS/);
    expect(result.stdout).toMatch(/Raise mcp_reserved_concurrency to at least \d+/);
    expect(result.stdout).toMatch(/Raise throttling_rate_limit to at least 480/);
    expect(result.stdout).toMatch(/Throttles first: Lambda reserved concurrency/);
    expect(result.stdout).toContain('REFUSED');
  });

  it('asks for an account quota increase when the reservation would leave fewer than 100 unreserved', async () => {
    const target = await targetFromTerraformOutputs(outputsFile);
    const limits = await readAwsLimits({ ...target, endpoint: front!.endpoint }, CREDENTIALS);
    expect(limits).toMatchObject({
      lambdaAccount: { concurrentExecutions: 1000, unreservedConcurrentExecutions: 990 },
      fn: { reservedConcurrency: 10, memorySizeMb: 512, timeoutSeconds: 10, architecture: 'arm64' },
      apiAccountThrottle: { rateLimit: 10000, burstLimit: 5000 },
      authorizer: { name: 'stateless-mcp-authorizer', resultTtlSeconds: 300 },
    });
    // 10,000 req/s × 130 ms = 1,300 environments + cold starts: above 990 unreserved + 10 reserved − 100 = 900.
    const plan = resolvePlan(await readScenarioFile(), 'load', { RATE: '10000', DURATION: '10m', MCP_TARGET: 'aws' });
    const findings = checkPlan(demandOf(plan), limits);
    const concurrency = findings.find((f) => f.check.startsWith('Lambda reserved concurrency'))!;
    expect(concurrency.status).toBe('exceeds');
    expect(concurrency.advice).toMatch(
      /request the Lambda "Concurrent executions" quota \(L-B99A9384\) be raised to at least/,
    );
  });

  it('exits 2 on a usage error', async () => {
    const result = await runCli('loadtest/local/cli.ts', ['preflight', 'load'], { timeoutMs: 60_000, env: CLI_ENV });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/give --outputs, --embedded, or --api-id/);
  });
});
