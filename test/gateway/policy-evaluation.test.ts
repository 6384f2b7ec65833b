/**
 * How the embedded API Gateway judges the IAM policy a Lambda authorizer returns, case by case from
 * the AWS documentation (never from the emulator's code):
 *
 * - Output shape, `Action: execute-api:Invoke`, `Effect: Allow|Deny`, Resource
 *   `arn:aws:execute-api:{regionId}:{accountId}:{apiId}/{stage}/{httpVerb}/[{resource}]`, `*` wildcards:
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
 * - Resource wildcards in any segment (`.../*\/*\/petstorewalkthrough/pets`, `.../test/POST/path/*`):
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-iam-policy-examples-for-api-execution.html
 * - `execute-api:Invoke` as the action, `execute-api:*` for every execution action:
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-invoke-api.html
 * - Action: "The prefix and the action name are case insensitive" (`iam:ListAccessKeys` is
 *   `IAM:listaccesskeys`); `*` and `?` wildcards in the whole value or in part of the action name
 *   (`s3:*`, `iam:*AccessKey*`):
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
 * - `*` matches any run of characters, `?` exactly one, literally everything else:
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 * - An applicable Deny beats any Allow; no applicable Allow is an (implicit) deny:
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html
 *
 * Each case goes through the gateway's authorizer gate (`LambdaAuthorizer.authorize`) with an
 * authorizer function that returns the policy under test.
 */
import { describe, expect, it } from 'vitest';
import { LambdaAuthorizer, type AuthorizationDecision } from '../../emulator/gateway/lambda-authorizer.ts';
import { gateRequest, gateRoute, tokenSettings } from './support.ts';

const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/POST/mcp';
const API = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5';

interface Statement {
  readonly Effect?: unknown;
  readonly Action?: unknown;
  readonly Resource?: unknown;
}

const allow = (Resource: unknown, Action: unknown = 'execute-api:Invoke'): Statement => ({
  Effect: 'Allow',
  Action,
  Resource,
});
const deny = (Resource: unknown, Action: unknown = 'execute-api:Invoke'): Statement => ({
  Effect: 'Deny',
  Action,
  Resource,
});

async function decide(statements: unknown, methodArn = METHOD_ARN): Promise<AuthorizationDecision['kind']> {
  const gate = new LambdaAuthorizer(tokenSettings({ resultTtlSeconds: 0 }), async () => ({
    kind: 'result',
    payloadBytes: 0,
    result: { principalId: 'user-1', policyDocument: { Version: '2012-10-17', Statement: statements }, context: {} },
  }));
  const decision = await gate.authorize(gateRequest({ authorization: 'Bearer abc' }), gateRoute(), methodArn);
  return decision.kind;
}

type Case = readonly [description: string, statements: unknown, expected: 'allow' | 'denied'];

const CASES: readonly Case[] = [
  // Action
  ['Allow execute-api:Invoke on the exact method ARN', [allow(METHOD_ARN)], 'allow'],
  ['Allow execute-api:* (every execution action)', [allow(METHOD_ARN, 'execute-api:*')], 'allow'],
  ['Allow * (every action)', [allow(METHOD_ARN, '*')], 'allow'],
  [
    "Allow with the action in a list beside another service's",
    [allow(METHOD_ARN, ['s3:GetObject', 'execute-api:Invoke'])],
    'allow',
  ],
  [
    'Allow of another execute-api action (ManageConnections) on the right resource',
    [allow(METHOD_ARN, 'execute-api:ManageConnections')],
    'denied',
  ],
  ["Allow of another service's action on the right resource", [allow(METHOD_ARN, 's3:GetObject')], 'denied'],
  ['Allow of a lookalike action (execute-api:Invoke2)', [allow(METHOD_ARN, 'execute-api:Invoke2')], 'denied'],
  ['Allow with no Action at all', [{ Effect: 'Allow', Resource: METHOD_ARN }], 'denied'],
  // Action: letter case and wildcards (IAM JSON policy elements: Action)
  ['Allow EXECUTE-API:INVOKE (action names ignore case)', [allow(METHOD_ARN, 'EXECUTE-API:INVOKE')], 'allow'],
  ['Allow execute-api:invoke (all lower case)', [allow(METHOD_ARN, 'execute-api:invoke')], 'allow'],
  ['Allow Execute-Api:iNVOKE (mixed case)', [allow(METHOD_ARN, 'Execute-Api:iNVOKE')], 'allow'],
  ['Allow EXECUTE-API:* (prefix in upper case, wildcard name)', [allow(METHOD_ARN, 'EXECUTE-API:*')], 'allow'],
  ['Allow execute-api:Inv* (wildcard for the end of the name)', [allow(METHOD_ARN, 'execute-api:Inv*')], 'allow'],
  ['Allow execute-api:*oke (wildcard for the start of the name)', [allow(METHOD_ARN, 'execute-api:*oke')], 'allow'],
  ['Allow execute-api:*Invoke* (wildcards matching nothing)', [allow(METHOD_ARN, 'execute-api:*Invoke*')], 'allow'],
  ['Allow execute-api:Invok? (? for the last character)', [allow(METHOD_ARN, 'execute-api:Invok?')], 'allow'],
  ['Allow execute-api:?NVOKE (? and another case)', [allow(METHOD_ARN, 'execute-api:?NVOKE')], 'allow'],
  ['Allow execute-api:Invoke? (? needs one more character)', [allow(METHOD_ARN, 'execute-api:Invoke?')], 'denied'],
  ['Allow execute-api:Inv (a prefix, no wildcard)', [allow(METHOD_ARN, 'execute-api:Inv')], 'denied'],
  ['Allow execute-api:M* (wildcard over other actions only)', [allow(METHOD_ARN, 'execute-api:M*')], 'denied'],
  ['Allow s3:* (wildcard over another service)', [allow(METHOD_ARN, 's3:*')], 'denied'],
  ['Allow execute-api.Invoke ("." is literal in an action)', [allow(METHOD_ARN, 'execute-api.Invoke')], 'denied'],
  ['Allow execute-api:In.+ (regex characters are literal)', [allow(METHOD_ARN, 'execute-api:In.+')], 'denied'],
  [
    'Allow on the right action whose Resource differs only in letter case (ARNs keep case)',
    [allow(`${API}/dev/post/mcp`, 'EXECUTE-API:INVOKE')],
    'denied',
  ],
  [
    'Deny EXECUTE-API:* beside an Allow: the Deny applies whatever the case',
    [allow(METHOD_ARN), deny(METHOD_ARN, 'EXECUTE-API:*')],
    'denied',
  ],
  // Resource
  ['Allow on the whole stage (apiId/stage/*/*)', [allow(`${API}/dev/*/*`)], 'allow'],
  ['Allow on the whole API (apiId/*)', [allow(`${API}/*`)], 'allow'],
  [
    'Allow on every region and account for this API and path (AWS example)',
    [allow('arn:aws:execute-api:*:*:a1b2c3d4e5/*/*/mcp')],
    'allow',
  ],
  ['Allow with a stage wildcard (apiId/*/POST/mcp)', [allow(`${API}/*/POST/mcp`)], 'allow'],
  ['Allow with ? standing for exactly one character', [allow(`${API}/dev/PO?T/m?p`)], 'allow'],
  ['Allow with ? where two characters would be needed', [allow(`${API}/dev/POST/?`)], 'denied'],
  ['Allow with the resource in a list after a non-matching one', [allow([`${API}/prod/*/*`, METHOD_ARN])], 'allow'],
  ['Allow on another API id', [allow('arn:aws:execute-api:us-east-1:123456789012:zzzzzzzzzz/dev/*/*')], 'denied'],
  ['Allow on another stage', [allow(`${API}/prod/*/*`)], 'denied'],
  ['Allow on another method (GET only)', [allow(`${API}/dev/GET/*`)], 'denied'],
  ['Allow on another account', [allow('arn:aws:execute-api:us-east-1:999999999999:a1b2c3d4e5/dev/*/*')], 'denied'],
  ['Allow on another region', [allow('arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/dev/*/*')], 'denied'],
  ['Allow on a prefix of the method ARN (no trailing wildcard)', [allow(`${API}/dev/POST/mc`)], 'denied'],
  [
    'Allow on a suffix of the method ARN (no leading arn:aws:)',
    [allow('execute-api:us-east-1:123456789012:a1b2c3d4e5/dev/POST/mcp')],
    'denied',
  ],
  ['Allow whose "." is literal, not any character (m.p)', [allow(`${API}/dev/POST/m.p`)], 'denied'],
  ['Allow whose "+" is literal, not a repetition (mc+p)', [allow(`${API}/dev/POST/mc+p`)], 'denied'],
  ['Allow whose "(" ")" "|" are literal, not a group (m(c|x)p)', [allow(`${API}/dev/POST/m(c|x)p`)], 'denied'],
  ['Allow whose "[" "]" are literal, not a class (m[c]p)', [allow(`${API}/dev/POST/m[c]p`)], 'denied'],
  ['Allow whose "^" "$" are literal, not anchors', [allow(`${API}/dev/POST/^mcp$`)], 'denied'],
  ['Allow whose "{" "}" are literal, not a count (mc{1}p)', [allow(`${API}/dev/POST/mc{1}p`)], 'denied'],
  ['Allow whose "\\" is literal, not an escape (m\\cp)', [allow(`${API}/dev/POST/m\\cp`)], 'denied'],
  ['Allow with no Resource at all', [{ Effect: 'Allow', Action: 'execute-api:Invoke' }], 'denied'],
  // Effect and explicit Deny
  ['a single statement object (not a list)', allow(METHOD_ARN), 'allow'],
  ['Deny only', [deny(METHOD_ARN)], 'denied'],
  ['no statements (implicit deny)', [], 'denied'],
  ['no Statement element (implicit deny)', undefined, 'denied'],
  ['an unknown Effect', [{ Effect: 'Permit', Action: 'execute-api:Invoke', Resource: METHOD_ARN }], 'denied'],
  ['Allow then Deny on the same method: explicit Deny wins', [allow(METHOD_ARN), deny(METHOD_ARN)], 'denied'],
  ['Deny then Allow on the same method: explicit Deny wins', [deny(METHOD_ARN), allow(METHOD_ARN)], 'denied'],
  [
    'Allow on the stage, Deny with a wildcard covering this method',
    [allow(`${API}/dev/*/*`), deny(`${API}/*/POST/*`)],
    'denied',
  ],
  ['Allow on the stage, Deny for another method only', [allow(`${API}/dev/*/*`), deny(`${API}/dev/GET/*`)], 'allow'],
  [
    'Allow on the stage, Deny of another action on this method',
    [allow(`${API}/dev/*/*`), deny(METHOD_ARN, 'execute-api:InvalidateCache')],
    'allow',
  ],
];

describe('the gateway evaluates the authorizer policy as AWS documents it', () => {
  it.each(CASES)('%s → %s', async (_description, statements, expected) => {
    expect(await decide(statements)).toBe(expected);
  });

  it('matches the method ARN the gateway builds for a nested resource path', async () => {
    const gate = new LambdaAuthorizer(tokenSettings(), async () => ({ kind: 'result', payloadBytes: 0, result: null }));
    const arn = gate.methodArn(gateRoute({ resourcePath: '/mcp/tools' }), 'GET', 'eu-central-1');
    expect(arn).toBe('arn:aws:execute-api:eu-central-1:123456789012:a1b2c3d4e5/dev/GET/mcp/tools');
    expect(await decide([allow('arn:aws:execute-api:*:123456789012:a1b2c3d4e5/dev/GET/mcp/*')], arn)).toBe('allow');
    expect(await decide([allow('arn:aws:execute-api:*:123456789012:a1b2c3d4e5/dev/GET/mcp')], arn)).toBe('denied');
  });
});
