import type { ReplicateOutcome } from "../storage/outcome.ts";
import type { ArtifactIndex } from "../storage/result_json.ts";
import { type Aggregate, OutcomeFold } from "./aggregate.ts";
import { BACK_TO_BACK, type BackToBackFunction } from "./back_to_back.ts";
import { CancelFlag } from "./cancel_flag.ts";
import { runReplicate } from "./condition_runner.ts";
import { LoopContractError, OrderedOutcomes } from "./ordered_outcomes.ts";
import type { BasePlugin, ExperimentView, LoopContext, ReplicateFunction } from "./plugin.ts";
import type { RunPlan } from "./run_plan.ts";
import { serialLoop } from "./serial_loop.ts";
import {
  ArtifactIndexBuilder,
  type ReusedOutcomes,
  withReused,
} from "../storage/stored_outcomes.ts";

/** What {@linkcode runReplicates} runs. */
export interface ReplicatesRun {
  /** The plugin whose `runExperimentLoop` runs the replicates (the serial loop when it declines). */
  readonly execution: BasePlugin;
  /** The experiment, as the loop sees it. */
  readonly experiment: ExperimentView;
  /** The run's plan. */
  readonly plan: RunPlan;
  /** Replicates per condition. */
  readonly replicates: number;
  /** When the run is stored: its final folder and the outcomes it reuses. */
  readonly stored?: { readonly dir: string; readonly reused: ReusedOutcomes };
  /**
   * What the program hosting the run adds to the loop context, for the
   * execution plugins that know it (the CLI's runner lends its worker
   * launcher: see `execution/worker/worker_launcher.ts`). The engine does
   * not look inside.
   */
  readonly host?: Readonly<Record<string, unknown>>;
}

/** What a run keeps of its replicates. */
export interface FoldedReplicates {
  /** Metrics, seeds, errors and timings per condition. */
  readonly aggregate: Aggregate;
  /** Where each stored artifact is, when the run is stored. */
  readonly artifacts: ArtifactIndex | undefined;
}

/**
 * Runs every replicate of a plan through the execution's loop and folds
 * each outcome, as it arrives and in replicate order, into the aggregate
 * (and, for a stored run, the artifact index, with reused outcomes put
 * back); outcomes are recorded to storage as they finish, and the recorder
 * is flushed even when the loop throws. Nothing keeps an outcome once it is
 * folded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createLogger, dataSource, pipelineStep, SerialExecution } from "@crystallize/deno";
 * import { conditionPlan } from "./condition_plan.ts";
 * import { runReplicates } from "./run_replicates.ts";
 *
 * const record = pipelineStep((d: number, ctx) => {
 *   ctx.metrics.add("r", ctx.replicate);
 *   return d;
 * }, { name: "record" });
 * const plan = {
 *   experimentName: "demo", runId: "r1", datasource: dataSource(() => 1, { name: "n" })(),
 *   steps: [record()], conditions: [conditionPlan("baseline", {}, undefined)],
 *   seeding: undefined, seedFn: undefined, hooks: { beforeReplicate: [], beforeStep: [], afterStep: [] },
 *   logger: createLogger({ level: "silent" }), signal: new AbortController().signal, events: undefined,
 * };
 * const { aggregate } = await runReplicates({
 *   execution: new SerialExecution(), experiment: { name: "demo" }, plan, replicates: 3,
 * });
 * assert.deepEqual(aggregate.metrics.get("baseline"), { r: [0, 1, 2] });
 * ```
 */
export async function runReplicates(run: ReplicatesRun): Promise<FoldedReplicates> {
  const { stored } = run;
  const cancel = new CancelFlag(run.plan.signal);
  const plan: RunPlan = { ...run.plan, cancel };
  const conditions = plan.conditions.map((c) => c.name);
  const fold = new OutcomeFold(conditions, plan.steps);
  const index = stored === undefined
    ? undefined
    : new ArtifactIndexBuilder(stored.dir, conditions, run.replicates);
  const deliver = stored === undefined ? (o: ReplicateOutcome) => fold.add(o) : (
    o: ReplicateOutcome,
  ) => {
    const all = withReused(o, stored.reused, conditions);
    index!.add(all);
    fold.add(all);
  };
  const loop = {
    ...run.host,
    replicates: run.replicates,
    signal: plan.signal,
    timeoutMs: plan.timeoutMs,
    plan,
  };
  try {
    await runLoop(run.execution, run.experiment, replicateFunction(plan), loop, deliver);
  } finally {
    cancel.dispose();
    plan.recorder?.flush(); // the buffered tail of outcomes.jsonl, even when the loop threw
  }
  return { aggregate: fold.result(), artifacts: index?.index };
}

/**
 * The replicate function loops are given: `(replicate) => outcome`, with
 * the back-to-back form the serial loop uses under {@linkcode BACK_TO_BACK}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createLogger, dataSource, pipelineStep } from "@crystallize/deno";
 * import { BACK_TO_BACK } from "./back_to_back.ts";
 * import { conditionPlan } from "./condition_plan.ts";
 * import { replicateFunction } from "./run_replicates.ts";
 *
 * const plan = {
 *   experimentName: "demo", runId: "r1", datasource: dataSource(() => 1, { name: "n" })(),
 *   steps: [pipelineStep((d: number) => d, { name: "id" })()], conditions: [conditionPlan("baseline", {}, undefined)],
 *   seeding: undefined, seedFn: undefined, hooks: { beforeReplicate: [], beforeStep: [], afterStep: [] },
 *   logger: createLogger({ level: "silent" }), signal: new AbortController().signal, events: undefined,
 * };
 * const replicateFn = replicateFunction(plan);
 * assert.equal((await replicateFn(0)).replicate, 0);
 * assert.equal(typeof replicateFn[BACK_TO_BACK], "function");
 * ```
 */
export function replicateFunction(
  plan: RunPlan,
): ReplicateFunction & { readonly [BACK_TO_BACK]: BackToBackFunction } {
  const backToBack: BackToBackFunction = (r, handoff) => runReplicate(plan, r, handoff);
  return Object.assign((r: number) => runReplicate(plan, r), { [BACK_TO_BACK]: backToBack });
}

/**
 * Runs the execution's loop under the loop contract (see `BasePlugin`):
 * reported outcomes are put in order and delivered as they arrive, returned
 * ones when the loop returns; a loop that returns nothing without reporting
 * falls back to the serial loop.
 */
async function runLoop(
  execution: BasePlugin,
  experiment: ExperimentView,
  replicateFn: ReplicateFunction,
  loop: Omit<LoopContext, "report">,
  deliver: (outcome: ReplicateOutcome) => void,
): Promise<void> {
  const owner = `${execution.pluginName}.runExperimentLoop`;
  const ordered = new OrderedOutcomes(loop.replicates, deliver, owner);
  const context: LoopContext = { ...loop, report: (o) => ordered.report(o) };
  try {
    const returned = await execution.runExperimentLoop?.(experiment, replicateFn, context);
    if (returned === undefined) {
      if (ordered.reported === 0) await serialLoop(replicateFn, context);
    } else if (Array.isArray(returned)) {
      for (const outcome of returned) ordered.report(outcome);
    } else {
      throw new LoopContractError(
        `${owner} returned ${typeof returned}; report each outcome to loop.report (or return them all as an array)`,
      );
    }
  } finally {
    ordered.close();
  }
  if (ordered.problem !== undefined) throw ordered.problem;
}
