import * as z from 'zod';
import { defineServer } from '../../server/mcp/define-server.ts';

export default defineServer({
  name: 'hello',
  version: '1.0.0',
  register(server) {
    server.registerTool(
      'hello',
      {
        description: 'Greets someone by name.',
        inputSchema: z.object({
          name: z
            .string()
            .min(1)
            .max(100)
            .meta({ examples: ['Ada'] }),
        }),
        outputSchema: z.object({ greeting: z.string() }),
      },
      ({ name }) => {
        const greeting = `Hello, ${name}!`;
        return { content: [{ type: 'text', text: greeting }], structuredContent: { greeting } };
      },
    );
  },
});
