import type { McpServer } from '@modelcontextprotocol/server';
import { PNG_1X1, WAV_SILENCE } from './media.ts';

/** Fixtures returning each content block type (`tools-call-*` scenarios). */
export function registerContentFixtures(server: McpServer): void {
  server.registerTool('test_simple_text', { description: 'Returns a simple text block.' }, () => ({
    content: [{ type: 'text', text: 'This is a simple text response for testing.' }],
  }));

  server.registerTool('test_image_content', { description: 'Returns a PNG image block.' }, () => ({
    content: [{ type: 'image', data: PNG_1X1, mimeType: 'image/png' }],
  }));

  server.registerTool('test_audio_content', { description: 'Returns a WAV audio block.' }, () => ({
    content: [{ type: 'audio', data: WAV_SILENCE, mimeType: 'audio/wav' }],
  }));

  server.registerTool('test_embedded_resource', { description: 'Returns an embedded text resource.' }, () => ({
    content: [
      {
        type: 'resource',
        resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' },
      },
    ],
  }));

  server.registerTool('test_multiple_content_types', { description: 'Returns text, image and resource blocks.' }, () => ({
    content: [
      { type: 'text', text: 'Multiple content types test:' },
      { type: 'image', data: PNG_1X1, mimeType: 'image/png' },
      {
        type: 'resource',
        resource: { uri: 'test://mixed-content-resource', mimeType: 'application/json', text: '{"test":"data","value":123}' },
      },
    ],
  }));

  // A tool-level failure is a result with isError, not a JSON-RPC error.
  server.registerTool('test_error_handling', { description: 'Always fails with an error result.' }, () => ({
    isError: true,
    content: [{ type: 'text', text: 'This tool intentionally returns an error for testing' }],
  }));
}
