import { join } from "../path.ts";
import { resolvePath } from "../resolve_path.ts";
import type { Logger } from "../context/logger.ts";
import { CrystallizeError, errorMessage } from "../errors.ts";
import { atomicWriteSync, type FileWriter } from "./atomic_write.ts";
import { toJsonText } from "./json_values.ts";
import { outputRoot } from "./output_root.ts";
import type { ResultJson } from "./result_json.ts";
import { carryOver, reusableOutcomes } from "./run_carry_over.ts";
import type { ConditionOutcome } from "./outcome.ts";
import { experimentDir, listVersions, RUN_FILES, versionDir } from "./run_layout.ts";
import { ARTIFACT_WRITER, RunRecorder } from "./run_recorder.ts";
import { listRuns, type RunListing, type RunManifest, StoredRunError } from "./stored_run.ts";

/** How an experiment's runs are stored: the `storage` option of an experiment, or an `ArtifactPlugin`. */
export interface RunStoreOptions {
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

/** A stored run that recorded its manifest (finished or not): what `"resume"` continues from. */
export type RecordedRun = RunListing & { readonly manifest: RunManifest };

/** The experiment as a store sees it: its name and output root. */
export interface StoredExperiment {
  /** Its name: the folder of its runs under the root. */
  readonly name: string;
  /** Its output root, if it set one. */
  readonly outputDir?: string;
}

const encoder = new TextEncoder();
/** Suffix of the folder an unversioned run writes before it replaces `v0`. */
const NEXT_SUFFIX = ".next";

/**
 * Where and how an experiment's runs are stored, in one place: each run
 * claims a version folder `<root>/<experiment>/v<N>/` and writes its manifest
 * there ({@linkcode RunStore.open}), its replicates record artifacts and
 * outcomes through the session's `RunRecorder` (in whichever process runs
 * them), and the finished run writes `run.json` ({@linkcode RunStore.saveRun}),
 * after which `retention` removes old versions, only when the run stored
 * everything, so a failing disk never costs earlier versions. See the
 * README's "Stored runs" section for the layout.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RunStore } from "@crystallize/deno";
 *
 * const outputDir = await Deno.makeTempDir();
 * const store = new RunStore({ retention: 5 });
 * const experiment = { name: "train", outputDir };
 * assert.equal(store.experimentDir(experiment), `${outputDir}/train`);
 * assert.equal(store.openRun(experiment).version, 0);
 * assert.equal(store.openRun(experiment).version, 1); // each run claims the next version
 * assert.equal(store.lastRun(experiment), undefined); // no manifest recorded yet
 * await Deno.remove(outputDir, { recursive: true });
 * ```
 */
export class RunStore {
  /** Root given, if any. */
  readonly root: string | undefined;
  /** Whether runs get new versions. */
  readonly versioned: boolean;
  /** Versions kept. */
  readonly retention: number;
  /** The file writer. */
  readonly writeFile: FileWriter | undefined;

  /** Creates a store; a negative or fractional `retention` throws. */
  constructor(options: RunStoreOptions = {}) {
    const retention = options.retention ?? 3;
    if (!Number.isInteger(retention) || retention < 0) {
      throw new CrystallizeError(
        `retention of stored runs (storage: { retention } or ArtifactPlugin({ retention })) must be a whole number >= 0 (0 keeps every version), got ${retention}`,
      );
    }
    this.root = options.root;
    this.versioned = options.versioned ?? true;
    this.retention = retention;
    this.writeFile = options.writeFile;
  }

  /** The folder holding the experiment's versions. */
  experimentDir(experiment: StoredExperiment): string {
    return experimentDir(
      this.root === undefined ? outputRoot(experiment) : resolvePath(this.root),
      experiment.name,
    );
  }

  /** The newest version of the experiment that recorded a manifest, finished or not. */
  lastRun(experiment: StoredExperiment): RecordedRun | undefined {
    return listRuns(this.experimentDir(experiment))
      .filter((r): r is RecordedRun => r.manifest !== undefined).at(-1);
  }

  /**
   * Opens a stored run: claims its version folder, writes the manifest and,
   * when resuming from `previous`, carries over every replicate whose
   * condition is unchanged (its record and its artifacts, hard-linked), so
   * the new version is complete on its own. Throws {@linkcode StoredRunError}
   * naming the folder when it cannot. The engine's: runs call it.
   *
   * @ignore
   */
  open(
    experiment: StoredExperiment,
    manifest: RunManifest,
    previous: RecordedRun | undefined,
    logger: Logger,
  ): RunSession {
    try {
      const reused = previous === undefined ? new Map() : reusableOutcomes(previous, manifest);
      const target = this.openRun(experiment);
      atomicWriteSync(
        join(target.dir, RUN_FILES.manifest),
        encoder.encode(JSON.stringify(manifest, null, 2)),
        this.writeFile,
      );
      const recorder = new RunRecorder(
        { dir: target.dir, runId: manifest.runId },
        logger,
        this.writeFile,
      );
      if (previous !== undefined && reused.size > 0) carryOver(previous.dir, target.dir, reused);
      return new RunSession(this, target, recorder, reused, previous?.version);
    } catch (error) {
      throw new StoredRunError(
        `Experiment '${experiment.name}' cannot store its run under ${
          this.experimentDir(experiment)
        }: ${
          errorMessage(error)
        }; make that folder writable, or point the output root elsewhere (outputDir, $CRYSTALLIZE_HOME, ArtifactPlugin({ root }))`,
        { cause: error },
      );
    }
  }

  /**
   * Claims the folder of a new run: the next version (created atomically, so
   * two concurrent runs never share one), or `v0` emptied when unversioned.
   */
  openRun(experiment: StoredExperiment): StoredRunTarget {
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
  saveRun(target: StoredRunTarget, result: ResultJson): void {
    atomicWriteSync(
      join(target.dir, RUN_FILES.result),
      encoder.encode(toJsonText(result, 2)),
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
   * store an artifact (`errors` holds a failure of the artifact writer).
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { RunStore } from "./run_store.ts";
   *
   * const experimentDir = await Deno.makeTempDir();
   * for (const v of [3, 4, 5]) await Deno.mkdir(`${experimentDir}/v${v}`);
   * const target = { experimentDir, dir: `${experimentDir}/v6`, version: 6 };
   * assert.deepEqual(new RunStore({ retention: 3 }).retiredVersions(target, []), [3]);
   * await Deno.remove(experimentDir, { recursive: true });
   * ```
   */
  retiredVersions(
    target: StoredRunTarget,
    errors: readonly { readonly step: string }[],
  ): number[] {
    if (!this.versioned || this.retention === 0) return [];
    if (errors.some((e) => e.step === ARTIFACT_WRITER)) return [];
    return listVersions(target.experimentDir).filter((v) => v <= target.version - this.retention);
  }
}

/**
 * A stored run in progress, opened by {@linkcode RunStore.open}: where it
 * writes, the recorder its replicates write through (rebuilt in worker
 * processes from `recorder.settings`), and what it reuses from the run it
 * resumes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createLogger, RunStore } from "@crystallize/deno";
 *
 * const outputDir = await Deno.makeTempDir();
 * const manifest = { runId: "r1", experiment: "train", seed: 1, replicates: 1, startedAt: new Date().toISOString(), fingerprints: { baseline: null }, outputs: [] };
 * const session = new RunStore().open({ name: "train", outputDir }, manifest, undefined, createLogger());
 * assert.equal(session.dir, `${outputDir}/train/v0`);
 * assert.equal(session.resumedFrom, undefined);
 * assert.deepEqual(session.reusedCounts(), {});
 * await Deno.remove(outputDir, { recursive: true });
 * ```
 */
export class RunSession {
  /** Its folder, claimed when it opened. */
  readonly target: StoredRunTarget;
  /** Records artifacts and replicates. */
  readonly recorder: RunRecorder;
  /** Outcomes reused from the previous run, by condition then replicate. */
  readonly reused: ReadonlyMap<string, ReadonlyMap<number, ConditionOutcome>>;
  /** The version they come from, when resuming. */
  readonly resumedFrom: number | undefined;
  readonly #store: RunStore;

  /** Prefer `RunStore.open`. */
  constructor(
    store: RunStore,
    target: StoredRunTarget,
    recorder: RunRecorder,
    reused: ReadonlyMap<string, ReadonlyMap<number, ConditionOutcome>>,
    resumedFrom: number | undefined,
  ) {
    this.#store = store;
    this.target = target;
    this.recorder = recorder;
    this.reused = reused;
    this.resumedFrom = resumedFrom;
  }

  /** The run's final folder (an unversioned run writes beside `v0` until it is saved). */
  get dir(): string {
    return versionDir(this.target.experimentDir, this.target.version);
  }

  /** The versions retention removes when the run is saved (see `RunStore.retiredVersions`). */
  retiredVersions(errors: readonly { readonly step: string }[]): number[] {
    return this.#store.retiredVersions(this.target, errors);
  }

  /** Versions the store keeps. */
  get retention(): number {
    return this.#store.retention;
  }

  /** Reused replicates per condition (what the run's `provenance.stored.reused` records). */
  reusedCounts(): Record<string, number> {
    return Object.fromEntries([...this.reused].map(([c, m]) => [c, m.size]));
  }

  /** The replicates to skip per condition: those reused. */
  reusedReplicates(): Map<string, Set<number>> {
    return new Map([...this.reused].map(([c, byReplicate]) => [c, new Set(byReplicate.keys())]));
  }

  /**
   * Writes `run.json` (and applies retention). A failure throws
   * {@linkcode StoredRunError} carrying `result`: the run finished, and
   * its replicates are recorded, so a resume can finish storing it.
   */
  save(result: { toJSON(): ResultJson }): void {
    try {
      this.#store.saveRun(this.target, result.toJSON());
    } catch (error) {
      const wrapped = new StoredRunError(
        `the run finished but its result could not be stored in ${this.target.dir}: ${
          errorMessage(error)
        }; the result is attached to this error (error.result), and its replicates are in ` +
          `${this.target.dir}/outcomes.jsonl, so run({ strategy: "resume" }) can finish it`,
        { cause: error },
      );
      wrapped.result = result;
      throw wrapped;
    }
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
