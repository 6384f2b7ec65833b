// Invokes the deployed authorizer Lambda directly through LocalStack's Lambda Invoke API, because
// LocalStack's free edition deploys API Gateway Lambda authorizers but never calls them
// (localstack#1315). Proves the deployed artefact answers as API Gateway expects: an Allow policy
// covering the whole API for the deployed token, and the "Unauthorized" error (→ 401) otherwise.
// Usage: node check-authorizer.mjs <function-name> <api-id> <stage>; MCP_TOKEN and AWS_ENDPOINT_URL set.
const [functionName, apiId, stage] = process.argv.slice(2);
const endpoint = process.env.AWS_ENDPOINT_URL;
const token = process.env.MCP_TOKEN;
const region = process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
if (!functionName || !apiId || !stage || !endpoint || !token) {
  console.error('usage: node check-authorizer.mjs <function-name> <api-id> <stage> (MCP_TOKEN and AWS_ENDPOINT_URL set)');
  process.exit(2);
}

// A TOKEN authorizer event as API Gateway sends it (api-gateway-lambda-authorizer-input.html).
const event = (authorizationToken) => ({
  type: 'TOKEN',
  authorizationToken,
  methodArn: `arn:aws:execute-api:${region}:000000000000:${apiId}/${stage}/POST/mcp`,
});

// LocalStack accepts unsigned requests and uses its default account for them.
async function invoke(payload) {
  const response = await fetch(`${endpoint}/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  return { status: response.status, functionError: response.headers.get('x-amz-function-error'), body: await response.json() };
}

const failures = [];
const allowed = await invoke(event(`Bearer ${token}`));
const statement = allowed.body?.policyDocument?.Statement?.[0];
if (allowed.functionError || statement?.Effect !== 'Allow' || !String(statement?.Resource).endsWith(`${apiId}/${stage}/*/*`)) {
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
console.log(`[deploy] authorizer ${functionName}: deployed token → Allow ${statement.Resource}; wrong token → Unauthorized`);
