/**
 * docs/your-own-server.md, run for real: its module is the file it names, and its build, `npm
 * start`, smoke and load commands run as written, with three mechanical changes a parallel test
 * run needs (each stated where it is made): the build goes to its own directory (`--out`), the
 * stack listens on a free port instead of 3000, and the stack's token stands in for
 * `.local/dev-token`. Terraform apply and Compose need AWS or Docker and are not run here; the
 * variables they use are checked by test/terraform.test.ts and test/compose.test.ts.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../shared/lambda-artifacts.ts';
import { SUITE_SMOKE_LATENCY_ENV } from '../loadtest/support/suite-latency.ts';

const DOC = path.join(repoRoot, 'docs', 'your-own-server.md');
const token = `docs-${randomBytes(18).toString('base64url')}`;
let doc = '';
let outDir = '';
let stack: ChildProcess | undefined;
let endpoint = '';

function blocks(language: string): string[] {
  return [...doc.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((match) => match[1]!);
}

function command(prefix: string): string {
  const line = blocks('bash')
    .flatMap((block) => block.split('\n'))
    .find((candidate) => candidate.includes(prefix));
  if (!line) throw new Error(`docs/your-own-server.md has no command with "${prefix}"`);
  return line;
}

/** Runs one line of the guide in bash from the repository root; the parent's MCP_* variables are not inherited. */
function run(line: string, env: Record<string, string> = {}) {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^MCP_|^AWS_|^P9[59]_MS$|^RESULTS_DIR$/.test(key)),
  );
  return spawnSync('bash', ['-c', line], {
    cwd: repoRoot,
    env: { ...inherited, NO_COLOR: '1', ...env },
    encoding: 'utf8',
    timeout: 180_000,
  });
}

beforeAll(async () => {
  doc = await readFile(DOC, 'utf8');
  await mkdir(path.join(repoRoot, '.local'), { recursive: true });
  outDir = await mkdtemp(path.join(repoRoot, '.local', 'docs-build-'));
}, 30_000);

afterAll(async () => {
  if (stack?.pid !== undefined && stack.exitCode === null) {
    const exited = new Promise((resolve) => stack!.once('exit', resolve));
    process.kill(-stack.pid, 'SIGTERM');
    await exited;
  }
  if (outDir) await rm(outDir, { recursive: true, force: true });
}, 30_000);

describe('docs/your-own-server.md', () => {
  it('shows the module exactly as examples/hello/server.ts holds it', async () => {
    expect(blocks('ts')[0]).toBe(await readFile(path.join(repoRoot, 'examples', 'hello', 'server.ts'), 'utf8'));
  });

  it('step 2: the build command bundles the chosen module', async () => {
    // Change: --out, so the product's dist/ stays what other tests run.
    const result = run(`${command('npm run build -- --server')} --out ${outDir}`);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('serving examples/hello/server.ts');
    expect(await readFile(path.join(outDir, 'mcp-server', 'index.mjs'), 'utf8')).toContain('Greets someone by name.');
  }, 180_000);

  it('step 3: npm start serves it', async () => {
    // Changes: a free port and the build directory of step 2; a known token instead of .local/dev-token.
    const line = `${command('npm start -- --server')} --out ${outDir} --port 0 --quiet --no-log-dir --var 'static_tokens=["${token}"]'`;
    stack = spawn('bash', ['-c', `exec ${line}`], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    stack.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    endpoint = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${output}`)), 120_000);
      stack!.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
      createInterface({ input: stack!.stdout! }).on('line', (text) => {
        output += `${text}\n`;
        const url = /MCP endpoint\s+(\S+)/.exec(text);
        if (url) {
          clearTimeout(timer);
          resolve(url[1]!);
        }
      });
    });
    expect(output).toMatch(/Server module\s+examples\/hello\/server\.ts/);
  }, 150_000);

  it('step 4: the smoke command passes, the hello tool called with arguments from its schema', () => {
    const line = command('npm run client -- smoke')
      .replace('$(cat .local/dev-token)', token)
      .replace('http://127.0.0.1:3000/dev/mcp', endpoint);
    const result = run(line);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/hello/);
  }, 120_000);

  it("step 5: the load command runs the guide's calls with every check passing", () => {
    const line = command('npm run loadtest -- smoke')
      .replace('$(cat .local/dev-token)', token)
      .replace('http://127.0.0.1:3000/dev/mcp', endpoint);
    // The suite's latency limits on a shared machine (support/suite-latency.ts says why).
    const result = run(line, { ...SUITE_SMOKE_LATENCY_ENV, RESULTS_DIR: outDir });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('result: PASS');
    expect(result.stdout).toMatch(/tools\/call hello/);
  }, 180_000);
});
