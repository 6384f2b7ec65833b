import { fromJsonSchema, type McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';

/** A JSON Schema 2020-12 input schema using the keywords clients must preserve verbatim. */
const JSON_SCHEMA_2020_12 = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  $defs: {
    address: { $anchor: 'addressDef', type: 'object', properties: { street: { type: 'string' }, city: { type: 'string' } } },
  },
  properties: {
    name: { type: 'string' },
    address: { $ref: '#/$defs/address' },
    contactMethod: { type: 'string', enum: ['phone', 'email'] },
    phone: { type: 'string' },
    email: { type: 'string' },
  },
  allOf: [{ anyOf: [{ required: ['phone'] }, { required: ['email'] }] }],
  if: { properties: { contactMethod: { const: 'phone' } }, required: ['contactMethod'] },
  then: { required: ['phone'] },
  else: { required: ['email'] },
  additionalProperties: false,
} as const;

/** Fixtures of the suite's pending (unscored) schema and header scenarios. */
export function registerSchemaFixtures(server: McpServer): void {
  server.registerTool(
    'json_schema_2020_12_tool',
    {
      description: 'Declares a JSON Schema 2020-12 input schema ($defs, $ref, allOf/anyOf, if/then/else).',
      inputSchema: fromJsonSchema(JSON_SCHEMA_2020_12 as Parameters<typeof fromJsonSchema>[0]),
    },
    () => ({ content: [{ type: 'text', text: 'ok' }] }),
  );

  // SEP-2243: `region` is mirrored into the Mcp-Param-Region header, which the SDK validates.
  server.registerTool(
    'test_custom_header',
    {
      description: 'Echoes a region that clients also send in the Mcp-Param-Region header.',
      inputSchema: z.object({ region: z.string().meta({ 'x-mcp-header': 'Region' }), note: z.string().optional() }),
    },
    ({ region }) => ({ content: [{ type: 'text', text: `region=${region}` }] }),
  );
}
