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
import { parse } from '@cdktf/hcl2json';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { GatewayResponseType } from './gateway-responses.ts';

export interface GatewayResponseCustomisation {
  readonly statusCode?: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The `application/json` response template, with `$context.error.messageString` still in it. */
  readonly jsonTemplate?: string;
}

export type GatewayResponseCustomisations = Partial<Record<GatewayResponseType, GatewayResponseCustomisation>>;

interface GatewayResponseBlock {
  for_each?: string;
  response_type?: string;
  status_code?: string;
  response_parameters?: Record<string, string>;
  response_templates?: Record<string, string>;
}

const HEADER_PREFIX = 'gatewayresponse.header.';

export class UnsupportedGatewayResponseError extends Error {
  override readonly name = 'UnsupportedGatewayResponseError';
}

/** Substitutes `${each.key}`, `${each.value}` and `${local.NAME}`; throws on any other interpolation. */
function interpolate(value: string, scope: { each?: { key: string; value: string }; locals: Readonly<Record<string, string>> }, where: string): string {
  return value.replace(/\$\{([^}]+)\}/g, (_match, expression: string) => {
    const trimmed = expression.trim();
    if (trimmed === 'each.key' && scope.each) return scope.each.key;
    if (trimmed === 'each.value' && scope.each) return scope.each.value;
    const local = /^local\.([A-Za-z0-9_]+)$/.exec(trimmed);
    if (local && scope.locals[local[1]!] !== undefined) return scope.locals[local[1]!]!;
    throw new UnsupportedGatewayResponseError(`${where}: the embedded stack cannot evaluate \${${trimmed}}`);
  });
}

/** A static header value is a single-quoted literal; other mapping expressions need a request. */
function staticHeaderValue(expression: string, where: string): string {
  const literal = /^'(.*)'$/s.exec(expression);
  if (!literal) throw new UnsupportedGatewayResponseError(`${where}: only single-quoted static header values are supported, got ${expression}`);
  return literal[1]!;
}

/**
 * Reads every `aws_api_gateway_gateway_response` in `terraformDir`. `locals` gives the values the
 * stack computes itself (for example the RFC 9728 metadata URL, which on AWS contains the API id).
 */
export async function readGatewayResponses(terraformDir: string, locals: Readonly<Record<string, string>>): Promise<GatewayResponseCustomisations> {
  const files = (await readdir(terraformDir)).filter((name) => name.endsWith('.tf')).sort();
  const parsed = await Promise.all(files.map(async (name) => ({ name, hcl: (await parse(name, await readFile(path.join(terraformDir, name), 'utf8'))) as Record<string, unknown> })));

  const maps: Record<string, Record<string, string>> = {};
  for (const { hcl } of parsed) {
    for (const block of (hcl.locals ?? []) as Array<Record<string, unknown>>) {
      for (const [key, value] of Object.entries(block)) {
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) maps[key] = value as Record<string, string>;
      }
    }
  }

  const customisations: GatewayResponseCustomisations = {};
  for (const { name, hcl } of parsed) {
    const resources = (hcl.resource ?? {}) as Record<string, Record<string, GatewayResponseBlock[]>>;
    for (const [label, blocks] of Object.entries(resources.aws_api_gateway_gateway_response ?? {})) {
      const block = blocks[0] ?? {};
      const where = `${name}: aws_api_gateway_gateway_response.${label}`;
      let instances: Array<{ key: string; value: string } | undefined> = [undefined];
      if (block.for_each !== undefined) {
        const source = /^\$\{local\.([A-Za-z0-9_]+)\}$/.exec(block.for_each.trim());
        const map = source ? maps[source[1]!] : undefined;
        if (!map) throw new UnsupportedGatewayResponseError(`${where}: for_each must be a map in locals, got ${block.for_each}`);
        instances = Object.entries(map).map(([key, value]) => ({ key, value: String(value) }));
      }
      for (const each of instances) {
        const scope = { ...(each ? { each } : {}), locals };
        const type = interpolate(block.response_type ?? '', scope, where) as GatewayResponseType;
        const headers: Record<string, string> = {};
        for (const [parameter, expression] of Object.entries(block.response_parameters ?? {})) {
          if (!parameter.startsWith(HEADER_PREFIX)) throw new UnsupportedGatewayResponseError(`${where}: unsupported response parameter ${parameter}`);
          headers[parameter.slice(HEADER_PREFIX.length)] = staticHeaderValue(interpolate(expression, scope, where), where);
        }
        const template = block.response_templates?.['application/json'];
        customisations[type] = {
          ...(block.status_code === undefined ? {} : { statusCode: Number(interpolate(block.status_code, scope, where)) }),
          headers,
          ...(template === undefined ? {} : { jsonTemplate: interpolate(template, scope, where) }),
        };
      }
    }
  }
  return customisations;
}
