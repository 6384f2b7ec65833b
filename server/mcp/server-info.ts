import packageJson from '../../package.json' with { type: 'json' };

export const SERVER_INFO = {
  name: 'stateless-mcp-on-lambda',
  title: 'Stateless MCP on AWS Lambda',
  version: packageJson.version,
} as const;
