/**
 * Whether a folder of a git checkout has uncommitted changes to tracked
 * files, read from the git index and the working tree without running the
 * `git` binary: running git on an untrusted repository is unsafe (its
 * `.git/config` can name commands, e.g. `core.fsmonitor`), so the index and
 * the config are parsed here as plain data.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { isAbsolute, join, relative, resolve, sep } from "node:path";

/** Where a checkout's git files and working tree are. */
export interface GitCheckout {
  /** The working tree's top level (the folder holding `.git`). */
  readonly topLevel: string;
  /** The git directory: `.git`, or the `gitdir:` a worktree's `.git` file names. */
  readonly gitDir: string;
  /** The directory shared by all worktrees (holds `config`); `gitDir` outside worktrees. */
  readonly commonDir: string;
}

/** One entry of the git index (the fields the dirty check needs). */
export interface GitIndexEntry {
  /** Path relative to the top level, `/`-separated. */
  readonly path: string;
  /** File mode: 0o100644, 0o100755, 0o120000 (symlink), 0o160000 (gitlink), 0o040000 (sparse directory). */
  readonly mode: number;
  /** On-disk size when the entry was last refreshed, truncated to 32 bits; 0 when unknown. */
  readonly size: number;
  /** Modification time seconds when the entry was last refreshed. */
  readonly mtimeSeconds: number;
  /** Modification time nanosecond fraction. */
  readonly mtimeNanoseconds: number;
  /** Object id (hex) of the staged content. */
  readonly objectId: string;
  /** Merge stage: 0 normally, 1–3 for an unresolved conflict. */
  readonly stage: number;
  /** `git update-index --assume-unchanged`. */
  readonly assumeValid: boolean;
  /** Sparse checkout / `git update-index --skip-worktree`. */
  readonly skipWorktree: boolean;
  /** `git add -N`. */
  readonly intentToAdd: boolean;
}

/** A parsed git index. */
export interface GitIndex {
  /** Format version: 2, 3 or 4. */
  readonly version: number;
  /** Entries in the index's order (sorted by path bytes, then stage). */
  readonly entries: readonly GitIndexEntry[];
  /**
   * Whether the index is split (`core.splitIndex`, a `link` extension): its
   * entries are then only changes on top of a shared index, so on their own
   * they do not describe the working tree.
   */
  readonly split: boolean;
}

const SIGNATURE = 0x44495243; // "DIRC"
const ASSUME_VALID = 0x8000;
const EXTENDED = 0x4000;
const SKIP_WORKTREE = 0x4000; // in the second flags word
const INTENT_TO_ADD = 0x2000;
const TYPE_MASK = 0o170000;
const REGULAR = 0o100000;
const SYMLINK = 0o120000;
const GITLINK = 0o160000;

/**
 * Parses a git index file (formats 2, 3 and 4; see git's
 * Documentation/gitformat-index.txt). `hashLength` is 20 for SHA-1
 * repositories and 32 for SHA-256 ones. Returns `undefined` for anything
 * malformed — a wrong signature or version, truncated data, a checksum that
 * does not match — instead of throwing: provenance must never fail a run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseGitIndex } from "./git_index.ts";
 *
 * // A version 2 index with no entries: header, then the SHA-1 of the header.
 * const header = new Uint8Array([0x44, 0x49, 0x52, 0x43, 0, 0, 0, 2, 0, 0, 0, 0]);
 * const bytes = new Uint8Array([...header, ...new Uint8Array(await crypto.subtle.digest("SHA-1", header))]);
 * assert.deepEqual(parseGitIndex(bytes)?.entries, []);
 * assert.equal(parseGitIndex(new Uint8Array([1, 2, 3])), undefined);
 * ```
 */
export function parseGitIndex(bytes: Uint8Array, hashLength: 20 | 32 = 20): GitIndex | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.length - hashLength; // the trailing checksum
  if (end < 12 || view.getUint32(0) !== SIGNATURE) return undefined;
  const version = view.getUint32(4);
  if (version < 2 || version > 4) return undefined;
  const count = view.getUint32(8);
  // A v4 entry is at least 40 + hash + 2 + 2 bytes: refuse counts the file cannot hold
  // before allocating anything for them.
  if (count * (44 + hashLength) > end - 12) return undefined;
  if (!checksumMatches(bytes, hashLength)) return undefined;

  const decoder = new TextDecoder();
  const entries: GitIndexEntry[] = [];
  let previous: Uint8Array = new Uint8Array(0); // v4 paths are compressed against the previous one
  let offset = 12;
  for (let i = 0; i < count; i++) {
    const start = offset;
    const fixed = 40 + hashLength + 2;
    if (offset + fixed > end) return undefined;
    const flags = view.getUint16(offset + 40 + hashLength);
    offset += fixed;
    let extra = 0;
    if (flags & EXTENDED) {
      if (version < 3 || offset + 2 > end) return undefined;
      extra = view.getUint16(offset);
      offset += 2;
    }
    let name: Uint8Array;
    if (version === 4) {
      const strip = readVarint(bytes, offset, end);
      if (strip === undefined || strip.value > previous.length) return undefined;
      offset = strip.next;
      const nul = bytes.indexOf(0, offset);
      if (nul < 0 || nul >= end) return undefined;
      const suffix = bytes.subarray(offset, nul);
      name = new Uint8Array(previous.length - strip.value + suffix.length);
      name.set(previous.subarray(0, previous.length - strip.value));
      name.set(suffix, previous.length - strip.value);
      offset = nul + 1;
      previous = name;
    } else {
      const nul = bytes.indexOf(0, offset);
      if (nul < 0 || nul >= end) return undefined;
      name = bytes.subarray(offset, nul);
      // 1–8 NULs pad the entry to a multiple of 8 bytes.
      offset = start + ((offset - start + name.length + 8) & ~7);
      if (offset > end) return undefined;
    }
    const nameLength = flags & 0xfff;
    if (nameLength !== 0xfff && nameLength !== name.length) return undefined;
    entries.push({
      path: decoder.decode(name),
      mode: view.getUint32(start + 24),
      size: view.getUint32(start + 36),
      mtimeSeconds: view.getUint32(start + 8),
      mtimeNanoseconds: view.getUint32(start + 12),
      objectId: hex(bytes.subarray(start + 40, start + 40 + hashLength)),
      stage: (flags >> 12) & 3,
      assumeValid: (flags & ASSUME_VALID) !== 0,
      skipWorktree: (extra & SKIP_WORKTREE) !== 0,
      intentToAdd: (extra & INTENT_TO_ADD) !== 0,
    });
  }

  // Extensions: 4-byte signature, 32-bit size, data. Only `link` matters here.
  let split = false;
  while (offset < end) {
    if (offset + 8 > end) return undefined;
    const signature = decoder.decode(bytes.subarray(offset, offset + 4));
    const size = view.getUint32(offset + 4);
    if (offset + 8 + size > end) return undefined;
    if (signature === "link") split = true;
    offset += 8 + size;
  }
  return { version, entries, split };
}

/**
 * The git object id of a blob with this content: the hash of
 * `"blob <size>\0" + content`, SHA-1 or SHA-256 by repository format.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { blobId } from "./git_index.ts";
 *
 * assert.equal(blobId(new TextEncoder().encode("hi\n")), "45b983be36b73c0788dc9cbcb76cbb80fc7bb057");
 * ```
 */
export function blobId(content: Uint8Array, algorithm: "sha1" | "sha256" = "sha1"): string {
  return createHash(algorithm).update(`blob ${content.length}\0`).update(content).digest("hex");
}

/**
 * The settings of a git config file as `section.key` → value (lower-cased
 * names; the last occurrence wins; a key without `=` is `"true"`). Only what
 * the dirty check reads is supported: sections with subsections
 * (`[remote "origin"]`) and `include`s are skipped, values are plain text.
 * Never executes anything — it is read as text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseGitConfig } from "./git_index.ts";
 *
 * assert.equal(parseGitConfig("[extensions]\n\tobjectFormat = sha256\n").get("extensions.objectformat"), "sha256");
 * ```
 */
export function parseGitConfig(text: string): Map<string, string> {
  const settings = new Map<string, string>();
  let section: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = line.match(/^\[\s*([A-Za-z0-9.-]+)\s*(".*")?\s*\]/);
    if (header) {
      section = header[2] === undefined ? header[1].toLowerCase() : undefined;
      continue;
    }
    const setting = line.match(/^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/);
    if (section === undefined || !setting) continue;
    const value = (setting[2] ?? "true").replace(/\s+[#;].*$/, "").replace(/^"(.*)"$/, "$1");
    settings.set(`${section}.${setting[1].toLowerCase()}`, value.trim());
  }
  return settings;
}

/**
 * Whether tracked files under `folder` differ from the index of `checkout`:
 * `true` at the first changed file (the check stops there), `false` when
 * none does, `undefined` when it cannot be told (no readable or a corrupt or
 * split index, read permission not granted, an unknown entry type). Never
 * throws.
 *
 * For each index entry under `folder`, like git's own refresh: a missing
 * file, a changed type or executable bit (with `core.fileMode`), or a size
 * that differs is a change; the same size and modification time as the
 * index recorded (and older than the index itself — git's "racy" rule) is
 * no change; otherwise the content is hashed as a blob and compared with the
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
 * import { gitDirtyOf } from "./git_index.ts";
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
    const prefix = relative(resolve(checkout.topLevel), resolve(folder)).split(sep).join("/");
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
  if (entry.size === size && sameMtime(entry, info.mtime) && !racy(entry, context)) return false;
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

/** The blob id of a regular file, streamed; `undefined` when the file changed under us. */
async function fileBlobId(
  path: string,
  seen: Deno.FileInfo,
  algorithm: "sha1" | "sha256",
): Promise<string | undefined> {
  using file = await Deno.open(path);
  // lstat saw a regular file: make sure the path was not swapped for a symlink since.
  const info = await file.stat();
  if (!info.isFile || info.ino !== seen.ino || info.dev !== seen.dev) return undefined;
  const hash = createHash(algorithm).update(`blob ${info.size}\0`);
  const buffer = new Uint8Array(64 * 1024);
  let total = 0;
  for (let n = await file.read(buffer); n !== null; n = await file.read(buffer)) {
    hash.update(buffer.subarray(0, n));
    total += n;
  }
  return total === info.size ? hash.digest("hex") : undefined;
}

function checksumMatches(bytes: Uint8Array, hashLength: number): boolean {
  const stored = bytes.subarray(bytes.length - hashLength);
  // `index.skipHash` writes a zero checksum.
  if (stored.every((b) => b === 0)) return true;
  const body = bytes.subarray(0, bytes.length - hashLength);
  return createHash(hashLength === 32 ? "sha256" : "sha1").update(body).digest("hex") ===
    hex(stored);
}

/** git's offset varint (as for OFS_DELTA in packs): 7 bits a byte, each continuation adds 1. */
function readVarint(
  bytes: Uint8Array,
  offset: number,
  end: number,
): { value: number; next: number } | undefined {
  if (offset >= end) return undefined;
  let byte = bytes[offset++];
  let value = byte & 0x7f;
  while (byte & 0x80) {
    if (offset >= end || value > 2 ** 40) return undefined;
    byte = bytes[offset++];
    value = (value + 1) * 128 + (byte & 0x7f);
  }
  return { value, next: offset };
}

function hex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

function gitBoolean(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  const v = value.toLowerCase();
  if (["true", "yes", "on", "1"].includes(v)) return true;
  if (["false", "no", "off", "0", ""].includes(v)) return false;
  return fallback;
}

function readable(path: string): boolean {
  // Never trigger a permission prompt just for provenance.
  return Deno.permissions.querySync({ name: "read", path }).state === "granted";
}

async function readOptionalText(path: string): Promise<string> {
  if (!readable(path)) return "";
  return await Deno.readTextFile(path).catch(() => "");
}
