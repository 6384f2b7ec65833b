/**
 * The API's routes read from terraform/ itself (`aws_api_gateway_resource`, `_method`,
 * `_integration`, and for MOCK integrations `_integration_response`), so the embedded stack
 * routes, authorizes and answers exactly as the deployed REST API: which methods exist on which
 * resource, which take the authorizer, which reach the function (AWS_PROXY) and which API Gateway
 * answers itself (MOCK). Expressions are evaluated by emulator/config/terraform-expressions.ts;
 * anything else is refused loudly.
 */
import {
  ResourceId,
  UnsupportedTerraformError,
  forEachInstances,
  render,
  stringMap,
  type Scope,
  type Value,
} from '../config/terraform-expressions.ts';
import { type Block, localsOf, readTerraformFiles, type Resources } from '../config/terraform-files.ts';
import type { TerraformVariables } from '../config/terraform-variables.ts';

/** The answer of a MOCK integration's (default) integration response. */
export interface MockResponse {
  readonly statusCode: number;
  /** Static header values (`'literal'` mappings). */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** Origins for which the template sets Access-Control-Allow-Origin to the request's Origin. */
  readonly allowOrigins: readonly string[];
  readonly body: string;
}

export type Integration = { readonly kind: 'lambda' } | { readonly kind: 'mock'; readonly response: MockResponse };

export interface RouteDefinition {
  readonly resourcePath: string;
  /** An HTTP verb, or `ANY` (every verb the resource does not define explicitly). */
  readonly method: string;
  readonly authorized: boolean;
  readonly integration: Integration;
}

/**
 * The mapping-template prefix terraform/cors.tf writes (`local.cors_allow_origin_template`):
 * `$context.responseOverride` sets Access-Control-Allow-Origin when the Origin is listed.
 */
const ALLOW_ORIGIN_TEMPLATE =
  /^#set\(\$allowed = (\[[^\]]*\])\)#set\(\$origin = \$input\.params\(\)\.header\.get\('Origin'\)\)#if\(\$allowed\.contains\(\$origin\)\)#set\(\$context\.responseOverride\.header\.Access-Control-Allow-Origin = \$origin\)#end/;
const HEADER_PREFIX = 'method.response.header.';

function single(blocks: Block[] | undefined): Block | undefined {
  return blocks?.[0];
}

function resourcePaths(resources: Resources, scope: Scope): Map<string, string> {
  const blocks = resources.aws_api_gateway_resource ?? {};
  const paths = new Map<string, string>([['/', '']]);
  const resolve = (label: string, seen: Set<string>): string => {
    const known = paths.get(label);
    if (known !== undefined) return known;
    const block = single(blocks[label]);
    if (!block || seen.has(label))
      throw new UnsupportedTerraformError(`aws_api_gateway_resource.${label} is not declared`);
    const where = { ...scope, where: `aws_api_gateway_resource.${label}` };
    const parent = render(block.parent_id, where);
    const part = render(block.path_part, where);
    if (!(parent instanceof ResourceId) || typeof part !== 'string')
      throw new UnsupportedTerraformError(`${where.where}: parent_id and path_part`);
    const full = `${resolve(parent.label, new Set([...seen, label]))}/${part}`;
    paths.set(label, full);
    return full;
  };
  for (const label of Object.keys(blocks)) resolve(label, new Set());
  return paths;
}

function mockResponse(
  label: string,
  key: string | undefined,
  integration: Block,
  resources: Resources,
  scope: Scope,
): MockResponse {
  const where = `aws_api_gateway_integration.${label}${key === undefined ? '' : `["${key}"]`}`;
  const requestTemplate = stringMap(render(integration.request_templates, { ...scope, where }), where).get(
    'application/json',
  );
  const selected = /^\{\s*"statusCode"\s*:\s*(\d{3})\s*\}$/.exec(requestTemplate ?? '');
  if (!selected) throw new UnsupportedTerraformError(`${where}: a MOCK request template must be {"statusCode": NNN}`);
  const responseBlock = single(resources.aws_api_gateway_integration_response?.[label]);
  if (!responseBlock) throw new UnsupportedTerraformError(`${where}: no aws_api_gateway_integration_response.${label}`);
  const responseWhere = { ...scope, where: `aws_api_gateway_integration_response.${label}` };
  // One integration response without a selection pattern: the default, whatever the status.
  if (responseBlock.selection_pattern !== undefined)
    throw new UnsupportedTerraformError(`${responseWhere.where}: selection_pattern is not emulated`);
  const statusCode = Number(render(responseBlock.status_code, responseWhere));
  const headers: Array<[string, string]> = [];
  for (const [parameter, expression] of stringMap(
    render(responseBlock.response_parameters, responseWhere),
    responseWhere.where,
  )) {
    const literal = /^'(.*)'$/s.exec(expression);
    if (!parameter.startsWith(HEADER_PREFIX) || !literal)
      throw new UnsupportedTerraformError(
        `${responseWhere.where}: only static header values are emulated (${parameter})`,
      );
    headers.push([parameter.slice(HEADER_PREFIX.length), literal[1]!]);
  }
  let template =
    stringMap(render(responseBlock.response_templates, responseWhere), responseWhere.where).get('application/json') ??
    '';
  let allowOrigins: string[] = [];
  const cors = ALLOW_ORIGIN_TEMPLATE.exec(template);
  if (cors) {
    allowOrigins = JSON.parse(cors[1]!) as string[];
    template = template.slice(cors[0].length);
  }
  if (/[#$]/.test(template))
    throw new UnsupportedTerraformError(`${responseWhere.where}: the embedded stack renders static templates only`);
  return { statusCode, headers, allowOrigins, body: template };
}

/** Every method of the REST API in terraform/, with its resource path, authorization and integration. */
export async function readRoutes(terraformDir: string, variables: TerraformVariables): Promise<RouteDefinition[]> {
  const files = await readTerraformFiles(terraformDir);
  const parsed = files.map(({ hcl }) => hcl);
  const locals = localsOf(files);
  const resources: Resources = {};
  for (const hcl of parsed) {
    for (const [type, byLabel] of Object.entries((hcl.resource ?? {}) as Resources))
      resources[type] = { ...resources[type], ...byLabel };
  }
  const scope: Scope = { variables, locals, where: 'terraform' };
  const paths = resourcePaths(resources, scope);

  const routes: RouteDefinition[] = [];
  for (const [label, blocks] of Object.entries(resources.aws_api_gateway_method ?? {})) {
    const block = single(blocks)!;
    const integration = single(resources.aws_api_gateway_integration?.[label]);
    if (!integration)
      throw new UnsupportedTerraformError(
        `aws_api_gateway_method.${label} has no aws_api_gateway_integration.${label}`,
      );
    for (const each of forEachInstances(block.for_each, { ...scope, where: `aws_api_gateway_method.${label}` })) {
      const instance: Scope = {
        ...scope,
        ...(each ? { each } : {}),
        where: `aws_api_gateway_method.${label}${each ? `["${each.key}"]` : ''}`,
      };
      const resource: Value = render(block.resource_id, instance);
      const method = render(block.http_method, instance);
      const authorization = render(block.authorization, instance);
      if (!(resource instanceof ResourceId) || typeof method !== 'string')
        throw new UnsupportedTerraformError(`${instance.where}: resource_id and http_method`);
      if (authorization !== 'NONE' && authorization !== 'CUSTOM')
        throw new UnsupportedTerraformError(
          `${instance.where}: authorization ${String(authorization)} is not emulated`,
        );
      const resourcePath = paths.get(resource.label);
      if (resourcePath === undefined)
        throw new UnsupportedTerraformError(`${instance.where}: unknown resource ${resource.label}`);
      const type = render(integration.type, instance);
      let routeIntegration: Integration;
      if (type === 'AWS_PROXY') routeIntegration = { kind: 'lambda' };
      else if (type === 'MOCK')
        routeIntegration = { kind: 'mock', response: mockResponse(label, each?.key, integration, resources, instance) };
      else
        throw new UnsupportedTerraformError(
          `aws_api_gateway_integration.${label}: type ${String(type)} is not emulated`,
        );
      routes.push({
        resourcePath,
        method: method.toUpperCase(),
        authorized: authorization === 'CUSTOM',
        integration: routeIntegration,
      });
    }
  }
  return routes;
}

/**
 * The method that serves a request: the one defined for its verb, else the resource's ANY method,
 * which "catches any HTTP method that is not explicitly declared"
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-any-method.html).
 */
export function matchRoute(
  routes: readonly RouteDefinition[],
  resourcePath: string,
  method: string,
): RouteDefinition | undefined {
  return (
    routes.find((route) => route.resourcePath === resourcePath && route.method === method) ??
    routes.find((route) => route.resourcePath === resourcePath && route.method === 'ANY')
  );
}
