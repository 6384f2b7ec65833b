import type { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { withCachedJsonSchema } from './cached-json-schema.ts';

const rolloutArguments = withCachedJsonSchema(
  z.object({
    service: z.string().min(1).describe('The service to roll out'),
    regions: z.string().optional().describe('Comma-separated region codes; all known regions when omitted'),
  }),
);

export function registerPrompts(server: McpServer): void {
  server.registerPrompt(
    'plan_region_rollout',
    {
      title: 'Plan a multi-region rollout',
      description: 'Asks the model to plan rolling a service out across AWS regions, using the lookup_region tool.',
      argsSchema: rolloutArguments,
    },
    ({ service, regions }) => ({
      messages: [
        {
          role: 'user',
          content: {
            type: 'text',
            text:
              `Plan a staged rollout of ${service} across ${regions ? `these AWS regions: ${regions}` : 'the AWS regions you know'}. ` +
              'Use the lookup_region tool to check each region, start with the region that has the most Availability Zones, and list the stages.',
          },
        },
      ],
    }),
  );
}
