import { isAbsolute, relative } from "node:path";
import { CrystallizeError } from "../errors.ts";

/** One problem in a configuration file, at a 1-based line and column. */
export interface ConfigIssue {
  /** Absolute path of the file the problem is in. */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /** What is wrong and what was expected. */
  readonly message: string;
}

/**
 * A folder experiment's `config.yaml` (or a module it names) is wrong: bad
 * YAML, an unknown key, a factory its module does not export, a parameter the
 * factory does not declare, a value of the wrong type. Every problem found is
 * listed in `issues`, one per line of the message, as
 * `<file>:<line>:<column>: <message>` (the file relative to the working
 * directory when it is inside it); `file`, `line` and `column` are those of
 * the first.
 *
 * @example
 * ```ts
 * try {
 *   await Experiment.fromYaml("experiments/demo");
 * } catch (e) {
 *   if (e instanceof ConfigError) console.error(e.message); // config.yaml:3:1: unknown key ...
 * }
 * ```
 */
export class ConfigError extends CrystallizeError {
  /** Every problem found, in file order. */
  readonly issues: readonly ConfigIssue[];
  /** Absolute path of the file of the first problem. */
  readonly file: string;
  /** Line of the first problem (1-based). */
  readonly line: number;
  /** Column of the first problem (1-based). */
  readonly column: number;

  /** Creates the error from at least one issue. */
  constructor(issues: readonly ConfigIssue[], options?: ErrorOptions) {
    if (issues.length === 0) throw new RangeError("ConfigError needs at least one issue");
    super(issues.map(formatIssue).join("\n"), options);
    this.issues = issues;
    this.file = issues[0].file;
    this.line = issues[0].line;
    this.column = issues[0].column;
  }
}

/**
 * An issue as one line: `<file>:<line>:<column>: <message>`, the file
 * relative to the working directory when it lies inside it (as compilers
 * print them, so terminals and editors can jump there).
 *
 * @example
 * ```ts
 * formatIssue({ file: `${Deno.cwd()}/exp/config.yaml`, line: 3, column: 1, message: "unknown key 'x'" });
 * // "exp/config.yaml:3:1: unknown key 'x'"
 * ```
 */
export function formatIssue(issue: ConfigIssue): string {
  return `${displayPath(issue.file)}:${issue.line}:${issue.column}: ${issue.message}`;
}

/** `file` relative to the working directory when inside it, else as given. */
export function displayPath(file: string): string {
  let cwd: string;
  try {
    cwd = Deno.cwd();
  } catch {
    return file; // no read permission on the working directory
  }
  const rel = relative(cwd, file);
  if (rel === "") return ".";
  return rel.startsWith("..") || isAbsolute(rel) ? file : rel;
}

/**
 * Orders issues by file, then line, then column (for `Array.prototype.sort`).
 *
 * @example
 * ```ts
 * issues.toSorted(byPlace);
 * ```
 */
export function byPlace(a: ConfigIssue, b: ConfigIssue): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column;
}
