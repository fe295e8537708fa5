/**
 * Process-mode pools stream: each outcome reaches the run's `loop.report`
 * as its worker sends it, while later replicates still run — real worker
 * processes, the outcomes folded exactly as serial folds them.
 */
import assert from "node:assert/strict";
import {
  type BasePlugin,
  Experiment,
  type ExperimentView,
  LoggingPlugin,
  type LoopContext,
  ParallelExecution,
  type ReplicateFunction,
  type ReplicateOutcome,
  SeedPlugin,
  SerialExecution,
} from "../mod.ts";
import { noisyRows, scale, summarise } from "./fixtures/workers/cpu.ts";

/** A process pool whose loop writes down each report, and when it returned, in one log. */
class WatchedPool extends ParallelExecution {
  readonly log: string[] = [];
  returned: readonly ReplicateOutcome[] | undefined;

  override async runExperimentLoop(
    experiment: ExperimentView,
    replicateFn: ReplicateFunction,
    loop: LoopContext,
  ) {
    const report: LoopContext["report"] = (outcome) => {
      this.log.push(`outcome ${outcome.replicate}`);
      loop.report(outcome);
    };
    this.returned = await super.runExperimentLoop(experiment, replicateFn, { ...loop, report });
    this.log.push("returned");
    return this.returned;
  }
}

const experiment = (execution: BasePlugin) =>
  new Experiment({
    name: "streamed",
    datasource: noisyRows(),
    pipeline: [scale(), summarise()],
    plugins: [execution, new SeedPlugin({ seed: 7 }), new LoggingPlugin({ level: "silent" })],
    replicates: 6,
  });

Deno.test("process pool: outcomes are reported as workers send them, before later replicates start, and fold as serial does", async () => {
  const pool = new WatchedPool({ executorType: "process", maxWorkers: 1, cancelGraceMs: 200 });
  const result = await experiment(pool).run({
    onEvent: (e) => {
      if (e.type === "replicate-started") pool.log.push(`started ${e.replicate}`);
    },
  });
  const at = (entry: string) => pool.log.indexOf(entry);
  // One worker runs 0..5 in order; its frames arrive in the order it sent them.
  assert.ok(at("outcome 0") >= 0 && at("outcome 0") < at("started 5"), pool.log.join(", "));
  assert.deepEqual(
    pool.log.filter((e) => e.startsWith("outcome")),
    [0, 1, 2, 3, 4, 5].map((r) => `outcome ${r}`),
  );
  assert.equal(pool.log.at(-1), "returned", "nothing reported after the loop returned");
  assert.deepEqual(pool.returned, [], "nothing held back to return at the end");

  const serial = await experiment(new SerialExecution()).run();
  assert.equal(JSON.stringify(result.toJSON().metrics), JSON.stringify(serial.toJSON().metrics));
  assert.deepEqual(result.provenance.seeds, serial.provenance.seeds);
});
