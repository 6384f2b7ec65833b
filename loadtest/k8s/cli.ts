export async function k8sMain(_argv: readonly string[]): Promise<number> {
  return 2;
}
