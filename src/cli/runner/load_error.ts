import { pathOfFileUrl } from "../../file_url.ts";
import { errorData } from "../../execution/worker/messages.ts";

const AT = /^\s*at (?:.*\()?(file:\/\/[^\s()]+?):(\d+):(\d+)\)?\s*$/;
// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * Why a module could not be loaded, as a CLI user reads it: the place first
 * (`file:line:column`, of the import that failed, the syntax error, or the
 * top-level line that threw — the experiment's line, not the library's that
 * noticed), then the error, then Deno's code excerpt.
 *
 * @example
 * ```ts
 * import { loadErrorMessage } from "./load_error.ts";
 * const error = new TypeError(
 *   "SyntaxError: Expression expected\n  |\n1 | const x = ;\n  |           ~\n    at file:///exp/bad.ts:1:11",
 * );
 * const message = loadErrorMessage(error);
 * if (!message.startsWith("/exp/bad.ts:1:11: SyntaxError: Expression expected")) throw new Error(message);
 * ```
 */
export function loadErrorMessage(error: unknown): string {
  const data = errorData(error);
  const lines = data.message.replace(ANSI, "").split("\n");
  const atLine = lines.findIndex((l) => AT.test(l));
  const head = /^[A-Z]\w*(Error|Exception): /.test(lines[0])
    ? lines[0]
    : `${data.name}: ${lines[0]}`;
  const excerpt = lines.slice(1, atLine < 0 ? lines.length : atLine).filter((l) => l.trim() !== "");
  const at = AT.exec(atLine < 0 ? firstFileFrame(data.stack) : lines[atLine]);
  const place = at === null ? "" : `${pathOfFileUrl(at[1])}:${at[2]}:${at[3]}: `;
  return [`${place}${head}`, ...excerpt].join("\n");
}

/** The library's own code: a frame there is where the library noticed, not where the user's code is. */
const LIBRARY_SRC = new URL("../../", import.meta.url).href;

function firstFileFrame(stack: string | undefined): string {
  const frames = stack?.replace(ANSI, "").split("\n").filter((l) => AT.test(l)) ?? [];
  return frames.find((l) => !AT.exec(l)![1].startsWith(LIBRARY_SRC)) ?? frames[0] ?? "";
}
