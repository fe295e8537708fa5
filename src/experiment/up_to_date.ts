import { BASELINE } from "../context/frozen_context.ts";
import type { DataSource } from "../data/datasource.ts";
import type { Pipeline } from "../pipeline/pipeline.ts";
import { conditionFingerprints } from "../run/condition_fingerprints.ts";
import { conditionPlans } from "../run/condition_plan.ts";
import { Result } from "../run/result.ts";
import type { SeedSettings } from "../run/setting_plugins.ts";
import type { Treatment } from "../run/treatment.ts";
import type { TreatmentMetrics } from "../storage/result_json.ts";
import type { RunStore } from "../storage/run_store.ts";
import { loadRun, type StoredRun } from "../storage/stored_run.ts";
import type { DeclaredOutput } from "../storage/stored_run.ts";
import type { Hypothesis, HypothesisResult } from "../verify/hypothesis.ts";

/** What {@linkcode upToDateResult} reads of an experiment (an `Experiment` is one). */
export interface ResumableExperiment {
  readonly name: string;
  readonly outputDir?: string;
  readonly datasource: DataSource | undefined;
  readonly pipeline: Pipeline | undefined;
  readonly replicates: number;
  readonly initialContext: Readonly<Record<string, unknown>>;
  readonly outputs: readonly DeclaredOutput[];
  readonly seeding: SeedSettings;
  readonly storage: RunStore | undefined;
}

/** What a run (or a graph running the experiment) would run it with. */
export interface ResumeSettings {
  /** Replicates asked for (`undefined`: the experiment's own default). */
  readonly replicates: number | undefined;
  /** Master seed asked for (`undefined`: the experiment's, or the last run's when that was drawn). */
  readonly seed: number | undefined;
  /** Its effective treatments. */
  readonly treatments: readonly Treatment[];
  /** The hypotheses to verify. */
  readonly hypotheses: readonly Hypothesis[];
}

/**
 * The result of the experiment's last stored run when running it again would
 * compute the same thing: the run finished with no failed replicate, with the
 * same replicate count and the same conditions, and each condition's
 * fingerprint (pipeline signature and code, datasource with the upstream runs
 * it reads, context values, seed, declared outputs) is unchanged; every
 * artifact in `needed` (what downstream experiments read) was stored for
 * every replicate, and no stored artifact file was lost since. Hypotheses
 * are verified again on the stored metrics, so changed hypotheses apply,
 * and `provenance.stored.upToDate` is set. `store` is where the run would
 * be stored (default: the experiment's `storage`). `undefined` means the
 * experiment must run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Artifact, dataSource, Experiment, pipelineStep } from "@crystallize/deno";
 * import { upToDateResult } from "./up_to_date.ts";
 *
 * const outputDir = await Deno.makeTempDir();
 * const model = new Artifact("model.json", { format: "json" });
 * const fit = pipelineStep((d: number[], ctx) => {
 *   model.write(ctx, { mean: (d[0] + d[1]) / 2 });
 *   return d;
 * }, { name: "fit" });
 * const train = Experiment.builder("train").datasource(dataSource(() => [1, 3], { name: "pair" })())
 *   .addStep(fit()).outputs([model]).storage().outputDir(outputDir).build();
 * const settings = { replicates: undefined, seed: 1, treatments: [], hypotheses: [] };
 * assert.equal(await upToDateResult(train, settings, ["model.json"]), undefined); // never run
 * await train.run({ seed: 1 });
 * assert.equal((await upToDateResult(train, settings, ["model.json"]))?.provenance.stored?.upToDate, true);
 * assert.equal(await upToDateResult(train, { ...settings, seed: 2 }, ["model.json"]), undefined); // another seed
 * await Deno.remove(outputDir, { recursive: true });
 * ```
 */
export async function upToDateResult(
  experiment: ResumableExperiment,
  settings: ResumeSettings,
  needed: readonly string[],
  store: RunStore | undefined = experiment.storage,
): Promise<Result | undefined> {
  if (store === undefined || experiment.pipeline === undefined) return undefined;
  const last = store.lastRun(experiment);
  if (last === undefined || !last.complete) return undefined;
  let current: Record<string, string | null>;
  let replicates: number;
  try {
    replicates = settings.replicates ?? experiment.datasource?.replicates ?? experiment.replicates;
    const seed = settings.seed ??
      (experiment.seeding.drawn ? last.manifest.seed : experiment.seeding.seed);
    current = conditionFingerprints(
      {
        datasource: experiment.datasource!,
        conditions: conditionPlans(experiment.initialContext, settings.treatments),
      },
      experiment.pipeline.signature(),
      seed,
      experiment.outputs,
    );
  } catch {
    return undefined; // e.g. an upstream run is missing: running reports it properly
  }
  const stored = last.manifest.fingerprints;
  const same = last.manifest.replicates === replicates &&
    Object.keys(stored).length === Object.keys(current).length &&
    Object.entries(current).every(([c, f]) => f !== null && stored[c] === f);
  if (!same) return undefined;
  const run = await loadRun(last.dir);
  if (run.result.errors.length > 0 || !hasArtifacts(run, needed, replicates)) return undefined;
  return await resultOf(run, settings.hypotheses);
}

/**
 * Every needed artifact has each replicate's baseline copy indexed, and
 * every indexed file (of any artifact) is still on disk: a lost one is
 * stored again by running.
 */
function hasArtifacts(run: StoredRun, needed: readonly string[], replicates: number): boolean {
  const complete = needed.every((name) => {
    const baseline = run.artifacts[name]?.[BASELINE] ?? [];
    return baseline.length === replicates && baseline.every((f) => f !== null);
  });
  return complete &&
    Object.values(run.artifacts).every((byCondition) =>
      Object.values(byCondition).every((files) => files.every((f) => f === null || isFile(f)))
    );
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false; // lost (or unreadable): running again stores it
  }
}

async function resultOf(
  run: StoredRun,
  hypotheses: readonly Hypothesis[],
): Promise<Result | undefined> {
  const { metrics } = run.result;
  const verified: HypothesisResult[] = [];
  try {
    for (const h of hypotheses) {
      verified.push(await h.verify(metrics.baseline, Object.entries(metrics.treatments)));
    }
  } catch {
    return undefined; // running again reports the hypothesis' problem with its context
  }
  const treatments: Record<string, TreatmentMetrics> = Object.fromEntries(
    Object.entries(metrics.treatments).map(([name, values]) => [name, { metrics: values }]),
  );
  const provenance = run.result.provenance;
  return new Result(
    { baseline: { metrics: metrics.baseline }, treatments },
    verified,
    run.result.errors,
    {
      ...provenance,
      stored: {
        version: run.version,
        dir: run.dir,
        resumedFrom: provenance.stored?.resumedFrom,
        reused: provenance.stored?.reused ?? {},
        upToDate: true,
      },
    },
    { dir: run.dir, artifacts: run.artifacts },
  );
}
