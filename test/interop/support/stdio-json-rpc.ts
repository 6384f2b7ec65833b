import { spawn, type ChildProcessWithoutNullStreams, type SpawnOptionsWithoutStdio } from 'node:child_process';
import { createInterface } from 'node:readline';

interface JsonRpcResponse {
  readonly jsonrpc: '2.0';
  readonly id: number;
  readonly result?: Record<string, unknown>;
  readonly error?: { code: number; message: string; data?: unknown };
}

/**
 * A JSON-RPC peer speaking to a child process over newline-delimited stdio, as a desktop MCP
 * client speaks to a local (stdio) server: requests out on stdin, responses in on stdout.
 */
export class StdioJsonRpc {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<
    number,
    { resolve: (response: JsonRpcResponse) => void; reject: (error: Error) => void }
  >();
  private nextId = 1;
  private stderrText = '';
  private exited: string | undefined;

  constructor(command: string, args: readonly string[], options: SpawnOptionsWithoutStdio) {
    this.child = spawn(command, args, options);
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderrText = (this.stderrText + chunk.toString('utf8')).slice(-20_000);
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      let message: JsonRpcResponse;
      try {
        message = JSON.parse(line) as JsonRpcResponse;
      } catch {
        return; // not a JSON-RPC frame
      }
      const waiter = typeof message.id === 'number' ? this.pending.get(message.id) : undefined;
      if (waiter && ('result' in message || 'error' in message)) {
        this.pending.delete(message.id);
        waiter.resolve(message);
      }
    });
    this.child.once('exit', (code, signal) => {
      this.exited = `exited (code ${code}, signal ${signal})`;
      for (const waiter of this.pending.values())
        waiter.reject(new Error(`${command} ${this.exited}; stderr:\n${this.stderrText}`));
      this.pending.clear();
    });
  }

  get stderr(): string {
    return this.stderrText;
  }

  request(method: string, params: Record<string, unknown> = {}, timeoutMs = 45_000): Promise<JsonRpcResponse> {
    if (this.exited) return Promise.reject(new Error(`process ${this.exited}; stderr:\n${this.stderrText}`));
    const id = this.nextId++;
    return new Promise<JsonRpcResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no answer to ${method} within ${timeoutMs} ms; stderr:\n${this.stderrText}`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (response) => {
          clearTimeout(timer);
          resolve(response);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    });
  }

  notify(method: string, params: Record<string, unknown> = {}): void {
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method, params })}\n`);
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  }
}
