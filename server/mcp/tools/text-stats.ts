import type { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { withCachedJsonSchema } from '../cached-json-schema.ts';
import { structuredResult } from './structured-result.ts';

const MAX_TEXT_LENGTH = 200_000;

const textStatsInput = withCachedJsonSchema(
  z.object({
    text: z.string().min(1).max(MAX_TEXT_LENGTH).describe('The text to analyse (up to 200,000 characters)'),
    top: z.number().int().min(1).max(50).default(5).describe('How many of the most frequent words to return'),
  }),
);

const textStatsOutput = withCachedJsonSchema(
  z.object({
    characters: z.number().int(),
    words: z.number().int(),
    lines: z.number().int(),
    sentences: z.number().int(),
    averageWordLength: z.number(),
    topWords: z.array(z.object({ word: z.string(), count: z.number().int() })),
  }),
);

export type TextStats = z.infer<typeof textStatsOutput>;

const WORD = /[\p{L}\p{N}']+/gu;
const SENTENCE_END = new Set(['.', '!', '?']);
const WHITESPACE = /\s/;
/**
 * One collator for every tie-break (`localeCompare` builds a new one per call), created by the
 * first tie-break: creating it loads ICU's collation data, about 10 ms that a cold start whose
 * first request is not a text_stats call should not pay.
 */
let collator: Intl.Collator | undefined;

function wordCollator(): Intl.Collator {
  collator ??= new Intl.Collator();
  return collator;
}

/**
 * Sentences end in a run of `.`, `!` or `?` followed by whitespace or the end of the text. One
 * pass over the text: the regular expression `/[.!?]+(?=\s|$)/g` this replaces backtracked
 * through every shorter run at every start, quadratic in a long run of `!` not followed by a space.
 */
export function countSentences(text: string): number {
  let sentences = 0;
  let inRun = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (SENTENCE_END.has(char)) {
      inRun = true;
      continue;
    }
    if (inRun && WHITESPACE.test(char)) sentences++;
    inRun = false;
  }
  return inRun ? sentences + 1 : sentences;
}

type WordCount = readonly [word: string, count: number];

/** More frequent first, then in collation order. */
function ranksBefore(a: WordCount, b: WordCount): boolean {
  return a[1] !== b[1] ? a[1] > b[1] : wordCollator().compare(a[0], b[0]) < 0;
}

/** The `top` best-ranked entries in one pass (top is at most 50), without sorting every distinct word. */
function topEntries(counts: Map<string, number>, top: number): WordCount[] {
  const best: WordCount[] = [];
  for (const entry of counts) {
    if (best.length === top && !ranksBefore(entry, best[best.length - 1]!)) continue;
    let low = 0;
    let high = best.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (ranksBefore(entry, best[middle]!)) high = middle;
      else low = middle + 1;
    }
    best.splice(low, 0, entry);
    if (best.length > top) best.pop();
  }
  return best;
}

/**
 * Pure word statistics; the CPU-bound tool that load tests use as their "heavier" call. Every step
 * is linear in the text (the top words cost at most log2(50) + 1 comparisons per distinct word).
 */
export function computeTextStats(text: string, top: number): TextStats {
  const words = text.toLowerCase().match(WORD) ?? [];
  const counts = new Map<string, number>();
  let letters = 0;
  for (const word of words) {
    counts.set(word, (counts.get(word) ?? 0) + 1);
    letters += word.length;
  }
  const topWords = topEntries(counts, top).map(([word, count]) => ({ word, count }));
  return {
    characters: [...text].length,
    words: words.length,
    lines: text.split(/\r\n|\r|\n/).length,
    sentences: countSentences(text),
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
