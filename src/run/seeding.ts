/**
 * Seeding of a run as pure functions: how the master seed is chosen and how
 * each replicate's seed derives from it. `SeedPlugin` and the run planner
 * both use these; workers derive the same seeds from the plain
 * {@linkcode Seeding} they are sent.
 * @module
 */

import type { SeedSettings } from "./setting_plugins.ts";

const TWO_32 = 2 ** 32;

/** How a run derives replicate seeds: plain data, so workers derive the same ones. */
export interface Seeding {
  /** Master seed of the run. */
  readonly master: number;
  /** Distinct seed per replicate (else every replicate gets the master seed). */
  readonly autoSeed: boolean;
}

/**
 * Resolves seeding options: checks a given seed, draws one at random when
 * none is given (and says so in `drawn`), and defaults `autoSeed` to true.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seedSettings } from "./seeding.ts";
 *
 * assert.deepEqual(seedSettings({ seed: 7 }), { seed: 7, autoSeed: true, seedFn: undefined, drawn: false });
 * assert.equal(seedSettings({}).drawn, true);
 * assert.throws(() => seedSettings({ seed: -1 }), RangeError);
 * ```
 */
export function seedSettings(options: {
  readonly seed?: number;
  readonly autoSeed?: boolean;
  readonly seedFn?: (seed: number) => void;
}): SeedSettings {
  if (options.seed !== undefined) assertSeed(options.seed);
  return {
    seed: options.seed ?? drawSeed(),
    autoSeed: options.autoSeed ?? true,
    seedFn: options.seedFn,
    drawn: options.seed === undefined,
  };
}

/**
 * A master seed drawn at random, in [0, 2^32).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { assertSeed, drawSeed } from "./seeding.ts";
 *
 * assertSeed(drawSeed()); // always a valid seed
 * ```
 */
export function drawSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0];
}

/**
 * The seed of `replicate`: `(master + replicate * 31337) mod 2^32` (the
 * original's formula), or the master seed when `autoSeed` is off.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { replicateSeed } from "./seeding.ts";
 *
 * assert.equal(replicateSeed({ master: 1, autoSeed: true }, 2), 62675); // 1 + 2 * 31337
 * assert.equal(replicateSeed({ master: 1, autoSeed: false }, 2), 1);
 * ```
 */
export function replicateSeed(seeding: Seeding, replicate: number): number {
  if (!seeding.autoSeed) return seeding.master;
  const x = seeding.master + replicate * 31337;
  // x mod 2^32 without `%` (a floating-point remainder, ~25 ns once per condition):
  // exact for every x >= 0, since dividing by a power of two and flooring are exact.
  return x < TWO_32 ? x : x - Math.floor(x / TWO_32) * TWO_32;
}

/**
 * Throws a `RangeError` unless `seed` is an integer in [0, 2^32).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { assertSeed } from "./seeding.ts";
 *
 * assert.throws(() => assertSeed(1.5), /integer in \[0, 2\^32\)/);
 * ```
 */
export function assertSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed >= TWO_32) {
    throw new RangeError(`A seed must be an integer in [0, 2^32), got ${seed}`);
  }
}
