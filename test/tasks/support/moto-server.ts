/**
 * moto's server (PyPI `moto[server]`, installed by scripts/install-tools.sh) on a free loopback
 * port: a local DynamoDB endpoint for the DynamoDB task store's tests. It runs single-threaded
 * (moto_single_threaded.py beside this file): `moto_server` serves requests on several threads and
 * moto's conditional writes are not atomic across them, where DynamoDB's are.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

export interface MotoServer {
  readonly endpoint: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no free port');
  return address.port;
}

const SINGLE_THREADED_LAUNCHER = fileURLToPath(new URL('./moto_single_threaded.py', import.meta.url));

/** `motoServer` is the venv's `moto_server`; the venv's python beside it runs the single-threaded launcher. */
export async function startMoto(motoServer: string, startupTimeoutMs = 30_000): Promise<MotoServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const python = path.join(path.dirname(motoServer), 'python');
  const args = [SINGLE_THREADED_LAUNCHER, '127.0.0.1', String(port)];
  const child: ChildProcess = spawn(python, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, sleep(5_000)]);
  };
  const deadline = Date.now() + startupTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto server exited ${child.exitCode}: ${stderr}`);
    // moto answers its own dashboard API once it is up.
    const up = await fetch(`${endpoint}/moto-api/`).then(
      (response) => response.ok,
      () => false,
    );
    if (up) return { endpoint, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto server did not start within ${startupTimeoutMs} ms: ${stderr}`);
    }
    await sleep(100);
  }
}
