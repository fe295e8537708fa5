/**
 * A shared output root (an NFS mount, say, at the same or another path on
 * every machine): workers write a run's artifacts into the run's folder
 * there (`<root>/<run>/<attempt>/...`, one attempt folder per batch a
 * worker runs) and send only where each file is, its size and its hash;
 * the coordinator checks every file before it stores a copy. The folder is
 * writable by the run's sandboxed code, so nothing in it is trusted: a path
 * must stay inside it (no `..`, no symbolic link on the way), name a
 * regular file, and have the size (then, once copied, the hash) reported.
 * @module
 */
import { join } from "../../path.ts";
import { CrystallizeError, errorMessage } from "../../errors.ts";
import { checkPathName } from "../../path_name.ts";
import { isInside, joinInside } from "../../storage/join_inside.ts";

/** The file in a run's folder that tells workers it is the coordinator's (holds the task's `sharedToken`). */
export const RUN_TOKEN_FILE = "run.token";

/** A file a worker reported on the shared output root is not one the coordinator may take. */
export class SharedOutputError extends CrystallizeError {}

/**
 * A run's folder on the shared output root, as its coordinator sees it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SharedRunFolder } from "./shared_output.ts";
 *
 * const root = await Deno.makeTempDir();
 * const { folder, token } = await SharedRunFolder.create(root, "r1");
 * assert.equal(await Deno.readTextFile(`${root}/r1/run.token`), token);
 * await Deno.mkdir(`${root}/r1/a/0/baseline`, { recursive: true });
 * await Deno.writeTextFile(`${root}/r1/a/0/baseline/x.txt`, "abc");
 * assert.equal(await folder.source("a/0/baseline/x.txt", 3), await Deno.realPath(`${root}/r1/a/0/baseline/x.txt`));
 * await assert.rejects(folder.source("../r1/a/0/baseline/x.txt", 3), /not a path inside/);
 * await assert.rejects(folder.source("a/0/baseline/x.txt", 4), /holds 3 bytes/);
 * await folder.remove();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export class SharedRunFolder {
  /** The run's folder: `<root>/<run>`. */
  readonly dir: string;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** Creates the run's folder with a fresh token in it; workers seeing the token write there. */
  static async create(
    root: string,
    run: string,
  ): Promise<{ folder: SharedRunFolder; token: string }> {
    const folder = SharedRunFolder.open(root, run);
    const token = crypto.randomUUID();
    try {
      await Deno.mkdir(folder.dir, { recursive: true });
      await Deno.writeTextFile(join(folder.dir, RUN_TOKEN_FILE), token);
    } catch (error) {
      throw new CrystallizeError(
        `cannot prepare the shared output root ${root} for run ${run} (${
          errorMessage(error)
        }): give sharedOutput (--shared-output) a folder this program may write`,
        { cause: error },
      );
    }
    return { folder, token };
  }

  /**
   * The folder of a run that already has one (a coordinator reattaching to
   * it), with its token (`undefined` when the folder is gone).
   */
  static async reopen(
    root: string,
    run: string,
  ): Promise<{ folder: SharedRunFolder; token: string | undefined }> {
    const folder = SharedRunFolder.open(root, run);
    const token = await Deno.readTextFile(join(folder.dir, RUN_TOKEN_FILE)).catch(() => undefined);
    return { folder, token };
  }

  private static open(root: string, run: string): SharedRunFolder {
    checkPathName(run, "run");
    return new SharedRunFolder(join(root, run));
  }

  /**
   * The real path of the regular file at `file` (relative, `/`-separated)
   * inside this folder, once it has `bytes` bytes; else a
   * {@linkcode SharedOutputError} saying what is wrong with it.
   */
  async source(file: string, bytes: number): Promise<string> {
    const path = this.#inside(file);
    let real: string;
    let info: Deno.FileInfo;
    try {
      real = await Deno.realPath(path);
      info = await Deno.lstat(path);
    } catch (error) {
      throw new SharedOutputError(
        `${JSON.stringify(file)} is not in ${this.dir} (${errorMessage(error)}): ` +
          "is the worker's --shared-output the same folder as this coordinator's?",
      );
    }
    if (!isInside(await Deno.realPath(this.dir), real)) {
      throw new SharedOutputError(
        `${JSON.stringify(file)} leads out of ${this.dir} (to ${real}) through a symbolic link`,
      );
    }
    if (!info.isFile) {
      throw new SharedOutputError(
        `${JSON.stringify(file)} in ${this.dir} is not a regular file (a link or a folder)`,
      );
    }
    if (info.size !== bytes) {
      throw new SharedOutputError(
        `${
          JSON.stringify(file)
        } in ${this.dir} holds ${info.size} bytes, not the ${bytes} its worker reported`,
      );
    }
    return real;
  }

  /**
   * Removes the attempt folders (the first part of each path) that `files`
   * lie in: a batch's files once its result was taken or ignored.
   */
  async discard(files: Iterable<string>): Promise<void> {
    const attempts = new Set([...files].map((f) => f.split("/")[0]));
    for (const attempt of attempts) {
      let path: string;
      try {
        path = this.#inside(attempt);
      } catch {
        continue; // a forged path: nothing of ours to remove
      }
      const info = await Deno.lstat(path).catch(() => undefined);
      if (info?.isDirectory) await Deno.remove(path, { recursive: true }).catch(() => {});
    }
  }

  /** Removes the run's folder: what finished was taken, the rest (killed workers' files) is garbage. */
  async remove(): Promise<void> {
    await Deno.remove(this.dir, { recursive: true }).catch(() => {});
  }

  #inside(file: string): string {
    const parts = file.split("/");
    try {
      for (const part of parts) checkPathName(part, "artifact path part");
      return joinInside(this.dir, ...parts);
    } catch (error) {
      throw new SharedOutputError(
        `${JSON.stringify(file)} is not a path inside ${this.dir}: ${errorMessage(error)}`,
      );
    }
  }
}
