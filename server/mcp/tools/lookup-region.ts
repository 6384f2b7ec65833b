import type { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { withCachedJsonSchema } from '../cached-json-schema.ts';
import { AWS_REGIONS, findRegion } from '../aws-regions.ts';
import { structuredResult, toolError } from './structured-result.ts';

const lookupRegionInput = withCachedJsonSchema(
  z.object({
    code: z
      .string()
      .regex(/^[a-z]{2}-[a-z]+-\d$/i, 'must look like an AWS region code, e.g. eu-west-1')
      .describe('AWS region code, e.g. eu-west-1'),
  }),
);

const lookupRegionOutput = withCachedJsonSchema(
  z.object({
    code: z.string(),
    name: z.string(),
    geography: z.string(),
    availabilityZones: z.number().int(),
    launched: z.number().int(),
  }),
);

export function registerLookupRegion(server: McpServer): void {
  server.registerTool(
    'lookup_region',
    {
      title: 'Look up an AWS region',
      description:
        'Returns the name, geography, number of Availability Zones and launch year of an AWS region. A well-formed but unknown code is a tool error the model can correct.',
      inputSchema: lookupRegionInput,
      outputSchema: lookupRegionOutput,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    ({ code }) => {
      const region = findRegion(code);
      if (!region) {
        // A well-formed request the tool cannot satisfy: an execution error (isError), so the
        // model sees it and can retry, rather than a protocol error (spec: Tools, "Error Handling").
        const known = AWS_REGIONS.map((r) => r.code).join(', ');
        return toolError(`Unknown region code '${code}'. Known codes: ${known}.`);
      }
      return structuredResult({ ...region });
    },
  );
}
