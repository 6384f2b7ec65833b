/**
 * filterPattern: space-separated terms that must all occur, a quoted term matching exactly, or
 * `?term` alternatives, the unstructured-text subset of the pattern syntax
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html).
 * Compiled once per call into a predicate over messages.
 */
export function compileFilterPattern(pattern: string | undefined): (message: string) => boolean {
  return compileFilter(pattern).test;
}

export interface CompiledFilter {
  readonly test: (message: string) => boolean;
  /** A term every matching message contains (the longest required one), to search for in bulk. */
  readonly anchor: string | undefined;
}

export function compileFilter(pattern: string | undefined): CompiledFilter {
  if (!pattern || pattern.trim() === '') return { test: () => true, anchor: undefined };
  const terms = pattern.match(/\?"[^"]*"|\?\S+|"[^"]*"|\S+/g) ?? [];
  const unquote = (term: string): string => term.replace(/^\?/, '').replace(/^"(.*)"$/, '$1');
  const optional = terms.filter((t) => t.startsWith('?')).map(unquote);
  const required = terms.filter((t) => !t.startsWith('?')).map(unquote);
  if (optional.length > 0)
    return { test: (message) => optional.some((term) => message.includes(term)), anchor: undefined };
  const anchor = required.reduce((a, b) => (b.length > a.length ? b : a), '');
  if (required.length === 1) return { test: (message) => message.includes(anchor), anchor: anchor || undefined };
  return { test: (message) => required.every((term) => message.includes(term)), anchor: anchor || undefined };
}

export function matchesFilterPattern(message: string, pattern: string | undefined): boolean {
  return compileFilterPattern(pattern)(message);
}
