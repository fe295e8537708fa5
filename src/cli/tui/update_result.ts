import type { TuiEffect } from "./messages.ts";
import type { TuiModel } from "./model.ts";

/**
 * What a step of the terminal UI's state machine gives: the model after an
 * action, and what the I/O shell must do.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initialModel } from "./model.ts";
 * import type { Update } from "./update_result.ts";
 *
 * const step: Update = { model: initialModel(), effects: [{ type: "list" }] };
 * assert.equal(step.effects.length, 1);
 * ```
 */
export interface Update {
  /** The new model. */
  readonly model: TuiModel;
  /** Effects to perform, in order. */
  readonly effects: readonly TuiEffect[];
}
