import { BasePlugin } from "./plugin.ts";
import { type PluginSettings, type SeedSettings, SETTINGS } from "./setting_plugins.ts";

/** How replicate seeds are derived: the experiment's `seed` option, or a {@linkcode SeedPlugin}. */
export interface SeedPluginOptions {
  /** Master seed (an integer in [0, 2^32)); drawn at random when omitted, and recorded in provenance. */
  seed?: number;
  /** Derive a distinct seed per replicate (default true); false gives every replicate the master seed. */
  autoSeed?: boolean;
  /**
   * Called with each replicate's seed before its datasource runs, to seed
   * randomness outside `ctx.rng` (e.g. a library with a global generator).
   */
  seedFn?: (seed: number) => void;
}

const TWO_32 = 2 ** 32;

/**
 * Makes runs reproducible. Replicate `r` gets seed `(seed + r * 31337) mod 2^32`
 * (the original's formula); every condition of one replicate gets the same
 * seed, so baseline and treatments see common random numbers. `ctx.rng` is
 * seeded from it, in every isolate, whatever the execution strategy.
 * Attached by default with a random master seed. It is the plugin form of
 * the experiment's `seed` option (`Experiment.builder().seed(123)`), kept
 * for plugin lists and config.yaml.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SeedPlugin } from "@crystallize/deno";
 *
 * const seeds = new SeedPlugin({ seed: 123 });
 * assert.deepEqual([0, 1, 2].map((r) => seeds.seedFor(r)), [123, 31460, 62797]);
 * ```
 */
export class SeedPlugin extends BasePlugin implements SeedSettings {
  /** The master seed. */
  readonly seed: number;
  /** Whether replicates get distinct seeds. */
  readonly autoSeed: boolean;
  /** Extra seeding hook, if any. */
  readonly seedFn: ((seed: number) => void) | undefined;
  /** Whether the master seed was drawn at random (not given). */
  readonly drawn: boolean;

  /** Creates the plugin; a seed outside [0, 2^32) or not an integer throws a `RangeError`. */
  constructor(options: SeedPluginOptions = {}) {
    super();
    if (options.seed !== undefined) assertSeed(options.seed);
    this.drawn = options.seed === undefined;
    this.seed = options.seed ?? crypto.getRandomValues(new Uint32Array(1))[0];
    this.autoSeed = options.autoSeed ?? true;
    this.seedFn = options.seedFn;
  }

  /**
   * The setting this plugin stands for: the experiment's seeding.
   *
   * @ignore
   */
  get [SETTINGS](): PluginSettings {
    return { seeding: this };
  }

  /** The seed of replicate `replicate` under master seed `master` (default: this plugin's). */
  seedFor(replicate: number, master: number = this.seed): number {
    return replicateSeed({ master, autoSeed: this.autoSeed }, replicate);
  }
}

/** How a run derives replicate seeds: plain data, so workers derive the same ones. */
export interface Seeding {
  /** Master seed of the run. */
  readonly master: number;
  /** Distinct seed per replicate (else every replicate gets the master seed). */
  readonly autoSeed: boolean;
}

/**
 * The seed of `replicate`: `(master + replicate * 31337) mod 2^32`, or the
 * master seed when `autoSeed` is off.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { replicateSeed } from "./seed.ts";
 *
 * assert.equal(replicateSeed({ master: 1, autoSeed: true }, 2), 62675); // 1 + 2 * 31337
 * assert.equal(replicateSeed({ master: 1, autoSeed: false }, 2), 1);
 * ```
 */
export function replicateSeed(seeding: Seeding, replicate: number): number {
  return seeding.autoSeed ? (seeding.master + replicate * 31337) % TWO_32 : seeding.master;
}

/** Throws a `RangeError` unless `seed` is an integer in [0, 2^32). */
export function assertSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed >= TWO_32) {
    throw new RangeError(`A seed must be an integer in [0, 2^32), got ${seed}`);
  }
}
