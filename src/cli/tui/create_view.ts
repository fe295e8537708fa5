/**
 * The create-experiment screen: the name with what is wrong with it (checked
 * as you type) or the folder it creates, the options, the outputs of other
 * experiments it may read, the files it writes and the Create button.
 * @module
 */
import {
  createFields,
  type CreateModel,
  formFiles,
  nameProblem,
  NEW_EXPERIMENTS_DIR,
} from "./create_form.ts";
import { fitLine, highlight, keyHelp } from "./text.ts";
import { paint } from "./theme.ts";

/** Key help of the create screen. */
export const CREATE_KEYS = [
  "type the name",
  "↑/↓ or tab move",
  "space toggle",
  "enter create",
  "esc cancel",
] as const;

const OPTIONS = {
  example: "example code (a treatment, a Welch hypothesis)",
  verifiers: "verifiers.ts (a verifier of your own)",
  outputs: "outputs.ts (an artifact others can read)",
} as const;

/**
 * The screen: exactly `height` lines of at most `width` columns, scrolled to
 * keep the focused field shown. Pure.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emptyForm } from "./create_form.ts";
 * import { renderCreate } from "./create_view.ts";
 *
 * const lines = renderCreate({ ...emptyForm(), name: "Bad", available: [] }, 80, 24, false);
 * assert.ok(lines.some((l) => l.includes("'Bad' is not a valid experiment name")));
 * ```
 */
export function renderCreate(
  form: CreateModel,
  width: number,
  height: number,
  color: boolean,
): string[] {
  const problem = nameProblem(form);
  const fields = createFields(form);
  const body: string[] = [];
  let focusLine = 0;
  fields.forEach((field, i) => {
    const focused = i === form.focus;
    let line: string;
    switch (field.kind) {
      case "name":
        line = `Name: ${form.name}${focused ? "▏" : ""}`;
        break;
      case "option":
        line = `[${form[field.option] ? "x" : " "}] ${OPTIONS[field.option]}`;
        if (field.option === "example" && form.available !== undefined) {
          body.push("");
        }
        break;
      case "input":
        if (field.input === form.available?.[0]) {
          body.push("", "Read outputs of other experiments (a graph):");
        }
        line = `  [${form.inputs.includes(field.input) ? "x" : " "}] ${field.input}`;
        break;
      case "create":
        body.push("", fitLine(`Files: ${formFiles(form).join(", ")}`, width));
        line = "[ Create ]";
        break;
    }
    if (focused) focusLine = body.length;
    body.push(focused ? highlight(line, width) : fitLine(line, width));
    if (field.kind === "name") {
      const note = problem === undefined
        ? paint(fitLine(`  creates ${NEW_EXPERIMENTS_DIR}/${form.name}/`, width), "green", color)
        : paint(fitLine(`  ${problem}`, width), form.name === "" ? "dim" : "red", color);
      body.push(note);
    }
  });
  if (form.available === undefined) body.push("", "Reading which outputs other experiments store…");
  else if (form.available.length === 0) {
    body.push(
      "",
      fitLine("No experiment declares outputs to read (outputs: in config.yaml).", width),
    );
  }
  const head = [fitLine("Create a folder experiment (as crystallize new)", width), ""];
  const foot = [fitLine(form.failure ?? "", width), keyHelp(CREATE_KEYS, width)];
  const room = Math.max(1, height - head.length - foot.length);
  const start = Math.max(0, Math.min(focusLine - room + 2, body.length - room));
  const shown = body.slice(start, start + room);
  while (shown.length < room) shown.push("");
  return [...head, ...shown, ...foot].slice(0, height);
}
