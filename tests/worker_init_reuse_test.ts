/**
 * A worker process set up for a run is not set up again for more batches
 * of that same run (a queue worker's next job of the run): `init` with the
 * very spec it is ready with sends nothing, while another spec, or the same
 * after a `cancel`, is sent — checked on a real worker process by the
 * `ready` answers it gives.
 */
import assert from "node:assert/strict";
import {
  BasePlugin,
  Experiment,
  type ExperimentView,
  type LoopContext,
  type ReplicateFunction,
} from "../mod.ts";
import { fetchNumbers, total } from "../examples/scaling_demo.ts";
import { workerEntry } from "../src/execution/worker/entry.ts";
import { launchFlags } from "../src/execution/worker/launch_flags.ts";
import type { FromWorker } from "../src/execution/worker/messages.ts";
import { workerSpec } from "../src/execution/worker/spec.ts";
import { WorkerProcess } from "../src/execution/worker/worker_process.ts";

/** Keeps the run's plan; returning undefined lets the serial loop run. */
class KeepPlan extends BasePlugin {
  plan: LoopContext["plan"] | undefined;
  override runExperimentLoop(_e: ExperimentView, _fn: ReplicateFunction, loop: LoopContext) {
    this.plan = loop.plan;
    return undefined;
  }
}

Deno.test("worker process: init with the spec it is ready with sends nothing; another spec, or the same after a cancel, is set up", async () => {
  const keep = new KeepPlan();
  await Experiment.builder("init_reuse").datasource(fetchNumbers()).addStep(total())
    .plugins([keep]).replicates(2).build().run({ seed: 1 });
  const spec = await workerSpec(keep.plan!, "warn");
  const examples = new URL("../examples", import.meta.url).pathname;
  const launch = {
    entry: workerEntry(spec, { loading: "static" }),
    flags: launchFlags({ read: [examples], write: [], config: "none" }),
  };
  let readies = 0;
  let waiting: PromiseWithResolvers<number> | undefined;
  const worker = new WorkerProcess(1, launch, {
    message: (_w, message: FromWorker) => {
      if (message.type === "ready") readies++;
      if (message.type === "outcome") waiting?.resolve(message.outcome.replicate);
    },
    exit: () => {},
  });
  const run = (replicate: number) => {
    waiting = Promise.withResolvers();
    worker.send({ type: "run", replicates: [replicate] });
    return waiting.promise;
  };
  try {
    worker.init(spec);
    assert.equal(await run(0), 0);
    assert.equal(readies, 1);

    worker.init(spec); // the next batch of the same run
    assert.equal(await run(1), 1);
    assert.equal(readies, 1, "no second init: the worker kept its plan");

    const other = { ...spec };
    worker.init(other); // another run
    assert.equal(await run(0), 0);
    assert.equal(readies, 2);

    worker.send({ type: "cancel" }); // ends that run: its plan's signal is aborted
    worker.init(other);
    assert.equal(await run(1), 1, "set up afresh, it runs again");
    assert.equal(readies, 3);
  } finally {
    worker.close();
    assert.equal((await worker.exited).code, 0);
  }
});
