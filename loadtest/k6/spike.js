/**
 * Spike: a baseline at a fifth of RATE, a jump to RATE within about a second, a hold, a drop.
 * With MCP_TARGET=localstack it ramps instead (LocalStack 4.14 can hang on bursts of cold starts).
 *
 *   k6 run loadtest/k6/spike.js                       # against http://127.0.0.1:3000/dev/mcp
 *   MCP_URL=https://…/dev/mcp MCP_TOKEN=… RATE=20 DURATION=2m ERA=mixed k6 run loadtest/k6/spike.js
 *
 * Stages, rates and thresholds: loadtest/scenarios.json (shared with the Node driver,
 * loadtest/local). Summary: loadtest/results/k6-spike-<start>.summary.json and .txt.
 */
import { createTest } from './lib/k6-run.js';

const test = createTest(JSON.parse(open('../scenarios.json')), 'spike');

export const options = test.options;
export const setup = test.setup;
export const handleSummary = test.handleSummary;
export default test.iteration;
