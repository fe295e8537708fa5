import type { Key } from "./keys.ts";
import { configKey, loadedConfig } from "./config_editor.ts";
import { createKey, emptyForm } from "./create_form.ts";
import type { TuiAction, TuiEffect } from "./messages.ts";
import { openRun, type TuiModel } from "./model.ts";
import { runKey, runResult } from "./run_update.ts";
import type { Update } from "./update_result.ts";

export { runSettings } from "./run_choices.ts";

/** Lines a page key moves. */
const PAGE = 10;

/**
 * The terminal UI's state machine: the model after `action`, plus the
 * effects to perform. Pure: no I/O, no clock (event times come in the
 * action).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initialModel } from "./model.ts";
 * import { update } from "./update.ts";
 *
 * const { model, effects } = update(initialModel(), { type: "key", key: "q" });
 * assert.equal(model.done, true);
 * assert.deepEqual(effects, [{ type: "quit" }]);
 * ```
 */
export function update(model: TuiModel, action: TuiAction): Update {
  switch (action.type) {
    case "key":
      return key(model, action.key);
    case "listed":
      return listed(model, action);
    case "list-failed":
      return {
        model: {
          ...model,
          selection: {
            ...model.selection,
            loading: false,
            errors: [{ path: ".", message: action.message }],
          },
        },
        effects: [],
      };
    case "details": {
      const entry = model.selection.entries[model.selection.cursor];
      if (entry?.target !== action.target) return { model, effects: [] };
      return {
        model: { ...model, selection: { ...model.selection, details: action } },
        effects: [],
      };
    }
    case "create-ready":
    case "create-failed":
      if (model.create === undefined) return { model, effects: [] };
      return {
        model: {
          ...model,
          create: action.type === "create-ready"
            ? { ...model.create, available: action.available, taken: action.taken }
            : { ...model.create, failure: action.message },
        },
        effects: [],
      };
    case "created":
      return {
        model: {
          ...model,
          screen: "select",
          create: undefined,
          selection: {
            ...model.selection,
            loading: true,
            want: action.target,
            notice: `Created ${action.target}: ${
              action.files.join(", ")
            }. Enter opens it, r runs it.`,
          },
        },
        effects: [{ type: "list" }],
      };
    case "config-loaded":
    case "config-saved":
      if (model.config?.file !== action.file) return { model, effects: [] };
      return {
        model: {
          ...model,
          config: {
            ...loadedConfig(model.config, action.text),
            notice: action.type === "config-saved"
              ? "Saved: comments and formatting kept. The next run reads it."
              : undefined,
          },
        },
        effects: [],
      };
    case "notice":
      return notice(model, action.notice);
    default:
      return model.run === undefined ? { model, effects: [] } : runResult(model, model.run, action);
  }
}

function notice(model: TuiModel, text: string): Update {
  switch (model.screen) {
    case "select":
      return { model: { ...model, selection: { ...model.selection, notice: text } }, effects: [] };
    case "config":
      return model.config === undefined
        ? { model, effects: [] }
        : { model: { ...model, config: { ...model.config, notice: text } }, effects: [] };
    case "create":
      return model.create === undefined
        ? { model, effects: [] }
        : { model: { ...model, create: { ...model.create, failure: text } }, effects: [] };
    case "run":
      return model.run === undefined
        ? { model, effects: [] }
        : runResult(model, model.run, { type: "notice", notice: text });
  }
}

function listed(model: TuiModel, action: TuiAction & { type: "listed" }): Update {
  const entries = action.listing.experiments.filter((e) => !e.hidden);
  const selection = model.selection;
  const previous = selection.want ?? selection.entries[selection.cursor]?.target;
  const at = entries.findIndex((e) => e.target === previous);
  const rows = entries.length + action.listing.errors.length;
  const cursor = at >= 0 ? at : Math.min(selection.cursor, Math.max(0, rows - 1));
  const next = {
    ...model,
    selection: {
      ...selection,
      loading: false,
      entries,
      errors: action.listing.errors,
      cursor,
      want: undefined,
      details: undefined,
    },
  };
  const entry = entries[cursor];
  return { model: next, effects: entry === undefined ? [] : [{ type: "details", entry }] };
}

function key(model: TuiModel, pressed: Key): Update {
  if (pressed === "m" && !typing(model)) {
    return {
      model: { ...model, mouse: !model.mouse },
      effects: [{ type: "mouse", on: !model.mouse }],
    };
  }
  switch (model.screen) {
    case "create":
      return createScreenKey(model, pressed);
    case "config":
      return configScreenKey(model, pressed);
    case "run":
      if (model.run === undefined) return selectionKey(model, pressed);
      if (pressed === "g") return openConfig(model, "run");
      return runKey(model, model.run, pressed);
    default:
      return selectionKey(model, pressed);
  }
}

/** Whether keys are text being typed (then `m` is a letter, not the mouse switch). */
function typing(model: TuiModel): boolean {
  return (model.screen === "create" && model.create?.focus === 0) ||
    (model.screen === "config" && model.config?.input !== undefined);
}

function createScreenKey(model: TuiModel, pressed: Key): Update {
  if (model.create === undefined) return { model, effects: [] };
  const step = createKey(model.create, pressed);
  switch (step.kind) {
    case "cancel":
      return { model: { ...model, screen: "select", create: undefined }, effects: [] };
    case "create":
      return {
        model,
        effects: [{ type: "create", name: step.name, options: step.options }],
      };
    default:
      return { model: { ...model, create: step.form }, effects: [] };
  }
}

function configScreenKey(model: TuiModel, pressed: Key): Update {
  const editor = model.config;
  if (editor === undefined) return { model, effects: [] };
  const step = configKey(editor, pressed);
  switch (step.kind) {
    case "back":
      return { model: { ...model, screen: editor.back, config: undefined }, effects: [] };
    case "save":
      return {
        model: { ...model, config: step.editor },
        effects: [{
          type: "save-config",
          file: editor.file,
          text: step.text,
          expected: editor.text ?? "",
        }],
      };
    case "open":
      return {
        model: { ...model, config: step.editor },
        effects: [{ type: "edit", target: { kind: "file", file: editor.file, line: step.line } }],
      };
    default:
      return { model: { ...model, config: step.editor }, effects: [] };
  }
}

function openConfig(model: TuiModel, back: "select" | "run"): Update {
  const entry = back === "run" ? model.run?.entry : model.selection.entries[model.selection.cursor];
  if (entry === undefined) return { model, effects: [] };
  if (entry.kind === "module") {
    return notice(
      model,
      `${entry.target} is a module: e opens it in your editor (config.yaml is for folder experiments).`,
    );
  }
  const file = `${entry.target}/config.yaml`;
  return {
    model: {
      ...model,
      screen: "config",
      config: { file, text: undefined, rows: [], cursor: 0, back },
    },
    effects: [{ type: "load-config", file }],
  };
}

/** What `e` opens on the selection screen: the place of a load error, or the entry's file. */
function editEffects(selection: TuiModel["selection"]): TuiEffect[] {
  const entry = selection.entries[selection.cursor];
  const error = selection.errors[selection.cursor - selection.entries.length];
  if (error !== undefined) {
    return [{ type: "edit", target: { kind: "text", lines: [error.message, error.path] } }];
  }
  if (entry === undefined) return [];
  return [{
    type: "edit",
    target: entry.kind === "module"
      ? { kind: "file", file: entry.target.replace(/#[^#]*$/, ""), line: 1 }
      : { kind: "file", file: `${entry.target}/config.yaml`, line: 1 },
  }];
}

function selectionKey(model: TuiModel, pressed: Key): Update {
  const selection = model.selection;
  const rows = selection.entries.length + selection.errors.length;
  const move = (cursor: number): Update => {
    const next = Math.max(0, Math.min(cursor, rows - 1));
    const entry = selection.entries[next];
    const changed = next !== selection.cursor && entry !== undefined;
    return {
      model: { ...model, selection: { ...selection, cursor: next, notice: undefined } },
      effects: changed ? [{ type: "details", entry }] : [],
    };
  };
  const entry = selection.entries[selection.cursor];
  const error = selection.errors[selection.cursor - selection.entries.length];
  switch (pressed) {
    case "up":
    case "k":
    case "wheel-up":
      return move(selection.cursor - 1);
    case "down":
    case "j":
    case "wheel-down":
      return move(selection.cursor + 1);
    case "page-up":
      return move(selection.cursor - PAGE);
    case "page-down":
      return move(selection.cursor + PAGE);
    case "home":
      return move(0);
    case "end":
      return move(rows - 1);
    case "enter":
      if (selection.loading && entry === undefined) return { model, effects: [] };
      if (error !== undefined) {
        return {
          model,
          effects: [{ type: "edit", target: { kind: "text", lines: [error.message] } }],
        };
      }
      if (entry === undefined) return { model, effects: [] };
      return {
        model: { ...model, screen: "run", run: openRun(entry) },
        effects: [{ type: "open", entry }],
      };
    case "e":
      return { model, effects: editEffects(selection) };
    case "g":
      return openConfig(model, "select");
    case "n":
      return {
        model: { ...model, screen: "create", create: emptyForm() },
        effects: [{ type: "create-init" }],
      };
    case "r":
      if (selection.loading) return { model, effects: [] };
      return {
        model: { ...model, selection: { ...selection, loading: true, notice: undefined } },
        effects: [{ type: "list" }],
      };
    case "q":
    case "ctrl-c":
    case "ctrl-d":
      return { model: { ...model, done: true }, effects: [{ type: "quit" }] };
    default:
      return { model, effects: [] };
  }
}
