/**
 * A replicate stopped by the run's cancel is cancelled, not failed: its own
 * record, events and summary line, at the step it was in; never reused by
 * resume.
 */
import assert from "node:assert/strict";
import {
  ArtifactPlugin,
  dataSource,
  Experiment,
  LoggingPlugin,
  pipelineStep,
  RunCancelledError,
  SeedPlugin,
  treatment,
} from "../mod.ts";
import type { ProgressEvent } from "../src/run/events.ts";
import { formatSummary } from "../src/cli/summary.ts";
import { tempDir } from "./temp_dir.ts";

const index = dataSource((ctx) => ctx.replicate, { name: "index" });

function napping(controller: AbortController) {
  return pipelineStep(async (d: number, ctx) => {
    // The user cancels while replicate 2 of the baseline naps.
    const cancelHere = ctx.replicate === 2 && ctx.condition === "baseline" &&
      !controller.signal.aborted;
    if (cancelHere) setTimeout(() => controller.abort(), 1);
    // A step that watches ctx.signal: the cancel interrupts it.
    await new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, cancelHere ? 1000 : 2);
      ctx.signal.addEventListener("abort", () => {
        clearTimeout(timer);
        reject(ctx.signal.reason);
      }, { once: true });
    });
    ctx.metrics.add("value", d);
    return d;
  }, { name: "nap" });
}

Deno.test("a replicate the cancel stops is cancelled at its step, not failed in the datasource", async () => {
  await using dir = await tempDir("cancelled");
  const controller = new AbortController();
  const experiment = new Experiment({
    name: "naps",
    datasource: index(),
    pipeline: [napping(controller)()],
    treatments: [treatment("other", {})],
    plugins: [
      new ArtifactPlugin({ root: dir.path }),
      new SeedPlugin({ seed: 1 }),
      new LoggingPlugin({ level: "silent" }),
    ],
    replicates: 6,
  });
  const events: ProgressEvent[] = [];
  const error = await experiment.run({ signal: controller.signal, onEvent: (e) => events.push(e) })
    .then(() => undefined, (e) => e);
  assert.ok(error instanceof RunCancelledError);
  const result = error.result;
  assert.deepEqual(result.errors, [], "a cancelled replicate is no failure");
  assert.deepEqual(result.cancelled, [{ condition: "baseline", replicate: 2, step: "nap" }]);
  assert.deepEqual(result.metrics.baseline.metrics.value, [0, 1]);
  assert.deepEqual(
    result.metrics.treatments.other.metrics.value,
    [0, 1],
    "no condition starts after",
  );
  assert.equal(result.provenance.cancelled, true);
  assert.equal(result.provenance.timings.conditions.baseline.failed, 0);
  const types = events.map((e) => e.type);
  assert.ok(!types.includes("error"));
  assert.equal(types.filter((t) => t === "replicate-cancelled").length, 1);
  assert.equal(types.at(-1), "run-cancelled");
  assert.deepEqual(events.find((e) => e.type === "run-cancelled"), {
    ...events.find((e) => e.type === "run-cancelled"),
    finished: 4,
    cancelled: 1,
  });

  const summary = formatSummary(result.toJSON());
  assert.match(
    summary,
    /^Experiment 'naps' v0: 6 replicates per condition \(cancelled: partial result\)/,
  );
  assert.match(
    summary,
    /Cancelled replicates: 1 \(stopped by the cancel, not failures\)\n {2}baseline #2 at nap/,
  );
  assert.doesNotMatch(summary, /Failed replicates/);

  // Resume reuses what finished, and runs the cancelled replicate again.
  const resumed = await experiment.run({ strategy: "resume" });
  assert.deepEqual(resumed.provenance.stored?.reused, { baseline: 2, other: 2 });
  assert.deepEqual(resumed.metrics.baseline.metrics.value, [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(resumed.cancelled, []);
});

Deno.test("a cancel from inside a synchronous step stops the replicate at its next step, and no replicate starts after", async () => {
  const controller = new AbortController();
  const ran: string[] = [];
  const first = pipelineStep((d: number, ctx) => {
    ran.push(`first ${ctx.replicate}`);
    if (ctx.replicate === 3) controller.abort(); // no event-loop turn before the next check
    return d;
  }, { name: "first" });
  const second = pipelineStep((d: number, ctx) => {
    ran.push(`second ${ctx.replicate}`);
    ctx.metrics.add("value", d);
    return d;
  }, { name: "second" });
  const experiment = new Experiment({
    name: "sync_cancel",
    datasource: index(),
    pipeline: [first(), second()],
    plugins: [new LoggingPlugin({ level: "silent" })],
    replicates: 100,
  });
  const error = await experiment.run({ signal: controller.signal }).then(() => undefined, (e) => e);
  assert.ok(error instanceof RunCancelledError);
  assert.deepEqual(error.result.cancelled, [{
    condition: "baseline",
    replicate: 3,
    step: "second",
  }]);
  assert.deepEqual(error.result.metrics.baseline.metrics.value, [0, 1, 2]);
  assert.deepEqual(ran.slice(-2), ["second 2", "first 3"]);
});
