import type { Logger } from "../context/logger.ts";
import { errorMessage } from "../errors.ts";
import { SerialExecution } from "../execution/serial.ts";
import { ArtifactPlugin } from "../run/artifact_plugin.ts";
import { LoggingPlugin } from "../run/logging_plugin.ts";
import type { BasePlugin } from "../run/plugin.ts";
import { SeedPlugin } from "../run/seed.ts";
import {
  type PluginSettings,
  pluginSettings,
  type SeedSettings,
  settingsOf,
} from "../run/setting_plugins.ts";
import type { RunStore } from "../storage/run_store.ts";
import type { ExperimentOptions } from "./experiment_options.ts";

/** An experiment's settings, resolved from its options and plugins. */
export interface ExperimentSettings {
  /** Its plugins: those given, then the plugin forms of the settings they did not give. */
  readonly plugins: readonly BasePlugin[];
  /** How replicate seeds are derived. */
  readonly seeding: SeedSettings;
  /** The logger of its runs. */
  readonly logger: Logger;
  /** Where its runs are stored (`undefined`: they are not). */
  readonly storage: RunStore | undefined;
  /** Settings given twice (as an option and by a plugin), worded for `validate()`. */
  readonly problems: readonly string[];
}

/** The settings that have a plugin form: the option that sets each, and how it becomes that plugin. */
const SETTING_FORMS: readonly {
  readonly key: keyof PluginSettings;
  readonly option: "seed" | "logging" | "storage";
  /** The plugin form of the option's value; `undefined` when the setting is off. */
  readonly build: (options: ExperimentOptions) => BasePlugin | undefined;
}[] = [
  {
    key: "seeding",
    option: "seed",
    build: ({ seed }) => new SeedPlugin(typeof seed === "number" ? { seed } : seed),
  },
  {
    key: "logger",
    option: "logging",
    build: ({ logging }) => new LoggingPlugin(logging),
  },
  {
    key: "storage",
    option: "storage",
    build: ({ storage }) =>
      storage === undefined || storage === false
        ? undefined
        : new ArtifactPlugin(storage === true ? {} : storage),
  },
];

/**
 * Resolves an experiment's seed, logging and storage settings: each comes
 * from the first plugin standing for it or else from its option (built
 * into its plugin form and appended, so hooks and `getPlugin` see it), or
 * is the default: a drawn seed, warn-level logging, no storage. A setting
 * given both ways, or an option with a bad value (a seed out of range, a
 * negative retention), is a problem for `validate()` to report; the
 * default stands in for a bad value meanwhile.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SeedPlugin } from "@crystallize/deno";
 * import { experimentSettings } from "./experiment_settings.ts";
 *
 * const options = { datasource: undefined as never, pipeline: [] };
 * const stored = experimentSettings({ ...options, seed: 3, storage: { retention: 1 } });
 * assert.deepEqual(stored.plugins.map((p) => p.pluginName), ["SeedPlugin", "LoggingPlugin", "ArtifactPlugin"]);
 * assert.equal(stored.seeding.seed, 3);
 * assert.equal(stored.storage?.retention, 1);
 * const twice = experimentSettings({ ...options, seed: 3, plugins: [new SeedPlugin({ seed: 4 })] });
 * assert.equal(twice.seeding.seed, 4);
 * assert.match(twice.problems[0], /^seed is set twice/);
 * assert.match(experimentSettings({ ...options, seed: -1 }).problems[0], /^seed: A seed must be an integer/);
 * ```
 */
export function experimentSettings(options: ExperimentOptions): ExperimentSettings {
  const plugins = [...(options.plugins ?? [])];
  const problems: string[] = [];
  for (const form of SETTING_FORMS) {
    const by = plugins.findIndex((p) => settingsOf(p)[form.key] !== undefined);
    if (by !== -1) {
      if (options[form.option] !== undefined) {
        problems.push(
          `${form.option} is set twice: by the ${form.option} option and by plugins[${by}] (${
            plugins[by].pluginName
          }); keep one`,
        );
      }
      continue;
    }
    let plugin: BasePlugin | undefined;
    try {
      plugin = form.build(options);
    } catch (error) {
      problems.push(`${form.option}: ${errorMessage(error)}`);
      plugin = form.build({ datasource: options.datasource, pipeline: options.pipeline });
    }
    if (plugin !== undefined) plugins.push(plugin);
  }
  const settings = pluginSettings(plugins);
  return {
    plugins,
    seeding: settings.seeding!,
    logger: settings.logger!,
    storage: settings.storage,
    problems,
  };
}

/**
 * The plugins of a debug pass (`experiment.debug()`): the experiment's
 * hooks, with verbose logging instead of its own, the serial loop instead
 * of its execution plugin, and no storage, since resume must never
 * continue from a debug pass.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ArtifactPlugin, LoggingPlugin, SeedPlugin } from "@crystallize/deno";
 * import { debugPlugins } from "./experiment_settings.ts";
 *
 * const plugins = debugPlugins([new SeedPlugin(), new LoggingPlugin(), new ArtifactPlugin()]);
 * assert.deepEqual(plugins.map((p) => p.pluginName), ["SeedPlugin", "LoggingPlugin", "SerialExecution"]);
 * assert.equal((plugins[1] as LoggingPlugin).verbose, true);
 * ```
 */
export function debugPlugins(plugins: readonly BasePlugin[]): BasePlugin[] {
  return [
    ...plugins.filter((p) => {
      const settings = settingsOf(p);
      return p.runExperimentLoop === undefined && settings.logger === undefined &&
        settings.storage === undefined;
    }),
    new LoggingPlugin({ verbose: true }),
    new SerialExecution(),
  ];
}
