/**
 * The options of `crystallize run` as data: the one list both commander
 * (`commander_program.ts`, for `--help` and every unusual command line) and
 * the quick reader of plain command lines (`run_args.ts`) are built from.
 * @module
 */
import { EXECUTOR_NAMES } from "../execution/executor_names.ts";
import { MAX_REPLICATES } from "../run/replicates.ts";
import type { WholeNumberFlag } from "./flags/whole_number.ts";
import { PERMISSION_KINDS } from "./sandbox.ts";

/** One option of `crystallize run`. */
export interface RunOptionSpec {
  /** As commander reads it: `--name`, `--no-name`, `--name <value>` or `--name [value]`. */
  readonly flags: string;
  /** Its line in `run --help`. */
  readonly description: string;
  /** A whole number within bounds (see `wholeNumberProblem`). */
  readonly number?: WholeNumberFlag;
  /** The only values it takes. */
  readonly choices?: readonly string[];
  /** A comma-separated list; given again, it adds to the list (see {@linkcode commaList}). */
  readonly list?: true;
}

/**
 * The values of a comma-separated option given once or more: `--treatment
 * a,b --treatment c` is `["a", "b", "c"]`; blanks around names are dropped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { commaList } from "./run_options.ts";
 *
 * assert.deepEqual(commaList("c", commaList("a, b", undefined)), ["a", "b", "c"]);
 * ```
 */
export function commaList(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(",").map((v) => v.trim()).filter((v) => v !== "")];
}

/**
 * The options of `crystallize run`, in the order `run --help` lists them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RUN_OPTIONS } from "./run_options.ts";
 *
 * assert.ok(RUN_OPTIONS.some((o) => o.flags === "--no-cache"));
 * assert.equal(RUN_OPTIONS.at(-1)?.flags, "--allow-ffi [list]");
 * ```
 */
export const RUN_OPTIONS: readonly RunOptionSpec[] = [
  {
    flags: "--replicates <n>",
    description: `replicates per condition (1 to ${MAX_REPLICATES})`,
    number: { flag: "--replicates", min: 1, max: MAX_REPLICATES, example: 20 },
  },
  {
    flags: "--strategy <strategy>",
    description: "resume: reuse the last stored run; rerun: ignore caches",
    choices: ["resume", "rerun"],
  },
  { flags: "--no-cache", description: "neither read nor write step caches" },
  {
    flags: "--treatment <names>",
    description: "run only these treatments (comma-separated)",
    list: true,
  },
  { flags: "--no-treatments", description: "run the baseline only" },
  { flags: "--executor <kind>", description: "how replicates run", choices: EXECUTOR_NAMES },
  {
    flags: "--redis <url>",
    description: "Redis of --executor queue (redis://host:port); workers: crystallize worker",
  },
  { flags: "--queue <name>", description: "queue name of --executor queue (default crystallize)" },
  {
    flags: "--shared-output <dir>",
    description:
      "a queue run's folder shared with its workers (their --shared-output): artifacts come back through it, not Redis",
  },
  {
    flags: "--workers <n>",
    description: "workers (process) or concurrency (async, thread)",
    number: { flag: "--workers", min: 1, max: Number.MAX_SAFE_INTEGER, example: 2 },
  },
  {
    flags: "--seed <n>",
    description: "master seed (0 to 4294967295)",
    number: { flag: "--seed", min: 0, max: 2 ** 32 - 1, example: 42 },
  },
  { flags: "--json", description: "print one JSON document with the results on stdout" },
  { flags: "--quiet", description: "no progress and no summary; the exit code tells" },
  {
    flags: "--out <dir>",
    description:
      "output root of a module or folder experiment (default: $CRYSTALLIZE_HOME, .crystallize, or the folder's .crystallize)",
  },
  {
    flags: "--fail-on-hypothesis",
    description: "exit 1 when a hypothesis is not significant for a treatment",
  },
  {
    flags: "--allow-config-permissions",
    description:
      "grant what config.yaml permissions: asks for beyond its folders (run, env, sys, ffi, write, " +
      "read elsewhere, net to all) without asking",
  },
  ...PERMISSION_KINDS.map((kind) => ({
    flags: `--allow-${kind} [list]`,
    description: `let experiment code use ${kind}${
      kind === "read" || kind === "write" ? " (paths)" : ""
    }, comma-separated; bare: all`,
  })),
];
