import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gatewayResponse } from '../../emulator/gateway/gateway-responses.ts';
import {
  readGatewayResponses,
  UnsupportedGatewayResponseError,
} from '../../emulator/gateway/terraform-gateway-responses.ts';
import { repoRoot } from '../../shared/lambda-artifacts.ts';

const LOCALS = {
  stage_url: 'http://127.0.0.1:3000/dev',
  mcp_url: 'http://127.0.0.1:3000/dev/mcp',
  protected_resource_metadata_url: 'http://127.0.0.1:3000/dev/.well-known/oauth-protected-resource',
};

let scratch: string | undefined;
afterEach(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
  scratch = undefined;
});

describe('gateway responses read from terraform/', () => {
  it('gives 401 and 403 the discovery challenge and the JSON template of our Terraform', async () => {
    const responses = await readGatewayResponses(path.join(repoRoot, 'terraform'), LOCALS, {
      cors_allowed_origins: [],
    });
    expect(Object.keys(responses).sort()).toEqual(['ACCESS_DENIED', 'UNAUTHORIZED']);
    const denied = gatewayResponse('ACCESS_DENIED', 'req-1', responses);
    expect(denied.statusCode).toBe(403);
    expect(Object.fromEntries(denied.headers)).toMatchObject({
      'WWW-Authenticate': `Bearer resource_metadata="${LOCALS.protected_resource_metadata_url}"`,
      'x-amzn-errortype': 'AccessDeniedException',
    });
    expect(JSON.parse(denied.body.toString())).toEqual({
      message: 'User is not authorized to access this resource with an explicit deny',
    });
    // CORS is off by default: no CORS headers on API Gateway's own answers.
    expect(denied.headers.map(([name]) => name.toLowerCase())).not.toContain('access-control-allow-origin');
    // Types Terraform does not customise keep API Gateway's defaults.
    expect(JSON.parse(gatewayResponse('THROTTLED', 'req-2', responses).body.toString())).toEqual({
      message: 'Too Many Requests',
    });
  });

  it('refuses an expression it cannot evaluate instead of guessing', async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'gw-'));
    await writeFile(
      path.join(scratch, 'gw.tf'),
      `resource "aws_api_gateway_gateway_response" "x" {
  rest_api_id   = "abc"
  response_type = "UNAUTHORIZED"
  response_parameters = {
    "gatewayresponse.header.X-Api" = "'\${aws_api_gateway_rest_api.this.id}'"
  }
}
`,
    );
    await expect(readGatewayResponses(scratch, LOCALS)).rejects.toBeInstanceOf(UnsupportedGatewayResponseError);
  });
});

describe('gateway responses with cors_allowed_origins set', () => {
  it('echo the request Origin (method.request.header.Origin) and expose WWW-Authenticate on 401 and 403', async () => {
    const responses = await readGatewayResponses(path.join(repoRoot, 'terraform'), LOCALS, {
      cors_allowed_origins: ['https://app.example'],
    });
    for (const type of ['UNAUTHORIZED', 'ACCESS_DENIED'] as const) {
      const answer = gatewayResponse(type, 'req-3', responses, (name) =>
        name === 'origin' ? 'https://app.example' : undefined,
      );
      expect(Object.fromEntries(answer.headers)).toMatchObject({
        'Access-Control-Allow-Origin': 'https://app.example',
        'Access-Control-Expose-Headers': 'WWW-Authenticate,Mcp-Session-Id,Mcp-Protocol-Version',
        Vary: 'Origin',
      });
      // A request without Origin (not a browser's cross-origin request) gets no allow header.
      const noOrigin = gatewayResponse(type, 'req-4', responses);
      expect(noOrigin.headers.map(([name]) => name)).not.toContain('Access-Control-Allow-Origin');
    }
  });
});
