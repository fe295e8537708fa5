import { CrystallizeError } from "./errors.ts";

/**
 * The longest name (in UTF-8 bytes) that may become a folder or file name.
 * File systems allow 255; the rest is kept for what Crystallize appends
 * (`.meta.json`, the temporary suffix of atomic writes).
 */
export const MAX_PATH_NAME_BYTES = 200;

/**
 * The rule for names that become a folder or file name (experiments,
 * treatments, artifacts), as error messages state it.
 */
export const PATH_NAME_RULE: string =
  'a name may use letters, digits, spaces and punctuation except / \\ : * ? " < > |, but no ' +
  'control characters (newline, tab, NUL), no space at either end, not "." or "..", and at most ' +
  `${MAX_PATH_NAME_BYTES} bytes (e.g. "boost_total")`;

/** Characters no path name may contain: separators, Windows-reserved ones, control characters. */
// deno-lint-ignore no-control-regex
const FORBIDDEN = /[/\\:*?"<>|\u0000-\u001f\u007f-\u009f]/u;

const encoder = new TextEncoder();

/**
 * A name that would become a folder or file name (an experiment's store, a
 * treatment's artifact folder, an artifact file) is not usable as one: it
 * could leave its folder (`..`, `/`, `\`, an absolute or drive path), is
 * not portable (`:` `*` `?` `"` `<` `>` `|`), hides characters (control
 * characters, surrounding spaces) or is too long. The message names the
 * thing and states {@linkcode PATH_NAME_RULE}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PathNameError } from "@crystallize/deno";
 * import { checkPathName } from "./path_name.ts";
 *
 * // treatment name "../x" cannot be used as a folder or file name: it contains "/"; a name may use ...
 * assert.throws(() => checkPathName("../x", "treatment"), PathNameError);
 * ```
 */
export class PathNameError extends CrystallizeError {}

/**
 * Why `name` cannot be a folder or file name, or `undefined` when it can
 * (see {@linkcode PATH_NAME_RULE}). Pure: use it to collect problems.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pathNameProblem } from "@crystallize/deno";
 *
 * assert.equal(pathNameProblem("boost_total"), undefined);
 * assert.equal(pathNameProblem("a/../../b"), 'it contains "/"');
 * assert.equal(pathNameProblem(".."), 'it is ".."');
 * ```
 */
export function pathNameProblem(name: unknown): string | undefined {
  if (typeof name !== "string") {
    return `it is ${name === null ? "null" : typeof name}, not a string`;
  }
  if (name === "") return "it is empty";
  if (name === "." || name === "..") return `it is "${name}"`;
  const bad = FORBIDDEN.exec(name);
  if (bad !== null) return `it contains ${describeChar(bad[0])}`;
  if (name.trim() !== name) return "it starts or ends with a space";
  const bytes = encoder.encode(name).length;
  if (bytes > MAX_PATH_NAME_BYTES) return `it is ${bytes} bytes long`;
  return undefined;
}

/**
 * Throws {@linkcode PathNameError} when `name` cannot be a folder or file
 * name; `what` names the thing in the message (`"treatment"`,
 * `"experiment"`, `"artifact"`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PathNameError } from "@crystallize/deno";
 * import { checkPathName } from "./path_name.ts";
 *
 * checkPathName("boost_total", "treatment"); // fine
 * assert.throws(() => checkPathName("/abs", "experiment"), PathNameError);
 * ```
 */
export function checkPathName(name: unknown, what: string): asserts name is string {
  const problem = pathNameProblem(name);
  if (problem !== undefined) throw new PathNameError(pathNameMessage(name, what, problem));
}

/**
 * The message of a refused name: what it is, why, and the rule.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pathNameMessage } from "./path_name.ts";
 *
 * assert.match(
 *   pathNameMessage("..", "experiment", 'it is ".."'),
 *   /^experiment name "\.\." cannot be used as a folder or file name: it is "\.\."; a name may use /,
 * );
 * ```
 */
export function pathNameMessage(name: unknown, what: string, problem: string): string {
  return `${what} name ${
    typeof name === "string" ? JSON.stringify(name) : String(name)
  } cannot be used as a folder or file name: ${problem}; ${PATH_NAME_RULE}`;
}

function describeChar(char: string): string {
  const code = char.codePointAt(0)!;
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) {
    const named: Record<number, string> = { 0: "NUL", 9: "a tab", 10: "a newline", 13: "a CR" };
    return `${named[code] ?? "a control character"} (U+${code.toString(16).padStart(4, "0")})`;
  }
  return JSON.stringify(char);
}
