/**
 * A loopback front for moto's server: answers the AWS APIs moto does not implement from recorded
 * responses (fixtures/aws/*.json, each with its source) and forwards every other request to moto
 * unchanged. The SDK clients under test talk HTTP to it as they would to AWS.
 */
import { readFile } from 'node:fs/promises';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/aws');

/** Method + path prefix → fixture file. */
const RECORDED: ReadonlyArray<{ method: string; path: RegExp; file: string }> = [
  { method: 'GET', path: /^\/2016-08-19\/account-settings\/?$/, file: 'lambda-get-account-settings.json' },
];

export interface RecordedAws {
  readonly endpoint: string;
  /** Paths answered from fixtures, in order. */
  readonly recordedHits: string[];
  stop(): Promise<void>;
}

export async function startRecordedAws(motoEndpoint: string): Promise<RecordedAws> {
  const moto = new URL(motoEndpoint);
  const recordedHits: string[] = [];
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://x');
    const recorded = RECORDED.find((r) => r.method === req.method && r.path.test(url.pathname));
    if (recorded) {
      recordedHits.push(url.pathname);
      const fixture = JSON.parse(await readFile(path.join(FIXTURES, recorded.file), 'utf8')) as { response: unknown };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(fixture.response));
      return;
    }
    const upstream = request(
      { host: moto.hostname, port: moto.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => res.writeHead(502).end(String(error)));
    req.pipe(upstream);
  };
  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    recordedHits,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
