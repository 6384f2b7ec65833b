import type { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { withCachedJsonSchema } from '../cached-json-schema.ts';
import { structuredResult } from './structured-result.ts';

const whoamiOutput = withCachedJsonSchema(
  z.object({
    authenticated: z.boolean(),
    principal: z.string().nullable(),
    clientId: z.string().nullable(),
    scopes: z.array(z.string()),
    authMode: z.string().nullable(),
  }),
);

/** Shows the identity the API Gateway authorizer attached to this request (its policy context). */
export function registerWhoami(server: McpServer): void {
  server.registerTool(
    'whoami',
    {
      title: 'Who am I',
      description:
        'Returns the principal, client id and scopes that the API Gateway authorizer established for this request.',
      outputSchema: whoamiOutput,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    (ctx) => {
      const auth = ctx.http?.authInfo;
      const extra = (auth?.extra ?? {}) as { principal?: unknown; authMode?: unknown };
      return structuredResult({
        authenticated: auth !== undefined,
        principal: typeof extra.principal === 'string' ? extra.principal : null,
        clientId: auth?.clientId || null,
        scopes: auth?.scopes ?? [],
        authMode: typeof extra.authMode === 'string' ? extra.authMode : null,
      });
    },
  );
}
