/**
 * `call <tool>`: one tool call, with a progress display when the tool reports progress. The result
 * goes to stdout (structuredContent as JSON, else the text blocks), progress and errors to stderr.
 */
import { roundMs } from './checks.ts';
import { clientDescription, type ClientConfig } from './config.ts';
import { contextFor, diagnose, EXIT_CODES, type ExitCode } from './diagnose.ts';
import { HttpObserver } from './http-observer.ts';
import { createProgressDisplay } from './progress.ts';
import type { Output } from './report.ts';
import { openSession, type ProgressUpdate, type ToolResult } from './session.ts';
import type { ProtocolInfo } from './smoke.ts';

export interface CallOptions {
  readonly tool: string;
  readonly args: Record<string, unknown>;
  /** Request progress notifications (a progressToken); on by default. */
  readonly progress: boolean;
}

export interface CallReport {
  readonly command: 'call';
  readonly url: string;
  readonly protocol: ProtocolInfo;
  readonly tool: string;
  readonly arguments: Record<string, unknown>;
  readonly latencyMs: number | null;
  readonly progress: readonly ProgressUpdate[];
  readonly result: ToolResult | null;
  readonly exitCode: ExitCode;
  readonly error: { readonly kind: string; readonly message: string; readonly hint: string } | null;
}

export async function runCall(config: ClientConfig, options: CallOptions, out: Output): Promise<CallReport> {
  const observer = new HttpObserver();
  const context = contextFor(config, observer);
  const base = {
    command: 'call' as const,
    url: config.url.href,
    tool: options.tool,
    arguments: options.args,
  };
  const protocol: ProtocolInfo = {
    requested: config.protocol,
    negotiated: null,
    client: clientDescription(config.protocol),
  };
  const failed = (
    error: unknown,
    phase: 'connect' | 'request',
    progress: readonly ProgressUpdate[],
    latencyMs: number | null,
  ): CallReport => {
    const d = diagnose(error, context(phase));
    return {
      ...base,
      protocol,
      latencyMs,
      progress,
      result: null,
      exitCode: d.exitCode,
      error: { kind: d.kind, message: d.message, hint: d.hint },
    };
  };

  let session;
  try {
    session = await openSession({
      url: config.url,
      token: config.token,
      timeoutMs: config.timeoutMs,
      protocol: config.protocol,
      observer,
    });
  } catch (error) {
    return failed(error, 'connect', [], null);
  }
  const negotiated: ProtocolInfo = { ...protocol, negotiated: session.protocolVersion ?? null };

  const updates: ProgressUpdate[] = [];
  const display = createProgressDisplay(options.tool, out.stderr as Parameters<typeof createProgressDisplay>[1]);
  const started = performance.now();
  try {
    const result = await session.callTool(
      options.tool,
      options.args,
      options.progress
        ? {
            onProgress: (update) => {
              updates.push(update);
              display.update(update);
            },
          }
        : {},
    );
    display.finish();
    return {
      ...base,
      protocol: negotiated,
      latencyMs: roundMs(performance.now() - started),
      progress: updates,
      result,
      exitCode: result.isError ? EXIT_CODES.checksFailed : EXIT_CODES.ok,
      error: result.isError
        ? {
            kind: 'tool-error',
            message: 'the tool answered isError',
            hint: "read the tool's error text; check --args against its inputSchema",
          }
        : null,
    };
  } catch (error) {
    display.finish();
    return { ...failed(error, 'request', updates, roundMs(performance.now() - started)), protocol: negotiated };
  } finally {
    await session.close().catch(() => undefined);
  }
}

function resultText(result: ToolResult): string {
  if (result.structuredContent !== undefined && !result.isError)
    return JSON.stringify(result.structuredContent, null, 2);
  return result.content
    .map((c) => (c.type === 'text' && c.text !== undefined ? c.text : `[${c.type} content]`))
    .join('\n');
}

export function printCall(report: CallReport, json: boolean, out: Output): void {
  if (json) {
    out.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else if (report.result && !report.result.isError) {
    out.stdout.write(`${resultText(report.result)}\n`);
  }
  if (report.result?.isError && !json)
    out.stderr.write(`error: ${report.tool} answered isError:\n${resultText(report.result)}\n`);
  else if (report.error && report.error.kind !== 'tool-error')
    out.stderr.write(`error: ${report.error.message}\nfix: ${report.error.hint}\n`);
}
