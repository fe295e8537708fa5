/**
 * Opening a file at a line in the user's editor: which editor
 * (`$CRYSTALLIZE_EDITOR`, `$EDITOR`, `$VISUAL`) and how it is told the line,
 * as the original does per program, plus `{file}` and `{line}` placeholders
 * for any other editor.
 * @module
 */
import { basename } from "../../path.ts";

/** The environment variables naming the editor, first set wins. */
export const EDITOR_VARIABLES = ["CRYSTALLIZE_EDITOR", "EDITOR", "VISUAL"] as const;

/** A program and its arguments. */
export interface EditorCommand {
  /** The program. */
  readonly program: string;
  /** Its arguments. */
  readonly args: readonly string[];
}

/** Where to open: an absolute file path and a 1-based line. */
export interface FileLine {
  /** Absolute path (so it never reads as an option of the editor). */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
}

/**
 * Words of an editor variable, split as a shell would for plain words and
 * quotes (no expansions): `code --wait` → `["code", "--wait"]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitWords } from "./editor_command.ts";
 *
 * assert.deepEqual(splitWords(`"/opt/My Editor/ed" -w 'a b'`), ["/opt/My Editor/ed", "-w", "a b"]);
 * ```
 */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const char of text) {
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
      else word = (word ?? "") + char;
    } else if (char === '"' || char === "'") {
      quote = char;
      word ??= "";
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? "") + char;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * The command that opens `at` with the editor `setting` names: with
 * `{file}` or `{line}` in it, those are replaced; otherwise the line is
 * passed the way the program expects — `code`/`cursor`: `-g file:line`;
 * `subl`: `file:line`; JetBrains IDEs: `--line N file`; `vim`, `nvim`,
 * `vi`, `nano`, `emacs`, `emacsclient`, `helix`/`hx`, `micro`, `kak`:
 * `+N file`; any other: `file`. `undefined` for an empty setting.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { editorCommand } from "./editor_command.ts";
 *
 * const at = { file: "/p/steps.ts", line: 12 };
 * assert.deepEqual(editorCommand("vim", at), { program: "vim", args: ["+12", "/p/steps.ts"] });
 * assert.deepEqual(editorCommand("code --wait", at), { program: "code", args: ["--wait", "-g", "/p/steps.ts:12"] });
 * assert.deepEqual(editorCommand("ed {file}:{line}", at), { program: "ed", args: ["/p/steps.ts:12"] });
 * ```
 */
export function editorCommand(setting: string, at: FileLine): EditorCommand | undefined {
  const [program, ...extra] = splitWords(setting);
  if (program === undefined) return undefined;
  if (extra.some((w) => w.includes("{file}") || w.includes("{line}"))) {
    const fill = (w: string) =>
      w.replaceAll("{file}", at.file).replaceAll("{line}", String(at.line));
    return { program, args: extra.map(fill) };
  }
  return { program, args: [...extra, ...lineArgs(program, at)] };
}

function lineArgs(program: string, { file, line }: FileLine): string[] {
  const name = basename(program).replace(/\.exe$/i, "").toLowerCase();
  if (/^(code|code-insiders|cursor|cursor-insiders|codium)$/.test(name)) {
    return ["-g", `${file}:${line}`];
  }
  if (name === "subl" || name === "zed") return [`${file}:${line}`];
  if (/^(pycharm|charm|idea|intellij|webstorm|goland|clion)/.test(name)) {
    return ["--line", String(line), file];
  }
  if (/^(vim|nvim|vi|gvim|nano|emacs|emacsclient|helix|hx|micro|kak)$/.test(name)) {
    return [`+${line}`, file];
  }
  return [file];
}

/**
 * The editor setting from the environment: the first of
 * {@linkcode EDITOR_VARIABLES} that is set and readable, else `undefined`.
 *
 * @example
 * ```ts ignore
 * // Not run: reading variables needs --allow-env for them.
 * import { editorSetting } from "./editor_command.ts";
 *
 * editorSetting(); // "vim" with EDITOR=vim
 * ```
 */
export function editorSetting(): string | undefined {
  for (const name of EDITOR_VARIABLES) {
    try {
      const value = Deno.env.get(name)?.trim();
      if (value) return value;
    } catch {
      // Not allowed to read it (an older launcher): try the next.
    }
  }
  return undefined;
}
