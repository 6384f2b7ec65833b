import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/server';
import { PNG_1X1 } from './media.ts';

/**
 * Fixture resources. `resources/subscribe` is a 2025-era method only: it is acknowledged there
 * (there is no session to deliver updates to, so nothing is remembered) and the 2026-07-28 wire
 * answers it 404/-32601 by itself.
 */
export function registerResourceFixtures(server: McpServer, era: 'legacy' | 'modern'): void {
  server.registerResource('static-text', 'test://static-text', { mimeType: 'text/plain', description: 'A static text resource.' }, (uri) => ({
    contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'This is the content of the static text resource.' }],
  }));

  server.registerResource('static-binary', 'test://static-binary', { mimeType: 'image/png', description: 'A static PNG resource.' }, (uri) => ({
    contents: [{ uri: uri.href, mimeType: 'image/png', blob: PNG_1X1 }],
  }));

  server.registerResource('watched-resource', 'test://watched-resource', { mimeType: 'text/plain', description: 'A resource clients subscribe to.' }, (uri) => ({
    contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'Watched resource content.' }],
  }));

  server.registerResource(
    'template-data',
    new ResourceTemplate('test://template/{id}/data', {
      list: undefined,
      complete: { id: (value) => ['123', '456'].filter((id) => id.startsWith(value)) },
    }),
    { mimeType: 'application/json', description: 'Data for one id.' },
    (uri, { id }) => ({
      contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${String(id)}` }) }],
    }),
  );

  if (era === 'legacy') {
    // Advertised only on the 2025 wire: on 2026-07-28 `subscribe` would hold subscriptions/listen open.
    server.server.registerCapabilities({ resources: { subscribe: true } });
    server.server.setRequestHandler('resources/subscribe', () => ({}));
    server.server.setRequestHandler('resources/unsubscribe', () => ({}));
  }
}
