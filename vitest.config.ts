import { defineConfig } from 'vitest/config';

/**
 * Two tiers. `unit`: no network, no child processes, no build needed; seconds
 * (`npm run test:unit`). `integration`: everything else, embedded stacks, bundles, CLIs and the
 * pinned tools (`npm run test:integration`). A new test file lands in `integration` unless it is
 * listed here. `npm test` runs both.
 */
const UNIT = [
  'test/architecture/**/*.test.ts',
  'test/authorizer/config.test.ts',
  'test/client/units.test.ts',
  'test/emulator/event-builder.test.ts',
  'test/emulator/stage-throttle.test.ts',
  'test/emulator/terraform-functions.test.ts',
  'test/emulator/terraform-gateway-responses.test.ts',
  'test/gateway/**/*.test.ts',
  'test/loadtest/report-cold-starts.test.ts',
  'test/loadtest/report.test.ts',
  'test/server/config.test.ts',
  'test/server/fetch-lite.test.ts',
  'test/server/proxy-event-fixtures.test.ts',
  'test/tasks/engine.test.ts',
  'test/tasks/stores.test.ts',
];

export default defineConfig({
  test: {
    // Each integration file may start its own embedded stack (child processes): keep files in
    // separate processes and run two at a time on 2-core machines.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      { extends: true, test: { name: 'integration', include: ['test/**/*.test.ts'], exclude: UNIT } },
    ],
  },
});
