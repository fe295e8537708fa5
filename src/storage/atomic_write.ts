import { dirname } from "../path.ts";

/** Writes a whole file; the default is `Deno.writeFileSync`. Replaceable to test failing disks. */
export type FileWriter = (path: string, data: Uint8Array) => void;

/**
 * Writes `data` to `path` atomically: into a temporary file next to it, then
 * renamed over it, so readers see the old content or the new, never a torn
 * file, and a failed write (disk full, permission) leaves the old file as it
 * was. Creates missing folders. The temporary file is removed on failure.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { atomicWriteSync } from "./atomic_write.ts";
 *
 * const dir = await Deno.makeTempDir();
 * atomicWriteSync(`${dir}/x.bin`, new Uint8Array([1, 2, 3]));
 * assert.deepEqual(await Deno.readFile(`${dir}/x.bin`), new Uint8Array([1, 2, 3]));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function atomicWriteSync(
  path: string,
  data: Uint8Array,
  write: FileWriter = Deno.writeFileSync,
): void {
  Deno.mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${Deno.pid}-${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    write(temp, data);
    Deno.renameSync(temp, path);
  } catch (error) {
    try {
      Deno.removeSync(temp);
    } catch {
      // The temporary file was never created.
    }
    throw error;
  }
}
