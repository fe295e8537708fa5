import { join, resolve } from "node:path";
import { CrystallizeError } from "../errors.ts";
import { outputRoot } from "../storage/output_root.ts";
import type { Result } from "./result.ts";
import { atomicWriteSync, type FileWriter } from "../storage/atomic_write.ts";
import { toJsonText } from "../storage/json_values.ts";
import { experimentDir, listVersions, RUN_FILES, versionDir } from "../storage/run_layout.ts";
import { BasePlugin } from "./plugin.ts";

/** Options of {@linkcode ArtifactPlugin}. */
export interface ArtifactPluginOptions {
  /** Output root; default: the experiment's (`outputDir`, `$CRYSTALLIZE_HOME` or `.crystallize`). */
  root?: string;
  /** `true` (default): each run gets a new `v<N>`; `false`: every run replaces `v0`. */
  versioned?: boolean;
  /**
   * Versioned runs to keep, newest first, counting the new one; older
   * versions are removed after a run that stored everything. `0` keeps all.
   * Default 3.
   */
  retention?: number;
  /** Replaces the file writer (tests use it to simulate a full disk). */
  writeFile?: FileWriter;
}

/** A run's place on disk, chosen when it starts. */
export interface StoredRunTarget {
  /** `<root>/<experiment>`. */
  readonly experimentDir: string;
  /** `<root>/<experiment>/v<N>`. */
  readonly dir: string;
  /** N. */
  readonly version: number;
}

const encoder = new TextEncoder();
/** Suffix of the folder an unversioned run writes before it replaces `v0`. */
const NEXT_SUFFIX = ".next";

/**
 * Stores every run of the experiment: artifacts written by steps (from any
 * process; workers write their own), one record per finished replicate, and
 * the result, under `<root>/<experiment>/v<N>/`. Versions increment per run;
 * `retention` removes old versions only after a run stored everything, so a
 * failing disk never costs earlier versions. Needed by `run({ strategy:
 * "resume" })`, `ExperimentInput` and `loadRun`. See the README's "Stored
 * runs" section for the layout.
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
  /** Root given, if any. */
  readonly root: string | undefined;
  /** Whether runs get new versions. */
  readonly versioned: boolean;
  /** Versions kept. */
  readonly retention: number;
  /** The file writer. */
  readonly writeFile: FileWriter | undefined;

  /** Creates the plugin; a negative or fractional `retention` throws. */
  constructor(options: ArtifactPluginOptions = {}) {
    super();
    const retention = options.retention ?? 3;
    if (!Number.isInteger(retention) || retention < 0) {
      throw new CrystallizeError(
        `ArtifactPlugin: retention must be a whole number >= 0 (0 keeps every version), got ${retention}`,
      );
    }
    this.root = options.root;
    this.versioned = options.versioned ?? true;
    this.retention = retention;
    this.writeFile = options.writeFile;
  }

  /** The folder holding the experiment's versions. */
  experimentDir(experiment: { readonly name: string; readonly outputDir?: string }): string {
    return experimentDir(
      this.root === undefined ? outputRoot(experiment) : resolve(this.root),
      experiment.name,
    );
  }

  /**
   * Claims the folder of a new run: the next version (created atomically, so
   * two concurrent runs never share one), or `v0` emptied when unversioned.
   */
  openRun(experiment: { readonly name: string; readonly outputDir?: string }): StoredRunTarget {
    const expDir = this.experimentDir(experiment);
    Deno.mkdirSync(expDir, { recursive: true });
    if (!this.versioned) {
      // Written beside v0 and swapped in by saveRun: v0 stays whole until the new run is.
      const next = `${versionDir(expDir, 0)}${NEXT_SUFFIX}`;
      if (exists(next)) Deno.removeSync(next, { recursive: true });
      Deno.mkdirSync(next);
      return { experimentDir: expDir, dir: next, version: 0 };
    }
    let version = (listVersions(expDir).at(-1) ?? -1) + 1;
    for (;; version++) {
      try {
        Deno.mkdirSync(versionDir(expDir, version));
        return { experimentDir: expDir, dir: versionDir(expDir, version), version };
      } catch (error) {
        if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      }
    }
  }

  /**
   * Writes `run.json` for a finished run; then, when nothing failed to be
   * stored, removes versions beyond `retention`.
   */
  saveRun(target: StoredRunTarget, result: Result): void {
    atomicWriteSync(
      join(target.dir, RUN_FILES.result),
      encoder.encode(toJsonText(result.toJSON(), 2)),
      this.writeFile,
    );
    if (!this.versioned) {
      const v0 = versionDir(target.experimentDir, 0);
      if (exists(v0)) removeVersion(v0);
      Deno.renameSync(target.dir, v0);
      return;
    }
    for (const old of this.retiredVersions(target, result.errors)) {
      removeVersion(versionDir(target.experimentDir, old));
    }
  }

  /**
   * The versions {@linkcode saveRun} removes once the run in `target` is
   * stored: those beyond `retention`, newest first, counting the new one;
   * none when unversioned, when `retention` is 0, or when the run failed to
   * store an artifact (`errors` holds an `ArtifactPlugin` failure).
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
    if (!this.versioned || this.retention === 0) return [];
    if (errors.some((e) => e.step === "ArtifactPlugin")) return [];
    return listVersions(target.experimentDir).filter((v) => v <= target.version - this.retention);
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Removes a version folder: renamed away first, so readers never see half of it. */
function removeVersion(dir: string): void {
  const doomed = `${dir}.removing-${crypto.randomUUID().slice(0, 8)}`;
  Deno.renameSync(dir, doomed);
  Deno.removeSync(doomed, { recursive: true });
}
