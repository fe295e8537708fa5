/**
 * The config editor (`g`) as data and its keys: the rows of a
 * `config.yaml`, a cursor, and the value being typed with its problem,
 * checked at every key. Saving writes the text {@linkcode setValue} or
 * {@linkcode addEntry} made, so comments and formatting stay.
 * @module
 */
import { relativePath } from "../../resolve_path.ts";
import { addEntry, type ConfigRow, configRows, setValue } from "./config_document.ts";
import type { Key } from "./keys.ts";

/** The editor. */
export interface ConfigModel {
  /** Absolute path of the config.yaml. */
  readonly file: string;
  /** The text as read (or last saved); `undefined` while it is read. */
  readonly text: string | undefined;
  /** Its rows. */
  readonly rows: readonly ConfigRow[];
  /** The highlighted row. */
  readonly cursor: number;
  /** What is being typed: a new value for the row, or an entry to add to it. */
  readonly input?: {
    readonly mode: "edit" | "add";
    readonly buffer: string;
    /** The text the input would write. */
    readonly candidate: string;
    /** Why it cannot be saved yet. */
    readonly problem: string | undefined;
  };
  /** A one-line message. */
  readonly notice?: string;
  /** The screen Esc goes back to. */
  readonly back: "select" | "run";
}

/** What a key did: the editor, a save, an editor to open, or leaving. */
export type ConfigStep =
  | { readonly kind: "editor"; readonly editor: ConfigModel }
  | { readonly kind: "save"; readonly editor: ConfigModel; readonly text: string }
  | { readonly kind: "open"; readonly editor: ConfigModel; readonly line: number }
  | { readonly kind: "back" };

/**
 * The editor with `text` read: rows built, cursor kept where it can be.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadedConfig } from "./config_editor.ts";
 *
 * const editor = loadedConfig({ file: "/e/config.yaml", text: undefined, rows: [], cursor: 3, back: "select" }, "replicates: 3\n");
 * assert.deepEqual([editor.rows.length, editor.cursor], [1, 0]);
 * ```
 */
export function loadedConfig(editor: ConfigModel, text: string): ConfigModel {
  const rows = configRows(text);
  return {
    ...editor,
    text,
    rows,
    cursor: Math.max(0, Math.min(editor.cursor, rows.length - 1)),
    input: undefined,
    notice: rows.length === 0 && text.trim() !== ""
      ? `${relativePath(Deno.cwd(), editor.file)} does not parse: e opens it in your editor`
      : editor.notice,
  };
}

/**
 * The editor after `key`. Without input: ↑/↓ (j/k) move, Enter edits the
 * value of a row (or adds to a mapping or list), `a` adds an entry to the
 * row's mapping or list, `e` opens the row's line in `$EDITOR`, Esc goes
 * back. While typing: the new text is checked at every key; Ctrl-U clears
 * the input, Enter saves it when it is valid, Esc drops it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { configKey, loadedConfig } from "./config_editor.ts";
 *
 * const text = "replicates: 3 # per condition\ndatasource: { n: numbers }\nsteps: [a]\n";
 * let editor = loadedConfig({ file: "/e/config.yaml", text: undefined, rows: [], cursor: 0, back: "select" }, text);
 * let step = configKey(editor, "enter"); // edit replicates: its value is in the input
 * for (const key of ["backspace", "9"]) step = step.kind === "editor" ? configKey(step.editor, key) : step;
 * step = step.kind === "editor" ? configKey(step.editor, "enter") : step;
 * assert.equal(step.kind === "save" && step.text, "replicates: 9 # per condition\ndatasource: { n: numbers }\nsteps: [a]\n");
 * ```
 */
export function configKey(editor: ConfigModel, key: Key): ConfigStep {
  if (editor.input !== undefined) return inputKey(editor, editor.input, key);
  const row = editor.rows[editor.cursor];
  const move = (to: number): ConfigStep => ({
    kind: "editor",
    editor: {
      ...editor,
      cursor: Math.max(0, Math.min(editor.rows.length - 1, to)),
      notice: undefined,
    },
  });
  switch (key) {
    case "up":
    case "k":
      return move(editor.cursor - 1);
    case "down":
    case "j":
      return move(editor.cursor + 1);
    case "page-up":
      return move(editor.cursor - 10);
    case "page-down":
      return move(editor.cursor + 10);
    case "home":
      return move(0);
    case "end":
      return move(editor.rows.length - 1);
    case "escape":
    case "q":
      return { kind: "back" };
    case "e":
      return { kind: "open", editor, line: row?.line ?? 1 };
    case "enter":
      if (row === undefined) return { kind: "editor", editor };
      return begin(
        editor,
        row.kind === "scalar" ? "edit" : "add",
        row.kind === "scalar" ? row.value ?? "" : "",
      );
    case "a":
      if (row === undefined) return { kind: "editor", editor };
      return begin(editor, "add", "");
    default:
      return { kind: "editor", editor };
  }
}

function begin(editor: ConfigModel, mode: "edit" | "add", buffer: string): ConfigStep {
  return { kind: "editor", editor: typed(editor, mode, buffer) };
}

/** The collection an `add` goes into: the row itself, or the one holding it. */
function addTarget(editor: ConfigModel): ConfigRow["path"] {
  const row = editor.rows[editor.cursor];
  if (row === undefined) return [];
  return row.kind === "scalar" ? row.path.slice(0, -1) : row.path;
}

function typed(editor: ConfigModel, mode: "edit" | "add", buffer: string): ConfigModel {
  const text = editor.text ?? "";
  const row = editor.rows[editor.cursor];
  const edit = mode === "edit"
    ? setValue(text, editor.file, row?.path ?? [], buffer)
    : buffer.trim() === ""
    ? { text, problem: addHint(editor) }
    : addEntry(text, editor.file, addTarget(editor), buffer);
  return {
    ...editor,
    notice: undefined,
    input: { mode, buffer, candidate: edit.text, problem: edit.problem },
  };
}

function addHint(editor: ConfigModel): string {
  const row = editor.rows[editor.cursor];
  const target = editor.rows.find((r) => r.path.join("\0") === addTarget(editor).join("\0"));
  const kind = (row?.kind === "scalar" ? target?.kind : row?.kind) ?? "map";
  return kind === "seq"
    ? "type the new item, e.g. smooth"
    : "type key: value, e.g. boost: { delta: 2 }";
}

function inputKey(
  editor: ConfigModel,
  input: NonNullable<ConfigModel["input"]>,
  key: Key,
): ConfigStep {
  switch (key) {
    case "escape":
      return { kind: "editor", editor: { ...editor, input: undefined, notice: "Not changed." } };
    case "enter":
      if (input.problem !== undefined) {
        return { kind: "editor", editor: { ...editor, notice: `Not saved: ${input.problem}` } };
      }
      return { kind: "save", editor, text: input.candidate };
    case "backspace":
      return {
        kind: "editor",
        editor: typed(editor, input.mode, [...input.buffer].slice(0, -1).join("")),
      };
    case "ctrl-u":
      return { kind: "editor", editor: typed(editor, input.mode, "") };
    default: {
      const char = key === "space" ? " " : key;
      if ([...char].length !== 1) return { kind: "editor", editor };
      return { kind: "editor", editor: typed(editor, input.mode, input.buffer + char) };
    }
  }
}
