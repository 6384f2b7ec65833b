import type { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { withCachedJsonSchema } from '../cached-json-schema.ts';
import type { ServerConfig } from '../../config.ts';
import { currentInvocation } from '../../runtime/environment-stats.ts';
import { structuredResult } from './structured-result.ts';

const pingOutput = withCachedJsonSchema(
  z.object({
    message: z.literal('pong'),
    logStream: z.string().describe('AWS_LAMBDA_LOG_STREAM_NAME: one per execution environment'),
    functionName: z.string(),
    functionVersion: z.string(),
    requestNumber: z.number().int().describe('Requests this execution environment has served, this one included'),
    coldStart: z.boolean().describe('True when this request started the execution environment'),
    environmentAgeMs: z.number().int(),
    region: z.string(),
    memorySizeMb: z.number().int().describe('AWS_LAMBDA_FUNCTION_MEMORY_SIZE'),
    nodeVersion: z.string().describe('The Node.js version of the runtime, e.g. v22.23.3'),
    timestamp: z.string(),
  }),
);

export function registerPing(server: McpServer, config: ServerConfig): void {
  server.registerTool(
    'ping',
    {
      title: 'Ping',
      description:
        'Answers pong with the identity of the Lambda execution environment that served the call, its request count and whether this was its cold start.',
      outputSchema: pingOutput,
      annotations: { readOnlyHint: true, idempotentHint: false, openWorldHint: false },
    },
    () => {
      const invocation = currentInvocation();
      return structuredResult({
        message: 'pong' as const,
        logStream: config.logStreamName,
        functionName: config.functionName,
        functionVersion: config.functionVersion,
        requestNumber: invocation.requestNumber,
        coldStart: invocation.coldStart,
        environmentAgeMs: invocation.environmentAgeMs,
        region: config.region,
        memorySizeMb: config.memorySizeMb,
        nodeVersion: process.version,
        timestamp: new Date().toISOString(),
      });
    },
  );
}
