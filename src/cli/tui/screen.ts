import type { TuiModel } from "./model.ts";
import { renderRun } from "./run_view.ts";
import { renderSelection } from "./selection_view.ts";

/**
 * The screen for a model: the run screen when one is open, else the
 * selection screen. Exactly `height` lines of at most `width` columns.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initialModel } from "./model.ts";
 * import { renderScreen } from "./screen.ts";
 *
 * const lines = renderScreen(initialModel(), 80, 24);
 * assert.ok(lines.some((l) => l.includes("Scanning for experiments and graphs")));
 * ```
 */
export function renderScreen(model: TuiModel, width: number, height: number): string[] {
  return model.screen === "run" && model.run !== undefined
    ? renderRun(model.run, width, height)
    : renderSelection(model.selection, width, height, model.color);
}
