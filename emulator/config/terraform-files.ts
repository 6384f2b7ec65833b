/**
 * The .tf files of a Terraform directory as `@cdktf/hcl2json` parses them, shared by every reader
 * of the embedded stack (routes, gateway responses, functions). Parsing is the slow part (seconds
 * on a busy host), so a file's parse is kept for as long as its text is unchanged.
 */
import { parse } from '@cdktf/hcl2json';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export type Block = Record<string, unknown>;
/** `resource.<type>.<label>` → its blocks, as hcl2json gives them. */
export type Resources = Record<string, Record<string, Block[]>>;

export interface TerraformFile {
  readonly name: string;
  readonly hcl: Record<string, unknown>;
}

const parsed = new Map<string, Promise<Record<string, unknown>>>();

export async function readTerraformFiles(dir: string): Promise<TerraformFile[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.tf')).sort();
  return Promise.all(
    names.map(async (name) => {
      const text = await readFile(path.join(dir, name), 'utf8');
      const key = `${name}\0${text}`;
      let hcl = parsed.get(key);
      if (!hcl) {
        hcl = parse(name, text) as Promise<Record<string, unknown>>;
        parsed.set(key, hcl);
        hcl.catch(() => parsed.delete(key));
      }
      return { name, hcl: await hcl };
    }),
  );
}

/** Every `locals` block of the files, merged (Terraform forbids a local declared twice). */
export function localsOf(files: readonly TerraformFile[]): Record<string, unknown> {
  return Object.assign({}, ...files.flatMap(({ hcl }) => (hcl.locals ?? []) as Block[]));
}

/** The resources of one type, by label, with the file that declares each. */
export function resourcesOf(
  files: readonly TerraformFile[],
  type: string,
): Array<{ readonly file: string; readonly label: string; readonly block: Block }> {
  return files.flatMap(({ name, hcl }) =>
    Object.entries(((hcl.resource ?? {}) as Resources)[type] ?? {}).map(([label, blocks]) => ({
      file: name,
      label,
      block: blocks[0] ?? {},
    })),
  );
}
