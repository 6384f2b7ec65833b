/**
 * The folder-cycle check of `npm run check:cycles` finds what it must: these graphs are written by
 * hand. (The check itself runs over the repository in `npm test`; madge takes too long for the
 * unit tier.)
 */
import { describe, expect, it } from 'vitest';
import { cyclesOf, folderGraph } from '../../scripts/check-import-cycles.ts';

describe('folder import cycles', () => {
  it('lifts file imports to folders, ignoring imports inside a folder and outside the known folders', () => {
    const graph = folderGraph({
      'emulator/stack.ts': ['emulator/lambda/pool.ts', 'shared/lambda-artifacts.ts', 'server/config.ts'],
      'scripts/conformance.ts': ['emulator/stack.ts', 'node_modules/yaml/index.js'],
    });
    expect(Object.fromEntries([...graph].map(([from, to]) => [from, [...to].sort()]))).toEqual({
      emulator: ['server', 'shared'],
      scripts: ['emulator'],
    });
  });

  it('finds no cycle in a layered graph', () => {
    const graph = folderGraph({
      'scripts/conformance.ts': ['emulator/stack.ts', 'shared/tools-dir.ts'],
      'emulator/stack.ts': ['shared/lambda-artifacts.ts', 'server/config.ts'],
      'loadtest/report/aggregate.ts': ['shared/lambda-log-lines.ts'],
    });
    expect(cyclesOf(graph)).toEqual([]);
  });

  it('finds emulator → scripts → emulator, and a longer cycle once', () => {
    const two = folderGraph({
      'emulator/cli.ts': ['scripts/build-if-stale.ts'],
      'scripts/conformance.ts': ['emulator/stack.ts'],
    });
    expect(cyclesOf(two)).toEqual([['emulator', 'scripts', 'emulator']]);
    const three = folderGraph({
      'loadtest/report/aggregate.ts': ['emulator/lambda/lines.ts'],
      'emulator/cli.ts': ['scripts/build.ts'],
      'scripts/report.ts': ['loadtest/report/aggregate.ts'],
    });
    expect(cyclesOf(three)).toHaveLength(1);
    expect(cyclesOf(three)[0]).toHaveLength(4);
  });
});
