// One execution environment of bench/servers/minimal-gateway.ts: loads the bundle named by
// argv[2], then answers each invocation message with the handler's result. Plain JavaScript, so it
// runs on the Lambda runtime's Node without a loader, as the stack's environments do.
import { pathToFileURL } from 'node:url';

const { handler } = await import(pathToFileURL(process.argv[2]).href);
process.on('message', async ({ requestId, event }) => {
  const result = await handler(event, { awsRequestId: requestId, getRemainingTimeInMillis: () => 30_000 });
  process.send({ requestId, result });
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
