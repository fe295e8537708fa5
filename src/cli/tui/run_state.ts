/**
 * `config.state.json` next to a folder experiment's `config.yaml`: the
 * terminal UI's saved choices, as the original writes them
 * (`inactive_treatments`), plus `uncached_experiments` (experiments whose
 * caching is off, so they run with strategy `rerun`) and `step_caching`
 * (per experiment, the steps whose caching was switched on or off).
 * @module
 */
import { join } from "../../path.ts";
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
  /** Per experiment, steps whose caching was chosen: `true` cached, `false` computed every time. */
  readonly stepCaching: Readonly<Record<string, Readonly<Record<string, boolean>>>>;
}

/** No saved choices: every treatment runs, caching on. */
export const EMPTY_RUN_STATE: RunState = {
  inactiveTreatments: [],
  uncachedExperiments: [],
  stepCaching: {},
};

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
    stepCaching: stepCaching(record.step_caching, file),
  };
}

function stepCaching(value: unknown, file: string): RunState["stepCaching"] {
  if (value === undefined) return {};
  const problem = "step_caching must map experiment names to {step: true | false}";
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new RunStateError(file, problem);
  }
  return Object.fromEntries(
    Object.entries(value).map(([experiment, steps]) => {
      if (
        typeof steps !== "object" || steps === null || Array.isArray(steps) ||
        !Object.values(steps).every((v) => typeof v === "boolean")
      ) {
        throw new RunStateError(file, `${problem} (see '${experiment}')`);
      }
      return [experiment, steps as Record<string, boolean>];
    }),
  );
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
 *   formatRunState({ inactiveTreatments: ["a"], uncachedExperiments: [], stepCaching: {} }),
 *   '{\n  "inactive_treatments": [\n    "a"\n  ],\n  "uncached_experiments": [],\n  "step_caching": {}\n}\n',
 * );
 * ```
 */
export function formatRunState(state: RunState): string {
  return `${
    JSON.stringify(
      {
        inactive_treatments: [...new Set(state.inactiveTreatments)].sort(),
        uncached_experiments: [...new Set(state.uncachedExperiments)].sort(),
        step_caching: sortedKeys(
          Object.fromEntries(
            Object.entries(state.stepCaching).flatMap(([name, steps]) =>
              Object.keys(steps).length === 0 ? [] : [[name, sortedKeys(steps)]]
            ),
          ),
        ),
      },
      null,
      2,
    )
  }\n`;
}

function sortedKeys<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
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
 * writeRunState(folder, { inactiveTreatments: ["add_one"], uncachedExperiments: [], stepCaching: {} });
 * assert.deepEqual((await readRunState(folder)).inactiveTreatments, ["add_one"]);
 * await Deno.remove(folder, { recursive: true });
 * ```
 */
export function writeRunState(folder: string, state: RunState): void {
  atomicWriteSync(join(folder, RUN_STATE_FILE), new TextEncoder().encode(formatRunState(state)));
}
