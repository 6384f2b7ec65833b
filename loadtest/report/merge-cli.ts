export async function mergeMain(_argv: readonly string[]): Promise<number> {
  return 2;
}
