/**
 * Where to open the editor: a `file:line` named in a line of text (an
 * error's stack frame, a `config.yaml:3:5:` message, an artifact path), and
 * the line that defines a step in its module. Pure: texts in, positions out.
 * @module
 */
import { pathOfFileUrl } from "../../file_url.ts";
import { isAbsolute } from "../../path.ts";
import { resolvePath } from "../../resolve_path.ts";

/** A place named in text: a path (absolute, or relative to the working directory) and a line. */
export interface TextLocation {
  /** Absolute path. */
  readonly file: string;
  /** 1-based line (1 when the text names none). */
  readonly line: number;
}

/** `file:///…:12:5`, `/abs/file.ts:12`, `dir/config.yaml:3:1`, or a bare path with an extension. */
const LOCATION =
  /(file:\/\/[^\s:()'"`]+|[\w./@~+-]*\.[A-Za-z0-9]{1,8})(?::(\d+))?(?::\d+)?(?=[\s:)'"`,]|$)/g;

/**
 * The places a line of text may name, in order, resolved against `cwd`: a
 * stack frame, a `file:line:column:` message, or a path (line 1). Words
 * that only look like paths (`e.g.`) are among them: the caller opens the
 * first that is a file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { locationsIn } from "./locations.ts";
 *
 * assert.deepEqual(locationsIn("    at add (file:///p/exp/steps.ts:12:5)", "/w"), [{ file: "/p/exp/steps.ts", line: 12 }]);
 * assert.deepEqual(locationsIn("exp/config.yaml:3:1: unknown key 'x'", "/w"), [{ file: "/w/exp/config.yaml", line: 3 }]);
 * assert.deepEqual(locationsIn("no place here", "/w"), []);
 * ```
 */
export function locationsIn(text: string, cwd: string): TextLocation[] {
  return [...text.matchAll(LOCATION)].flatMap(([, where, line]) => {
    let file: string;
    try {
      file = where.startsWith("file://") ? pathOfFileUrl(where) : where;
    } catch {
      return [];
    }
    return [{
      file: isAbsolute(file) ? file : resolvePath(cwd, file),
      line: Number(line ?? 1) || 1,
    }];
  });
}

/**
 * The 1-based line of a module's text where step `name` is defined: the
 * `pipelineStep(` call whose options say `name: "<name>"`, else an export
 * called `name`; `undefined` when neither is there.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stepLine } from "./locations.ts";
 *
 * const source = 'import x from "y";\n\nexport const addDelta = pipelineStep(\n  (d) => d,\n  { name: "add_delta" },\n);\n';
 * assert.equal(stepLine(source, "add_delta"), 3);
 * assert.equal(stepLine(source, "addDelta"), 3);
 * ```
 */
export function stepLine(source: string, name: string): number | undefined {
  const lines = source.split("\n");
  const quoted = new RegExp(`\\bname:\\s*["'\`]${escape(name)}["'\`]`);
  const named = lines.findIndex((l) => quoted.test(l));
  if (named >= 0) {
    for (let i = named; i >= 0; i--) {
      if (/\bpipelineStep\s*\(/.test(lines[i])) return i + 1;
    }
    return named + 1;
  }
  const exported = new RegExp(`\\bexport\\s+(const|let|function)\\s+${escape(name)}\\b`);
  const at = lines.findIndex((l) => exported.test(l));
  return at >= 0 ? at + 1 : undefined;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
