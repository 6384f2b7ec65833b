import { ResourceNotFoundError, ResourceTemplate, type McpServer } from '@modelcontextprotocol/server';
import { AWS_REGIONS, findRegion } from './aws-regions.ts';
import { SERVER_INFO } from './server-info.ts';
import type { ServerConfig } from '../config.ts';

export function registerResources(server: McpServer, config: ServerConfig): void {
  server.registerResource(
    'server-info',
    'info://server',
    {
      title: 'Server information',
      description: 'Name, version and deployment of this MCP server.',
      mimeType: 'application/json',
    },
    (uri) => ({
      contents: [
        {
          uri: uri.href,
          mimeType: 'application/json',
          text: JSON.stringify({
            ...SERVER_INFO,
            functionName: config.functionName,
            functionVersion: config.functionVersion,
            region: config.region,
          }),
        },
      ],
    }),
  );

  server.registerResource(
    'aws-region',
    new ResourceTemplate('aws-region://{code}', {
      list: () => ({
        resources: AWS_REGIONS.map((region) => ({
          uri: `aws-region://${region.code}`,
          name: region.code,
          title: region.name,
          mimeType: 'application/json',
        })),
      }),
    }),
    {
      title: 'AWS region',
      description: 'One AWS region from the catalogue that lookup_region serves.',
      mimeType: 'application/json',
    },
    (uri, variables) => {
      const code = String(variables.code);
      const region = findRegion(code);
      // An unknown code is an unknown resource: -32602 with the URI in `data` (SEP-2164, in the
      // 2026-07-28 specification's resources page, "Error Handling").
      if (!region) throw new ResourceNotFoundError(uri.href, `Resource ${uri.href} not found: no AWS region ${code}`);
      return {
        contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(region) }],
      };
    },
  );
}
