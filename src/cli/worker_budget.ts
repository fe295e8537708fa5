/**
 * How many worker processes the runs of one CLI process may have at once.
 * Experiment code decides how many pools it asks for (every experiment of a
 * graph may run `ParallelExecution`, several at a time): without a budget
 * it could start any number of processes. A pool gets what it asks for while
 * the budget lasts, fewer when little is left (results do not depend on the
 * number of workers), and waits when nothing is left.
 * @module
 */

/**
 * A budget of worker processes shared by the pools of one CLI process.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WorkerBudget } from "./worker_budget.ts";
 *
 * const budget = new WorkerBudget(4);
 * assert.equal(await budget.reserve(3), 3);
 * assert.equal(await budget.reserve(3), 1); // what is left
 * const third = budget.reserve(2); // waits for a release
 * budget.release(3);
 * assert.equal(await third, 2);
 * ```
 */
export class WorkerBudget {
  /** The most worker processes at once. */
  readonly total: number;
  #used = 0;
  readonly #waiting: (() => void)[] = [];

  /** A budget of `total` processes. */
  constructor(total: number) {
    this.total = total;
  }

  /** Reserves up to `wanted` processes (at least one, waiting for it when none is free). */
  async reserve(wanted: number): Promise<number> {
    while (this.#used >= this.total) await new Promise<void>((r) => this.#waiting.push(r));
    const granted = Math.min(wanted, this.total - this.#used);
    this.#used += granted;
    return granted;
  }

  /** Gives back processes a pool reserved. */
  release(count: number): void {
    this.#used -= count;
    for (const wake of this.#waiting.splice(0)) wake();
  }
}

/** The budget of this process: twice the cores, at least 4. */
export const WORKER_BUDGET: WorkerBudget = new WorkerBudget(
  Math.max(4, 2 * navigator.hardwareConcurrency),
);
