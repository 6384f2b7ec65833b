/**
 * `npm start` as a user meets it: the banner never prints a token from static_tokens (Terraform
 * marks the variable sensitive), its copy-paste lines pass the token through MCP_TOKEN (never a
 * --token argument, visible in `ps`), and a taken port ends with a --port hint.
 */
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../shared/lambda-artifacts.ts';
import { runCli } from '../client/cli-runner.ts';

const CLI = path.join(repoRoot, 'emulator', 'cli.ts');

/** Starts `npm start` (the CLI), returns its stdout up to the banner's last line, then stops it. */
function bannerOf(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no banner in time:\n${stdout}\n${stderr}`));
    }, 90_000);
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes('Stop             Ctrl+C')) {
        clearTimeout(timer);
        child.once('close', () => resolve(stdout));
        child.kill('SIGINT');
      }
    });
    child.once('close', (code) => {
      if (!stdout.includes('Ctrl+C')) {
        clearTimeout(timer);
        reject(new Error(`exited ${code} before the banner:\n${stdout}\n${stderr}`));
      }
    });
  });
}

describe('npm start banner and start-up errors', () => {
  it('never prints a token from static_tokens, and its commands take the token from MCP_TOKEN', async () => {
    const token = 'a-user-supplied-token-0123456789';
    const banner = await bannerOf(['--port', '0', '--no-log-dir', '--quiet', '--var', `static_tokens=["${token}"]`]);
    expect(banner).toContain('Embedded stack running');
    expect(banner).not.toContain(token);
    expect(banner).toContain('one of your static_tokens (not shown');
    expect(banner).toMatch(
      /Try it\s+MCP_TOKEN=<one of your static_tokens> npm run client -- smoke --url http:\/\/127\.0\.0\.1:\d+\/dev\/mcp\n/,
    );
    expect(banner).not.toContain('--token');
  }, 100_000);

  it('with no static_tokens points to the generated token file instead of a --token argument', async () => {
    const banner = await bannerOf(['--port', '0', '--no-log-dir', '--quiet']);
    expect(banner).toContain('kept in .local/dev-token');
    expect(banner).toMatch(/Try it\s+MCP_TOKEN="\$\(cat \.local\/dev-token\)" npm run client -- smoke --url /);
    expect(banner).not.toContain('--token');
  }, 100_000);

  it('a port already in use exits 1 with a --port hint', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = blocker.address() as AddressInfo;
      const run = await runCli(['--port', String(port), '--no-log-dir'], { entry: CLI, timeoutMs: 90_000 });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('EADDRINUSE');
      expect(run.stderr).toContain('npm start -- --port');
    } finally {
      blocker.close();
    }
  }, 100_000);
});
