/**
 * Whether a folder of a git checkout has uncommitted changes to tracked
 * files, read from the git index and the working tree without running the
 * `git` binary: running git on an untrusted repository is unsafe (its
 * `.git/config` can name commands, e.g. `core.fsmonitor`), so the index and
 * the config are parsed here as plain data.
 *
 * @module
 */
import { isAbsolute, join, sep } from "../path.ts";
import { relativePath } from "../resolve_path.ts";
import { blobId, fileBlobId } from "./git_blob.ts";
import { gitBoolean, parseGitConfig } from "./git_config.ts";
import { type GitIndexEntry, parseGitIndex } from "./git_index.ts";

/** Where a checkout's git files and working tree are. */
export interface GitCheckout {
  /** The working tree's top level (the folder holding `.git`). */
  readonly topLevel: string;
  /** The git directory: `.git`, or the `gitdir:` a worktree's `.git` file names. */
  readonly gitDir: string;
  /** The directory shared by all worktrees (holds `config`); `gitDir` outside worktrees. */
  readonly commonDir: string;
}

const TYPE_MASK = 0o170000;
const REGULAR = 0o100000;
const SYMLINK = 0o120000;
const GITLINK = 0o160000;

/**
 * Whether tracked files under `folder` differ from the index of `checkout`:
 * `true` at the first changed file (the check stops there), `false` when
 * none does, `undefined` when it cannot be told (no readable or a corrupt or
 * split index, read permission not granted, an unknown entry type). Never
 * throws.
 *
 * For each index entry under `folder`, like git's own refresh: a missing
 * file, a changed type or executable bit (with `core.fileMode`), or a size
 * that differs is a change; the same size, modification time and (with
 * `core.trustCtime`, on by default) status-change second as the index
 * recorded (and older than the index itself — git's "racy" rule) is no
 * change; otherwise the content is hashed as a blob and compared with the
 * entry's object id. Symlinks (mode 120000) are compared by their target,
 * never followed, and a file below a symlinked directory counts as missing.
 * Entries marked skip-worktree or assume-unchanged count as clean, gitlinks
 * (submodules) are skipped, and conflicts and `git add -N` entries are
 * changes.
 *
 * Limits: only the working tree is compared with the index — changes staged
 * with `git add` but not committed are not seen (that needs HEAD's tree
 * objects: zlib and packfiles); untracked files are not changes; content
 * filters (`core.autocrlf`, `.gitattributes` eol or `filter`, e.g. Git LFS)
 * are not applied, so a file whose timestamp changed but whose filtered
 * content did not counts as dirty; modification times are compared at
 * millisecond resolution (what Deno's stat exposes); `include`d config files
 * and per-worktree config are not read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gitDirtyOf } from "./git_dirty.ts";
 *
 * // A throwaway repository in a temp folder (git init and add only; no commit needed).
 * const repo = await Deno.makeTempDir();
 * const git = (...args: string[]) => new Deno.Command("git", { args, cwd: repo, stdout: "null" }).output();
 * await git("init", "-q");
 * await Deno.mkdir(`${repo}/experiments/a`, { recursive: true });
 * await Deno.writeTextFile(`${repo}/experiments/a/steps.ts`, "export {};\n");
 * await git("add", ".");
 * const checkout = { topLevel: repo, gitDir: `${repo}/.git`, commonDir: `${repo}/.git` };
 * assert.equal(await gitDirtyOf(checkout, `${repo}/experiments/a`), false);
 * await Deno.writeTextFile(`${repo}/experiments/a/steps.ts`, "export const changed = 1;\n");
 * assert.equal(await gitDirtyOf(checkout, `${repo}/experiments/a`), true);
 * await Deno.remove(repo, { recursive: true });
 * ```
 */
export async function gitDirtyOf(
  checkout: GitCheckout,
  folder: string,
): Promise<boolean | undefined> {
  try {
    const prefix = relativePath(checkout.topLevel, folder).split(sep).join("/");
    if (isAbsolute(prefix) || prefix === ".." || prefix.startsWith("../")) return undefined;
    if (!readable(folder)) return undefined;
    const config = parseGitConfig(await readOptionalText(join(checkout.commonDir, "config")));
    const sha256 = config.get("extensions.objectformat")?.toLowerCase() === "sha256";
    const indexPath = join(checkout.gitDir, "index");
    if (!readable(indexPath)) return undefined;
    const indexStat = await Deno.stat(indexPath);
    const index = parseGitIndex(await Deno.readFile(indexPath), sha256 ? 32 : 20);
    if (index === undefined || index.split) return undefined;
    const context: CheckContext = {
      topLevel: checkout.topLevel,
      folderPrefix: prefix === "" ? "" : `${prefix}/`,
      algorithm: sha256 ? "sha256" : "sha1",
      fileMode: gitBoolean(config.get("core.filemode"), true),
      symlinks: gitBoolean(config.get("core.symlinks"), true),
      trustCtime: gitBoolean(config.get("core.trustctime"), true),
      indexMtimeMs: indexStat.mtime?.getTime(),
      directories: new Map(),
    };
    let seen = false;
    for (const entry of index.entries) {
      if (!entry.path.startsWith(context.folderPrefix)) {
        // Entries are sorted by path bytes, so those under the folder are contiguous.
        if (seen) break;
        continue;
      }
      seen = true;
      const changed = await entryChanged(entry, context);
      if (changed !== false) return changed;
    }
    return false;
  } catch {
    return undefined;
  }
}

interface CheckContext {
  readonly topLevel: string;
  /** The folder relative to the top level, `/`-terminated ("" for the top level). */
  readonly folderPrefix: string;
  readonly algorithm: "sha1" | "sha256";
  readonly fileMode: boolean;
  readonly symlinks: boolean;
  /** `core.trustctime`: a changed status-change time means the content must be compared. */
  readonly trustCtime: boolean;
  /** When the index was written; entries modified since are "racy" (see below). */
  readonly indexMtimeMs: number | undefined;
  /** Directory (relative path) → whether it is a real directory, not a symlink. */
  readonly directories: Map<string, boolean>;
}

/** `true` changed, `false` unchanged, `undefined` cannot tell. */
async function entryChanged(
  entry: GitIndexEntry,
  context: CheckContext,
): Promise<boolean | undefined> {
  if (entry.skipWorktree || entry.assumeValid) return false;
  // An index is input like any other: a path with `..` must not lead out of the checkout.
  if (entry.path.split("/").some((part) => part === "" || part === "." || part === "..")) {
    return undefined;
  }
  const type = entry.mode & TYPE_MASK;
  if (type === GITLINK) return false;
  if (entry.stage !== 0 || entry.intentToAdd) return true;
  // Sparse-directory entries (040000) always carry skip-worktree; anything else is unknown.
  if (type !== REGULAR && type !== SYMLINK) return undefined;
  // A path below a symlinked directory is not the tracked file (git counts it
  // removed); lstat'ing through it would also read outside the checkout.
  if (!(await leadingDirectoriesReal(entry.path, context))) return true;
  const path = join(context.topLevel, entry.path);
  const info = await Deno.lstat(path).catch(() => undefined);
  if (info === undefined) return true;
  const asSymlink = type === SYMLINK && (info.isSymlink || context.symlinks);
  if (asSymlink ? !info.isSymlink : !info.isFile) return true;
  if (
    type === REGULAR && context.fileMode && info.mode !== null &&
    ((entry.mode ^ info.mode) & 0o100) !== 0
  ) {
    return true;
  }
  const size = info.size % 2 ** 32;
  // Size 0 in the index means "not known" (git writes it for racily clean entries).
  if (entry.size !== 0 && entry.size !== size) return true;
  if (
    entry.size === size && sameMtime(entry, info.mtime) &&
    (!context.trustCtime || sameCtime(entry, info.ctime)) && !racy(entry, context)
  ) {
    return false;
  }
  const id = info.isSymlink
    ? blobId(new TextEncoder().encode(await Deno.readLink(path)), context.algorithm)
    : await fileBlobId(path, info, context.algorithm);
  return id !== entry.objectId;
}

async function leadingDirectoriesReal(path: string, context: CheckContext): Promise<boolean> {
  // Only directories below the folder: the folder itself is the caller's choice.
  const parts = path.slice(context.folderPrefix.length).split("/");
  let dir = context.folderPrefix.slice(0, -1);
  for (const part of parts.slice(0, -1)) {
    dir = dir === "" ? part : `${dir}/${part}`;
    let real = context.directories.get(dir);
    if (real === undefined) {
      const info = await Deno.lstat(join(context.topLevel, dir)).catch(() => undefined);
      real = info?.isDirectory === true;
      context.directories.set(dir, real);
    }
    if (!real) return false;
  }
  return true;
}

function sameMtime(entry: GitIndexEntry, mtime: Date | null): boolean {
  if (mtime === null) return false;
  const ms = mtime.getTime();
  // Deno's stat gives milliseconds: compare the nanoseconds at that resolution.
  return Math.floor(ms / 1000) === entry.mtimeSeconds &&
    ms % 1000 === Math.floor(entry.mtimeNanoseconds / 1e6);
}

function sameCtime(entry: GitIndexEntry, ctime: Date | null): boolean {
  // Seconds, as git compares them unless built with USE_NSEC; no ctime on this platform: mtime decides.
  return ctime === null || Math.floor(ctime.getTime() / 1000) === entry.ctimeSeconds;
}

/**
 * git's "racy git" rule: a file modified in the same instant the index was
 * written (or later) may have changed again without its timestamp moving,
 * so its stat data proves nothing and the content must be compared.
 */
function racy(entry: GitIndexEntry, context: CheckContext): boolean {
  if (context.indexMtimeMs === undefined) return true;
  const entryMs = entry.mtimeSeconds * 1000 + Math.floor(entry.mtimeNanoseconds / 1e6);
  return entryMs >= context.indexMtimeMs;
}

function readable(path: string): boolean {
  // Never trigger a permission prompt just for provenance.
  return Deno.permissions.querySync({ name: "read", path }).state === "granted";
}

async function readOptionalText(path: string): Promise<string> {
  if (!readable(path)) return "";
  return await Deno.readTextFile(path).catch(() => "");
}
