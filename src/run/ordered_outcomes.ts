import { CrystallizeError } from "../errors.ts";
import type { ReplicateOutcome } from "../storage/outcome.ts";

/**
 * An execution loop broke its contract: it reported a replicate that is not
 * part of the run, reported one twice or after it returned, or returned
 * something other than the outcomes. The message names the plugin and the
 * replicate.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BasePlugin, dataSource, Experiment, LoopContractError, type LoopContext, pipelineStep, type ReplicateFunction } from "@crystallize/deno";
 *
 * class Twice extends BasePlugin {
 *   override async runExperimentLoop(_e: unknown, fn: ReplicateFunction, loop: LoopContext) {
 *     const outcome = await fn(0);
 *     loop.report(outcome);
 *     loop.report(outcome); // a bug: the same replicate again
 *   }
 * }
 * const experiment = Experiment.builder("twice").datasource(dataSource(() => 1, { name: "one" })())
 *   .addStep(pipelineStep((d: number) => d, { name: "id" })()).plugins([new Twice()]).build();
 * await assert.rejects(experiment.run(), LoopContractError);
 * ```
 */
export class LoopContractError extends CrystallizeError {}

/**
 * Puts the outcomes a loop reports, in whatever order replicates finish,
 * back into replicate order, and passes each on as soon as every earlier
 * replicate has been: only replicates finishing ahead of an earlier one are
 * held. Checks each report (a replicate of the run, once); the first
 * problem is kept in {@linkcode OrderedOutcomes.problem} as well as thrown,
 * so a loop that swallows the error still fails the run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { OrderedOutcomes } from "./ordered_outcomes.ts";
 *
 * const order: number[] = [];
 * const ordered = new OrderedOutcomes(3, (o) => order.push(o.replicate), "MyLoop");
 * for (const replicate of [1, 0, 2]) ordered.report({ replicate, conditions: [] });
 * ordered.close();
 * assert.deepEqual(order, [0, 1, 2]);
 * assert.throws(() => ordered.report({ replicate: 2, conditions: [] }), /after/);
 * ```
 */
export class OrderedOutcomes {
  /** The first broken rule, if any. */
  problem: LoopContractError | undefined;
  /** How many outcomes were reported. */
  reported = 0;
  readonly #replicates: number;
  readonly #deliver: (outcome: ReplicateOutcome) => void;
  readonly #owner: string;
  readonly #held = new Map<number, ReplicateOutcome>();
  #next = 0;
  #closed = false;

  /** Orders outcomes of replicates `0..replicates-1` reported by `owner` (a plugin name). */
  constructor(replicates: number, deliver: (outcome: ReplicateOutcome) => void, owner: string) {
    this.#replicates = replicates;
    this.#deliver = deliver;
    this.#owner = owner;
  }

  /** Takes one outcome; throws {@linkcode LoopContractError} when it breaks the contract. */
  report(outcome: ReplicateOutcome): void {
    const r = outcome?.replicate;
    if (this.#closed) {
      this.#fail(
        `reported replicate ${r} after its runExperimentLoop had returned; await every replicate before returning`,
      );
    }
    if (!Number.isInteger(r) || r < 0 || r >= this.#replicates) {
      this.#fail(
        `reported an outcome for replicate ${r}, but the run has replicates 0..${
          this.#replicates - 1
        }; report what replicateFn returned`,
      );
    }
    if (r !== this.#next) {
      if (r < this.#next || this.#held.has(r)) {
        this.#fail(`reported replicate ${r} twice; report each replicate's outcome once`);
      }
      this.reported++;
      this.#held.set(r, outcome);
      return;
    }
    this.reported++;
    this.#deliver(outcome);
    this.#next++;
    while (this.#held.size > 0) {
      const held = this.#held.get(this.#next);
      if (held === undefined) break;
      this.#held.delete(this.#next++);
      this.#deliver(held);
    }
  }

  /**
   * Ends the stream: passes on what is still held (replicates after a gap,
   * e.g. of a cancelled run) in replicate order, and refuses later reports.
   */
  close(): void {
    this.#closed = true;
    const rest = [...this.#held].sort(([a], [b]) => a - b);
    this.#held.clear();
    for (const [, outcome] of rest) this.#deliver(outcome);
  }

  /** Records and throws a broken rule. */
  #fail(message: string): never {
    const error = new LoopContractError(`${this.#owner}: ${message}`);
    this.problem ??= error;
    throw error;
  }
}
