/**
 * Test helper: a fresh folder under the repository's `.test-tmp/` (the only
 * place the test task may write), removed when disposed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tempDir } from "./temp_dir.ts";
 *
 * let path = "";
 * {
 *   await using dir = await tempDir("cache");
 *   path = dir.path;
 *   await Deno.writeTextFile(`${dir.path}/x.txt`, "hi");
 *   assert.equal(await Deno.readTextFile(`${dir.path}/x.txt`), "hi");
 * }
 * assert.equal(await Deno.stat(path).catch(() => undefined), undefined); // removed when disposed
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
