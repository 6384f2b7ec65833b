// One cold start of a Lambda bundle, as the Node.js runtime does it: import the handler module
// (INIT), print "init", then invoke it once with the event in the file named by argv[3] and print
// "answered <status>". Plain JavaScript with no loader, so nothing but the bundle adds to the time.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundle, eventFile] = process.argv.slice(2);
const { handler } = await import(pathToFileURL(bundle).href);
process.stdout.write('init\n');
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const context = {
  awsRequestId: 'cold-start-1',
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
  getRemainingTimeInMillis: () => 10_000,
};
const result = await handler(event, context);
process.stdout.write(`answered ${result?.statusCode ?? (result?.policyDocument ? 'policy' : 'none')}\n`);
