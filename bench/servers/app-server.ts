/**
 * The deployed MCP bundle's Lambda handler over node:http, each request mapped to a REST proxy event
 * and back by the project's one mapping module (as API Gateway would, minus the gateway's own
 * work), as a bench target in its own process; prints its port. The stage is `dev`.
 */
import { pathToFileURL } from 'node:url';
import { distPaths } from '../../shared/lambda-artifacts.ts';
import { serveLambda, type ProxyHandler } from '../../test/server/support/lambda-http-server.ts';

// The bundle's path may be given (the memory bench runs this file bundled, outside the repository).
const { handler } = (await import(pathToFileURL(process.argv[2] ?? distPaths('mcp-server').bundle).href)) as { handler: ProxyHandler };
const server = await serveLambda(handler, { recordEvents: false });
process.stdout.write(`${new URL(server.baseUrl).port}\n`);
