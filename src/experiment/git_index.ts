/**
 * The git index file parsed as plain data (formats 2, 3 and 4), for the
 * dirty check of provenance, which never runs the `git` binary (see
 * `git_dirty.ts`).
 *
 * @module
 */
import { nodeCrypto } from "../node_builtins.ts";
import { hexOf } from "../bytes.ts";

/** One entry of the git index (the fields the dirty check needs). */
export interface GitIndexEntry {
  /** Path relative to the top level, `/`-separated. */
  readonly path: string;
  /** File mode: 0o100644, 0o100755, 0o120000 (symlink), 0o160000 (gitlink), 0o040000 (sparse directory). */
  readonly mode: number;
  /** On-disk size when the entry was last refreshed, truncated to 32 bits; 0 when unknown. */
  readonly size: number;
  /** Status-change time seconds when the entry was last refreshed. */
  readonly ctimeSeconds: number;
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

  const reader: IndexReader = {
    bytes,
    view,
    end,
    version,
    hashLength,
    decoder: new TextDecoder(),
    offset: 12,
    previous: new Uint8Array(0),
  };
  const entries: GitIndexEntry[] = [];
  for (let i = 0; i < count; i++) {
    const entry = readEntry(reader);
    if (entry === undefined) return undefined;
    entries.push(entry);
  }
  const split = hasSplitLink(reader);
  return split === undefined ? undefined : { version, entries, split };
}

/** A position in an index being parsed. */
interface IndexReader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** Where the entries and extensions end (the checksum follows). */
  readonly end: number;
  readonly version: number;
  readonly hashLength: number;
  readonly decoder: TextDecoder;
  offset: number;
  /** The previous entry's path: v4 paths are compressed against it. */
  previous: Uint8Array;
}

/** The entry at the reader's offset (which moves past it), or `undefined` when malformed. */
function readEntry(reader: IndexReader): GitIndexEntry | undefined {
  const { bytes, view, end, hashLength } = reader;
  const start = reader.offset;
  const fixed = 40 + hashLength + 2;
  if (start + fixed > end) return undefined;
  const flags = view.getUint16(start + 40 + hashLength);
  reader.offset = start + fixed;
  let extra = 0;
  if (flags & EXTENDED) {
    if (reader.version < 3 || reader.offset + 2 > end) return undefined;
    extra = view.getUint16(reader.offset);
    reader.offset += 2;
  }
  const name = reader.version === 4 ? readCompressedPath(reader) : readPaddedPath(reader, start);
  if (name === undefined) return undefined;
  const nameLength = flags & 0xfff;
  if (nameLength !== 0xfff && nameLength !== name.length) return undefined;
  return {
    path: reader.decoder.decode(name),
    mode: view.getUint32(start + 24),
    size: view.getUint32(start + 36),
    ctimeSeconds: view.getUint32(start),
    mtimeSeconds: view.getUint32(start + 8),
    mtimeNanoseconds: view.getUint32(start + 12),
    objectId: hexOf(bytes.subarray(start + 40, start + 40 + hashLength)),
    stage: (flags >> 12) & 3,
    assumeValid: (flags & ASSUME_VALID) !== 0,
    skipWorktree: (extra & SKIP_WORKTREE) !== 0,
    intentToAdd: (extra & INTENT_TO_ADD) !== 0,
  };
}

/** A v4 path: how many bytes of the previous path to drop, then the NUL-terminated rest. */
function readCompressedPath(reader: IndexReader): Uint8Array | undefined {
  const { bytes, end, previous } = reader;
  const strip = readVarint(bytes, reader.offset, end);
  if (strip === undefined || strip.value > previous.length) return undefined;
  const nul = bytes.indexOf(0, strip.next);
  if (nul < 0 || nul >= end) return undefined;
  const suffix = bytes.subarray(strip.next, nul);
  const name = new Uint8Array(previous.length - strip.value + suffix.length);
  name.set(previous.subarray(0, previous.length - strip.value));
  name.set(suffix, previous.length - strip.value);
  reader.offset = nul + 1;
  reader.previous = name;
  return name;
}

/** A v2/v3 path: NUL-terminated, the entry padded to a multiple of 8 bytes from `start`. */
function readPaddedPath(reader: IndexReader, start: number): Uint8Array | undefined {
  const { bytes, end } = reader;
  const nul = bytes.indexOf(0, reader.offset);
  if (nul < 0 || nul >= end) return undefined;
  const name = bytes.subarray(reader.offset, nul);
  // 1–8 NULs pad the entry to a multiple of 8 bytes.
  reader.offset = start + ((reader.offset - start + name.length + 8) & ~7);
  return reader.offset > end ? undefined : name;
}

/**
 * Reads the extensions (4-byte signature, 32-bit size, data): whether one is
 * `link` (a split index), or `undefined` when they are malformed.
 */
function hasSplitLink(reader: IndexReader): boolean | undefined {
  const { bytes, view, end } = reader;
  let split = false;
  for (let offset = reader.offset; offset < end;) {
    if (offset + 8 > end) return undefined;
    const signature = reader.decoder.decode(bytes.subarray(offset, offset + 4));
    const size = view.getUint32(offset + 4);
    if (offset + 8 + size > end) return undefined;
    if (signature === "link") split = true;
    offset += 8 + size;
  }
  return split;
}

function checksumMatches(bytes: Uint8Array, hashLength: number): boolean {
  const stored = bytes.subarray(bytes.length - hashLength);
  // `index.skipHash` writes a zero checksum.
  if (stored.every((b) => b === 0)) return true;
  const body = bytes.subarray(0, bytes.length - hashLength);
  return nodeCrypto().createHash(hashLength === 32 ? "sha256" : "sha1").update(body).digest(
    "hex",
  ) ===
    hexOf(stored);
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
