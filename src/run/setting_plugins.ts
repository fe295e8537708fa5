/**
 * Seeding, logging and storage are settings of an experiment (its `seed`,
 * `logging` and `storage` options). `SeedPlugin`, `LoggingPlugin` and
 * `ArtifactPlugin` are their plugin forms: each holds the setting it stands
 * for under {@linkcode SETTINGS}, so the experiment reads settings from its
 * plugins in one generic way, without knowing their classes.
 * @module
 */
import type { Logger } from "../context/logger.ts";
import type { RunStore } from "../storage/run_store.ts";

/**
 * How a run derives replicate seeds: the master seed and how each
 * replicate's seed follows from it (see `SeedPlugin`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataSource, Experiment, pipelineStep } from "@crystallize/deno";
 *
 * const experiment = Experiment.builder("seeded").datasource(dataSource(() => 1, { name: "one" })())
 *   .addStep(pipelineStep((d: number) => d, { name: "id" })()).seed(7).build();
 * assert.deepEqual(
 *   [experiment.seeding.seed, experiment.seeding.drawn, experiment.seeding.autoSeed],
 *   [7, false, true],
 * );
 * ```
 */
export interface SeedSettings {
  /** The master seed, an integer in [0, 2^32). */
  readonly seed: number;
  /** Whether it was drawn at random (not given): provenance says so, resume keeps it. */
  readonly drawn: boolean;
  /** Distinct seed per replicate (else every replicate gets the master seed). */
  readonly autoSeed: boolean;
  /** Called with each replicate's seed before its datasource runs, if set. */
  readonly seedFn: ((seed: number) => void) | undefined;
}

/** The settings a plugin may stand for. */
export interface PluginSettings {
  /** How replicate seeds are derived. */
  readonly seeding?: SeedSettings;
  /** The logger behind `ctx.logger` and the engine's warnings. */
  readonly logger?: Logger;
  /** Where runs are stored. */
  readonly storage?: RunStore;
}

/** The key under which a plugin form of a setting holds the {@linkcode PluginSettings} it stands for. */
export const SETTINGS: unique symbol = Symbol("crystallize.settings");

/** The settings `plugin` stands for: none unless it is a plugin form of a setting. */
export function settingsOf(plugin: unknown): PluginSettings {
  if (typeof plugin !== "object" || plugin === null) return {};
  return (plugin as { readonly [SETTINGS]?: PluginSettings })[SETTINGS] ?? {};
}

/**
 * The settings `plugins` stand for: of each setting, the first plugin's
 * (an experiment's own plugins come before those a run adds).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ArtifactPlugin, SeedPlugin } from "@crystallize/deno";
 * import { pluginSettings } from "./setting_plugins.ts";
 *
 * const settings = pluginSettings([new SeedPlugin({ seed: 1 }), new SeedPlugin({ seed: 2 }), new ArtifactPlugin()]);
 * assert.equal(settings.seeding?.seed, 1);
 * assert.ok(settings.storage !== undefined);
 * assert.equal(settings.logger, undefined);
 * ```
 */
export function pluginSettings(plugins: readonly unknown[]): PluginSettings {
  const merged: { -readonly [K in keyof PluginSettings]: PluginSettings[K] } = {};
  for (const plugin of plugins) {
    const own = settingsOf(plugin);
    merged.seeding ??= own.seeding;
    merged.logger ??= own.logger;
    merged.storage ??= own.storage;
  }
  return merged;
}
