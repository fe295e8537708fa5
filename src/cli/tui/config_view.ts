/**
 * The config editor: the rows of `config.yaml` (key, value, line), the
 * highlighted one in reverse video, and while typing the input with what is
 * wrong with the new text (checked at every key) or that it is valid.
 * @module
 */
import { relativePath } from "../../resolve_path.ts";
import type { ConfigModel } from "./config_editor.ts";
import { fitLine, highlight, keyHelp } from "./text.ts";
import { paint } from "./theme.ts";

/** Key help of the config editor. */
export const CONFIG_KEYS = [
  "↑/↓ move",
  "enter edit",
  "a add",
  "e open in $EDITOR",
  "esc back",
] as const;
/** Key help while typing a value. */
export const CONFIG_INPUT_KEYS = [
  "type the value (YAML)",
  "ctrl-u clear",
  "enter save",
  "esc cancel",
] as const;

/**
 * The editor: exactly `height` lines of at most `width` columns, the list
 * scrolled to keep the cursor shown. Pure.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadedConfig } from "./config_editor.ts";
 * import { renderConfig } from "./config_view.ts";
 *
 * const editor = loadedConfig({ file: `${Deno.cwd()}/e/config.yaml`, text: undefined, rows: [], cursor: 0, back: "select" }, "replicates: 3\n");
 * assert.equal(renderConfig(editor, 40, 6, false)[2], `\x1b[7m› replicates: 3${" ".repeat(24)}1\x1b[27m`);
 * ```
 */
export function renderConfig(
  editor: ConfigModel,
  width: number,
  height: number,
  color: boolean,
): string[] {
  const head = [
    fitLine(`Config editor · ${relativePath(Deno.cwd(), editor.file) || editor.file}`, width),
    "",
  ];
  const input = editor.input;
  const foot = input === undefined
    ? [fitLine(editor.notice ?? "", width), keyHelp(CONFIG_KEYS, width)]
    : [
      fitLine(`${input.mode === "edit" ? "New value" : "Add"}: ${input.buffer}▏`, width),
      input.problem === undefined
        ? paint(
          fitLine("valid: enter saves it (comments and formatting kept)", width),
          "green",
          color,
        )
        : paint(fitLine(input.problem, width), "red", color),
      fitLine(editor.notice ?? "", width),
      keyHelp(CONFIG_INPUT_KEYS, width),
    ];
  const room = Math.max(1, height - head.length - foot.length);
  const body = editor.text === undefined ? ["Reading…"] : editor.rows.map((row, i) => {
    const text = `${i === editor.cursor ? "›" : " "} ${"  ".repeat(row.depth)}${row.label}${
      row.value === undefined ? "" : `: ${row.value}`
    }`;
    const line = `${fitLine(text, width - 4, true)}${String(row.line).padStart(4)}`;
    return i === editor.cursor ? highlight(line, width) : fitLine(line, width);
  });
  const start = Math.max(0, Math.min(editor.cursor - room + 1, body.length - room, editor.cursor));
  const shown = body.slice(Math.max(0, start), Math.max(0, start) + room);
  while (shown.length < room) shown.push("");
  return [...head, ...shown, ...foot].slice(0, height);
}
