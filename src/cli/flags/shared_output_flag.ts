import { resolvePath } from "../../resolve_path.ts";
import { CliError } from "../cli_error.ts";

/**
 * Checks `--shared-output <dir>` (of `run --executor queue` and `worker`):
 * an existing folder this process may read and write (a mount every
 * machine shares); returns its absolute path, else throws a `CliError`
 * naming the flag and the fix.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sharedOutputFlag } from "./shared_output_flag.ts";
 *
 * const dir = await Deno.makeTempDir();
 * assert.equal(sharedOutputFlag(dir), dir);
 * assert.throws(() => sharedOutputFlag(`${dir}/missing`), /--shared-output .*missing: it is not a folder/);
 * await Deno.remove(dir);
 * ```
 */
export function sharedOutputFlag(value: string): string {
  const dir = resolvePath(value);
  const problem = (() => {
    if (value.trim() === "") return "it is empty";
    for (const name of ["read", "write"] as const) {
      if (Deno.permissions.querySync({ name, path: dir }).state !== "granted") {
        return `this process may not ${name} it (Deno's --allow-${name} does not cover it)`;
      }
    }
    try {
      return Deno.statSync(dir).isDirectory ? undefined : "it is not a folder";
    } catch {
      return "it is not a folder (create it, or mount the shared folder there)";
    }
  })();
  if (problem !== undefined) {
    throw new CliError(
      `--shared-output ${value}: ${problem}; give the folder every machine of the cluster mounts, e.g. --shared-output /mnt/crystallize`,
    );
  }
  return dir;
}
