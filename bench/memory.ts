/**
 * Peak RSS of one process serving requests one at a time, as one Lambda execution environment does,
 * started with the node flags Lambda's Node.js runtime uses for the function's memory size (the
 * emulator's own `lambdaNodeArguments`) on the Lambda runtime's Node major. Each server is bundled
 * first, like the deployed bundle, so that no TypeScript loader sits in its memory. Side by side it shows what Node itself and
 * the MCP SDK take before our code adds anything.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { lambdaNodeArguments } from '../emulator/lambda/execution-environment.ts';
import type { NodeRuntime } from '../emulator/lambda/node-runtime.ts';
import { repoRoot } from '../shared/lambda-artifacts.ts';
import { bundleLikeTheLambda } from './bundle.ts';
import { LEGACY_HEADERS, TOOLS_LIST } from './requests.ts';

export interface MemoryTarget {
  readonly label: string;
  /** A bench server under bench/servers/, and what to pass it. */
  readonly script: string;
  readonly args?: readonly string[];
  /** Path of the MCP route on that server. */
  readonly path: string;
}

export interface PeakRss {
  readonly label: string;
  readonly afterStartMb: number;
  readonly peakMb: number;
}

/** VmHWM: the peak resident set size of a live process, as the kernel counts it. */
function peakRssMb(pid: number): number {
  const match = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmHWM for process ${pid}`);
  return Number(match[1]) / 1024;
}

async function measure(
  target: MemoryTarget,
  dir: string,
  nodeArgs: readonly string[],
  nodePath: string,
  requests: number,
): Promise<PeakRss> {
  const outfile = bundleLikeTheLambda(
    path.join(repoRoot, target.script),
    path.join(dir, `${path.basename(target.script, '.ts')}.mjs`),
  );
  const child = spawn(nodePath, [...nodeArgs, outfile, ...(target.args ?? [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`${target.script} exited with ${code}`)));
    });
    const afterStartMb = peakRssMb(child.pid!);
    const url = `http://127.0.0.1:${port}${target.path}`;
    for (let i = 0; i < requests; i += 1) {
      const response = await fetch(url, { method: 'POST', headers: LEGACY_HEADERS, body: TOOLS_LIST });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${target.label} answered ${response.status}`);
    }
    return { label: target.label, afterStartMb, peakMb: peakRssMb(child.pid!) };
  } finally {
    child.kill();
  }
}

/** Each target in turn, `requests` sequential `tools/list` each. */
export async function measurePeakRss(
  targets: readonly MemoryTarget[],
  options: { memorySizeMb: number; runtime: NodeRuntime; requests: number },
): Promise<PeakRss[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-memory-'));
  try {
    const results: PeakRss[] = [];
    for (const target of targets)
      results.push(
        await measure(
          target,
          dir,
          lambdaNodeArguments(options.memorySizeMb),
          options.runtime.nodePath,
          options.requests,
        ),
      );
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
