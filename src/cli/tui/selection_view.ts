import { entryLine } from "../commands/list.ts";
import type { SelectionModel } from "./model.ts";
import { colored } from "../entry_color.ts";
import { fitLine, highlight, keyHelp } from "./text.ts";

/** Key help of the selection screen. */
export const SELECTION_KEYS = [
  "↑/↓ move",
  "enter open",
  "n new",
  "g config",
  "e edit",
  "r rescan",
  "m mouse",
  "q quit",
] as const;

/** Rows from which the details of the highlighted entry are shown under the list. */
const DETAILS_FROM = 14;

/**
 * The selection screen: experiments and graphs under their `cli:` group
 * headings (in listing order), the highlighted one in reverse video, then
 * the files that failed to load with their messages (`file:line:column`;
 * the cursor moves onto them too, for `e`), the details of the highlighted
 * entry (with its estimated run time from past runs) when there is room, a
 * notice, and the key help on the last line. With `color`, entries are
 * shown in their `cli.color`. Exactly `height` lines of at most `width`
 * columns; the list scrolls to keep the cursor visible. Pure.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initialModel } from "./model.ts";
 * import { renderSelection } from "./selection_view.ts";
 *
 * const lines = renderSelection(initialModel().selection, 100, 24);
 * assert.match(lines.at(-1) ?? "", /q quit/); // the key help on the last line
 * ```
 */
export function renderSelection(
  selection: SelectionModel,
  width: number,
  height: number,
  color = false,
): string[] {
  const head = ["Crystallize · experiments and graphs below the working directory", ""];
  const body: string[] = [];
  let cursorLine = 0;
  if (selection.loading && selection.entries.length === 0) {
    body.push("Scanning for experiments and graphs…");
  } else if (selection.entries.length === 0) {
    body.push("No experiments here: n creates one.");
  }
  let group: string | undefined;
  selection.entries.forEach((entry, i) => {
    if (entry.group !== group) {
      group = entry.group;
      body.push(group);
    }
    const selected = i === selection.cursor;
    if (selected) cursorLine = body.length;
    const line = `${selected ? "›" : " "} ${entryLine(entry)}`;
    body.push(
      selected ? highlight(line, width) : colored(fitLine(line, width), entry.color, color),
    );
  });
  if (selection.errors.length > 0) {
    const n = selection.errors.length;
    body.push("", `Failed to load ${n} file${n === 1 ? "" : "s"} (e opens the place):`);
    selection.errors.forEach((error, i) => {
      const lines = error.message.split("\n");
      // ConfigError messages already start with file:line:column; others get the path.
      const first = /^\S+:\d+:\d+: /.test(lines[0]) ? lines[0] : `${error.path}: ${lines[0]}`;
      const selected = selection.entries.length + i === selection.cursor;
      if (selected) cursorLine = body.length;
      body.push(selected ? highlight(`› ${first}`, width) : fitLine(`  ${first}`, width));
      for (const line of lines.slice(1)) body.push(fitLine(`    ${line}`, width));
    });
  }
  const status = selection.loading && selection.entries.length > 0 ? ["Rescanning…"] : [];
  const details = height >= DETAILS_FROM && selection.details !== undefined &&
      selection.entries[selection.cursor]?.target === selection.details.target
    ? ["─".repeat(width), ...selection.details.lines.slice(0, 3).map((l) => fitLine(l, width))]
    : [];
  const notice = selection.notice === undefined ? [] : [fitLine(selection.notice, width)];
  status.push(...details, ...notice);
  const room = Math.max(1, height - head.length - status.length - 2);
  const start = Math.max(0, Math.min(cursorLine - room + 1, body.length - room, cursorLine));
  const shown = body.slice(Math.max(0, start), Math.max(0, start) + room);
  const lines = [...head.map((l) => fitLine(l, width)), ...shown];
  while (lines.length < height - status.length - 1) lines.push("");
  return [...lines, ...status, keyHelp(SELECTION_KEYS, width)].slice(-height);
}
