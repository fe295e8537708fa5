import type { RunPlan } from "./run_plan.ts";

/**
 * A replicate's time limit inside one isolate. Code cannot be interrupted
 * here, so the limit is cooperative: `signal` aborts when it expires
 * (stopping steps that await with it), and every step boundary calls
 * {@linkcode ReplicateLimit.check} (stopping synchronous pipelines between
 * steps). A cancel of the run aborts `signal` too.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ReplicateLimit } from "./replicate_limit.ts";
 *
 * const run = new AbortController();
 * const limit = new ReplicateLimit({ signal: run.signal, timeoutMs: 1_000 }, 0);
 * limit.check(); // within the limit: nothing happens
 * run.abort(new Error("cancelled"));
 * assert.throws(() => limit.check(), /cancelled/);
 * limit.release();
 * ```
 */
export class ReplicateLimit {
  /** Aborts when the limit expires or the run is cancelled. */
  readonly signal: AbortSignal;
  /** When the limit expires, in `performance.now()` time. */
  readonly deadline: number;
  readonly #controller = new AbortController();
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #forward: () => void;
  readonly #runSignal: AbortSignal;
  readonly #ms: number;

  /** Starts the limit of `replicate` (`plan.timeoutMs` must be set). */
  constructor(plan: Pick<RunPlan, "signal" | "timeoutMs">, replicate: number) {
    this.#runSignal = plan.signal;
    const ms = this.#ms = plan.timeoutMs!;
    this.deadline = performance.now() + ms;
    const reason = new DOMException(
      `replicate ${replicate} ran longer than timeoutMs=${ms}`,
      "TimeoutError",
    );
    this.#timer = setTimeout(() => this.#controller.abort(reason), ms);
    this.#forward = () => this.#controller.abort(plan.signal.reason);
    plan.signal.addEventListener("abort", this.#forward, { once: true });
    this.signal = this.#controller.signal;
  }

  /** Throws the abort reason when the run is cancelled or the deadline passed. */
  check(): void {
    if (!this.signal.aborted && performance.now() > this.deadline) {
      clearTimeout(this.#timer);
      this.#controller.abort(
        new DOMException(`replicate ran longer than timeoutMs=${this.#ms}`, "TimeoutError"),
      );
    }
    if (this.signal.aborted) throw this.signal.reason;
  }

  /** Stops the timer and the forwarding of the run's cancel. */
  release(): void {
    clearTimeout(this.#timer);
    this.#runSignal.removeEventListener("abort", this.#forward);
  }
}
