import { dirname } from "../path.ts";
import { pathOfFileUrl } from "../file_url.ts";
import { BASELINE } from "../context/frozen_context.ts";
import { SerialExecution } from "../execution/serial.ts";
import { conditionFingerprints } from "../run/condition_fingerprints.ts";
import { eventSink } from "../run/event_sink.ts";
import type { BasePlugin, ExperimentView, RunInfo } from "../run/plugin.ts";
import type { Result } from "../run/result.ts";
import { RunCancelledError } from "../run/run_cancelled_error.ts";
import { runReplicates } from "../run/run_replicates.ts";
import type { RecordedRun } from "../storage/run_store.ts";
import { declaredOutputs, type RunManifest } from "../storage/stored_run.ts";
import type { HypothesisResult } from "../verify/hypothesis.ts";
import { HypothesisError } from "../verify/hypothesis_error.ts";
import { MissingMetricError } from "../verify/missing_metric_error.ts";
import { gitCommitOf } from "./git_commit.ts";
import { type PlannedParts, planRun } from "./plan_run.ts";
import { type CollectedRun, collectRun, runResult, type StartedRun } from "./run_result.ts";
import type { RunSettings } from "./run_settings.ts";
import { type ResumableExperiment, upToDateResult } from "./up_to_date.ts";

/** What {@linkcode executeRun} reads of an experiment (an `Experiment` is one). */
export interface RunnableExperiment extends PlannedParts, ResumableExperiment {
  /** The module that built it: its folder's git commit goes into provenance. */
  readonly moduleUrl: string | undefined;
}

/**
 * Runs an experiment with resolved settings: continues the last stored run
 * when resuming (or returns it when it is complete and unchanged), stores
 * the run when the settings have storage, runs the replicates through the
 * last plugin with a loop (else serially), verifies the hypotheses and
 * calls the plugins' run hooks with `view`. Throws `RunCancelledError` when
 * the run is cancelled, and `MissingMetricError` or `HypothesisError`, with
 * the result attached, when a hypothesis cannot be verified.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataSource, Experiment, pipelineStep } from "@crystallize/deno";
 * import { executeRun } from "./execute_run.ts";
 * import { runSettings } from "./run_settings.ts";
 *
 * const experiment = Experiment.builder("demo").datasource(dataSource(() => 2, { name: "two" })())
 *   .addStep(pipelineStep((d: number, ctx) => {
 *     ctx.metrics.add("x", d);
 *     return d;
 *   }, { name: "record" })()).build();
 * const result = await executeRun(experiment, experiment, runSettings(experiment, { replicates: 2 }));
 * assert.deepEqual(result.metrics.baseline.metrics.x, [2, 2]);
 * ```
 */
export async function executeRun(
  experiment: RunnableExperiment,
  view: ExperimentView,
  requested: RunSettings,
): Promise<Result> {
  const startedAt = new Date();
  const started = performance.now();
  const previous = requested.strategy === "resume"
    ? requested.storage?.lastRun(experiment)
    : undefined;
  // Resuming a run whose seed was drawn continues with that seed, or nothing could be reused.
  const settings = previous !== undefined && !requested.seedGiven
    ? { ...requested, seed: previous.manifest.seed }
    : requested;
  if (previous?.complete) {
    // Nothing to resume: the stored run is complete and unchanged; return it, write no version.
    const stored = await upToDateResult(experiment, settings, [], settings.storage);
    if (stored !== undefined) return announceUpToDate(experiment.name, stored, settings);
  }
  const execution = [...settings.plugins].reverse()
    .find((p) => typeof p.runExperimentLoop === "function") ?? new SerialExecution();
  const run = startRun(experiment, view, settings, execution, previous, { startedAt, started });
  const info: RunInfo = {
    runId: run.runId,
    replicates: settings.replicates,
    conditions: run.conditions,
    hypotheses: settings.hypotheses.map((h) => h.name),
    seed: settings.seed,
    strategy: run.strategy,
  };
  for (const plugin of settings.plugins) await plugin.beforeRun?.(view, info);
  const session = run.session;
  run.plan.events?.emit({
    type: "run-started",
    experiment: experiment.name,
    runId: run.runId,
    replicates: settings.replicates,
    conditions: run.conditions,
    strategy: run.strategy,
    ...(session?.resumedFrom === undefined
      ? {}
      : { resumedFrom: session.resumedFrom, reused: session.reusedCounts() }),
  });
  const folded = await runReplicates({
    execution,
    experiment: view,
    plan: run.plan,
    replicates: settings.replicates,
    stored: session && { dir: session.dir, reused: session.reused },
    host: settings.workerLauncher && { workerLauncher: settings.workerLauncher },
  });
  return await finishRun(run, view, collectRun(run, folded));
}

/** Plans the run and, when it is stored, opens its version (writing the manifest). */
function startRun(
  experiment: RunnableExperiment,
  view: ExperimentView,
  settings: RunSettings,
  execution: BasePlugin,
  previous: RecordedRun | undefined,
  time: { readonly startedAt: Date; readonly started: number },
): StartedRun {
  const runId = crypto.randomUUID();
  const events = eventSink(settings.plugins, settings.onEvent, settings.logger);
  const plan = planRun(experiment, view, settings, runId, events);
  let session;
  if (settings.storage !== undefined) {
    const manifest: RunManifest = {
      runId,
      experiment: experiment.name,
      seed: settings.seed,
      replicates: settings.replicates,
      startedAt: time.startedAt.toISOString(),
      fingerprints: conditionFingerprints(
        plan,
        experiment.pipeline!.signature(),
        settings.seed,
        experiment.outputs,
      ),
      outputs: declaredOutputs(experiment.outputs),
    };
    session = settings.storage.open(experiment, manifest, previous, settings.logger);
  }
  return {
    experiment,
    settings,
    plan: session === undefined
      ? plan
      : { ...plan, recorder: session.recorder, reused: session.reusedReplicates() },
    runId,
    ...time,
    conditions: plan.conditions.map((c) => c.name),
    strategy: execution.executionStrategy ?? execution.pluginName,
    session,
    git: Promise.resolve(
      settings.git !== undefined ? settings.git ?? undefined : gitCommitOf(folderOf(experiment)),
    ),
  };
}

/** Verifies the hypotheses, stores the result and calls `afterRun`; a cancelled run throws. */
async function finishRun(
  run: StartedRun,
  view: ExperimentView,
  collected: CollectedRun,
): Promise<Result> {
  const { plan, settings } = run;
  if (plan.signal.aborted) throw await cancelled(run, collected);
  const result = await runResult(run, collected, await verifyHypotheses(run, collected));
  run.session?.save(result);
  for (const plugin of settings.plugins) await plugin.afterRun?.(view, result);
  plan.events?.emit({
    type: "run-finished",
    experiment: run.experiment.name,
    runId: run.runId,
    durationMs: result.provenance.durationMs,
    replicates: settings.replicates,
    errors: result.errors.length,
  });
  return result;
}

/**
 * The hypotheses' results on the conditions that have a successful
 * replicate. One that cannot be verified throws, with the result of what
 * was verified attached (and stored).
 */
async function verifyHypotheses(
  run: StartedRun,
  collected: CollectedRun,
): Promise<HypothesisResult[]> {
  const { agg, metrics } = collected;
  const ran = (c: string) => agg.conditions[c].replicates > agg.conditions[c].failed;
  const treated = run.conditions.slice(1).filter(ran)
    .map((c) => [c, metrics.treatments[c].metrics] as const);
  const verified: HypothesisResult[] = [];
  // With no successful baseline replicate there is nothing to compare with: the failures tell why.
  for (const h of ran(BASELINE) ? run.settings.hypotheses : []) {
    try {
      verified.push(await h.verify(metrics.baseline.metrics, treated));
    } catch (error) {
      const wrapped = error instanceof MissingMetricError
        ? error
        : HypothesisError.wrap(h.name, error);
      const result = await runResult(run, collected, verified);
      wrapped.result = result;
      run.session?.save(result);
      throw wrapped;
    }
  }
  return verified;
}

/** The error a cancelled run throws, with its partial result; emits `run-cancelled`. */
async function cancelled(run: StartedRun, collected: CollectedRun): Promise<RunCancelledError> {
  const { agg } = collected;
  const partial = await runResult(run, collected, [], true);
  const finished = Object.values(agg.conditions).reduce((n, c) => n + c.replicates, 0);
  run.plan.events?.emit({
    type: "run-cancelled",
    experiment: run.experiment.name,
    runId: run.runId,
    durationMs: partial.provenance.durationMs,
    finished,
    cancelled: agg.cancelled.length,
  });
  return new RunCancelledError(
    `Run of '${run.experiment.name}' was cancelled after ${finished} of ${
      run.settings.replicates * run.conditions.length
    } replicates (of all conditions)${
      agg.cancelled.length > 0 ? `; ${agg.cancelled.length} stopped while running` : ""
    }`,
    partial,
    { cause: run.plan.signal.reason },
  );
}

/** Returns a stored run that resume found complete and unchanged, with its events. */
function announceUpToDate(name: string, stored: Result, settings: RunSettings): Result {
  const events = eventSink(settings.plugins, settings.onEvent, settings.logger);
  const p = stored.provenance;
  const conditions = [BASELINE, ...Object.keys(stored.metrics.treatments)];
  events?.emit({
    type: "run-started",
    experiment: name,
    runId: p.runId,
    replicates: p.replicates,
    conditions,
    strategy: p.executionStrategy,
    resumedFrom: p.stored!.version,
    reused: Object.fromEntries(conditions.map((c) => [c, p.replicates])),
  });
  events?.emit({
    type: "run-finished",
    experiment: name,
    runId: p.runId,
    durationMs: 0,
    replicates: p.replicates,
    errors: 0,
  });
  return stored;
}

/** The experiment's folder: that of the module that built it, else the working directory. */
function folderOf(experiment: RunnableExperiment): string {
  return experiment.moduleUrl?.startsWith("file:")
    ? dirname(pathOfFileUrl(experiment.moduleUrl))
    : Deno.cwd();
}
