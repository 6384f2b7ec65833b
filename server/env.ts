/** The process environment as configuration modules read it (once, at load). */
export type Env = Readonly<Record<string, string | undefined>>;

/** A comma-separated setting as a list, blanks dropped. */
export function commaList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}
