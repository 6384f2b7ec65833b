/**
 * The notes example (examples/notes/server.ts), a server module other than the demo, through every
 * door a user takes: `npm start -- --server` builds and serves it (DynamoDB: moto's server), the
 * smoke client checks it, the Node load driver runs a scenario of its own calls, and its tools
 * read and write the table (checked in the table itself, through the AWS SDK).
 */
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateMoto } from '../../scripts/conformance.ts';
import { repoRoot } from '../../shared/lambda-artifacts.ts';
import { runCli as runClientCli } from '../client/cli-runner.ts';
import { runCli } from '../loadtest/support/cli.ts';
import { startMoto, type MotoServer } from '../tasks/support/moto-server.ts';

const TABLE = 'notes';
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
const token = `notes-${randomBytes(18).toString('base64url')}`;

let moto: MotoServer | undefined;
let dynamo: DynamoDBClient;
let stack: ChildProcess | undefined;
let stackOutput = '';
let endpoint = '';
let buildDir = '';

/** `npm start` as a user runs it, with the server chosen by --server; resolves with the MCP endpoint. */
function startNotesStack(env: NodeJS.ProcessEnv): Promise<string> {
  stack = spawn(
    'npm',
    [
      'start',
      '--',
      '--server',
      'examples/notes/server.ts',
      '--out',
      buildDir,
      '--port',
      '0',
      '--quiet',
      '--no-log-dir',
      '--var',
      `mcp_environment={"NOTES_TABLE":"${TABLE}"}`,
      '--var',
      `static_tokens=["${token}"]`,
      // The load test below sends back to back (no pause): the stage's 100 req/s must not answer 429.
      '--var',
      'throttling_rate_limit=10000',
      '--var',
      'throttling_burst_limit=10000',
    ],
    { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  stack.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stackOutput += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${stackOutput}`)), 120_000);
    stack!.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${stackOutput}`)));
    createInterface({ input: stack!.stdout! }).on('line', (line) => {
      stackOutput += `${line}\n`;
      const url = /MCP endpoint\s+(\S+)/.exec(line);
      if (url) {
        clearTimeout(timer);
        resolve(url[1]!);
      }
    });
  });
}

beforeAll(async () => {
  moto = await startMoto((await locateMoto()).server);
  dynamo = new DynamoDBClient({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await dynamo.send(
    new CreateTableCommand({
      TableName: TABLE,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  // Inside the repository, as dist/ is: the bundle resolves the AWS SDK (external, as the Lambda
  // runtime provides it) from the repository's node_modules.
  await mkdir(path.join(repoRoot, '.local'), { recursive: true });
  buildDir = await mkdtemp(path.join(repoRoot, '.local', 'notes-build-'));
  // The host's credentials and endpoint stand in for the execution role's and AWS's.
  endpoint = await startNotesStack({ ...process.env, ...CREDENTIALS, AWS_ENDPOINT_URL_DYNAMODB: moto.endpoint });
}, 180_000);

afterAll(async () => {
  if (stack?.pid !== undefined && stack.exitCode === null) {
    const exited = new Promise((resolve) => stack!.once('exit', resolve));
    process.kill(-stack.pid, 'SIGTERM');
    await exited;
  }
  await moto?.stop();
  if (buildDir) await rm(buildDir, { recursive: true, force: true });
}, 30_000);

describe('the notes example under npm start -- --server examples/notes/server.ts', () => {
  it('builds the chosen module and nothing of the demo', async () => {
    expect(stackOutput).toMatch(/Server module\s+examples\/notes\/server\.ts/);
    const info = JSON.parse(await readFile(path.join(buildDir, 'build-info.json'), 'utf8')) as { server: string };
    expect(info.server).toBe('examples/notes/server.ts');
    const bundle = await readFile(path.join(buildDir, 'mcp-server', 'index.mjs'), 'utf8');
    expect(bundle).toContain('put_note');
    expect(bundle).not.toContain('text_stats');
  });

  it('serves its tools, which write and read the DynamoDB table', async () => {
    const client = new Client({ name: 'notes-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(endpoint), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    });
    await client.connect(transport);
    try {
      expect(client.getServerVersion()).toMatchObject({ name: 'notes', version: '1.0.0' });
      expect((await client.listTools()).tools.map((tool) => tool.name).sort()).toEqual([
        'delete_note',
        'get_note',
        'put_note',
      ]);

      const put = await client.callTool({
        name: 'put_note',
        arguments: { id: 'from-test', text: 'Written through MCP.' },
      });
      expect(put.isError).toBeFalsy();
      const item = await dynamo.send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: 'from-test' } } }));
      expect(item.Item?.text?.S).toBe('Written through MCP.');

      const got = await client.callTool({ name: 'get_note', arguments: { id: 'from-test' } });
      expect(got.structuredContent).toMatchObject({ id: 'from-test', text: 'Written through MCP.' });
      expect((await client.callTool({ name: 'delete_note', arguments: { id: 'from-test' } })).isError).toBeFalsy();
      expect(
        (await dynamo.send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: 'from-test' } } }))).Item,
      ).toBeUndefined();
      const missing = await client.callTool({ name: 'get_note', arguments: { id: 'from-test' } });
      expect(missing.isError).toBe(true);
      // Arguments the schema refuses never reach DynamoDB: the SDK answers an error result naming the field.
      const refused = await client.callTool({ name: 'put_note', arguments: { id: 'no spaces allowed', text: 'x' } });
      expect(refused).toMatchObject({
        isError: true,
        content: [{ type: 'text', text: expect.stringMatching(/id.*pattern/) }],
      });
      expect(
        (await dynamo.send(new GetItemCommand({ TableName: TABLE, Key: { id: { S: 'no spaces allowed' } } }))).Item,
      ).toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it('passes the smoke client (npm run client -- smoke), every tool called with arguments from its schema', async () => {
    const result = await runClientCli(['smoke', '--url', endpoint, '--token', token, '--json'], { timeoutMs: 90_000 });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { checks: Array<{ name: string; status: string }> };
    const toolChecks = report.checks.filter((check) => /put_note|get_note|delete_note/.test(check.name));
    expect(toolChecks.length).toBeGreaterThanOrEqual(3);
    for (const check of toolChecks) expect(check, JSON.stringify(check)).toMatchObject({ status: 'pass' });
  });

  it('takes a load scenario of its own calls (npm run loadtest -- smoke --calls ...) with every check passing', async () => {
    const resultsDir = await mkdtemp(path.join(tmpdir(), 'notes-load-'));
    const calls = [
      // "sample": both take the schema's example id, so get_note reads what put_note wrote.
      { tool: 'put_note', arguments: 'sample' },
      { tool: 'get_note', arguments: 'sample' },
      { tool: 'put_note', arguments: { id: 'load', text: 'Under load.' } },
      { tool: 'get_note', arguments: { id: 'never-written' }, expectError: true },
    ];
    const result = await runCli(
      path.join(repoRoot, 'loadtest', 'local', 'cli.ts'),
      [
        'smoke',
        '--url',
        endpoint,
        '--token',
        token,
        '--duration',
        '3s',
        '--pause',
        '0',
        '--quiet',
        '--calls',
        JSON.stringify(calls),
        '--p95',
        '20000',
        '--p99',
        '30000',
      ],
      { timeoutMs: 90_000, env: { RESULTS_DIR: resultsDir } },
    );
    try {
      expect(result.code, result.stdout + result.stderr).toBe(0);
      const summaryFile = /\S+\.summary\.json/.exec(result.stdout + result.stderr)?.[0];
      expect(summaryFile, result.stdout).toBeDefined();
      const summary = JSON.parse(await readFile(summaryFile!, 'utf8')) as {
        ok: boolean;
        checks: { fails: number; passes: number; byName: Record<string, unknown> };
        latencyMs: { byTool: Record<string, unknown> };
      };
      expect(summary.ok).toBe(true);
      expect(summary.checks.fails).toBe(0);
      expect(summary.checks.passes).toBeGreaterThan(0);
      expect(Object.keys(summary.latencyMs.byTool).sort()).toEqual(['get_note', 'put_note']);
      expect(Object.keys(summary.checks.byName)).toContain(
        '[2026-07-28] tools/call get_note -> isError result, as expected',
      );
    } finally {
      await rm(resultsDir, { recursive: true, force: true });
    }
  });
});
