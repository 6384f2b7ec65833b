/**
 * The k6 script each k6-operator runner runs: the shared scenarios of loadtest/scenarios.json
 * (SCENARIO picks one; RATE is the whole run's rate, which k6 splits across the runners by their
 * execution segments) with one change: handleSummary prints the summary JSON on stdout after a
 * marker, since a runner pod's files are gone when it ends. `npm run loadtest -- merge` reads
 * them back from `kubectl logs`. `npm run loadtest -- k8s` bundles this file with ../k6/lib into
 * one script (a ConfigMap holds flat files) next to scenarios.json.
 */
import { createTest } from '../k6/lib/k6-run.js';
import { summaryOutputs } from '../k6/lib/summary.js';

const test = createTest(JSON.parse(open('./scenarios.json')), __ENV.SCENARIO || 'load');

export const options = test.options;
export const setup = test.setup;
export default test.iteration;

export function handleSummary(data) {
  const out = summaryOutputs(data, test.plan, { tool: 'k6', end: new Date() });
  // HOSTNAME is the runner pod's name: which runner (and segment) wrote this summary.
  const line = JSON.stringify({ runner: __ENV.HOSTNAME || 'runner', summary: out.summary });
  return { stdout: `${out.files.stdout}\nMCP_LOADTEST_SUMMARY ${line}\n` };
}
