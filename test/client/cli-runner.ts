import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI_SOURCE = path.join(repoRoot, 'client', 'cli.ts');

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the CLI as users do, in a child process: `node --import tsx client/cli.ts ...` (or a given
 * entry, e.g. the esbuild bundle). The parent's MCP_* variables are not inherited.
 */
export function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; entry?: string; timeoutMs?: number } = {},
): Promise<CliRun> {
  const { MCP_SERVER_ENDPOINT: _url, MCP_TOKEN: _token, ...inherited } = process.env;
  const entry = options.entry ?? CLI_SOURCE;
  const nodeArgs = entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, ...args], {
      cwd: repoRoot,
      env: { ...inherited, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 50_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Parses stdout as exactly one JSON document (fails the test otherwise). */
export function parseJsonStdout<T = Record<string, unknown>>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`stdout is not one JSON document:\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}

/** A loopback port with nothing listening on it (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface JsonCheck {
  readonly name: string;
  readonly status: 'pass' | 'fail' | 'warn' | 'skip';
  readonly latencyMs: number | null;
  readonly detail: string;
  readonly hint?: string;
  readonly kind?: string;
}

export interface SmokeJson {
  readonly command: 'smoke';
  readonly protocol: { readonly requested: string; readonly negotiated: string | null; readonly client: string };
  readonly checks: readonly JsonCheck[];
  readonly summary: {
    readonly total: number;
    readonly passed: number;
    readonly failed: number;
    readonly ok: boolean;
    readonly exitCode: number;
  };
  readonly error: { readonly kind: string; readonly message: string; readonly hint: string } | null;
}
