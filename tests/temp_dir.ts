/**
 * Test helper: a fresh folder under the repository's `.test-tmp/` (the only
 * place the test task may write), removed when disposed.
 *
 * @example
 * ```ts
 * await using dir = await tempDir("cache");
 * await Deno.writeTextFile(`${dir.path}/x.txt`, "hi");
 * ```
 */
export async function tempDir(prefix: string): Promise<{ path: string } & AsyncDisposable> {
  await Deno.mkdir(".test-tmp", { recursive: true });
  const path = await Deno.makeTempDir({ dir: ".test-tmp", prefix: `${prefix}-` });
  return {
    path,
    [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }).catch(() => {}),
  };
}
