/** Types of sample-args.js. */
export type Generated = { ok: true; value: unknown } | { ok: false; reason: string };
export declare function generateValue(schema: Record<string, unknown>, depth?: number): Generated;
export declare function sampleArguments(inputSchema: Record<string, unknown> | undefined): Generated;
