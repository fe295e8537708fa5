/**
 * `config.state.json` next to a folder experiment's `config.yaml`: the
 * terminal UI's saved choices, as the original writes them
 * (`inactive_treatments`), plus `uncached_experiments` (experiments whose
 * caching is off, so they run with strategy `rerun`).
 * @module
 */
import { join } from "node:path";
import { atomicWriteSync } from "../../storage/atomic_write.ts";
import { RunStateError } from "./run_state_error.ts";

/** The file name, next to `config.yaml`. */
export const RUN_STATE_FILE = "config.state.json";

/** Saved choices of the terminal UI for one experiment folder. */
export interface RunState {
  /** Treatments not run, sorted. */
  readonly inactiveTreatments: readonly string[];
  /** Experiments whose caching is off (strategy `rerun` instead of `resume`), sorted. */
  readonly uncachedExperiments: readonly string[];
}

/** No saved choices: every treatment runs, caching on. */
export const EMPTY_RUN_STATE: RunState = { inactiveTreatments: [], uncachedExperiments: [] };

/**
 * Parses the text of a `config.state.json`; `file` names it in errors. A
 * missing key means an empty list; anything else wrong is a
 * {@linkcode RunStateError}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseRunState } from "./run_state.ts";
 *
 * const state = parseRunState('{"inactive_treatments": ["b", "a"]}', "config.state.json");
 * assert.deepEqual(state.inactiveTreatments, ["a", "b"]);
 * ```
 */
export function parseRunState(text: string, file: string): RunState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RunStateError(file, `not valid JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new RunStateError(file, "expected a JSON object with inactive_treatments");
  }
  const record = value as Record<string, unknown>;
  return {
    inactiveTreatments: names(record, "inactive_treatments", file),
    uncachedExperiments: names(record, "uncached_experiments", file),
  };
}

function names(record: Record<string, unknown>, key: string, file: string): string[] {
  const value = record[key];
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw new RunStateError(file, `${key} must be a list of names`);
  }
  return [...new Set(value)].sort();
}

/**
 * The text written for `state`: sorted lists, two-space indentation, a
 * final newline (git-friendly).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatRunState } from "./run_state.ts";
 *
 * assert.equal(
 *   formatRunState({ inactiveTreatments: ["a"], uncachedExperiments: [] }),
 *   '{\n  "inactive_treatments": [\n    "a"\n  ],\n  "uncached_experiments": []\n}\n',
 * );
 * ```
 */
export function formatRunState(state: RunState): string {
  return `${
    JSON.stringify(
      {
        inactive_treatments: [...new Set(state.inactiveTreatments)].sort(),
        uncached_experiments: [...new Set(state.uncachedExperiments)].sort(),
      },
      null,
      2,
    )
  }\n`;
}

/**
 * Reads `<folder>/config.state.json`; a missing file is
 * {@linkcode EMPTY_RUN_STATE}, an invalid one a {@linkcode RunStateError}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readRunState } from "./run_state.ts";
 *
 * const folder = await Deno.makeTempDir(); // no config.state.json yet
 * assert.deepEqual((await readRunState(folder)).inactiveTreatments, []);
 * await Deno.remove(folder);
 * ```
 */
export async function readRunState(folder: string): Promise<RunState> {
  const file = join(folder, RUN_STATE_FILE);
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return EMPTY_RUN_STATE;
    throw new RunStateError(file, `cannot be read (${(error as Error).message})`, {
      cause: error,
    });
  }
  return parseRunState(text, file);
}

/**
 * Writes `<folder>/config.state.json` atomically (written even when both
 * lists are empty, as the original does).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readRunState, writeRunState } from "./run_state.ts";
 *
 * const folder = await Deno.makeTempDir();
 * writeRunState(folder, { inactiveTreatments: ["add_one"], uncachedExperiments: [] });
 * assert.deepEqual((await readRunState(folder)).inactiveTreatments, ["add_one"]);
 * await Deno.remove(folder, { recursive: true });
 * ```
 */
export function writeRunState(folder: string, state: RunState): void {
  atomicWriteSync(join(folder, RUN_STATE_FILE), new TextEncoder().encode(formatRunState(state)));
}
