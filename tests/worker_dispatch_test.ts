/**
 * How a run hands replicates to worker processes, with stand-in workers
 * driven step by step (no processes), so the order of messages is exact.
 */
import assert from "node:assert/strict";
import type { ReplicateOutcome } from "../src/storage/outcome.ts";
import type { FromWorker, ToWorker, WorkerSpec } from "../src/execution/worker/messages.ts";
import { runOnWorkers } from "../src/execution/worker/run_on_workers.ts";
import type { WorkerPool } from "../src/execution/worker/worker_pool.ts";
import type {
  WorkerLaunch,
  WorkerProcess,
  WorkerProcessEvents,
} from "../src/execution/worker/worker_process.ts";

/** The part of a `WorkerProcess` a run uses, recording what it is sent. */
class StandInWorker {
  readonly assigned: number[] = [];
  readonly runs: number[][] = [];
  currentSince = 0;
  ready = false;
  killedBecause: string | undefined;
  crash = undefined;
  stderrTail = "";
  open = true;
  events!: WorkerProcessEvents;

  init(_spec: WorkerSpec): void {}
  send(message: ToWorker): void {
    if (message.type === "run") this.runs.push([...message.replicates]);
  }
  close(): void {
    this.open = false;
  }
  kill(reason: string): void {
    this.killedBecause = reason;
  }
  /** Delivers a message from this worker to the run. */
  report(message: FromWorker): void {
    if (message.type === "ready") this.ready = true;
    this.events.message(this as unknown as WorkerProcess, message);
  }
}

function standInPool(workers: StandInWorker[]): WorkerPool {
  return {
    take(_launch: WorkerLaunch, count: number, events: WorkerProcessEvents) {
      const taken = workers.splice(0, count);
      for (const w of taken) w.events = events;
      return taken;
    },
    giveBack(worker: StandInWorker) {
      worker.close();
    },
  } as unknown as WorkerPool;
}

const spec = {
  experimentName: "dispatch",
  runId: "r",
  conditions: [],
  seeding: undefined,
  events: { replicates: false, steps: false, errors: false },
} as unknown as WorkerSpec;

const outcome = (replicate: number): FromWorker => ({
  type: "outcome",
  outcome: { replicate, conditions: [] },
});

Deno.test("dispatch: a worker gets its next batch while it runs one, and holds at most two; the last batches go to whoever is free", async () => {
  const workers = [new StandInWorker(), new StandInWorker()];
  const [a, b] = workers;
  const outcomes: ReplicateOutcome[] = [];
  const done = runOnWorkers(
    spec,
    { events: undefined, logger: console },
    standInPool([...workers]),
    {
      workers: 2,
      launch: { entry: "data:,", flags: [] },
      cancelGraceMs: 0,
    },
    { replicates: 16, signal: new AbortController().signal, report: (o) => outcomes.push(o) },
  );

  a.report({ type: "ready" });
  b.report({ type: "ready" });
  // 16 replicates on 2 workers go in batches of 1: each worker already holds the next one.
  assert.deepEqual(a.runs, [[0], [1]]);
  assert.deepEqual(b.runs, [[2], [3]]);

  // Worker a is twice as fast: it reports two replicates for each of b's.
  for (let turn = 0; a.assigned.length + b.assigned.length > 0; turn++) {
    for (const w of turn % 3 === 2 ? [b] : [a]) {
      if (w.assigned.length > 0) w.report(outcome(w.assigned[0]));
    }
    assert.ok(a.assigned.length <= 2 && b.assigned.length <= 2, `turn ${turn}`);
  }
  await done;
  const reported = outcomes.map((o) => o.replicate).sort((x, y) => x - y);
  assert.deepEqual(reported, Array.from({ length: 16 }, (_, i) => i));
  const ran = [...a.runs, ...b.runs].flat().sort((x, y) => x - y);
  assert.deepEqual(ran, Array.from({ length: 16 }, (_, i) => i), "each replicate sent once");
  assert.ok(a.runs.length > b.runs.length + 2, `the faster worker ran more: ${a.runs} / ${b.runs}`);
});

Deno.test("dispatch: each outcome is reported the moment its worker sends it, a crashed worker's replicate when it exits, and none is kept or reported twice", async () => {
  const workers = [new StandInWorker(), new StandInWorker()];
  const [a, b] = workers;
  const reported: number[] = [];
  let settled = false;
  const done = runOnWorkers(
    spec,
    { events: undefined, logger: console },
    standInPool([...workers, new StandInWorker()]),
    { workers: 2, launch: { entry: "data:,", flags: [] }, cancelGraceMs: 0 },
    {
      replicates: 4,
      signal: new AbortController().signal,
      report: (o) => reported.push(o.replicate),
    },
  ).then(() => settled = true);
  // New workers get their first batches with their init.
  assert.deepEqual([a.runs, b.runs], [[[0], [1]], [[2]]]);
  a.report({ type: "ready" });
  b.report({ type: "ready" });

  b.report(outcome(2));
  assert.deepEqual(reported, [2], "reported at once, while the other replicates still run");
  assert.deepEqual(b.runs, [[2], [3]]);
  a.report(outcome(0));
  assert.deepEqual(reported, [2, 0]);
  // Worker b dies running replicate 3: it is reported as failed when the exit is seen.
  b.events.exit(b as unknown as WorkerProcess, { success: false, code: 1, signal: null });
  assert.deepEqual(reported, [2, 0, 3]);
  a.report(outcome(1));
  await done;
  assert.ok(settled);
  assert.deepEqual(reported, [2, 0, 3, 1], "every replicate once, in the order they arrived");
});

/**
 * A run of `replicates` on stand-in workers (the pool hands out `workers` in
 * order); resolves with the outcomes it reported, in the order reported.
 */
function standInRun(workers: StandInWorker[], replicates: number, timeoutMs?: number) {
  const reported: ReplicateOutcome[] = [];
  return runOnWorkers(
    spec,
    { events: undefined, logger: console },
    standInPool([...workers]),
    { workers: 2, launch: { entry: "data:,", flags: [] }, cancelGraceMs: 0, timeoutMs },
    { replicates, signal: new AbortController().signal, report: (o) => reported.push(o) },
  ).then(() => reported);
}

/** Reports every replicate a worker holds, in order, until it holds none. */
function finish(worker: StandInWorker): void {
  while (worker.assigned.length > 0) worker.report(outcome(worker.assigned[0]));
}

const exited = (worker: StandInWorker, code: number) =>
  worker.events.exit(worker as unknown as WorkerProcess, { success: false, code, signal: null });

Deno.test("dispatch: a new worker gets its first batch with its init, so it starts on it when ready, without a round trip", () => {
  const [a, b] = [new StandInWorker(), new StandInWorker()];
  void standInRun([a, b], 16);
  // Sent before either is ready: a worker handles init and run in order.
  assert.deepEqual(a.runs, [[0], [1]]);
  assert.deepEqual(b.runs, [[2], [3]]);
  a.report({ type: "ready" });
  assert.deepEqual(a.runs, [[0], [1]], "being ready adds nothing: it already holds two batches");
});

Deno.test("dispatch: a worker whose start-up fails gives back the batches it never began; none is failed for it", async () => {
  const [a, b, c] = [new StandInWorker(), new StandInWorker(), new StandInWorker()];
  const done = standInRun([a, b, c], 16);
  a.report({ type: "ready" });
  exited(b, 1); // b never got ready: its replicates 2 and 3 go back in the queue
  assert.deepEqual(c.runs.length > 0, true, "a replacement was started and given work");
  c.report({ type: "ready" });
  while (a.assigned.length + c.assigned.length > 0) (finish(a), finish(c));
  const outcomes = await done;
  assert.deepEqual(
    outcomes.map((o) => o.replicate).sort((x, y) => x - y),
    Array.from({ length: 16 }, (_, i) => i),
  );
  assert.ok(outcomes.every((o) => o.conditions.length === 0), "no replicate recorded as failed");
  const ran = [...a.runs, ...c.runs].flat();
  assert.ok(ran.includes(2) && ran.includes(3), `b's replicates ran elsewhere: ${ran}`);
});

Deno.test("dispatch: the time limit counts from ready, not while a worker starts with its first batch", async () => {
  const [a, b] = [new StandInWorker(), new StandInWorker()];
  const done = standInRun([a, b], 4, 20);
  await new Promise((r) => setTimeout(r, 80)); // both still starting, holding batches
  assert.equal(a.killedBecause, undefined);
  assert.equal(b.killedBecause, undefined);
  a.report({ type: "ready" });
  b.report({ type: "ready" });
  finish(a);
  await new Promise((r) => setTimeout(r, 80)); // b, ready, runs past the limit
  assert.equal(a.killedBecause, undefined);
  assert.equal(b.killedBecause, "timeout");
  exited(b, 137);
  const outcomes = await done;
  assert.equal(outcomes.length, 4);
});
