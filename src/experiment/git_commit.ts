import { dirname, join } from "../path.ts";
import { resolvePath } from "../resolve_path.ts";
import { type GitCheckout, gitDirtyOf } from "./git_dirty.ts";
import type { GitInfo } from "../storage/provenance.ts";

/**
 * Finds the git checkout containing `folder` and reads its HEAD commit from
 * the `.git` files directly (no `git` binary, no run permission), and whether
 * tracked files under `folder` have uncommitted changes. Returns `undefined`
 * outside a checkout or when the files cannot be read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gitCommitOf } from "./git_commit.ts";
 *
 * const folder = await Deno.makeTempDir(); // not in a git checkout
 * assert.equal(await gitCommitOf(folder), undefined);
 * await Deno.remove(folder);
 * // In a checkout: { commit: "3f2a...", branch: "main", dirty: false }
 * ```
 */
export async function gitCommitOf(folder: string): Promise<GitInfo | undefined> {
  folder = resolvePath(folder);
  // Never trigger a permission prompt just for provenance.
  if (Deno.permissions.querySync({ name: "read", path: folder }).state !== "granted") {
    return undefined;
  }
  try {
    const checkout = await findCheckout(folder);
    if (checkout === undefined) return undefined;
    const head = await readHead(checkout);
    if (head === undefined) return undefined;
    const dirty = await gitDirtyOf(checkout, folder);
    return dirty === undefined ? head : { ...head, dirty };
  } catch {
    return undefined;
  }
}

/** A commit id (SHA-1 or SHA-256). */
const OBJECT_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
/** A ref name git could have written: no `..`, no empty or dot-started parts. */
const REF = /^refs\/(?:[A-Za-z0-9_+@-][A-Za-z0-9._+@-]*\/)*[A-Za-z0-9_+@-][A-Za-z0-9._+@-]*$/;

// The repository may be hostile (the CLI reads it for code it will sandbox):
// every value read is checked for its shape, so `.git` files cannot make this
// read, or report, anything but a commit id and a branch name.
async function readHead(checkout: GitCheckout): Promise<GitInfo | undefined> {
  const { gitDir, commonDir } = checkout;
  const head = (await readOptional(join(gitDir, "HEAD")))?.trim();
  if (head === undefined) return undefined;
  if (!head.startsWith("ref: ")) return OBJECT_ID.test(head) ? { commit: head } : undefined;
  const ref = head.slice(5);
  if (!REF.test(ref) || ref.includes("..")) return undefined;
  const branch = ref.replace(/^refs\/heads\//, "");
  for (const dir of [gitDir, commonDir]) {
    const loose = (await readOptional(join(dir, ref)))?.trim();
    if (loose !== undefined) return OBJECT_ID.test(loose) ? { commit: loose, branch } : undefined;
  }
  const packed = await readOptional(join(commonDir, "packed-refs"), PACKED_REFS_BYTES);
  const commit = packed?.split("\n").find((l) => l.endsWith(` ${ref}`))?.split(" ")[0];
  return commit !== undefined && OBJECT_ID.test(commit) ? { commit, branch } : undefined;
}

async function findCheckout(start: string): Promise<GitCheckout | undefined> {
  for (let dir = start;; dir = dirname(dir)) {
    const candidate = join(dir, ".git");
    const readable = Deno.permissions.querySync({ name: "read", path: candidate }).state;
    const info = readable === "granted"
      ? await Deno.stat(candidate).catch(() => undefined)
      : undefined;
    if (info?.isDirectory) return { topLevel: dir, gitDir: candidate, commonDir: candidate };
    if (info?.isFile) {
      // A worktree or submodule: `.git` is a file "gitdir: <path>".
      const text = await readOptional(candidate);
      if (text === undefined) return undefined;
      const target = text.match(/^gitdir: (.+)$/m)?.[1].trim();
      if (target === undefined) return undefined;
      const gitDir = target.startsWith("/") ? target : join(dir, target);
      return { topLevel: dir, gitDir, commonDir: await readCommonDir(gitDir) };
    }
    if (dirname(dir) === dir) return undefined;
  }
}

async function readCommonDir(gitDir: string): Promise<string> {
  const common = (await readOptional(join(gitDir, "commondir")))?.trim();
  return common === undefined ? gitDir : common.startsWith("/") ? common : join(gitDir, common);
}

/** Largest `.git` file read besides packed-refs, bytes. */
const SMALL_FILE_BYTES = 4096;
/** Largest packed-refs file read, bytes. */
const PACKED_REFS_BYTES = 64 * 1024 * 1024;

/** A regular file's text, when readable and at most `max` bytes (a FIFO or device would block). */
async function readOptional(
  path: string,
  max: number = SMALL_FILE_BYTES,
): Promise<string | undefined> {
  if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") return undefined;
  const info = await Deno.stat(path).catch(() => undefined);
  if (info === undefined || !info.isFile || info.size > max) return undefined;
  return await Deno.readTextFile(path).catch(() => undefined);
}
