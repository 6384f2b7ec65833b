/**
 * The bundles replace the SDK's Node shims with server/sdk-seams/lazy-json-schema-validator.ts
 * (Ajv evaluated on first use). Bundled as the Lambda bundles are, it must export what the SDK's
 * shims export and validate as the SDK's default validator does.
 */
import * as sdkShims from '@modelcontextprotocol/server/_shims';
import { buildSync } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ESM_REQUIRE_BANNER, repoRoot } from '../../shared/lambda-artifacts.ts';

type Validator = (input: unknown) => { valid: boolean; errorMessage?: string };
interface ShimsModule {
  readonly DefaultJsonSchemaValidator: new () => { getValidator(schema: object): Validator };
  readonly process: NodeJS.Process;
}

let dir: string;
let shims: ShimsModule;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'lazy-validator-'));
  const outfile = path.join(dir, 'shims.mjs');
  buildSync({
    entryPoints: [path.join(repoRoot, 'server', 'sdk-seams', 'lazy-json-schema-validator.ts')],
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    banner: { js: ESM_REQUIRE_BANNER },
    logLevel: 'error',
  });
  shims = (await import(pathToFileURL(outfile).href)) as ShimsModule;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the lazy JSON Schema validator (bundled)', () => {
  it('exports the names the SDK shims export, with the same process object', () => {
    expect(Object.keys(shims).sort()).toEqual(Object.keys(sdkShims).sort());
    expect(shims.process).toBe(process);
  });

  it('validates like the SDK default: types, required properties and formats (ajv-formats)', () => {
    const schema = {
      type: 'object',
      properties: { email: { type: 'string', format: 'email' }, age: { type: 'integer', minimum: 0 } },
      required: ['email'],
    };
    const ours = new shims.DefaultJsonSchemaValidator().getValidator(schema);
    const sdk = new sdkShims.DefaultJsonSchemaValidator().getValidator(schema as never);
    const inputs = [
      { email: 'a@example.com', age: 3 },
      { email: 'not-an-email' },
      { age: 3 },
      { email: 'a@b.co', age: -1 },
    ];
    expect(inputs.map((input) => ours(input).valid)).toEqual([true, false, false, false]);
    expect(inputs.map((input) => ours(input))).toEqual(inputs.map((input) => sdk(input)));
  });
});
