/**
 * The documentation's commands hold by construction: every `npm run …`, `npm start`, `npm test`
 * and `npx …` written in a Markdown file of the repository (code blocks and inline code) names a
 * script that exists, and every `--flag` it passes to one of the project's command lines is an
 * option that command line declares (read from its own `--help`, run as a user runs it). A renamed
 * script or flag fails here. Copied commands also never pass a token as an argument (`--token`
 * shows in `ps`; MCP_TOKEN does not), and never put a flag where npm would take it for itself.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../shared/lambda-artifacts.ts';

const packageJson = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};

/** Markdown files of the repository (git's view: no node_modules, no build output). */
function markdownFiles(): string[] {
  const listed = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.md'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  return listed.stdout.split('\n').filter((f) => f && existsSync(path.join(repoRoot, f)));
}

export interface DocCommand {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

/** Lines of code blocks (with `\` continuations joined) and inline code spans. */
export function commandsIn(file: string, markdown: string): DocCommand[] {
  const out: DocCommand[] = [];
  const lines = markdown.split('\n');
  let inBlock = false;
  let pending = '';
  let pendingLine = 0;
  lines.forEach((raw, i) => {
    if (/^\s*```/.test(raw)) {
      inBlock = !inBlock;
      return;
    }
    if (inBlock) {
      if (!pending) pendingLine = i + 1;
      if (raw.trimEnd().endsWith('\\')) {
        pending += `${raw.trimEnd().slice(0, -1)} `;
        return;
      }
      out.push({ file, line: pendingLine, text: pending + raw });
      pending = '';
      return;
    }
    for (const match of raw.matchAll(/(`+)([^`]+?)\1/g)) out.push({ file, line: i + 1, text: match[2]! });
  });
  return out;
}

/** One invocation: `npm run <script> [-- args]`, `npm start`, `npm test`, cut at shell separators and comments. */
export interface Invocation {
  readonly script: string;
  /** Tokens between the script name and `--` (npm's own). */
  readonly npmArgs: readonly string[];
  /** Tokens after `--` (the script's). */
  readonly scriptArgs: readonly string[];
}

export function invocationsIn(text: string): Invocation[] {
  const out: Invocation[] = [];
  for (const match of text.matchAll(/\bnpm (?:run(?:-script)? ([\w:.-]+)|(start|test))\b/g)) {
    const script = match[1] ?? match[2]!;
    const rest = text.slice(match.index + match[0].length).split(/&&|\|\||;|\||\s#|\)/)[0]!;
    const tokens = rest.trim().split(/\s+/).filter(Boolean);
    const separator = tokens.indexOf('--');
    out.push({
      script,
      npmArgs: separator < 0 ? tokens : tokens.slice(0, separator),
      scriptArgs: separator < 0 ? [] : tokens.slice(separator + 1),
    });
  }
  return out;
}

const flagName = (token: string): string | undefined => /^(--[A-Za-z][\w-]*)(=.*)?$/.exec(token)?.[1];

/** The options a command line declares, from its own --help. */
const helpCache = new Map<string, Set<string>>();
function declaredFlags(entry: string, args: readonly string[] = []): Set<string> {
  const key = [entry, ...args].join(' ');
  const cached = helpCache.get(key);
  if (cached) return cached;
  const run = spawnSync(process.execPath, ['--import', 'tsx', entry, ...args, '--help'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.status !== 0) throw new Error(`${key} --help exited ${run.status}: ${run.stderr}`);
  const flags = new Set([...run.stdout.matchAll(/(?<![\w-])--[A-Za-z][\w-]*/g)].map((m) => m[0]));
  helpCache.set(key, flags);
  return flags;
}

const CLIENT_COMMANDS = ['smoke', 'scale', 'call'];
const LOADTEST_SUBCOMMANDS = ['preflight', 'k8s', 'merge'];

/** The project's command lines whose flags are checked, by npm script. */
const CLIS: Readonly<Record<string, (args: readonly string[]) => Set<string>>> = {
  start: () => declaredFlags('emulator/cli.ts'),
  client: (args) => {
    const command = CLIENT_COMMANDS.includes(args[0] ?? '') ? args[0]! : 'smoke';
    return new Set([...declaredFlags('client/cli.ts'), ...declaredFlags('client/cli.ts', [command])]);
  },
  // preflight, k8s and merge are subcommands with options of their own.
  loadtest: (args) =>
    LOADTEST_SUBCOMMANDS.includes(args[0] ?? '')
      ? declaredFlags('loadtest/local/cli.ts', [args[0]!])
      : declaredFlags('loadtest/local/cli.ts'),
  report: () => declaredFlags('loadtest/report/cli.ts'),
  bench: () => declaredFlags('bench/run.ts'),
  inspect: () => new Set(['--print', '--method', '--tool-name', '--tool-arg']),
};

/** npm's own flags that may stand before `--`. */
const NPM_FLAGS = new Set(['--silent', '-s', '--quiet', '--prefix', '--workspace', '--if-present']);

/** Packages run with npx straight from the registry (not dependencies of this repository). */
const REGISTRY_PACKAGES = new Set(['@modelcontextprotocol/inspector']);

const all = markdownFiles().flatMap((file) => commandsIn(file, readFileSync(path.join(repoRoot, file), 'utf8')));
const where = (c: DocCommand): string => `${c.file}:${c.line}: ${c.text.trim()}`;

describe('commands in the documentation', () => {
  it('finds the documentation and its commands', () => {
    expect(markdownFiles()).toContain('README.md');
    expect(all.filter((c) => invocationsIn(c.text).length > 0).length).toBeGreaterThan(20);
  });

  it('every npm script the docs run exists in package.json', () => {
    const missing = all.flatMap((c) =>
      invocationsIn(c.text)
        .filter((i) => !(i.script in packageJson.scripts))
        .map((i) => `${where(c)} (no script "${i.script}")`),
    );
    expect(missing).toEqual([]);
  });

  it('no flag stands where npm would take it for itself (`npm start -- --help`, not `npm start --help`)', () => {
    const misplaced = all.flatMap((c) =>
      invocationsIn(c.text)
        .filter((i) => i.npmArgs.some((t) => t.startsWith('-') && !NPM_FLAGS.has(t)))
        .map((i) => `${where(c)} (${i.npmArgs.join(' ')} before --)`),
    );
    expect(misplaced).toEqual([]);
  });

  it("every flag passed to the project's command lines is one they declare", () => {
    const unknown: string[] = [];
    for (const c of all) {
      for (const i of invocationsIn(c.text)) {
        const declared = CLIS[i.script]?.(i.scriptArgs);
        if (!declared) continue;
        for (const token of i.scriptArgs) {
          const flag = flagName(token);
          if (flag && !declared.has(flag))
            unknown.push(`${where(c)} (${flag} is not an option of npm run ${i.script})`);
        }
      }
    }
    expect(unknown).toEqual([]);
  }, 180_000);

  it('copied commands take the token from MCP_TOKEN, never from --token', () => {
    const withToken = all.filter((c) => invocationsIn(c.text).some((i) => i.scriptArgs.includes('--token'))).map(where);
    expect(withToken).toEqual([]);
  });

  it('every npx command runs a dependency, an existing file or a named registry package', () => {
    const deps = { ...packageJson.dependencies, ...packageJson.devDependencies };
    const problems: string[] = [];
    for (const c of all) {
      for (const match of c.text.matchAll(/\bnpx\s+((?:-y\s+|--yes\s+)?)([^\s`]+)((?:\s+[^\s`&|;#]+)*)/g)) {
        const pkg = match[2]!.replace(/(?<=.)@[^/]*$/, '');
        const args = match[3]!.trim().split(/\s+/).filter(Boolean);
        if (pkg === '@modelcontextprotocol/inspector-cli') {
          problems.push(`${where(c)} (inspector-cli 1.0.3 fails from the repository root: document npm run inspect)`);
        } else if (pkg === 'tsx' || pkg === 'vitest') {
          const files = args.filter((a) => /[/.]/.test(a) && !a.startsWith('-'));
          for (const file of files)
            if (!existsSync(path.join(repoRoot, file))) problems.push(`${where(c)} (${file} does not exist)`);
        } else if (
          !(pkg in deps) &&
          !existsSync(path.join(repoRoot, 'node_modules', '.bin', pkg)) &&
          !REGISTRY_PACKAGES.has(pkg)
        ) {
          problems.push(`${where(c)} (${pkg} is neither a dependency nor a known registry package)`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('the extraction itself', () => {
  it('reads scripts, npm flags and script flags, and stops at shell separators', () => {
    expect(
      invocationsIn(
        "MCP_TOKEN=x npm run client -- call long_task --args '{}' && npm start -- --port 3001 # comment --nope",
      ),
    ).toEqual([
      { script: 'client', npmArgs: [], scriptArgs: ['call', 'long_task', '--args', "'{}'"] },
      { script: 'start', npmArgs: [], scriptArgs: ['--port', '3001'] },
    ]);
    expect(invocationsIn('npm start --help')).toEqual([{ script: 'start', npmArgs: ['--help'], scriptArgs: [] }]);
    expect(invocationsIn('npm ci && npm test')).toEqual([{ script: 'test', npmArgs: [], scriptArgs: [] }]);
  });

  it('joins continued lines of code blocks and reads inline code', () => {
    const md = 'Run `npm run report -- --since 15m` now.\n```sh\nnpm run loadtest -- load \\\n  --rate 20\n```\n';
    expect(commandsIn('x.md', md).map((c) => c.text.replace(/\s+/g, ' ').trim())).toEqual([
      'npm run report -- --since 15m',
      'npm run loadtest -- load --rate 20',
    ]);
  });

  it('a renamed flag would be caught: --help output lists the declared options', () => {
    const flags = declaredFlags('loadtest/report/cli.ts');
    expect(flags.has('--endpoint')).toBe(true);
    expect(flags.has('--endpoints')).toBe(false);
  }, 60_000);
});
