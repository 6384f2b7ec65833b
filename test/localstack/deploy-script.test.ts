/**
 * localstack/deploy.sh run for real with bash, against stub `npm`, `tflocal` and `node` programs on
 * PATH (no Docker, no LocalStack): what the Compose `deploy` service does between its commands.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../shared/lambda-artifacts.ts';

const SCRIPT = path.join(repoRoot, 'localstack', 'deploy.sh');
const bash = spawnSync('bash', ['--version']).status === 0 && spawnSync('tar', ['--version']).status === 0;

interface Run {
  readonly status: number | null;
  readonly output: string;
  readonly dir: string;
  readonly calls: string[];
}

/** tflocal's `apply` fails the first `failures` times; every stub appends its argv to calls.log. */
const created: string[] = [];
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

function runDeploy(options: { failures: number; env?: Record<string, string> }): Run {
  const dir = mkdtempSync(path.join(tmpdir(), 'deploy-sh-'));
  created.push(dir);
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  const stub = (name: string, body: string): void =>
    writeFileSync(path.join(bin, name), `#!/bin/sh\necho "${name} $*" >> "${dir}/calls.log"\n${body}\n`, {
      mode: 0o755,
    });
  stub(
    'npm',
    '[ "$1 $2" = "run build" ] && mkdir -p dist && echo zip > dist/mcp-server.zip && echo zip > dist/authorizer.zip\nexit 0',
  );
  stub(
    'tflocal',
    `case "$1" in
  apply) echo "apply sees $(cat terraform.tfstate 2>/dev/null || echo no state)" >> "${dir}/calls.log"
         n=$(cat "${dir}/applies" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > "${dir}/applies"
         [ $n -le ${options.failures} ] && { echo "Error: apply $n failed" >&2; exit 1; }
         echo '{"resources":["after apply '$n'"]}' > terraform.tfstate; exit 0 ;;
  output) case "$2 $3" in
    "-raw api_id") printf abc123 ;;
    "-raw stage_name") printf dev ;;
    "-raw authorizer_function_name") printf stateless-mcp-authorizer ;;
    *) echo '{}' ;;
  esac ;;
esac
exit 0`,
  );
  stub('node', 'exit 0');
  const state = path.join(dir, 'state', 'terraform');
  mkdirSync(state, { recursive: true });
  // The state of an earlier deploy: LocalStack may still hold what it lists.
  writeFileSync(path.join(state, 'terraform.tfstate'), '{"resources":["from an earlier deploy"]}\n');
  const result = spawnSync('bash', [SCRIPT], {
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      HOME: dir,
      SRC_DIR: repoRoot,
      BUILD_DIR: path.join(dir, 'build'),
      TF_DIR: state,
      TF_PLUGIN_CACHE_DIR: path.join(dir, 'plugin-cache'),
      SHARED_DIR: path.join(dir, 'shared'),
      LOCALSTACK_ENDPOINT: 'http://localstack:4566',
      MCP_TOKEN: 'deploy-script-test-token',
      AWS_DEFAULT_REGION: 'eu-west-1',
      ...options.env,
    },
  });
  const calls = existsSync(path.join(dir, 'calls.log'))
    ? readFileSync(path.join(dir, 'calls.log'), 'utf8').trim().split('\n')
    : [];
  return { status: result.status, output: `${result.stdout}${result.stderr}`, dir, calls };
}

describe.skipIf(!bash)('localstack/deploy.sh', () => {
  it('writes the path-style endpoint and checks the authorizer in the deploy Region', () => {
    const run = runDeploy({ failures: 0 });
    expect(run.status, run.output).toBe(0);
    expect(readFileSync(path.join(run.dir, 'shared', 'endpoint'), 'utf8')).toBe(
      'http://localstack:4566/_aws/execute-api/abc123/dev/mcp\n',
    );
    expect(run.calls).toContain(
      `node ${path.join(run.dir, 'build')}/localstack/check-authorizer.mjs stateless-mcp-authorizer abc123 dev`,
    );
    expect(run.calls.find((c) => c.startsWith('tflocal apply'))).toContain('-var region=eu-west-1');
  }, 150_000);

  it('retries a failed apply once without throwing away the state LocalStack may still match', () => {
    const run = runDeploy({ failures: 1 });
    expect(run.status, run.output).toBe(0);
    expect(run.calls.filter((c) => c.startsWith('tflocal apply'))).toHaveLength(2);
    expect(run.output).toContain('retrying once (the state is kept)');
    expect(run.calls.filter((c) => c.startsWith('apply sees'))).toEqual([
      'apply sees {"resources":["from an earlier deploy"]}',
      'apply sees {"resources":["from an earlier deploy"]}',
    ]);
  }, 150_000);

  it('fails after two failed applies, with the way to start from scratch, and keeps the state', () => {
    const run = runDeploy({ failures: 2 });
    expect(run.status).toBe(1);
    expect(run.output).toContain('docker compose down -v');
    expect(readFileSync(path.join(run.dir, 'state', 'terraform', 'terraform.tfstate'), 'utf8')).toContain(
      'from an earlier deploy',
    );
    expect(existsSync(path.join(run.dir, 'shared', 'endpoint'))).toBe(false);
  }, 150_000);

  it('refuses streaming_enabled=true before building anything: API Gateway STREAM integrations are AWS-only', () => {
    const run = runDeploy({ failures: 0, env: { TF_VAR_streaming_enabled: 'true' } });
    expect(run.status).toBe(2);
    expect(run.output).toContain('streaming_enabled = true is AWS-only');
    expect(run.calls).toEqual([]);
  });
});
