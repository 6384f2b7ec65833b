// Invokes the deployed authorizer Lambda directly through LocalStack's Lambda Invoke API, because
// LocalStack's free edition deploys API Gateway Lambda authorizers but never calls them
// (localstack#1315). Proves the deployed artefact answers as API Gateway expects: an Allow policy
// covering the whole API for the deployed token, and the "Unauthorized" error (→ 401) otherwise.
// Usage: node check-authorizer.mjs <function-name> <api-id> <stage>; MCP_TOKEN and AWS_ENDPOINT_URL set.
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

const [functionName, apiId, stage] = process.argv.slice(2);
const endpoint = process.env.AWS_ENDPOINT_URL;
const token = process.env.MCP_TOKEN;
const region = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1';
if (!functionName || !apiId || !stage || !endpoint || !token) {
  console.error(
    'usage: node check-authorizer.mjs <function-name> <api-id> <stage> (MCP_TOKEN and AWS_ENDPOINT_URL set)',
  );
  process.exit(2);
}

// A TOKEN authorizer event as API Gateway sends it (api-gateway-lambda-authorizer-input.html).
const event = (authorizationToken) => ({
  type: 'TOKEN',
  authorizationToken,
  methodArn: `arn:aws:execute-api:${region}:000000000000:${apiId}/${stage}/POST/mcp`,
});

// Signed with SigV4 like every AWS SDK call: LocalStack takes the Region from the credential scope
// of the Authorization header and files an unsigned request under us-east-1
// (localstack-core 4.14.0, localstack/utils/aws/request_context.py, extract_region_from_headers),
// where a function deployed to any other Region does not exist.
const signer = new SignatureV4({
  service: 'lambda',
  region,
  credentials: {
    accessKeyId: process.env.AWS_ACCESS_KEY_ID || 'test',
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY || 'test',
  },
  sha256: class {
    constructor(secret) {
      this.hash = secret ? createHmac('sha256', secret) : createHash('sha256');
    }
    update(data) {
      this.hash.update(data);
    }
    async digest() {
      return new Uint8Array(this.hash.digest());
    }
  },
});

async function invoke(payload) {
  const url = new URL(
    `${endpoint.replace(/\/$/, '')}/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`,
  );
  const body = JSON.stringify(payload);
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: url.pathname,
    headers: { 'content-type': 'application/json', host: url.host },
    body,
  });
  const response = await fetch(url, { method: 'POST', headers: signed.headers, body });
  const text = await response.text();
  if (response.status !== 200) {
    console.error(`[deploy] Invoke ${functionName} in ${region} answered ${response.status}: ${text}`);
    process.exit(1);
  }
  return {
    status: response.status,
    functionError: response.headers.get('x-amz-function-error'),
    body: JSON.parse(text),
  };
}

const failures = [];
const allowed = await invoke(event(`Bearer ${token}`));
const statement = allowed.body?.policyDocument?.Statement?.[0];
if (
  allowed.functionError ||
  statement?.Effect !== 'Allow' ||
  !String(statement?.Resource).endsWith(`${apiId}/${stage}/*/*`)
) {
  failures.push(`the deployed token was not allowed for the whole API: ${JSON.stringify(allowed.body)}`);
}
const refused = await invoke(event('Bearer not-the-deployed-token'));
if (!refused.functionError || refused.body?.errorMessage !== 'Unauthorized') {
  failures.push(`a wrong token was not refused with "Unauthorized": ${JSON.stringify(refused.body)}`);
}
if (failures.length > 0) {
  for (const failure of failures) console.error(`[deploy] authorizer check failed: ${failure}`);
  process.exit(1);
}
console.log(
  `[deploy] authorizer ${functionName}: deployed token → Allow ${statement.Resource}; wrong token → Unauthorized`,
);
