/**
 * The gateway responses terraform/ customises (`aws_api_gateway_gateway_response`), read from the
 * Terraform files themselves so the embedded stack answers 401/403 exactly as the deployed API:
 * same status, same headers, same body template. Only the expressions those resources need are
 * evaluated (literals, `each.key`/`each.value` over a `local` map, `local.*` that the stack knows);
 * anything else is refused loudly rather than guessed.
 *
 * Header values are API Gateway mapping expressions: a static value is quoted with single quotes
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gatewayResponse-definition.html).
 */
import {
  UnsupportedTerraformError,
  forEachInstances,
  render,
  stringMap,
  type Scope,
} from '../config/terraform-expressions.ts';
import { localsOf, readTerraformFiles } from '../config/terraform-files.ts';
import type { TerraformVariables } from '../config/terraform-variables.ts';
import type { GatewayResponseType } from './gateway-responses.ts';

export interface GatewayResponseCustomisation {
  readonly statusCode?: number;
  /** Header values: a static value, or `{ requestHeader }` for a `method.request.header.<name>` mapping. */
  readonly headers: Readonly<Record<string, string | { readonly requestHeader: string }>>;
  /** The `application/json` response template, with `$context.error.messageString` still in it. */
  readonly jsonTemplate?: string;
}

export type GatewayResponseCustomisations = Partial<Record<GatewayResponseType, GatewayResponseCustomisation>>;

const HEADER_PREFIX = 'gatewayresponse.header.';

export { UnsupportedTerraformError as UnsupportedGatewayResponseError } from '../config/terraform-expressions.ts';

/**
 * A header value mapping: a single-quoted static value, or a request header
 * (`method.request.header.<name>`); other mapping expressions are refused.
 */
function headerValue(expression: string, where: string): string | { readonly requestHeader: string } {
  const literal = /^'(.*)'$/s.exec(expression);
  if (literal) return literal[1]!;
  const requestHeader = /^method\.request\.header\.([A-Za-z0-9-]+)$/.exec(expression);
  if (requestHeader) return { requestHeader: requestHeader[1]!.toLowerCase() };
  throw new UnsupportedTerraformError(
    `${where}: only static values and method.request.header.* are supported, got ${expression}`,
  );
}

/**
 * Reads every `aws_api_gateway_gateway_response` in `terraformDir`. `locals` gives the values the
 * stack computes itself (for example the RFC 9728 metadata URL, which on AWS contains the API id);
 * `variables` are the Terraform variables (CORS adds headers when `cors_allowed_origins` is set).
 */
export async function readGatewayResponses(
  terraformDir: string,
  locals: Readonly<Record<string, string>>,
  variables: TerraformVariables = {},
): Promise<GatewayResponseCustomisations> {
  const parsed = await readTerraformFiles(terraformDir);
  // The stack's own values win over the .tf locals (which reference the deployed API's id).
  const allLocals: Record<string, unknown> = { ...localsOf(parsed), ...locals };

  const customisations: GatewayResponseCustomisations = {};
  for (const { name, hcl } of parsed) {
    const resources = (hcl.resource ?? {}) as Record<string, Record<string, Array<Record<string, unknown>>>>;
    for (const [label, blocks] of Object.entries(resources.aws_api_gateway_gateway_response ?? {})) {
      const block = blocks[0] ?? {};
      const where = `${name}: aws_api_gateway_gateway_response.${label}`;
      const base: Scope = { variables, locals: allLocals, where };
      for (const each of forEachInstances(block.for_each, base)) {
        const scope: Scope = { ...base, ...(each ? { each } : {}) };
        const type = render(block.response_type, scope) as GatewayResponseType;
        const headers: Record<string, string | { readonly requestHeader: string }> = {};
        for (const [parameter, expression] of stringMap(render(block.response_parameters, scope), where)) {
          if (!parameter.startsWith(HEADER_PREFIX))
            throw new UnsupportedTerraformError(`${where}: unsupported response parameter ${parameter}`);
          headers[parameter.slice(HEADER_PREFIX.length)] = headerValue(expression, where);
        }
        const template = stringMap(render(block.response_templates, scope), where).get('application/json');
        const statusCode = block.status_code === undefined ? undefined : Number(render(block.status_code, scope));
        customisations[type] = {
          ...(statusCode === undefined ? {} : { statusCode }),
          headers,
          ...(template === undefined ? {} : { jsonTemplate: template }),
        };
      }
    }
  }
  return customisations;
}
