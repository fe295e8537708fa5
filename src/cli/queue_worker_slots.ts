/**
 * The worker processes of a queue worker as slots a batch waits for: the
 * worker holds one job more than it runs, so the next batch is fetched,
 * and its run set up, while the current one runs, and a worker process
 * never waits for Redis between batches.
 * @module
 */

/**
 * A first-come, first-served gate of `size` slots; once closed, waiting
 * and later callers are refused.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Slots } from "./queue_worker_slots.ts";
 *
 * const slots = new Slots(1);
 * assert.equal(await slots.acquire(), true);
 * const next = slots.acquire(); // waits for the slot
 * slots.close();
 * assert.equal(await next, false); // a closing worker gives that job back
 * ```
 */
export class Slots {
  #free: number;
  #closed = false;
  readonly #waiting: ((granted: boolean) => void)[] = [];

  /** A gate of `size` free slots. */
  constructor(size: number) {
    this.#free = size;
  }

  /** Resolves `true` once a slot is this caller's, `false` if the gate is (or gets) closed. */
  acquire(): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Frees a slot taken with `acquire`, handing it to the longest waiting caller. */
  release(): void {
    const next = this.#closed ? undefined : this.#waiting.shift();
    if (next === undefined) this.#free++;
    else next(true);
  }

  /** Refuses every waiting and later `acquire`. */
  close(): void {
    this.#closed = true;
    for (const refuse of this.#waiting.splice(0)) refuse(false);
  }
}
