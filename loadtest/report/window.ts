/**
 * Which time window to read: the last load run's (from the newest summary JSON that k6 or the
 * Node driver wrote), or --since/--until. Pure except for reading the results directory.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDuration } from '../k6/lib/config.js';
import { SUMMARY_SCHEMA, type LoadSummary } from '../k6/lib/summary.js';

export const DEFAULT_RESULTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'results');

/**
 * An instant: ISO 8601, epoch milliseconds or seconds, `now`, or a duration ago (`15m`, `2h`).
 */
export function parseTime(value: string, now: number = Date.now()): number {
  const text = value.trim();
  if (text === 'now') return now;
  if (/^\d{13}$/.test(text)) return Number(text);
  if (/^\d{10}$/.test(text)) return Number(text) * 1000;
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const t = Date.parse(text);
    if (Number.isNaN(t)) throw new Error(`not a time: "${value}"`);
    return t;
  }
  try {
    return now - parseDuration(text) * 1000;
  } catch {
    throw new Error(`not a time: "${value}" (ISO 8601, epoch ms, now, or a duration ago such as 15m)`);
  }
}

export function isLoadSummary(value: unknown): value is LoadSummary {
  const v = value as Partial<LoadSummary> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.schema === SUMMARY_SCHEMA &&
    typeof v.start === 'string' &&
    typeof v.end === 'string'
  );
}

export async function readSummary(file: string): Promise<LoadSummary> {
  const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (!isLoadSummary(parsed)) throw new Error(`${file} is not a load-test summary (${SUMMARY_SCHEMA})`);
  return parsed;
}

/** The summary whose run ended last, among `*.summary.json` in `dir`. */
export async function findLatestSummary(
  dir: string = DEFAULT_RESULTS_DIR,
): Promise<{ file: string; summary: LoadSummary } | undefined> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return undefined;
  }
  let best: { file: string; summary: LoadSummary } | undefined;
  for (const name of names.filter((n) => n.endsWith('.summary.json'))) {
    const file = path.join(dir, name);
    try {
      const summary = await readSummary(file);
      if (!best || Date.parse(summary.end) > Date.parse(best.summary.end)) best = { file, summary };
    } catch {
      // Not ours, or half-written: skip.
    }
  }
  return best;
}

export interface TimeWindow {
  readonly startMs: number;
  readonly endMs: number;
}

/** A run's window widened by `marginSeconds` on both sides (clock skew, log timestamps). */
export function windowOfSummary(summary: LoadSummary, marginSeconds: number): TimeWindow {
  return {
    startMs: Date.parse(summary.start) - marginSeconds * 1000,
    endMs: Date.parse(summary.end) + marginSeconds * 1000,
  };
}
