/**
 * Worker pools of a sandboxed run, both ends of the relay. The runner may
 * not start processes, so the launcher it injects into its runs
 * ({@linkcode PoolRelay}) sends each pool request to the CLI; the CLI
 * ({@linkcode PoolRelayHost}) runs it on its own launcher (the sandbox's)
 * and answers with the workers' events, logs and outcomes as they arrive,
 * then that the pool is done. The
 * request is plain data; the CLI checks it (`protocol_shapes.ts`, then the
 * launcher) before it starts anything.
 * @module
 */
import { CrystallizeError } from "../../errors.ts";
import { recordingLogger, replayRecord } from "../../execution/worker/log_relay.ts";
import { errorData } from "../../execution/worker/messages.ts";
import type {
  PoolRequest,
  PoolRun,
  WorkerLauncher,
} from "../../execution/worker/worker_launcher.ts";
import type { ReplicateOutcome } from "../../storage/outcome.ts";
import type { FromRunner, ToRunner } from "./protocol.ts";
import type { RunnerChannel } from "./runner_channel.ts";

/**
 * The runner's worker launcher: runs a pool through the CLI. Sends the
 * request, relays the workers' events, logs and outcomes to the run as
 * they come, asks the CLI to cancel when the run's signal aborts, and
 * resolves when the CLI says the pool is done (or rejects with the error
 * it reports).
 *
 * @example
 * ```ts ignore
 * // Not run: it talks to the CLI over this process's stdin and stdout (the runner's).
 * import { PoolRelay } from "./pool_relay.ts";
 * import { RunnerChannel } from "./runner_channel.ts";
 *
 * const channel = new RunnerChannel();
 * await experiment.run({ workerLauncher: new PoolRelay(channel) });
 * ```
 */
export class PoolRelay implements WorkerLauncher {
  readonly #channel: RunnerChannel;
  #lastId = 0;

  /** A launcher asking the CLI at the other end of `channel`. */
  constructor(channel: RunnerChannel) {
    this.#channel = channel;
  }

  /** Runs the pool in the CLI. */
  runPool(request: PoolRequest, run: PoolRun): Promise<void> {
    const channel = this.#channel;
    const id = ++this.#lastId;
    return new Promise((resolve, reject) => {
      const onAbort = () => channel.send({ type: "pool-cancel", id });
      run.signal.addEventListener("abort", onAbort, { once: true });
      const done = () => {
        channel.closePool(id);
        run.signal.removeEventListener("abort", onAbort);
      };
      channel.openPool(id, (answer) => {
        switch (answer.type) {
          case "pool-events":
            for (const event of answer.events) run.events?.emit(event);
            break;
          case "pool-log":
            replayRecord(run.logger, answer.record);
            break;
          case "pool-outcomes":
            for (const outcome of answer.outcomes) run.report(outcome);
            break;
          case "pool-done":
            done();
            resolve();
            break;
          case "pool-failed":
            done();
            reject(Object.assign(new CrystallizeError(answer.error.message), {
              name: answer.error.name,
            }));
            break;
        }
      });
      channel.send({ type: "pool", id, request, replicates: run.replicates });
    });
  }
}

/** The runner's messages about pools. */
export type PoolMessage = FromRunner & { readonly type: "pool" | "pool-cancel" };

/**
 * The CLI's end of the relay: runs each pool the runner asks for on
 * `launcher`, answering through `reply`; cancels a pool when the runner
 * asks to. {@linkcode PoolRelayHost.close} stops them all.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ToRunner } from "./protocol.ts";
 * import { PoolRelayHost } from "./pool_relay.ts";
 *
 * // A launcher with no workers: every pool ends at once with no outcomes.
 * const answers: ToRunner[] = [];
 * const host = new PoolRelayHost({ runPool: () => Promise.resolve() }, (m) => answers.push(m));
 * const spec = {
 *   experimentName: "demo", runId: "r1", datasource: { ref: { module: "file:///exp/d.ts", name: "d" }, params: {} },
 *   steps: [], conditions: [], seeding: undefined, logLevel: "warn" as const,
 *   events: { replicates: false, steps: false, errors: false },
 * };
 * const request = { spec, workers: 1, cancelGraceMs: 0, permissions: {} };
 * host.handle({ type: "pool", id: 1, request, replicates: 1 });
 * await host.close();
 * assert.deepEqual(answers, [{ type: "pool-done", id: 1 }]);
 * ```
 */
export class PoolRelayHost {
  readonly #launcher: WorkerLauncher;
  readonly #reply: (message: ToRunner) => void;
  readonly #pools = new Map<number, AbortController>();
  readonly #running = new Set<Promise<unknown>>();

  /** A host running pools on `launcher`, answering with `reply`. */
  constructor(launcher: WorkerLauncher, reply: (message: ToRunner) => void) {
    this.#launcher = launcher;
    this.#reply = reply;
  }

  /** Starts or cancels a pool. */
  handle(message: PoolMessage): void {
    if (message.type === "pool-cancel") {
      this.#pools.get(message.id)?.abort();
      return;
    }
    const { id, request } = message;
    const control = new AbortController();
    this.#pools.set(id, control);
    const reply = this.#reply;
    const outcomes = outcomeBatches((batch) =>
      reply({ type: "pool-outcomes", id, outcomes: batch })
    );
    const run: PoolRun = {
      replicates: message.replicates,
      signal: control.signal,
      events: {
        replicates: request.spec.events.replicates,
        steps: request.spec.events.steps,
        emit: (event) => reply({ type: "pool-events", id, events: [event] }),
      },
      logger: recordingLogger((record) => reply({ type: "pool-log", id, record })),
      report: outcomes.report,
    };
    const running = Promise.try(() => this.#launcher.runPool(request, run)).finally(outcomes.flush)
      .then(
        () => reply({ type: "pool-done", id }),
        (error) => reply({ type: "pool-failed", id, error: errorData(error) }),
      ).finally(() => {
        this.#pools.delete(id);
        this.#running.delete(running);
      });
    this.#running.add(running);
  }

  /** Cancels the pools still running and waits until they have stopped. */
  async close(): Promise<void> {
    for (const control of this.#pools.values()) control.abort();
    await Promise.allSettled([...this.#running]);
  }
}

/**
 * Outcomes sent in batches: those reported in one turn of the event loop
 * (a chunk of worker frames read at once) go in one message, so a long run
 * costs a frame per chunk, not per replicate, and none waits for the end.
 * `flush` sends what is held at once.
 */
function outcomeBatches(send: (outcomes: ReplicateOutcome[]) => void): {
  report: (outcome: ReplicateOutcome) => void;
  flush: () => void;
} {
  let held: ReplicateOutcome[] = [];
  const flush = () => {
    if (held.length === 0) return;
    const batch = held;
    held = [];
    send(batch);
  };
  const report = (outcome: ReplicateOutcome) => {
    if (held.push(outcome) === 1) queueMicrotask(flush);
  };
  return { report, flush };
}
