/**
 * scripts/check-localstack.sh (npm run check:localstack) is opt-in: it needs LocalStack's runtime
 * and the AWS provider that `npm run check:terraform` builds (about 50 min). What runs here: it
 * never passes silently when the provider is missing, it names the reason and exits 3.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../shared/lambda-artifacts.ts';

const haveTools = ['bash', 'terraform', 'go'].every(
  (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0,
);

describe('scripts/check-localstack.sh', () => {
  it.skipIf(!haveTools)('is skipped, with the reason and exit code 3, when the AWS provider is not cached', () => {
    const emptyCache = mkdtempSync(path.join(tmpdir(), 'check-localstack-cache-'));
    const result = spawnSync('bash', [path.join(repoRoot, 'scripts', 'check-localstack.sh')], {
      encoding: 'utf8',
      env: { ...process.env, STATELESS_MCP_CACHE: emptyCache },
      timeout: 60_000,
    });
    rmSync(emptyCache, { recursive: true, force: true });
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/SKIPPED: no cached AWS provider 6\.\d+\.\d+ at .*run npm run check:terraform/);
    expect(result.stdout).not.toMatch(/\bok\b/);
  });

  it('is valid bash', () => {
    const result = spawnSync('bash', ['-n', path.join(repoRoot, 'scripts', 'check-localstack.sh')], {
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
