/** Where the shared scenario definitions live, and how Node reads them (k6 open()s the same file). */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScenarioFile } from '../k6/lib/config.js';

export const LOADTEST_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SCENARIO_FILE = path.join(LOADTEST_DIR, 'scenarios.json');
export const RESULTS_DIR = path.join(LOADTEST_DIR, 'results');

export async function readScenarioFile(file = SCENARIO_FILE): Promise<ScenarioFile> {
  return JSON.parse(await readFile(file, 'utf8')) as ScenarioFile;
}
