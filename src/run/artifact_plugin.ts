import type { FileWriter } from "../storage/atomic_write.ts";
import {
  RunStore,
  type RunStoreOptions,
  type StoredExperiment,
  type StoredRunTarget,
} from "../storage/run_store.ts";
import { BasePlugin } from "./plugin.ts";
import type { Result } from "./result.ts";
import { type PluginSettings, SETTINGS } from "./setting_plugins.ts";

/** Options of {@linkcode ArtifactPlugin}: those of the {@linkcode RunStore} it stands for. */
export type ArtifactPluginOptions = RunStoreOptions;

/**
 * Stores every run of the experiment: artifacts written by steps (from any
 * process; workers write their own), one record per finished replicate, and
 * the result, under `<root>/<experiment>/v<N>/`. Versions increment per run;
 * `retention` removes old versions only after a run stored everything, so a
 * failing disk never costs earlier versions. Needed by `run({ strategy:
 * "resume" })`, `ExperimentInput` and `loadRun`. See the README's "Stored
 * runs" section for the layout.
 *
 * It is the plugin form of the experiment's `storage` option
 * (`Experiment.builder().storage({ retention: 5 })`): it holds a
 * {@linkcode RunStore}, which does the storing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   Artifact,
 *   ArtifactPlugin,
 *   dataSource,
 *   Experiment,
 *   loadRun,
 *   pipelineStep,
 * } from "@crystallize/deno";
 *
 * const model = new Artifact("model.json", { format: "json" });
 * const data = dataSource(() => [1, 2, 3], { name: "data" });
 * const fit = pipelineStep((d: number[], ctx) => {
 *   model.write(ctx, { mean: 2 });
 *   return d;
 * }, { name: "fit" });
 * const outputDir = await Deno.makeTempDir();
 * const experiment = Experiment.builder("train")
 *   .datasource(data())
 *   .addStep(fit())
 *   .outputs([model])
 *   .plugins([new ArtifactPlugin({ retention: 5 })])
 *   .outputDir(outputDir)
 *   .build();
 * const result = await experiment.run();
 * assert.equal(result.outputDir, `${outputDir}/train/v0`);
 * assert.equal((await loadRun(`${outputDir}/train`)).version, 0);
 * await Deno.remove(outputDir, { recursive: true });
 * ```
 */
export class ArtifactPlugin extends BasePlugin {
  /** The store it stands for. */
  readonly store: RunStore;

  /** Creates the plugin; a negative or fractional `retention` throws. */
  constructor(options: ArtifactPluginOptions = {}) {
    super();
    this.store = new RunStore(options);
  }

  /**
   * The setting this plugin stands for: where the experiment's runs are stored.
   *
   * @ignore
   */
  get [SETTINGS](): PluginSettings {
    return { storage: this.store };
  }

  /** Root given, if any. */
  get root(): string | undefined {
    return this.store.root;
  }

  /** Whether runs get new versions. */
  get versioned(): boolean {
    return this.store.versioned;
  }

  /** Versions kept. */
  get retention(): number {
    return this.store.retention;
  }

  /** The file writer. */
  get writeFile(): FileWriter | undefined {
    return this.store.writeFile;
  }

  /** The folder holding the experiment's versions (see {@linkcode RunStore.experimentDir}). */
  experimentDir(experiment: StoredExperiment): string {
    return this.store.experimentDir(experiment);
  }

  /** Claims the folder of a new run (see {@linkcode RunStore.openRun}). */
  openRun(experiment: StoredExperiment): StoredRunTarget {
    return this.store.openRun(experiment);
  }

  /** Writes `run.json` for a finished run, then applies retention (see {@linkcode RunStore.saveRun}). */
  saveRun(target: StoredRunTarget, result: Result): void {
    this.store.saveRun(target, result.toJSON());
  }

  /**
   * The versions {@linkcode saveRun} removes once the run in `target` is
   * stored (see {@linkcode RunStore.retiredVersions}).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { ArtifactPlugin } from "./artifact_plugin.ts";
   *
   * const experimentDir = await Deno.makeTempDir();
   * for (const v of [3, 4, 5]) await Deno.mkdir(`${experimentDir}/v${v}`);
   * const target = { experimentDir, dir: `${experimentDir}/v6`, version: 6 };
   * assert.deepEqual(new ArtifactPlugin({ retention: 3 }).retiredVersions(target, []), [3]);
   * await Deno.remove(experimentDir, { recursive: true });
   * ```
   */
  retiredVersions(
    target: StoredRunTarget,
    errors: readonly { readonly step: string }[],
  ): number[] {
    return this.store.retiredVersions(target, errors);
  }
}
