/**
 * The deployed stack's limits through the AWS SDK: Lambda GetAccountSettings,
 * GetFunctionConcurrency and GetFunctionConfiguration; API Gateway GetAccount, GetStage (method
 * settings) and GetAuthorizers/GetAuthorizer. Read-only: the caller needs lambda:GetAccountSettings,
 * lambda:GetFunctionConcurrency, lambda:GetFunctionConfiguration and apigateway:GET.
 */
import { readFile } from 'node:fs/promises';
import {
  APIGatewayClient,
  GetAccountCommand,
  GetAuthorizerCommand,
  GetAuthorizersCommand,
  GetStageCommand,
  type MethodSetting,
} from '@aws-sdk/client-api-gateway';
import {
  GetAccountSettingsCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import type { Limits } from './check.ts';

/** 29 s: API Gateway's default integration timeout for REST APIs (api-gateway-execution-service-limits-table.html). */
export const DEFAULT_INTEGRATION_TIMEOUT_MS = 29_000;

export interface AwsTarget {
  readonly region: string;
  readonly apiId: string;
  readonly stageName: string;
  readonly functionName: string;
  readonly authorizerName?: string | undefined;
  /** moto, LocalStack: one endpoint for both services. */
  readonly endpoint?: string | undefined;
}

interface TerraformOutput {
  readonly value?: unknown;
}

/**
 * `terraform output -json` of terraform/: mcp_endpoint (https://{api}.execute-api.{region}.amazonaws.com/{stage}/mcp),
 * api_id, stage_name, mcp_function_name, authorizer_function_name (also the authorizer's name).
 */
export async function targetFromTerraformOutputs(file: string): Promise<AwsTarget & { readonly endpointUrl: string }> {
  const outputs = JSON.parse(await readFile(file, 'utf8')) as Record<string, TerraformOutput>;
  const value = (name: string): string => {
    const v = outputs[name]?.value;
    if (typeof v !== 'string' || v === '')
      throw new Error(`${file} has no "${name}" output (run terraform output -json in terraform/)`);
    return v;
  };
  const endpointUrl = value('mcp_endpoint');
  const region = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com/.exec(endpointUrl)?.[1];
  if (!region) throw new Error(`cannot read the region from mcp_endpoint ${endpointUrl}`);
  return {
    region,
    apiId: value('api_id'),
    stageName: value('stage_name'),
    functionName: value('mcp_function_name'),
    authorizerName:
      typeof outputs.authorizer_function_name?.value === 'string' ? outputs.authorizer_function_name.value : undefined,
    endpointUrl,
  };
}

/**
 * The throttle API Gateway applies to POST /mcp: the method's own setting (`~1mcp/POST` or
 * `~1mcp/ANY`, resource path with `/` escaped as `~1`), else the stage-wide `*∕*`
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html).
 */
export function stageThrottleOf(methodSettings: Record<string, MethodSetting> | undefined): Limits['stageThrottle'] {
  const settings = methodSettings ?? {};
  for (const key of ['~1mcp/POST', '~1mcp/ANY', 'mcp/POST', 'mcp/ANY', '*/*']) {
    const s = settings[key];
    if (s && typeof s.throttlingRateLimit === 'number' && typeof s.throttlingBurstLimit === 'number') {
      return {
        rateLimit: s.throttlingRateLimit,
        burstLimit: s.throttlingBurstLimit,
        setting: `method settings "${key}"`,
      };
    }
  }
  return null;
}

/** `credentials`: for tests against moto; the default provider chain otherwise. */
export async function readAwsLimits(
  target: AwsTarget,
  credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string },
): Promise<Limits> {
  const config = {
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(credentials ? { credentials } : {}),
  };
  const lambda = new LambdaClient(config);
  const apigw = new APIGatewayClient(config);
  try {
    const [account, concurrency, fnConfig, apiAccount, stage] = await Promise.all([
      lambda.send(new GetAccountSettingsCommand({})),
      lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: target.functionName })),
      lambda.send(new GetFunctionConfigurationCommand({ FunctionName: target.functionName })),
      apigw.send(new GetAccountCommand({})),
      apigw.send(new GetStageCommand({ restApiId: target.apiId, stageName: target.stageName })),
    ]);
    let authorizer: Limits['authorizer'] = null;
    if (target.authorizerName) {
      const list = await apigw.send(new GetAuthorizersCommand({ restApiId: target.apiId }));
      const found = (list.items ?? []).find((a) => a.name === target.authorizerName);
      if (found?.id) {
        const one = await apigw.send(new GetAuthorizerCommand({ restApiId: target.apiId, authorizerId: found.id }));
        // An authorizer without the field caches for 300 s (GetAuthorizer: authorizerResultTtlInSeconds).
        authorizer = {
          name: one.name ?? target.authorizerName,
          resultTtlSeconds: one.authorizerResultTtlInSeconds ?? 300,
        };
      }
    }
    const limit = account.AccountLimit;
    return {
      source: `AWS ${target.region}${target.endpoint ? ` via ${target.endpoint}` : ''}: API ${target.apiId} stage ${target.stageName}, function ${target.functionName}`,
      onAws: true,
      lambdaAccount:
        limit?.ConcurrentExecutions !== undefined && limit.UnreservedConcurrentExecutions !== undefined
          ? {
              concurrentExecutions: limit.ConcurrentExecutions,
              unreservedConcurrentExecutions: limit.UnreservedConcurrentExecutions,
            }
          : null,
      fn: {
        name: target.functionName,
        reservedConcurrency: concurrency.ReservedConcurrentExecutions ?? null,
        memorySizeMb: fnConfig.MemorySize ?? null,
        timeoutSeconds: fnConfig.Timeout ?? null,
        architecture: fnConfig.Architectures?.[0] ?? 'x86_64',
      },
      stageThrottle: stageThrottleOf(stage.methodSettings),
      apiAccountThrottle:
        typeof apiAccount.throttleSettings?.rateLimit === 'number' &&
        typeof apiAccount.throttleSettings.burstLimit === 'number'
          ? { rateLimit: apiAccount.throttleSettings.rateLimit, burstLimit: apiAccount.throttleSettings.burstLimit }
          : null,
      authorizer,
      // Raised above 29 s only on request, for Regional and private REST APIs (June 2024); we assume the default.
      integrationTimeoutMs: DEFAULT_INTEGRATION_TIMEOUT_MS,
    };
  } finally {
    lambda.destroy();
    apigw.destroy();
  }
}
