import { BASELINE } from "../context/frozen_context.ts";
import type { Pipeline } from "../pipeline/pipeline.ts";
import type { Aggregate } from "../run/aggregate.ts";
import type { RunPlan } from "../run/run_plan.ts";
import { Result } from "../run/result.ts";
import type { FoldedReplicates } from "../run/run_replicates.ts";
import { type GitInfo, type Provenance, runtimeEnvironment } from "../storage/provenance.ts";
import type { ExperimentMetrics, StoredRunInfo } from "../storage/result_json.ts";
import type { RunSession } from "../storage/run_store.ts";
import type { HypothesisResult } from "../verify/hypothesis.ts";
import type { RunSettings } from "./run_settings.ts";

/** A run under way: what it was started with, and where it is stored. */
export interface StartedRun {
  readonly experiment: { readonly name: string; readonly pipeline: Pipeline | undefined };
  readonly settings: RunSettings;
  readonly plan: RunPlan;
  readonly runId: string;
  readonly startedAt: Date;
  /** `performance.now()` when it started. */
  readonly started: number;
  /** Condition names: baseline, then the run's treatments. */
  readonly conditions: readonly string[];
  /** Name of the execution strategy. */
  readonly strategy: string;
  /** The stored run, when the run is stored. */
  readonly session: RunSession | undefined;
  /** The git commit provenance records. */
  readonly git: Promise<GitInfo | undefined>;
}

/** What a run's replicates produced, folded. */
export interface CollectedRun {
  readonly agg: Aggregate;
  readonly metrics: Omit<ExperimentMetrics, "hypotheses">;
  /** Where its artifacts are, when stored. */
  readonly stored: StoredRunInfo | undefined;
  /** Versions retention will remove once the run is saved. */
  readonly removed: readonly number[];
}

/**
 * What a run keeps of its replicates (folded as they finished, with those a
 * resumed run reused): per-condition metrics, errors and timings, and where
 * the stored artifacts are.
 */
export function collectRun(run: StartedRun, folded: FoldedReplicates): CollectedRun {
  const { session, conditions } = run;
  const agg = folded.aggregate;
  return {
    agg,
    metrics: {
      baseline: { metrics: agg.metrics.get(BASELINE)! },
      treatments: Object.fromEntries(
        conditions.slice(1).map((c) => [c, { metrics: agg.metrics.get(c)! }] as const),
      ),
    },
    stored: session === undefined ? undefined : { dir: session.dir, artifacts: folded.artifacts! },
    // What retention will remove once the run is stored, recorded in the run itself.
    removed: session?.retiredVersions(agg.errors) ?? [],
  };
}

/** The run's result: its metrics, the verified hypotheses, failures and provenance. */
export async function runResult(
  run: StartedRun,
  collected: CollectedRun,
  hypotheses: readonly HypothesisResult[],
  cancelled = false,
): Promise<Result> {
  return new Result(
    collected.metrics,
    hypotheses,
    collected.agg.errors,
    await provenance(run, collected, cancelled),
    collected.stored,
    collected.agg.cancelled,
  );
}

async function provenance(
  run: StartedRun,
  collected: CollectedRun,
  cancelled: boolean,
): Promise<Provenance> {
  const { settings, plan, session } = run;
  const agg = collected.agg;
  return {
    experiment: run.experiment.name,
    runId: run.runId,
    startedAt: run.startedAt.toISOString(),
    durationMs: performance.now() - run.started,
    replicates: settings.replicates,
    seed: settings.seed,
    seedDrawn: settings.seed === settings.seeding.seed && settings.seeding.drawn,
    ...(cancelled ? { cancelled: true } : {}),
    seeds: agg.seeds,
    executionStrategy: run.strategy,
    datasource: { name: plan.datasource.name, params: plan.datasource.params },
    pipeline: run.experiment.pipeline!.signature(),
    treatments: settings.treatments.map((t) => ({
      name: t.name,
      values: t.values,
      function: t.apply !== undefined,
    })),
    hypotheses: settings.hypotheses.map((h) => h.name),
    cache: agg.cache,
    timings: {
      steps: agg.steps,
      stepsByCondition: agg.stepsByCondition,
      conditions: agg.conditions,
    },
    environment: runtimeEnvironment(),
    git: await run.git,
    ...(session === undefined ? {} : {
      stored: {
        version: session.target.version,
        dir: session.dir,
        resumedFrom: session.resumedFrom,
        reused: session.reusedCounts(),
        ...(collected.removed.length === 0
          ? {}
          : { removed: collected.removed, retention: session.retention }),
      },
    }),
  };
}
