import { dirname, sep } from "../../path.ts";
import { resolvePath } from "../../resolve_path.ts";
import { CliError } from "../cli_error.ts";

/**
 * Folders under which Deno grants writing only with `--allow-all` (kernel
 * file systems on Linux, devices elsewhere): a sandboxed runner, which never
 * has it, can write nothing there.
 */
const PRIVILEGED = Deno.build.os === "windows" ? [] : ["/proc", "/dev", "/sys"];

/**
 * Why `path` cannot become a folder that Crystallize creates and writes in,
 * or `undefined` when nothing speaks against it yet (whether writing really
 * works shows when it is done): it is a file, something on the way to it
 * is a file (`/dev/null/x`), or it lies where Deno never lets a sandbox
 * write (`/proc`, `/dev`, `/sys`). Reads only metadata; creates nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { folderProblem } from "./folder_flag.ts";
 *
 * const file = await Deno.makeTempFile();
 * assert.equal(folderProblem(`${file}/x`), `${file} is not a folder, so nothing can be created in it`);
 * assert.equal(folderProblem("/dev/null/x"), "/dev/null/x is under /dev, where Deno lets no sandboxed process write");
 * assert.equal(folderProblem("runs"), undefined); // created when needed
 * await Deno.remove(file);
 * ```
 */
export function folderProblem(path: string): string | undefined {
  const absolute = resolvePath(path);
  const privileged = PRIVILEGED.find((p) => absolute === p || absolute.startsWith(p + sep));
  if (privileged !== undefined) {
    return `${absolute} is under ${privileged}, where Deno lets no sandboxed process write`;
  }
  for (let at = absolute;; at = dirname(at)) {
    let info: Deno.FileInfo;
    try {
      info = Deno.statSync(at);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound && dirname(at) !== at) continue;
      if (error instanceof Deno.errors.NotADirectory) continue; // a file further up: found next
      return undefined; // not readable here: the write itself will tell
    }
    if (info.isDirectory) return undefined;
    return at === absolute
      ? `${absolute} is a file, not a folder`
      : `${at} is not a folder, so nothing can be created in it`;
  }
}

/**
 * Checks `--out <dir>`: throws a `CliError` (exit code 2) naming the flag and
 * the fix when {@linkcode folderProblem} finds a reason it cannot be the
 * output root.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkOutFlag } from "./folder_flag.ts";
 *
 * checkOutFlag(undefined); // no --out: nothing to check
 * checkOutFlag("./runs"); // created when needed
 * assert.throws(() => checkOutFlag("/dev/null/x"), /--out \/dev\/null\/x: /);
 * ```
 */
export function checkOutFlag(out: string | undefined): void {
  if (out === undefined) return;
  const problem = out.trim() === "" ? "it is empty" : folderProblem(out);
  if (problem !== undefined) {
    throw new CliError(
      `--out ${out}: ${problem}; give a folder the experiment may create and write its runs in, ` +
        "e.g. --out ./runs (it is created when missing)",
    );
  }
}

/**
 * Checks `crystallize new --dir <dir>` for the experiment folder `folder`
 * inside it: throws a `CliError` (exit code 2) when {@linkcode folderProblem}
 * objects, or when this process may not write there (the CLI may write in
 * the folder it was started in; Deno would otherwise throw `NotCapable`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkDirFlag } from "./folder_flag.ts";
 *
 * const dir = await Deno.makeTempDir(); // a folder this process may write
 * checkDirFlag(dir, `${dir}/demo`);
 * assert.throws(() => checkDirFlag("", `${dir}/demo`), /--dir : it is empty/);
 * await Deno.remove(dir);
 * ```
 */
export function checkDirFlag(dir: string, folder: string): void {
  const problem = dir.trim() === "" ? "it is empty" : folderProblem(folder) ??
    (Deno.permissions.querySync({ name: "write", path: folder }).state === "granted"
      ? undefined
      : `${folder} is outside the folders this crystallize may write (the folder it was started in)`);
  if (problem !== undefined) {
    throw new CliError(
      `--dir ${dir}: ${problem}; give a folder inside the working directory, e.g. --dir experiments, ` +
        "or run crystallize from a folder that contains it",
    );
  }
}
