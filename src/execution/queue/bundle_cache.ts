/**
 * A worker's cache of unpacked bundles, bounded: bundles live in
 * `<dir>/bundles/<hash>/` (their runs' step caches and scratch output in
 * `<dir>/work/<hash>/`), each folder's modification time says when it was
 * last used, and {@linkcode BundleCache.prune} deletes all but the most
 * recently used — never one a batch is using.
 * @module
 */
import { join } from "../../path.ts";
import { unpackBundle, type UnpackedBundle } from "./bundle.ts";

/** Bundles a worker keeps unpacked unless `--bundle-cache-max` says otherwise. */
export const DEFAULT_BUNDLE_CACHE_MAX = 16;

const HASH = /^[0-9a-f]{64}$/;

/** A bundle's use is written down at most this often, ms. */
const TOUCH_EVERY_MS = 1000;

/**
 * The unpacked bundles of one worker.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { packBundle } from "./bundle.ts";
 * import { BundleCache } from "./bundle_cache.ts";
 *
 * const code = await Deno.realPath(await Deno.makeTempDir());
 * const cache = new BundleCache(await Deno.makeTempDir(), 1);
 * const hashes = [];
 * for (const text of ["a", "b"]) {
 *   await Deno.writeTextFile(`${code}/steps.ts`, text);
 *   const bundle = await packBundle([code], { library: "/lib" });
 *   await cache.unpack(bundle.bytes, bundle.hash);
 *   hashes.push(bundle.hash);
 * }
 * const [a, b] = hashes;
 * assert.deepEqual(await cache.prune(new Set([a, b])), []); // both in use: both stay
 * assert.deepEqual(await cache.prune(new Set([b])), [a]); // one kept: the one in use
 * assert.equal(cache.workRoot(b), `${cache.dir}/work/${b}`);
 * await Deno.remove(code, { recursive: true });
 * await Deno.remove(cache.dir, { recursive: true });
 * ```
 */
export class BundleCache {
  /** The worker's cache folder. */
  readonly dir: string;
  /** How many bundles stay unpacked. */
  readonly keep: number;
  /** When each bundle was last marked used, ms since the epoch. */
  readonly #touched = new Map<string, number>();

  /** A cache in `dir` keeping `keep` bundles (at least 1). */
  constructor(dir: string, keep: number) {
    this.dir = dir;
    this.keep = Math.max(1, keep);
  }

  /** The scratch folder of a bundle's runs (step caches, output before it travels back). */
  workRoot(hash: string): string {
    return join(this.dir, "work", hash);
  }

  /** Unpacks (or finds) a bundle (see `unpackBundle`) and marks it used now. */
  async unpack(bytes: Uint8Array, hash: string): Promise<UnpackedBundle> {
    const bundle = await unpackBundle(bytes, hash, this.#bundles);
    await this.#mark(hash);
    return bundle;
  }

  /**
   * Marks a bundle used now (a batch starts with it). Pruning needs no finer
   * order than a second, so a bundle touched less than a second ago is not
   * touched again: a worker running many short batches spares a file-system
   * call on each.
   */
  async touch(hash: string): Promise<void> {
    if (Date.now() - (this.#touched.get(hash) ?? -Infinity) >= TOUCH_EVERY_MS) {
      await this.#mark(hash);
    }
  }

  /**
   * Deletes unpacked bundles (and their work folders) until at most `keep`
   * are left — the most recently used, and always those in `inUse` (which
   * count towards `keep`, and stay however many they are) — and returns
   * the hashes deleted. A bundle folder is renamed away
   * before it is deleted, so nothing sees half of one.
   */
  async prune(inUse: ReadonlySet<string>): Promise<string[]> {
    const found: { hash: string; used: number }[] = [];
    const entries = await Array.fromAsync(Deno.readDir(this.#bundles)).catch(() => []);
    for (const entry of entries) {
      if (!entry.isDirectory || !HASH.test(entry.name)) continue;
      const info = await Deno.stat(join(this.#bundles, entry.name)).catch(() => undefined);
      if (info !== undefined) found.push({ hash: entry.name, used: info.mtime?.getTime() ?? 0 });
    }
    found.sort((a, b) => b.used - a.used);
    const idle = found.filter((b) => !inUse.has(b.hash));
    const room = Math.max(0, this.keep - (found.length - idle.length));
    const deleted: string[] = [];
    for (const { hash } of idle.slice(room)) {
      const away = join(this.#bundles, `.deleting-${hash.slice(0, 12)}-${crypto.randomUUID()}`);
      if (await Deno.rename(join(this.#bundles, hash), away).then(() => true, () => false)) {
        await Deno.remove(away, { recursive: true }).catch(() => {});
        await Deno.remove(this.workRoot(hash), { recursive: true }).catch(() => {});
        this.#touched.delete(hash);
        deleted.push(hash);
      }
    }
    return deleted;
  }

  async #mark(hash: string): Promise<void> {
    const now = Date.now();
    this.#touched.set(hash, now);
    await Deno.utime(join(this.#bundles, hash), now / 1000, now / 1000).catch(() => {});
  }

  get #bundles(): string {
    return join(this.dir, "bundles");
  }
}
