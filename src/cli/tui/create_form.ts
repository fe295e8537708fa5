/**
 * The create-experiment screen (`n`) as data and its keys: a name checked
 * as you type, which files to write, example code or not, and other
 * experiments' outputs to read (the new experiment then runs in their graph).
 * @module
 */
import type { Key } from "./keys.ts";
import { experimentNameProblem, type ScaffoldOptions } from "../scaffold.ts";

/** The folder new experiments go to, below the working directory (as `crystallize new`). */
export const NEW_EXPERIMENTS_DIR = "experiments";

/** The form. */
export interface CreateModel {
  /** The name typed. */
  readonly name: string;
  /** The focused field: see {@linkcode createFields}. */
  readonly focus: number;
  /** Example code (treatment, hypothesis). */
  readonly example: boolean;
  /** Also write verifiers.ts. */
  readonly verifiers: boolean;
  /** Also write outputs.ts. */
  readonly outputs: boolean;
  /** Outputs of other experiments it may read (`experiment#output`); `undefined` while read. */
  readonly available: readonly string[] | undefined;
  /** The chosen ones. */
  readonly inputs: readonly string[];
  /** Folders already in `experiments/` (names that are taken). */
  readonly taken: readonly string[];
  /** Why creating failed, if it did. */
  readonly failure?: string;
}

/** A field of the form. */
export type CreateField =
  | { readonly kind: "name" }
  | { readonly kind: "option"; readonly option: "example" | "verifiers" | "outputs" }
  | { readonly kind: "input"; readonly input: string }
  | { readonly kind: "create" };

/** What a key did to the form: the form, or a request to create, or to leave. */
export type CreateStep =
  | { readonly kind: "form"; readonly form: CreateModel }
  | { readonly kind: "create"; readonly name: string; readonly options: ScaffoldOptions }
  | { readonly kind: "cancel" };

/**
 * An empty form (examples on, as `crystallize new`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emptyForm } from "./create_form.ts";
 *
 * assert.equal(emptyForm().example, true);
 * ```
 */
export function emptyForm(): CreateModel {
  return {
    name: "",
    focus: 0,
    example: true,
    verifiers: false,
    outputs: false,
    available: undefined,
    inputs: [],
    taken: [],
  };
}

/**
 * The fields in order: name, the three options, one per output that can be
 * read, and the Create button.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createFields, emptyForm } from "./create_form.ts";
 *
 * const fields = createFields({ ...emptyForm(), available: ["producer#readings"] });
 * assert.deepEqual(fields.map((f) => f.kind), ["name", "option", "option", "option", "input", "create"]);
 * ```
 */
export function createFields(form: CreateModel): CreateField[] {
  return [
    { kind: "name" },
    { kind: "option", option: "example" },
    { kind: "option", option: "verifiers" },
    { kind: "option", option: "outputs" },
    ...(form.available ?? []).map((input) => ({ kind: "input" as const, input })),
    { kind: "create" },
  ];
}

/**
 * Why the name cannot be used yet (checked as you type), or `undefined`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emptyForm, nameProblem } from "./create_form.ts";
 *
 * assert.match(nameProblem({ ...emptyForm(), name: "demo", taken: ["demo"] }) ?? "", /exists/);
 * assert.equal(nameProblem({ ...emptyForm(), name: "demo" }), undefined);
 * ```
 */
export function nameProblem(form: CreateModel): string | undefined {
  const problem = experimentNameProblem(form.name);
  if (problem !== undefined) return problem;
  return form.taken.includes(form.name)
    ? `${NEW_EXPERIMENTS_DIR}/${form.name} exists: pick another name`
    : undefined;
}

/**
 * The files the form would write.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emptyForm, formFiles } from "./create_form.ts";
 *
 * assert.deepEqual(formFiles({ ...emptyForm(), outputs: true }), ["config.yaml", "datasources.ts", "steps.ts", "outputs.ts"]);
 * ```
 */
export function formFiles(form: CreateModel): string[] {
  return [
    "config.yaml",
    "datasources.ts",
    "steps.ts",
    ...(form.verifiers ? ["verifiers.ts"] : []),
    ...(form.outputs ? ["outputs.ts"] : []),
  ];
}

/**
 * The form after `key`: ↑/↓ and Tab move between fields, typing edits the
 * name, Space or Enter toggles an option or an output, Enter on the name or
 * Create creates (once the name is valid), Esc cancels.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createKey, emptyForm } from "./create_form.ts";
 *
 * let step = createKey({ ...emptyForm(), available: [] }, "d");
 * step = step.kind === "form" ? createKey(step.form, "x") : step;
 * assert.deepEqual(step.kind === "form" && step.form.name, "dx");
 * const done = step.kind === "form" ? createKey(step.form, "enter") : step;
 * assert.equal(done.kind, "create");
 * ```
 */
export function createKey(form: CreateModel, key: Key): CreateStep {
  const fields = createFields(form);
  const field = fields[form.focus] ?? fields[0];
  const moved = (by: number): CreateStep => ({
    kind: "form",
    form: { ...form, focus: (form.focus + by + fields.length) % fields.length },
  });
  switch (key) {
    case "escape":
    case "ctrl-c":
      return { kind: "cancel" };
    case "up":
    case "shift-tab":
      return moved(-1);
    case "down":
    case "tab":
      return moved(1);
  }
  if (field.kind === "name") {
    if (key === "enter") return submit(form);
    if (key === "backspace") {
      return { kind: "form", form: { ...form, name: form.name.slice(0, -1) } };
    }
    const char = key === "space" ? " " : key;
    if ([...char].length !== 1) return { kind: "form", form };
    return { kind: "form", form: { ...form, name: form.name + char, failure: undefined } };
  }
  if (field.kind === "create") {
    return key === "enter" || key === "space" ? submit(form) : { kind: "form", form };
  }
  if (key !== "space" && key !== "enter" && key !== "x") return { kind: "form", form };
  if (field.kind === "option") {
    return { kind: "form", form: { ...form, [field.option]: !form[field.option] } };
  }
  const inputs = form.inputs.includes(field.input)
    ? form.inputs.filter((i) => i !== field.input)
    : [...form.inputs, field.input];
  return { kind: "form", form: { ...form, inputs } };
}

function submit(form: CreateModel): CreateStep {
  if (nameProblem(form) !== undefined) return { kind: "form", form: { ...form, focus: 0 } };
  return {
    kind: "create",
    name: form.name,
    options: {
      example: form.example,
      verifiers: form.verifiers,
      outputs: form.outputs,
      inputs: form.inputs,
    },
  };
}
