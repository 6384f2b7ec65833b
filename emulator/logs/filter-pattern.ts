/**
 * filterPattern: space-separated terms that must all occur, a quoted term matching exactly, or
 * `?term` alternatives, the unstructured-text subset of the pattern syntax
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html).
 * Compiled once per call into a predicate over messages.
 */
export function compileFilterPattern(pattern: string | undefined): (message: string) => boolean {
  if (!pattern || pattern.trim() === '') return () => true;
  const terms = pattern.match(/\?"[^"]*"|\?\S+|"[^"]*"|\S+/g) ?? [];
  const unquote = (term: string): string => term.replace(/^\?/, '').replace(/^"(.*)"$/, '$1');
  const optional = terms.filter((t) => t.startsWith('?')).map(unquote);
  const required = terms.filter((t) => !t.startsWith('?')).map(unquote);
  if (optional.length > 0) return (message) => optional.some((term) => message.includes(term));
  if (required.length === 1) {
    const [term] = required as [string];
    return (message) => message.includes(term);
  }
  return (message) => required.every((term) => message.includes(term));
}

export function matchesFilterPattern(message: string, pattern: string | undefined): boolean {
  return compileFilterPattern(pattern)(message);
}
