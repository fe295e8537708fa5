import type { MaybePromise } from "../promise.ts";
import type { ReplicateOutcome } from "../storage/outcome.ts";

/**
 * A clock reading handed from one replicate to the next one the serial loop
 * runs at once: when the last condition of a replicate ended, or when the
 * loop last read the clock, while nothing but the loop's own hand-over has
 * run since (no fold, no storage, no hook, no listener). The next
 * replicate's first condition starts from it instead of reading the clock
 * again, as a treatment following another in the same replicate does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Handoff } from "./back_to_back.ts";
 *
 * const handoff: Handoff = { endedAt: undefined }; // nothing to start from: read the clock
 * handoff.endedAt = performance.now(); // a replicate ended: the next starts here
 * assert.equal(typeof handoff.endedAt, "number");
 * ```
 */
export interface Handoff {
  /** The reading to start from; `undefined`: read the clock. */
  endedAt: number | undefined;
}

/**
 * Engine-only: the key of the engine's replicate function's back-to-back
 * form, `(replicate, handoff) => outcome`, which the serial loop calls. The
 * form plugins see takes the replicate only, so a loop of theirs never
 * hands over time its own code spent between replicates.
 */
export const BACK_TO_BACK: unique symbol = Symbol("backToBack");

/** A replicate function that can start from, and hand on, a clock reading. */
export type BackToBackFunction = (
  replicate: number,
  handoff: Handoff,
) => MaybePromise<ReplicateOutcome>;
