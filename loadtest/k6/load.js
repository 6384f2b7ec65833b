/**
 * Load: ramping arrival rate up to RATE HTTP requests/s (default 40), held, ramped down.
 *
 *   k6 run loadtest/k6/load.js                       # against http://127.0.0.1:3000/dev/mcp
 *   MCP_URL=https://…/dev/mcp MCP_TOKEN=… RATE=20 DURATION=2m ERA=mixed k6 run loadtest/k6/load.js
 *
 * Stages, rates and thresholds: loadtest/scenarios.json (shared with the Node driver,
 * loadtest/local). Summary: loadtest/results/k6-load-<start>.summary.json and .txt.
 */
import { createTest } from './lib/k6-run.js';

const test = createTest(JSON.parse(open('../scenarios.json')), 'load');

export const options = test.options;
export const setup = test.setup;
export const handleSummary = test.handleSummary;
export default test.iteration;
