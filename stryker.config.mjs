// @ts-check
/**
 * Mutation testing of the code that decides who gets in (`npm run test:mutation`, see
 * test/README.md). Runs only the in-process unit tests (vitest.mutation.config.ts).
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'server/authorizer/*.ts',
    'emulator/gateway/lambda-authorizer.ts',
    'emulator/gateway/gateway-responses.ts',
    // Both sides of the REST proxy mapping: the gateway's event builder and the function's reader.
    'emulator/gateway/proxy-event-builder.ts',
    'emulator/gateway/authorizer-event.ts',
    'server/gateway/proxy-event.ts',
    'server/gateway/authorizer-context.ts',
    'server/mcp/tasks/owner.ts',
    'test/fixtures/test-server/conformance/request-state.ts',
  ],
  // Shared 2-core machines: one sandbox at a time (pass --concurrency 2 on a machine of your own).
  concurrency: 1,
  coverageAnalysis: 'perTest',
  // A mutant in a module-level constant (tables, regexes) runs every test: minutes each here.
  // Skipped by default so a run before a change stays short; `--ignoreStatic false` includes them.
  ignoreStatic: true,
  // Only mutants of changed code (or covered by changed tests) run again; kept out of git.
  incremental: true,
  incrementalFile: '.local/stryker/incremental.json',
  tempDirName: '.local/stryker/tmp',
  // Build outputs, tool caches and results are not needed by the unit tests.
  ignorePatterns: [
    'dist',
    '.local',
    'coverage',
    'loadtest/results',
    'bench/results',
    'terraform/.terraform',
    'localstack/.state',
  ],
  cleanTempDir: 'always',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: '.local/stryker/mutation.html' },
  jsonReporter: { fileName: '.local/stryker/mutation.json' },
  thresholds: { high: 95, low: 90, break: 90 },
  timeoutMS: 10_000,
};
