/** Runs a repository TypeScript entry point as its own process (`node --import tsx <file>`), bounded. */
import { spawn } from 'node:child_process';
import { repoRoot } from '../../../shared/lambda-artifacts.ts';

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment a child gets: this one without AWS credentials or profiles (the report must find
 * its way to a loopback endpoint on its own; nothing may reach AWS), plus `env`.
 */
export function childEnv(env: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^AWS_|^MCP_|^RATE$|^DURATION$|^ERA$|^RESULTS_DIR$|^P9[59]_MS$|^LONG_TASK_/.test(key)) continue;
    out[key] = value;
  }
  return { ...out, ...env };
}

/** Resolves when the process exits; SIGKILLs it after `timeoutMs` (then `signal` is set). */
export function runCli(
  file: string,
  args: readonly string[],
  options: { timeoutMs: number; env?: Readonly<Record<string, string>> },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
      cwd: repoRoot,
      env: childEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
