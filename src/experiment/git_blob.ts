import { nodeCrypto } from "../node_builtins.ts";

/**
 * The git object id of a blob with this content: the hash of
 * `"blob <size>\0" + content`, SHA-1 or SHA-256 by repository format.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { blobId } from "./git_blob.ts";
 *
 * assert.equal(blobId(new TextEncoder().encode("hi\n")), "45b983be36b73c0788dc9cbcb76cbb80fc7bb057");
 * ```
 */
export function blobId(content: Uint8Array, algorithm: "sha1" | "sha256" = "sha1"): string {
  return nodeCrypto().createHash(algorithm).update(`blob ${content.length}\0`).update(content)
    .digest("hex");
}

/** The blob id of a regular file, streamed; `undefined` when the file changed under us. */
export async function fileBlobId(
  path: string,
  seen: Deno.FileInfo,
  algorithm: "sha1" | "sha256",
): Promise<string | undefined> {
  using file = await Deno.open(path);
  // lstat saw a regular file: make sure the path was not swapped for a symlink since.
  const info = await file.stat();
  if (!info.isFile || info.ino !== seen.ino || info.dev !== seen.dev) return undefined;
  const hash = nodeCrypto().createHash(algorithm).update(`blob ${info.size}\0`);
  const buffer = new Uint8Array(64 * 1024);
  let total = 0;
  for (let n = await file.read(buffer); n !== null; n = await file.read(buffer)) {
    hash.update(buffer.subarray(0, n));
    total += n;
  }
  return total === info.size ? hash.digest("hex") : undefined;
}
