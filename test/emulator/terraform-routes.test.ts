/**
 * The routes the embedded stack reads from terraform/ (emulator/gateway/terraform-routes.ts):
 * what API Gateway would do with each method of the deployed API, and a loud refusal of what the
 * stack cannot evaluate.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UnsupportedTerraformError } from '../../emulator/config/terraform-expressions.ts';
import { readTerraformVariables } from '../../emulator/config/terraform-variables.ts';
import { matchRoute, readRoutes } from '../../emulator/gateway/terraform-routes.ts';
import { repoRoot } from '../../shared/lambda-artifacts.ts';

const TF = path.join(repoRoot, 'terraform');
let scratch: string | undefined;
afterEach(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
  scratch = undefined;
});

describe('routes read from terraform/', () => {
  it('ANY /mcp takes the authorizer and reaches the function; GET and DELETE are MOCK 405s without it', async () => {
    const routes = await readRoutes(TF, await readTerraformVariables(TF, { varFiles: [], overrides: {} }));
    expect(matchRoute(routes, '/mcp', 'POST')).toMatchObject({
      method: 'ANY',
      authorized: true,
      integration: { kind: 'lambda' },
    });
    for (const method of ['GET', 'DELETE']) {
      const route = matchRoute(routes, '/mcp', method);
      expect(route).toMatchObject({
        method,
        authorized: false,
        integration: { kind: 'mock', response: { statusCode: 405, headers: [['Allow', 'POST']] } },
      });
    }
    for (const resourcePath of [
      '/health',
      '/.well-known/oauth-protected-resource',
      '/.well-known/oauth-protected-resource/mcp',
    ]) {
      expect(matchRoute(routes, resourcePath, 'GET')).toMatchObject({
        authorized: false,
        integration: { kind: 'lambda' },
      });
      expect(matchRoute(routes, resourcePath, 'POST')).toBeUndefined();
    }
    // CORS is off by default: no preflight, so OPTIONS /mcp falls to ANY (and its authorizer).
    expect(matchRoute(routes, '/mcp', 'OPTIONS')?.method).toBe('ANY');
  });

  it('with cors_allowed_origins, every resource gets a MOCK OPTIONS preflight allowing exactly those origins', async () => {
    const origins = ['https://app.example', 'http://127.0.0.1:5173'];
    const routes = await readRoutes(
      TF,
      await readTerraformVariables(TF, { varFiles: [], overrides: { cors_allowed_origins: origins } }),
    );
    for (const resourcePath of [
      '/mcp',
      '/health',
      '/.well-known/oauth-protected-resource',
      '/.well-known/oauth-protected-resource/mcp',
    ]) {
      const route = matchRoute(routes, resourcePath, 'OPTIONS');
      expect(route).toMatchObject({
        method: 'OPTIONS',
        authorized: false,
        integration: { kind: 'mock', response: { statusCode: 204, allowOrigins: origins } },
      });
    }
  });

  it('refuses an integration type it does not emulate instead of guessing', async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'routes-'));
    await writeFile(
      path.join(scratch, 'api.tf'),
      `resource "aws_api_gateway_resource" "x" {
  parent_id = aws_api_gateway_rest_api.this.root_resource_id
  path_part = "x"
}
resource "aws_api_gateway_method" "x" {
  resource_id   = aws_api_gateway_resource.x.id
  http_method   = "GET"
  authorization = "NONE"
}
resource "aws_api_gateway_integration" "x" {
  type = "HTTP_PROXY"
}
`,
    );
    await expect(readRoutes(scratch, {})).rejects.toBeInstanceOf(UnsupportedTerraformError);
  });
});
