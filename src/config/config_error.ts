import { isAbsolute } from "../path.ts";
import { relativePath } from "../resolve_path.ts";
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
 * import assert from "node:assert/strict";
 * import { ConfigError, Experiment } from "@crystallize/deno";
 *
 * const folder = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${folder}/config.yaml`, "name: demo\nreplicate: 3\n");
 * await assert.rejects(Experiment.fromYaml(folder), (e: unknown) => {
 *   assert.ok(e instanceof ConfigError);
 *   assert.match(e.message, /config\.yaml:2:1: unknown key 'replicate'/); // file:line:column: ...
 *   return true;
 * });
 * await Deno.remove(folder, { recursive: true });
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
 * import assert from "node:assert/strict";
 * import { formatIssue } from "./config_error.ts";
 *
 * const issue = { file: `${Deno.cwd()}/exp/config.yaml`, line: 3, column: 1, message: "unknown key 'x'" };
 * assert.equal(formatIssue(issue), "exp/config.yaml:3:1: unknown key 'x'");
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
  const rel = relativePath(cwd, file);
  if (rel === "") return ".";
  return rel.startsWith("..") || isAbsolute(rel) ? file : rel;
}

/**
 * Orders issues by file, then line, then column (for `Array.prototype.sort`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { byPlace } from "./config_error.ts";
 *
 * const at = (line: number) => ({ file: "/exp/config.yaml", line, column: 1, message: `line ${line}` });
 * assert.deepEqual([at(5), at(2)].toSorted(byPlace).map((i) => i.line), [2, 5]);
 * ```
 */
export function byPlace(a: ConfigIssue, b: ConfigIssue): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column;
}
