import { defineConfig } from 'vitest/config';

/**
 * The unit-level tests of the security-critical modules, for `npm run test:mutation` (Stryker).
 * In-process only: no embedded stack, no child processes, so each mutant is tested in seconds.
 * Add a test file here when it covers one of the modules `stryker.config.mjs` mutates.
 */
export default defineConfig({
  test: {
    include: [
      // fault-injection.test.ts included: the hook is not mutated, but the test covers its switch in config.ts.
      'test/authorizer/**/*.test.ts',
      'test/gateway/**/*.test.ts',
      'test/tasks/owner-binding.test.ts',
      // The AWS-documented events (test/fixtures/aws-events/) against both sides of the proxy mapping.
      'test/emulator/event-builder.test.ts',
      'test/server/proxy-event-fixtures.test.ts',
      'test/conformance/request-state.test.ts',
    ],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 30_000,
  },
});
