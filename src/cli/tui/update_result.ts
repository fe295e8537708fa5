import type { TuiEffect } from "./messages.ts";
import type { RunModel, TuiModel } from "./model.ts";

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

/**
 * The model with `run` as its run screen, and `effects` to perform.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ListEntry } from "../commands/list.ts";
 * import { initialModel, openRun } from "./model.ts";
 * import { withRun } from "./update_result.ts";
 *
 * const entry: ListEntry = { target: "e", name: "e", kind: "folder", group: "", priority: 0, icon: "", hidden: false, replicates: 1, description: "" };
 * const run = openRun(entry);
 * assert.equal(withRun(initialModel(), run).model.run, run);
 * ```
 */
export function withRun(model: TuiModel, run: RunModel, effects: TuiEffect[] = []): Update {
  return { model: { ...model, run }, effects };
}
