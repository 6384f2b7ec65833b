/**
 * The server module this build serves. The build (scripts/build.ts) redirects this import to the
 * module chosen with `--server <file>` or `MCP_SERVER`; unbuilt (tsx, tests, typecheck) it is the demo.
 */
export { default } from './demo-server.ts';
