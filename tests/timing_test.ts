/**
 * What a step's and a condition's time cover, now that the clock is read
 * once per boundary and the serial loop runs replicates back to back: a
 * step's time is its own, a condition's covers its datasource and steps,
 * and neither ever covers the fold of outcomes (or anything else between
 * two replicates).
 */
import assert from "node:assert/strict";
import {
  BasePlugin,
  dataSource,
  Experiment,
  type ExperimentView,
  LoggingPlugin,
  type LoopContext,
  pipelineStep,
  type ReplicateFunction,
  type ReplicateOutcome,
} from "../mod.ts";
import { runReplicate } from "../src/run/condition_runner.ts";
import { replicateFunction } from "../src/run/run_replicates.ts";
import { serialLoop } from "../src/run/serial_loop.ts";

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* spin: sleeping would yield */ }
};

/** Keeps the run's plan and lets the serial loop run. */
class KeepPlan extends BasePlugin {
  plan: LoopContext["plan"] | undefined;
  override runExperimentLoop(_e: ExperimentView, _fn: ReplicateFunction, loop: LoopContext) {
    this.plan = loop.plan;
    return undefined;
  }
}

async function planOf(dataMs: number, stepMs: number) {
  const keep = new KeepPlan();
  const source = dataSource(() => busy(dataMs), { name: "slow_source" });
  const step = pipelineStep((d: unknown) => (busy(stepMs), d), { name: "slow_step" });
  const quick = pipelineStep((d: unknown) => d, { name: "quick" });
  await Experiment.builder("timed").datasource(source()).addStep(step()).addStep(quick())
    .plugins([keep, new LoggingPlugin({ level: "silent" })]).build().run();
  return keep.plan!;
}

// Lower bounds are exact (a busy wait lasts at least its time); upper bounds are far above what a
// busy machine's preemption adds and far below what they rule out, so load cannot fail the test.
Deno.test("timing: in the serial loop a slow fold counts in no condition, while datasource and steps count where they ran", async () => {
  const plan = await planOf(2, 3);
  const replicateFn = replicateFunction(plan);
  const outcomes: ReplicateOutcome[] = [];
  const report = (o: ReplicateOutcome) => {
    busy(5); // a fold this slow would show in the next replicate, were it counted
    outcomes.push(o);
  };
  // 40: two stretches of back-to-back replicates, the second starting after 32 reports (160 ms).
  const loop = { replicates: 40, signal: new AbortController().signal, report };
  await serialLoop(replicateFn, loop);
  assert.deepEqual(outcomes.map((o) => o.replicate), Array.from({ length: 40 }, (_, i) => i));
  const conditions = outcomes.map((o) => o.conditions[0]);
  const slow = conditions.map((c) => c.stepMs[0]);
  const durations = conditions.map((c) => c.durationMs);
  assert.ok(Math.min(...slow) >= 3, `the step's own time: ${slow}`);
  // The datasource (2 ms) and the steps (3 ms) count; the 32 reports (160 ms) before replicate
  // 32 do not: it starts from the clock read after them.
  assert.ok(Math.min(...durations) >= 5, `${durations}`);
  assert.ok(Math.max(...durations) < 5 + 100, `${durations}`);
});

Deno.test("timing: after a stretch's reports the next replicate starts from a fresh reading, not the last replicate's end", async () => {
  const plan = await planOf(0, 0);
  const replicateFn = replicateFunction(plan);
  const outcomes: ReplicateOutcome[] = [];
  // 32 reports of 0.6 ms: 19 ms, within the loop's 25 ms slice, so it goes on without yielding.
  // The reports of the first stretch (replicates 0..31) run after replicate 31 ended and before
  // replicate 32 starts: replicate 32 starting from replicate 31's end would last longer than
  // they did, however slowly the machine ran them.
  let reportsFrom = 0, reportsTo = 0;
  const report = (o: ReplicateOutcome) => {
    if (o.replicate === 0) reportsFrom = performance.now();
    busy(0.6);
    outcomes.push(o);
    if (o.replicate === 31) reportsTo = performance.now();
  };
  await serialLoop(replicateFn, { replicates: 40, signal: new AbortController().signal, report });
  const durations = outcomes.map((o) => o.conditions[0].durationMs);
  const reportsMs = reportsTo - reportsFrom;
  assert.ok(reportsMs >= 32 * 0.6, `${reportsMs}`);
  // Not a fixed bound: a loaded machine may preempt a replicate for a few ms, but not for as long
  // as 32 busy reports (each replicate here takes microseconds).
  assert.ok(
    Math.max(...durations) < reportsMs,
    `replicate 32 would hold the ${reportsMs.toFixed(1)} ms of reports: ${durations}`,
  );
});

Deno.test("timing: a plugin's loop calling replicateFn hands no time over: what it does between replicates counts nowhere", async () => {
  const plan = await planOf(0, 1);
  const durations: number[] = [];
  for (let r = 0; r < 3; r++) {
    durations.push((await runReplicate(plan, r)).conditions[0].durationMs);
    busy(150); // the plugin's own work between replicates
  }
  assert.ok(Math.min(...durations) >= 1 && Math.max(...durations) < 1 + 100, `${durations}`);
});
