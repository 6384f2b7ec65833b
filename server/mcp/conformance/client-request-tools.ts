import {
  inputRequired,
  inputResponse,
  type CallToolResult,
  type InputRequiredResult,
  type McpServer,
  type ServerContext,
} from '@modelcontextprotocol/server';
import * as z from 'zod';

/**
 * Fixtures of the 2025-11-25 scenarios that need a server-to-client request (sampling,
 * elicitation) during `tools/call`. They are written once as multi round-trip requests
 * (`input_required`): a 2026-07-28 client fulfils them and retries; on the 2025 wire the SDK's
 * legacy shim would need a real server-to-client request, which per-request stateless serving can
 * never receive, so it answers an error result at once (an expected failure, see
 * conformance/expected-failures.2025-11-25.yml).
 */

type JsonSchemaObject = Parameters<typeof inputRequired.elicit>[0]['requestedSchema'];

const USER_SCHEMA = {
  type: 'object',
  properties: {
    username: { type: 'string', description: "User's response" },
    email: { type: 'string', description: "User's email address" },
  },
  required: ['username', 'email'],
} as const;

/** SEP-1034: every primitive type with a default. */
const DEFAULTS_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string', description: 'User name', default: 'John Doe' },
    age: { type: 'integer', description: 'User age', default: 30 },
    score: { type: 'number', description: 'User score', default: 95.5 },
    status: { type: 'string', enum: ['active', 'inactive', 'pending'], default: 'active' },
    verified: { type: 'boolean', default: true },
  },
} as const;

/** SEP-1330: untitled/titled single- and multi-select enums, plus the legacy enumNames form. */
const ENUMS_SCHEMA = {
  type: 'object',
  properties: {
    untitledSingle: { type: 'string', enum: ['option1', 'option2', 'option3'] },
    titledSingle: {
      type: 'string',
      oneOf: [
        { const: 'value1', title: 'First Option' },
        { const: 'value2', title: 'Second Option' },
        { const: 'value3', title: 'Third Option' },
      ],
    },
    legacyEnum: { type: 'string', enum: ['opt1', 'opt2', 'opt3'], enumNames: ['Option One', 'Option Two', 'Option Three'] },
    untitledMulti: { type: 'array', items: { type: 'string', enum: ['option1', 'option2', 'option3'] } },
    titledMulti: {
      type: 'array',
      items: {
        anyOf: [
          { const: 'value1', title: 'First Choice' },
          { const: 'value2', title: 'Second Choice' },
          { const: 'value3', title: 'Third Choice' },
        ],
      },
    },
  },
} as const;

function elicit(ctx: ServerContext, message: string, requestedSchema: object): CallToolResult | InputRequiredResult {
  const answer = inputResponse(ctx.mcpReq.inputResponses, 'form');
  if (answer.kind !== 'elicit') {
    return inputRequired({ inputRequests: { form: inputRequired.elicit({ message, requestedSchema: requestedSchema as JsonSchemaObject }) } });
  }
  return { content: [{ type: 'text', text: `Elicitation completed: action=${answer.action}, content=${JSON.stringify(answer.content ?? {})}` }] };
}

export function registerClientRequestFixtures(server: McpServer): void {
  server.registerTool(
    'test_sampling',
    { description: 'Asks the client to sample an LLM completion for the prompt.', inputSchema: z.object({ prompt: z.string() }) },
    ({ prompt }, ctx) => {
      const answer = inputResponse(ctx.mcpReq.inputResponses, 'llm');
      if (answer.kind !== 'sampling') {
        return inputRequired({
          inputRequests: { llm: inputRequired.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens: 100 }) },
        });
      }
      const content = answer.result.content;
      const text = !Array.isArray(content) && content.type === 'text' ? content.text : JSON.stringify(content);
      return { content: [{ type: 'text', text: `LLM response: ${text}` }] };
    },
  );

  server.registerTool(
    'test_elicitation',
    { description: 'Asks the client for a username and an email address.', inputSchema: z.object({ message: z.string() }) },
    ({ message }, ctx) => elicit(ctx, message, USER_SCHEMA),
  );

  server.registerTool('test_elicitation_sep1034_defaults', { description: 'Elicits a form whose fields carry defaults.' }, (ctx) =>
    elicit(ctx, 'Please review and update the form fields with defaults', DEFAULTS_SCHEMA),
  );

  server.registerTool('test_elicitation_sep1330_enums', { description: 'Elicits a form with every enum variant.' }, (ctx) =>
    elicit(ctx, 'Please pick the options', ENUMS_SCHEMA),
  );
}
