import { renderConfig } from "./config_view.ts";
import { renderCreate } from "./create_view.ts";
import type { TuiModel } from "./model.ts";
import { renderRun } from "./run_view.ts";
import { renderSelection } from "./selection_view.ts";

/**
 * The screen for a model: the run, create or config screen when one is
 * open, else the selection screen. Exactly `height` lines of at most
 * `width` columns.
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
  if (model.screen === "run" && model.run !== undefined) {
    return renderRun(model.run, width, height, model.color);
  }
  if (model.screen === "create" && model.create !== undefined) {
    return renderCreate(model.create, width, height, model.color);
  }
  if (model.screen === "config" && model.config !== undefined) {
    return renderConfig(model.config, width, height, model.color);
  }
  return renderSelection(model.selection, width, height, model.color);
}
