/**
 * A run's cancel as a plain field. The engine asks whether the run was
 * cancelled before every step, condition and replicate; `AbortSignal`'s
 * `aborted` is a branded getter costing several times a field read, which
 * added up to ~10 % of a trivial replicate. The flag is set by an abort
 * listener, which runs inside `abort()`, so it is never behind the signal
 * where the engine reads it. {@linkcode CancelFlag.dispose} removes the
 * listener once the run is over (a signal may outlive many runs).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CancelFlag } from "./cancel_flag.ts";
 *
 * const controller = new AbortController();
 * const cancel = new CancelFlag(controller.signal);
 * assert.equal(cancel.aborted, false);
 * controller.abort();
 * assert.equal(cancel.aborted, true);
 * cancel.dispose();
 * ```
 */
export class CancelFlag {
  /** Whether the signal has aborted. */
  aborted: boolean;
  readonly #signal: AbortSignal;
  readonly #onAbort = () => {
    this.aborted = true;
  };

  /** Follows `signal` until {@linkcode CancelFlag.dispose}. */
  constructor(signal: AbortSignal) {
    this.#signal = signal;
    this.aborted = signal.aborted;
    if (!this.aborted) signal.addEventListener("abort", this.#onAbort, { once: true });
  }

  /** Stops following the signal. */
  dispose(): void {
    this.#signal.removeEventListener("abort", this.#onAbort);
  }
}
