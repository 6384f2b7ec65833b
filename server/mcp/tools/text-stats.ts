import type { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { withCachedJsonSchema } from '../cached-json-schema.ts';
import { structuredResult } from './structured-result.ts';

const MAX_TEXT_LENGTH = 200_000;

const textStatsInput = withCachedJsonSchema(z.object({
  text: z.string().min(1).max(MAX_TEXT_LENGTH).describe('The text to analyse (up to 200,000 characters)'),
  top: z.number().int().min(1).max(50).default(5).describe('How many of the most frequent words to return'),
}));

const textStatsOutput = withCachedJsonSchema(z.object({
  characters: z.number().int(),
  words: z.number().int(),
  lines: z.number().int(),
  sentences: z.number().int(),
  averageWordLength: z.number(),
  topWords: z.array(z.object({ word: z.string(), count: z.number().int() })),
}));

export type TextStats = z.infer<typeof textStatsOutput>;

const WORD = /[\p{L}\p{N}']+/gu;

/** Pure word statistics; the CPU-bound tool that load tests use as their "heavier" call. */
export function computeTextStats(text: string, top: number): TextStats {
  const words = text.toLowerCase().match(WORD) ?? [];
  const counts = new Map<string, number>();
  let letters = 0;
  for (const word of words) {
    counts.set(word, (counts.get(word) ?? 0) + 1);
    letters += word.length;
  }
  const topWords = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, top)
    .map(([word, count]) => ({ word, count }));
  return {
    characters: [...text].length,
    words: words.length,
    lines: text.split(/\r\n|\r|\n/).length,
    sentences: (text.match(/[.!?]+(?=\s|$)/g) ?? []).length,
    averageWordLength: words.length === 0 ? 0 : Math.round((letters / words.length) * 100) / 100,
    topWords,
  };
}

export function registerTextStats(server: McpServer): void {
  server.registerTool(
    'text_stats',
    {
      title: 'Text statistics',
      description: 'Counts characters, words, lines and sentences of a text and returns its most frequent words.',
      inputSchema: textStatsInput,
      outputSchema: textStatsOutput,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    ({ text, top }) => structuredResult(computeTextStats(text, top)),
  );
}
