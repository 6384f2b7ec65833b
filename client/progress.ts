/**
 * Shows `notifications/progress` for a tool call: a redrawn bar on a terminal, one line per update
 * otherwise (CI logs, pipes), always on stderr so stdout stays the result.
 */
import type { ProgressUpdate } from './session.ts';

export interface ProgressStream {
  write(chunk: string): boolean;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressDisplay {
  update(update: ProgressUpdate): void;
  /** Ends the bar's line; call once when the request settles. */
  finish(): void;
  readonly updates: number;
}

const BAR_WIDTH = 24;

export function renderBar(update: ProgressUpdate, width = BAR_WIDTH): string {
  const { progress, total } = update;
  if (total === undefined || total <= 0) return `[${'?'.repeat(width)}] ${progress}`;
  const ratio = Math.min(1, Math.max(0, progress / total));
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${progress}/${total} ${Math.round(ratio * 100)}%`;
}

export function renderLine(label: string, update: ProgressUpdate): string {
  const amount =
    update.total !== undefined && update.total > 0
      ? `${update.progress}/${update.total} (${Math.round((update.progress / update.total) * 100)}%)`
      : `${update.progress}`;
  return `progress ${label} ${amount}${update.message ? ` ${update.message}` : ''}`;
}

export function createProgressDisplay(label: string, stream: ProgressStream): ProgressDisplay {
  let updates = 0;
  let drawn = false;
  const tty = stream.isTTY === true;
  return {
    get updates() {
      return updates;
    },
    update(update) {
      updates += 1;
      if (!tty) {
        stream.write(`${renderLine(label, update)}\n`);
        return;
      }
      const line = `${label} ${renderBar(update)}${update.message ? ` ${update.message}` : ''}`;
      // Keep to one screen line so \r redraws it; a pty may report 0 columns.
      const max = stream.columns && stream.columns > 20 ? stream.columns - 1 : Number.POSITIVE_INFINITY;
      stream.write(`\r\u001b[2K${line.length > max ? line.slice(0, max) : line}`);
      drawn = true;
    },
    finish() {
      if (tty && drawn) stream.write('\n');
      drawn = false;
    },
  };
}
