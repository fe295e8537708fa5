import { BasePlugin } from "./plugin.ts";
import { replicateSeed, seedSettings } from "./seeding.ts";
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
    ({ seed: this.seed, autoSeed: this.autoSeed, seedFn: this.seedFn, drawn: this.drawn } =
      seedSettings(options));
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
