/**
 * A quick reader of plain `crystallize run` command lines, so the common
 * case starts the sandboxed runner without loading commander (an npm
 * package: loading it, and npm resolution with it, costs about 40 ms).
 * It reads only what it is sure of and leaves everything else — help,
 * errors, `--`, short flags, unknown options — to commander, which then
 * prints exactly what it always did.
 * @module
 */
import type { RunCommandOptions } from "./commands/run.ts";
import { wholeNumberProblem } from "./flags/whole_number.ts";
import { commaList, RUN_OPTIONS, type RunOptionSpec } from "./run_options.ts";

/** A `run` command line as commander would read it. */
export interface RunArgs {
  /** The `<target>` argument. */
  readonly target: string;
  /** The options, as commander's `opts()` holds them. */
  readonly options: RunCommandOptions;
}

/** An option of {@linkcode RUN_OPTIONS} as the reader uses it. */
interface KnownOption {
  readonly spec: RunOptionSpec;
  /** Its key in the options (`failOnHypothesis`). */
  readonly key: string;
  /** `--no-…`: sets `false`, and its key defaults to `true`. */
  readonly negate: boolean;
  readonly value: "none" | "required" | "optional";
}

const FLAGS = /^--([a-z][a-z-]*)(?: ([<[])[a-z]+[>\]])?$/;

/** Commander's camel case of an option name (`fail-on-hypothesis` → `failOnHypothesis`). */
function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function known(spec: RunOptionSpec): [string, KnownOption] {
  const match = FLAGS.exec(spec.flags);
  if (match === null) {
    throw new Error(`run option ${spec.flags} is not of a form run_args.ts reads`);
  }
  const [, name, bracket] = match;
  const negate = name.startsWith("no-");
  return [`--${name}`, {
    spec,
    key: camelCase(negate ? name.slice(3) : name),
    negate,
    value: bracket === "<" ? "required" : bracket === "[" ? "optional" : "none",
  }];
}

const OPTIONS: ReadonlyMap<string, KnownOption> = new Map(RUN_OPTIONS.map(known));

/** What commander takes for a negative number (an option value, not an option). */
const NEGATIVE_NUMBER = /^-(\d+|\d*\.\d+)([eE][+-]?\d+)?$/;

/** The value commander would store for `text` given to `option`, or `undefined` to leave it to commander. */
function valueOf(option: KnownOption, text: string, previous: unknown): unknown {
  const { number, choices, list } = option.spec;
  if (number !== undefined) {
    return wholeNumberProblem(text, number) === undefined ? Number(text) : undefined;
  }
  if (choices !== undefined) return choices.includes(text) ? text : undefined;
  if (list) return commaList(text, previous as string[] | undefined);
  return text;
}

/**
 * `crystallize run …` read as commander reads it, or `undefined` when the
 * command line is not a plain one: anything but `run`, one target and
 * options of {@linkcode RUN_OPTIONS} with valid values (`--opt value` or
 * `--opt=value`) goes to commander, which explains what is wrong.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { quickRunArgs } from "./run_args.ts";
 *
 * assert.deepEqual(quickRunArgs(["run", "exp", "--replicates=3", "--no-cache"]), {
 *   target: "exp",
 *   options: { cache: false, treatments: true, replicates: 3 },
 * });
 * assert.equal(quickRunArgs(["run", "exp", "--help"]), undefined); // commander prints help
 * assert.equal(quickRunArgs(["run", "exp", "--replicates", "0"]), undefined); // and errors
 * ```
 */
export function quickRunArgs(args: readonly string[]): RunArgs | undefined {
  if (args[0] !== "run") return undefined;
  const options: Record<string, unknown> = {};
  for (const option of OPTIONS.values()) if (option.negate) options[option.key] = true;
  const targets: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("-")) {
      targets.push(arg);
      continue;
    }
    const equals = arg.indexOf("=");
    const option = OPTIONS.get(equals < 0 ? arg : arg.slice(0, equals));
    if (option === undefined) return undefined;
    let text: string | undefined;
    if (equals >= 0) {
      if (option.value === "none") return undefined;
      text = arg.slice(equals + 1);
    } else if (option.value !== "none") {
      const next = args[i + 1];
      // Commander takes what follows as the value, even `-x` for a required one: leave those to it.
      if (next !== undefined && (!next.startsWith("-") || NEGATIVE_NUMBER.test(next))) {
        if (next.startsWith("-") || next === "") return undefined;
        text = next;
        i++;
      } else if (option.value === "required") return undefined;
    }
    const value = text === undefined ? !option.negate : valueOf(option, text, options[option.key]);
    if (value === undefined) return undefined;
    options[option.key] = value;
  }
  if (targets.length !== 1 || targets[0] === "") return undefined;
  return { target: targets[0], options: options as unknown as RunCommandOptions };
}
