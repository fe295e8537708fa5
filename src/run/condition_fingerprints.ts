import { canonicalHash } from "../cache/canonical_hash.ts";
import type { PipelineSignature } from "../pipeline/pipeline.ts";
import type { RunPlan } from "./run_plan.ts";
import { type DeclaredOutput, declaredOutputs } from "../storage/stored_run.ts";

/**
 * Per condition, the hash of what its replicates depend on: pipeline
 * signature, datasource and its parameters, the condition's values and
 * treatment code, the master seed, and the declared outputs (names and
 * formats). `null` when something cannot be hashed (then nothing of that
 * condition is reused).
 *
 * Outputs count because what a step writes need not show in its code hash
 * (it may call a helper of another module): a replicate stored before an
 * output was added or changed lacks it, and reusing it would leave the new
 * run without the file a downstream experiment reads.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataSource, Experiment, pipelineStep, type ExperimentView, type LoopContext, type ReplicateFunction, BasePlugin } from "@crystallize/deno";
 * import { conditionFingerprints } from "./condition_fingerprints.ts";
 *
 * // A plugin that keeps the run's plan; returning undefined lets the serial loop run.
 * class KeepPlan extends BasePlugin {
 *   plan: LoopContext["plan"] | undefined;
 *   override runExperimentLoop(_e: ExperimentView, _fn: ReplicateFunction, loop: LoopContext) {
 *     this.plan = loop.plan;
 *     return undefined;
 *   }
 * }
 * const total = pipelineStep((data: number[], ctx) => {
 *   ctx.metrics.add("total", data.reduce((a, b) => a + b, 0));
 *   return data;
 * }, { name: "total" });
 * const keep = new KeepPlan();
 * const pipeline = [total()];
 * const experiment = Experiment.builder("demo").datasource(dataSource(() => [1], { name: "n" })())
 *   .addStep(pipeline[0]).plugins([keep]).build();
 * await experiment.run();
 * const signature = { steps: pipeline.map((s) => ({ name: s.name, params: s.params, codeHash: s.codeHash })) };
 * const a = conditionFingerprints(keep.plan!, signature as never, 42, []);
 * const b = conditionFingerprints(keep.plan!, signature as never, 43, []);
 * assert.match(a.baseline ?? "", /^[0-9a-f]{64}$/);
 * assert.notEqual(a.baseline, b.baseline); // the seed is part of it
 * ```
 */
export function conditionFingerprints(
  plan: Pick<RunPlan, "datasource" | "conditions">,
  signature: PipelineSignature,
  seed: number | undefined,
  outputs: readonly DeclaredOutput[],
): Record<string, string | null> {
  const shared = [
    signature,
    plan.datasource.name,
    plan.datasource.params,
    plan.datasource.codeHash ?? null,
    seed,
    // Sorted: declaring the same outputs in another order writes the same files.
    declaredOutputs(outputs).map((o) => [o.name, o.format]).sort(([a], [b]) => a < b ? -1 : 1),
  ];
  return Object.fromEntries(plan.conditions.map((c) => {
    try {
      return [c.name, canonicalHash([shared, c.values, c.apply?.toString() ?? null])];
    } catch {
      return [c.name, null];
    }
  }));
}
