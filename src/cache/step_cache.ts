import { errorMessage } from "../errors.ts";
import { createSha256 } from "../sha256.ts";
import { nodeV8 } from "../node_builtins.ts";
import type { MetricTags, MetricValue } from "../context/metrics.ts";
import { joinInside } from "../storage/join_inside.ts";
import { safeName } from "../storage/safe_name.ts";
import { atomicWriteSync, type FileWriter } from "../storage/atomic_write.ts";

/**
 * What a cacheable step produced, replayed on a hit: its output, the metrics
 * it recorded, the context keys it added, the artifacts it wrote and, when it
 * drew random numbers, the generator's state afterwards (so later steps draw
 * the same numbers with or without the cache).
 */
export interface CachedStep {
  /** The step's return value. */
  readonly output: unknown;
  /** Metrics recorded by the step: name, values, tags. */
  readonly metrics: readonly (readonly [string, readonly MetricValue[], readonly MetricTags[]])[];
  /** Context entries the step added with `ctx.add`. */
  readonly added: readonly (readonly [string, unknown])[];
  /** Artifacts the step wrote. */
  readonly artifacts: readonly { readonly name: string; readonly data: Uint8Array }[];
  /** Generator state after the step, when the step used `ctx.rng`. */
  readonly rngAfter?: readonly number[];
}

/**
 * Marks a key whose step drew random numbers: the real entry is stored under
 * a second key that also covers the generator's state before the step.
 */
export const RNG_DEPENDENT = "rng-dependent";

/** A stored entry: a step's results, or the {@linkcode RNG_DEPENDENT} marker. */
export type CacheEntry = CachedStep | typeof RNG_DEPENDENT;

const MAGIC = new TextEncoder().encode("CRZC\x00\x00\x00\x01");
const HEADER = MAGIC.length + 32;

/**
 * The on-disk step cache: one file per key under
 * `<dir>/<step>/<key>.bin`, holding a magic header, the SHA-256 of the
 * payload and the payload (V8 serialization, so typed arrays, Maps, Sets,
 * Dates and BigInts round-trip). Writes are atomic (temporary file, then
 * rename), so concurrent workers never leave a torn entry: the last complete
 * write wins and both are valid. A corrupt or truncated entry is reported
 * once and treated as a miss; the recomputed entry replaces it. A failed
 * write (read-only folder, full disk) is reported once per step; the run
 * goes on without caching that step.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { StepCache } from "./step_cache.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const cache = new StepCache(dir, console.warn);
 * const entry = { output: [1, 2], metrics: [], added: [], artifacts: [] };
 * cache.write("tokenize", "k1", entry);
 * assert.deepEqual(cache.read("tokenize", "k1"), entry);
 * assert.equal(cache.read("tokenize", "k2"), undefined);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class StepCache {
  /** Root folder of the entries. */
  readonly dir: string;
  readonly #warn: (message: string) => void;
  readonly #writeFile: FileWriter;
  readonly #reported = new Set<string>();

  /** Creates a cache under `dir`; `warn` receives each problem once. */
  constructor(dir: string, warn: (message: string) => void, writeFile?: FileWriter) {
    this.dir = dir;
    this.#warn = warn;
    this.#writeFile = writeFile ?? Deno.writeFileSync;
  }

  /**
   * The file of `key` for `step`: the step's name encoded (see `safeName`),
   * so any name stays inside {@linkcode StepCache.dir}.
   */
  path(step: string, key: string): string {
    return joinInside(this.dir, safeName(step), `${safeName(key)}.bin`);
  }

  /** The entry of `key`, or `undefined` when missing, unreadable or corrupt. */
  read(step: string, key: string): CacheEntry | undefined {
    const path = this.path(step, key);
    let bytes: Uint8Array;
    try {
      bytes = Deno.readFileSync(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) {
        this.#report(
          path,
          `cannot read cache entry ${path} of step '${step}': ${errorMessage(error)}`,
        );
      }
      return undefined;
    }
    const problem = checkEntry(bytes);
    if (problem === undefined) {
      try {
        return nodeV8().deserialize(bytes.subarray(HEADER)) as CacheEntry;
      } catch (error) {
        return this.#corrupt(path, step, `cannot be decoded (${errorMessage(error)})`);
      }
    }
    return this.#corrupt(path, step, problem);
  }

  /** Stores `entry` under `key`; a failure is reported (once per step), not thrown. */
  write(step: string, key: string, entry: CacheEntry): void {
    const path = this.path(step, key);
    try {
      const payload = nodeV8().serialize(entry);
      const digest = createSha256().update(payload).digest();
      const bytes = new Uint8Array(HEADER + payload.length);
      bytes.set(MAGIC, 0);
      bytes.set(digest, MAGIC.length);
      bytes.set(payload, HEADER);
      atomicWriteSync(path, bytes, this.#writeFile);
    } catch (error) {
      this.#report(
        `write:${step}`,
        `could not write the cache entry of step '${step}' to ${path}: ${errorMessage(error)}; ` +
          "the step still ran and its result is used, it is just not cached " +
          "(check that the output folder is writable and has space)",
      );
    }
  }

  /** Reports `text` once per `id` for this cache (one run). */
  warnOnce(id: string, text: string): void {
    this.#report(id, text);
  }

  #corrupt(path: string, step: string, problem: string): undefined {
    this.#report(
      path,
      `cache entry ${path} of step '${step}' ${problem}; it is ignored and recomputed`,
    );
    return undefined;
  }

  #report(id: string, text: string): void {
    if (this.#reported.has(id)) return;
    this.#reported.add(id);
    this.#warn(text);
  }
}

/** Why `bytes` is not a valid entry, or `undefined` when its header and checksum hold. */
function checkEntry(bytes: Uint8Array): string | undefined {
  if (bytes.length < HEADER) return `is truncated (${bytes.length} bytes)`;
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) return "is not a Crystallize cache file (bad header)";
  }
  const digest = createSha256().update(bytes.subarray(HEADER)).digest();
  for (let i = 0; i < 32; i++) {
    if (digest[i] !== bytes[MAGIC.length + i]) {
      return "fails its checksum (truncated or modified)";
    }
  }
  return undefined;
}
