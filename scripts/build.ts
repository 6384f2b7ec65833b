/**
 * `npm run build`: bundles the Lambda functions into dist/ (shared/build.ts does the work).
 * `--server <file>` (or MCP_SERVER) picks the server module, `--out` another directory, `--test`
 * the test build (conformance fixtures, fault hooks) in .local/test-dist/.
 */
import { Command } from 'commander';
import { buildAll } from '../shared/build.ts';
import { resolveBuildTarget } from '../shared/build-target.ts';

const options = new Command('build')
  .description('Bundle the Lambda functions (dist/mcp-server.zip, dist/authorizer.zip)')
  .option('--server <file>', 'server module to serve (default: $MCP_SERVER, else the demo)')
  .option('--out <dir>', 'output directory (default: dist/)')
  .option('--test', 'build the test server and authorizer (conformance fixtures, fault hooks) into .local/test-dist/')
  .parse()
  .opts<{ server?: string; out?: string; test?: boolean }>();
await buildAll(resolveBuildTarget(options));
