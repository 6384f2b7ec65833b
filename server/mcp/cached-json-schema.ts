/** Tools import the memoised JSON Schema from here; the zod seam itself lives in server/sdk-seams/. */
export { withCachedJsonSchema } from '../sdk-seams/zod-json-schema.ts';
