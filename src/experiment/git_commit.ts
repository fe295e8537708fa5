import { dirname, join, resolve } from "node:path";
import { type GitCheckout, gitDirtyOf } from "./git_index.ts";

/** The commit a folder's git checkout is at. */
export interface GitInfo {
  /** Full commit hash. */
  readonly commit: string;
  /** Branch name, when HEAD is on one. */
  readonly branch?: string;
  /**
   * Whether tracked files under the folder differ from the index (see
   * {@linkcode gitDirtyOf}: staged-but-uncommitted changes are not seen);
   * absent when it could not be determined.
   */
  readonly dirty?: boolean;
}

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
  folder = resolve(folder);
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

async function readHead(checkout: GitCheckout): Promise<GitInfo | undefined> {
  const { gitDir, commonDir } = checkout;
  const head = (await Deno.readTextFile(join(gitDir, "HEAD"))).trim();
  if (!head.startsWith("ref: ")) {
    return /^[0-9a-f]{40,64}$/.test(head) ? { commit: head } : undefined;
  }
  const ref = head.slice(5);
  const branch = ref.replace(/^refs\/heads\//, "");
  for (const dir of [gitDir, commonDir]) {
    const loose = await readOptional(join(dir, ref));
    if (loose !== undefined) return { commit: loose.trim(), branch };
  }
  const packed = await readOptional(join(commonDir, "packed-refs"));
  const line = packed?.split("\n").find((l) => l.endsWith(` ${ref}`));
  return line === undefined ? undefined : { commit: line.split(" ")[0], branch };
}

async function findCheckout(start: string): Promise<GitCheckout | undefined> {
  for (let dir = start;; dir = dirname(dir)) {
    const candidate = join(dir, ".git");
    const info = await Deno.stat(candidate).catch(() => undefined);
    if (info?.isDirectory) return { topLevel: dir, gitDir: candidate, commonDir: candidate };
    if (info?.isFile) {
      // A worktree or submodule: `.git` is a file "gitdir: <path>".
      const text = await Deno.readTextFile(candidate);
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

async function readOptional(path: string): Promise<string | undefined> {
  return await Deno.readTextFile(path).catch(() => undefined);
}
