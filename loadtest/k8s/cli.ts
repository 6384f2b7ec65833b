/**
 * `npm run loadtest -- k8s --parallelism N --url … [--rate … --duration …]`: writes the manifests
 * of a distributed run with the k6-operator (configmap.yaml, testrun.yaml, and secret.yaml when
 * MCP_TOKEN is set) to --out-dir, and prints how the rate splits across the runners.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { resolvePlan } from '../k6/lib/config.js';
import { readScenarioFile, RESULTS_DIR } from '../local/scenario-file.ts';
import { buildManifests, DEFAULT_RUNNER_IMAGE, toYaml } from './manifests.ts';

const wholePositive = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number >= 1');
  return n;
};

export async function k8sMain(argv: readonly string[]): Promise<number> {
  const scenarios = await readScenarioFile();
  const program = new Command()
    .name('npm run loadtest -- k8s')
    .description(
      'Writes k6-operator manifests (ConfigMap, Secret, TestRun) that run a scenario on N k6 runners in Kubernetes.',
    )
    .requiredOption('--parallelism <n>', 'number of k6 runner pods; each gets 1/N of the rate', wholePositive)
    .requiredOption('--url <url>', 'the MCP endpoint (terraform output -raw mcp_endpoint)')
    .option('--scenario <name>', `one of ${Object.keys(scenarios.scenarios).join(', ')}`, 'load')
    .option('--rate <rps>', "the whole run's HTTP requests per second (RATE)")
    .option('--duration <duration>', 'e.g. 10m (DURATION)')
    .option('--era <era>', 'mixed | 2026-07-28 | 2025-11-25 (ERA)')
    .option('--name <name>', 'TestRun name (prefix of the ConfigMap and Secret)', 'mcp-load')
    .option('--namespace <ns>', 'Kubernetes namespace')
    .option('--image <image>', 'runner image (k6 in it)', DEFAULT_RUNNER_IMAGE)
    .option('--cpu <cpu>', 'CPU request and limit per runner', '1')
    .option('--memory <memory>', 'memory request and limit per runner', '1Gi')
    .option('--out-dir <dir>', 'where the manifests go', path.join(RESULTS_DIR, 'k8s'))
    .exitOverride()
    .parse(argv, { from: 'user' });
  const o = program.opts<{
    parallelism: number;
    url: string;
    scenario: string;
    rate?: string;
    duration?: string;
    era?: string;
    name: string;
    namespace?: string;
    image: string;
    cpu: string;
    memory: string;
    outDir: string;
  }>();
  // Resolving the plan here catches an unknown scenario or a bad rate before anything is written.
  const plan = resolvePlan(scenarios, o.scenario, {
    RATE: o.rate,
    DURATION: o.duration,
    ERA: o.era,
    MCP_TARGET: 'aws',
  });
  const token = process.env.MCP_TOKEN;
  const manifests = await buildManifests({ ...o, token });
  await mkdir(o.outDir, { recursive: true });
  const written = [path.join(o.outDir, 'configmap.yaml'), path.join(o.outDir, 'testrun.yaml')];
  await writeFile(written[0]!, toYaml(manifests.configMap));
  await writeFile(written[1]!, toYaml(manifests.testRun));
  if (manifests.secret) {
    written.push(path.join(o.outDir, 'secret.yaml'));
    await writeFile(written[2]!, toYaml(manifests.secret));
  }
  const lines = [`wrote ${written.join(', ')}`];
  if (!manifests.secret) {
    lines.push(`no MCP_TOKEN in the environment: create the Secret yourself:`);
    lines.push(`  kubectl create secret generic ${o.name}-token --from-literal=MCP_TOKEN="$MCP_TOKEN"`);
  }
  const rate = plan.rate ?? 0;
  lines.push(
    `"${plan.scenario}": ${rate} req/s for ${plan.durationSeconds} s over ${o.parallelism} runners (k6 execution segments):`,
  );
  for (const s of manifests.segments)
    lines.push(
      `  runner ${s.runner}: segment ${s.segment} → ${(rate * s.share).toFixed(1)} req/s, up to ${Math.ceil((plan.maxVUs ?? 0) * s.share)} VUs`,
    );
  lines.push(`run:    kubectl apply -f ${o.outDir}`);
  lines.push(
    `after:  kubectl logs -l k6_cr=${o.name},runner=true --tail=-1 > runners.log && npm run loadtest -- merge runners.log --report`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
