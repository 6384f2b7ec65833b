/**
 * docker-compose.yml loaded by the Compose Specification's own Go loader
 * (github.com/compose-spec/compose-go/v2, what `docker compose config` runs), through the small
 * program in scripts/compose-check: interpolation, schema validation, normalisation, profiles and
 * the consistency of every reference (depends_on, network_mode: service:..., volumes). The program
 * is built with Go into a cache outside the repository; without Go the tests are skipped, saying so.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../shared/lambda-artifacts.ts';

const SOURCE = path.join(repoRoot, 'scripts', 'compose-check');
const CACHE = path.join(
  process.env.STATELESS_MCP_CACHE ?? path.join(os.homedir(), '.cache', 'stateless-mcp'),
  'compose-check',
);
const BINARY = path.join(CACHE, 'bin', 'compose-check');
const COMPOSE_FILE = path.join(repoRoot, 'docker-compose.yml');
const goVersion = spawnSync('go', ['version'], { encoding: 'utf8' });
const goMissing =
  goVersion.status !== 0 ? 'Go is not installed: the Compose Specification loader check cannot be built' : '';

interface LoadedService {
  image?: string;
  build?: unknown;
  network_mode?: string;
  environment?: Record<string, string>;
  volumes?: { type: string; source: string; target: string; read_only?: boolean; bind?: { selinux?: string } }[];
  depends_on?: Record<string, { condition: string }>;
}

function load(
  profiles: string[],
  env: Record<string, string> = {},
  file = COMPOSE_FILE,
): { status: number | null; project?: { services: Record<string, LoadedService> }; stderr: string } {
  const args = ['-f', file, ...profiles.flatMap((p) => ['-profile', p])];
  // Only PATH and HOME from this process: the file's defaults, not the developer's shell, decide.
  const result = spawnSync(BINARY, args, {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: os.homedir(), ...env },
  });
  return {
    status: result.status,
    stderr: result.stderr,
    ...(result.status === 0
      ? { project: JSON.parse(result.stdout) as { services: Record<string, LoadedService> } }
      : {}),
  };
}

describe.skipIf(goMissing !== '')(
  `docker-compose.yml through compose-go (${goMissing || goVersion.stdout.trim()})`,
  () => {
    beforeAll(() => {
      mkdirSync(path.dirname(BINARY), { recursive: true });
      // go.sum is committed: -mod=readonly refuses any module it does not list.
      const build = spawnSync('go', ['build', '-mod=readonly', '-o', BINARY, '.'], {
        cwd: SOURCE,
        encoding: 'utf8',
        timeout: 900_000,
        env: {
          ...process.env,
          GOMODCACHE: path.join(CACHE, 'gomodcache'),
          GOCACHE: path.join(CACHE, 'gocache'),
          GOFLAGS: '',
        },
      });
      if (build.status !== 0) throw new Error(`go build of scripts/compose-check failed:\n${build.stderr}`);
    }, 900_000);

    it('enables the services of each profile set, as `docker compose --profile ... config` would', () => {
      const enabled = (profiles: string[]): string[] => Object.keys(load(profiles).project!.services).sort();
      expect(enabled([])).toEqual(['client', 'deploy', 'localstack']);
      expect(enabled(['load'])).toEqual(['client', 'deploy', 'k6', 'localstack', 'report']);
      expect(enabled(['embedded'])).toEqual(['client', 'deploy', 'embedded', 'embedded-client', 'localstack']);
      expect(enabled(['embedded-load'])).toEqual([
        'client',
        'deploy',
        'embedded',
        'embedded-client',
        'embedded-k6',
        'embedded-report',
        'localstack',
      ]);
    });

    it('interpolates the settings and normalises the mounts (SELinux label, read-only source)', () => {
      const { services } = load(['load', 'embedded-load'], {
        AWS_DEFAULT_REGION: 'eu-west-1',
        DOCKER_SOCKET: '/run/user/1000/docker.sock',
        MCP_TOKEN: 'a-token-from-the-shell-0123',
      }).project!;
      expect(services.deploy!.environment).toMatchObject({
        AWS_REGION: 'eu-west-1',
        AWS_DEFAULT_REGION: 'eu-west-1',
        MCP_TOKEN: 'a-token-from-the-shell-0123',
      });
      expect(services.report!.environment!.AWS_REGION).toBe('eu-west-1');
      expect(JSON.parse(services.embedded!.environment!.TF_VAR_static_tokens!)).toEqual([
        'a-token-from-the-shell-0123',
      ]);
      expect(services.localstack!.volumes).toContainEqual(
        expect.objectContaining({ type: 'bind', source: '/run/user/1000/docker.sock', target: '/var/run/docker.sock' }),
      );
      expect(services.deploy!.volumes).toContainEqual(
        expect.objectContaining({
          type: 'bind',
          source: repoRoot,
          target: '/src',
          read_only: true,
          bind: expect.objectContaining({ selinux: 'z' }),
        }),
      );
      // One build of the deployer image; the report names it.
      expect(services.report!.image).toBe(services.deploy!.image);
      expect(services.report!.build).toBeUndefined();
      expect(services['embedded-k6']!.network_mode).toBe('service:embedded');
      // The loader adds the dependency that network_mode implies.
      expect(Object.keys(services['embedded-k6']!.depends_on!)).toContain('embedded');
    });

    it('refuses a file whose references do not resolve', () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'compose-check-'));
      const broken = path.join(dir, 'docker-compose.yml');
      const text = readFileSync(COMPOSE_FILE, 'utf8');
      writeFileSync(broken, text.replace('network_mode: service:embedded', 'network_mode: service:embeded'));
      const result = load(['embedded'], {}, broken);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/embeded/);
      writeFileSync(broken, text.replace('    restart: "no"\n', '    restart: "no"\n    restart_policy: "no"\n'));
      expect(load([], {}, broken).status).toBe(1);
      rmSync(dir, { recursive: true, force: true });
    });
  },
);
