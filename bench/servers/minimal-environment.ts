/**
 * One execution environment of bench/servers/minimal-gateway.ts: loads the bundle named by argv[2],
 * then answers each invocation frame on the runtime channel with the handler's result, its string
 * body as the frame's payload, as the stack's runtime does. Bundled before it runs, so it runs on
 * the Lambda runtime's Node without a loader.
 */
import { Socket } from 'node:net';
import { pathToFileURL } from 'node:url';
import { encodeFrame, frameReader, RUNTIME_CHANNEL_FD } from '../../emulator/lambda/runtime-channel.ts';

type Handler = (event: unknown, context: object) => Promise<{ body?: string } & Record<string, unknown>>;

const { handler } = (await import(pathToFileURL(process.argv[2]!).href)) as { handler: Handler };
const channel = new Socket({ fd: RUNTIME_CHANNEL_FD, readable: true, writable: true });
channel.on('end', () => process.exit(0));
channel.on(
  'data',
  frameReader(async (header) => {
    const { requestId, event } = header as { requestId: string; event: unknown };
    const { body, ...result } = await handler(event, {
      awsRequestId: requestId,
      getRemainingTimeInMillis: () => 30_000,
    });
    channel.write(encodeFrame({ requestId, result }, body));
  }),
);
channel.write(encodeFrame({ ready: true }));
