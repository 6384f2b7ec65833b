/**
 * The load CLI's tools beside the scenarios: `preflight` (quotas before a run), `k8s` (k6-operator
 * manifests for a distributed run) and `merge` (N runners' summaries into one verdict). Each
 * returns its exit code: 0 ok, 1 the plan or the run fails, 2 a usage or read error.
 */
import { CommanderError } from 'commander';

type Main = (argv: readonly string[]) => Promise<number>;

const SUBCOMMANDS: Record<string, () => Promise<Main>> = {
  preflight: async () => (await import('../preflight/cli.ts')).preflightMain,
  k8s: async () => (await import('../k8s/cli.ts')).k8sMain,
  merge: async () => (await import('../report/merge-cli.ts')).mergeMain,
};

/** Runs a subcommand when argv names one; undefined otherwise (argv is a scenario run). */
export async function runSubcommand(argv: readonly string[]): Promise<number | undefined> {
  const load = SUBCOMMANDS[argv[0] ?? ''];
  if (!load) return undefined;
  try {
    return await (await load())(argv.slice(1));
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    console.error(`${argv[0]} failed: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
}
