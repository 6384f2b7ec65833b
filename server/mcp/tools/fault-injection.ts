import type { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { withCachedJsonSchema } from '../cached-json-schema.ts';
import { structuredResult } from './structured-result.ts';

const noArguments = withCachedJsonSchema(z.object({}));
const sleepInput = withCachedJsonSchema(z.object({ ms: z.number().int().min(0).max(120_000) }));
const sleepOutput = withCachedJsonSchema(z.object({ sleptMs: z.number().int() }));

/**
 * Tools that break the execution environment on purpose, so the embedded stack's reliability
 * tests can prove crash and timeout handling through the same doors users use. Registered only
 * when `MCP_FAULT_TOOLS=on`, which Terraform never sets.
 */
export function registerFaultInjection(server: McpServer): void {
  server.registerTool(
    'fault_crash',
    {
      description: 'Crashes the execution environment (uncaught exception on the next tick).',
      inputSchema: noArguments,
    },
    () => {
      setImmediate(() => {
        throw new Error('fault_crash: injected crash');
      });
      return new Promise(() => {
        // Never settles: the process dies first, as a real crash mid-invocation would.
      });
    },
  );
  server.registerTool(
    'fault_sleep',
    {
      description: 'Sleeps for `ms` milliseconds, to exceed the function timeout.',
      inputSchema: sleepInput,
      outputSchema: sleepOutput,
    },
    async ({ ms }) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return structuredResult({ sleptMs: ms });
    },
  );
}
