/**
 * Bundled in place of `body-parser`. Express 5 re-exports body-parser's parsers from its index,
 * which loads them (and iconv-lite, raw-body, type-is) at module load, about a seventh of the MCP
 * function's INIT. This function never uses them: the MCP route reads its own body.
 */
function unused(name: string): () => never {
  return () => {
    throw new Error(`express.${name}() is not bundled into this Lambda; the MCP route reads request bodies itself`);
  };
}

export const json = unused('json');
export const raw = unused('raw');
export const text = unused('text');
export const urlencoded = unused('urlencoded');
export default { json, raw, text, urlencoded };
