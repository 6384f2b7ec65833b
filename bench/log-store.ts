/**
 * The log store alone (bench/log-store-probe.ts in its own `node --expose-gc` process): heap per
 * retained event beside the same events kept one object each, and Logs API page times without HTTP,
 * so the soak rows can tell the store's cost from the HTTP round trip's.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export interface LogStoreFigures {
  readonly events: number;
  readonly storedBytes: number;
  readonly heapPerEvent: number;
  readonly objectHeapPerEvent: number;
  readonly putNsPerEvent: number;
  readonly reportPages: number;
  readonly reportPageMedianMs: number;
  readonly reportPageWorstMs: number;
  readonly fullPageMs: number;
  readonly noMatchMs: number;
  readonly streamTailMs: number;
}

/** This checkout's store, whichever checkout the stack rows run (`--stack-root`). */
const benchDir = path.dirname(fileURLToPath(import.meta.url));

export async function measureLogStore(events: number): Promise<LogStoreFigures> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', path.join(benchDir, 'log-store-probe.ts'), String(events)],
    { cwd: path.dirname(benchDir), maxBuffer: 1024 * 1024 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as LogStoreFigures;
}
