/**
 * Soak: a low constant arrival rate (default 8 requests/s) for a long time (default 30m).
 *
 *   k6 run loadtest/k6/soak.js                       # against http://127.0.0.1:3000/dev/mcp
 *   MCP_URL=https://…/dev/mcp MCP_TOKEN=… RATE=20 DURATION=2m ERA=mixed k6 run loadtest/k6/soak.js
 *
 * Stages, rates and thresholds: loadtest/scenarios.json (shared with the Node driver,
 * loadtest/local). Summary: loadtest/results/k6-soak-<start>.summary.json and .txt.
 */
import { createTest } from './lib/k6-run.js';

const test = createTest(JSON.parse(open('../scenarios.json')), 'soak');

export const options = test.options;
export const setup = test.setup;
export const handleSummary = test.handleSummary;
export default test.iteration;
