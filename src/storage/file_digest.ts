import { createSha256 } from "../sha256.ts";

/** A file's size and SHA-256. */
export interface FileDigest {
  /** SHA-256 of its bytes, hex. */
  readonly sha256: string;
  /** Its size in bytes. */
  readonly bytes: number;
}

/**
 * The size and SHA-256 of the file at `path`, read in chunks (artifacts may
 * be larger than memory should hold at once).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileDigest } from "./file_digest.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.txt`, "abc");
 * const digest = await fileDigest(`${dir}/a.txt`);
 * assert.deepEqual(digest, { sha256: digest.sha256, bytes: 3 });
 * assert.equal(digest.sha256.slice(0, 8), "ba7816bf");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function fileDigest(path: string): Promise<FileDigest> {
  const hash = createSha256();
  let bytes = 0;
  using file = await Deno.open(path, { read: true });
  const buffer = new Uint8Array(256 * 1024);
  for (;;) {
    const n = await file.read(buffer);
    if (n === null) break;
    hash.update(buffer.subarray(0, n));
    bytes += n;
  }
  return { sha256: hash.digest("hex"), bytes };
}
