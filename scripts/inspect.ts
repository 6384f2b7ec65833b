/**
 * `npm run inspect`: the MCP Inspector's command-line mode against a running stack, with the
 * token, so no one has to paste it. Extra arguments go to the Inspector (default: tools/list).
 *
 *   npm run inspect                                             # tools/list on http://127.0.0.1:3000/dev/mcp
 *   npm run inspect -- --method tools/call --tool-name ping
 *   MCP_SERVER_ENDPOINT=https://…/dev/mcp MCP_TOKEN=… npm run inspect
 *   npm run inspect -- --print                                  # only print the command (token as $MCP_TOKEN)
 *
 * Why not `npx @modelcontextprotocol/inspector-cli` from the repository root: inspector-cli
 * 1.0.3 looks for its own package.json at `../package.json` relative to the *working directory*
 * and otherwise imports `../../package.json` relative to its module, which from the root is
 * node_modules/@modelcontextprotocol/package.json: "Cannot find module". Run from its build
 * directory, both paths resolve to its own package.json.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from '../shared/lambda-artifacts.ts';

const DEFAULT_URL = 'http://127.0.0.1:3000/dev/mcp';

async function token(): Promise<{ value: string; from: string } | undefined> {
  if (process.env.MCP_TOKEN) return { value: process.env.MCP_TOKEN, from: 'MCP_TOKEN' };
  try {
    const value = (await readFile(path.join(repoRoot, '.local', 'dev-token'), 'utf8')).trim();
    return value ? { value, from: '.local/dev-token' } : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const printOnly = args.includes('--print');
  const passThrough = args.filter((a) => a !== '--print');
  const url = process.env.MCP_SERVER_ENDPOINT ?? DEFAULT_URL;
  const found = await token();
  if (found && /^bearer\s/i.test(found.value)) {
    console.error(
      `error: the token in ${found.from} starts with "Bearer ": keep the token alone, the scheme is added for you`,
    );
    return 2;
  }
  const packageJson = createRequire(import.meta.url).resolve('@modelcontextprotocol/inspector-cli/package.json');
  const buildDir = path.join(path.dirname(packageJson), 'build');
  const method = passThrough.includes('--method') ? [] : ['--method', 'tools/list'];
  const inspectorArgs = (bearer: string): string[] => [
    path.join(buildDir, 'index.js'),
    url,
    '--transport',
    'http',
    ...(found ? ['--header', `Authorization: Bearer ${bearer}`] : []),
    ...method,
    ...passThrough,
  ];
  const shown = `(cd ${path.relative(process.cwd(), buildDir) || '.'} && node index.js ${inspectorArgs('$MCP_TOKEN')
    .slice(1)
    .map((a) => (/[\s$]/.test(a) ? `"${a}"` : a))
    .join(' ')})`;
  if (printOnly) {
    console.log(shown);
    console.log(
      '\nWeb UI: npx @modelcontextprotocol/inspector, then Transport "Streamable HTTP", this URL, and the header',
    );
    console.log('"Authorization: Bearer <token>" (Authentication section).');
    return 0;
  }
  console.error(
    `MCP Inspector (CLI mode) -> ${url}${found ? ` with the token from ${found.from}` : ' without a token (set MCP_TOKEN)'}`,
  );
  const child = spawn(process.execPath, inspectorArgs(found?.value ?? ''), { cwd: buildDir, stdio: 'inherit' });
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`inspect failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
