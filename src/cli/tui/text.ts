/**
 * Text helpers of the terminal UI's views: fitting lines to the screen's
 * width, display width of wide characters, and removing terminal control
 * sequences from experiment output.
 * @module
 */

/** Reverse video on and off: the highlighted line. */
const REVERSE = ["\x1b[7m", "\x1b[27m"] as const;

/**
 * Columns a string takes on a terminal: emoji and East Asian wide
 * characters take two, combining marks and variation selectors none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { displayWidth } from "./text.ts";
 *
 * assert.equal(displayWidth("🧪 demo"), 7); // the emoji takes two columns
 * ```
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text.replace(SGR, "")) width += charWidth(char.codePointAt(0) ?? 0);
  return width;
}

/** Colour and video attributes (`ESC [ … m`): they take no columns. */
// deno-lint-ignore no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;

/** Emoji below U+1F300 that terminals draw two columns wide (East Asian Width "W"). */
const WIDE_SYMBOLS = new Set([
  0x231a,
  0x231b,
  0x23e9,
  0x23ea,
  0x23eb,
  0x23ec,
  0x23f0,
  0x23f3,
  0x25fd,
  0x25fe,
  0x2614,
  0x2615,
  0x267f,
  0x2693,
  0x26a1,
  0x26aa,
  0x26ab,
  0x26bd,
  0x26be,
  0x26c4,
  0x26c5,
  0x26ce,
  0x26d4,
  0x26ea,
  0x26f2,
  0x26f3,
  0x26f5,
  0x26fa,
  0x26fd,
  0x2705,
  0x270a,
  0x270b,
  0x2728,
  0x274c,
  0x274e,
  0x2753,
  0x2754,
  0x2755,
  0x2757,
  0x2795,
  0x2796,
  0x2797,
  0x27b0,
  0x27bf,
  0x2b1b,
  0x2b1c,
  0x2b50,
  0x2b55,
]);

function charWidth(code: number): number {
  if (code === 0x200d || (code >= 0xfe00 && code <= 0xfe0f) || (code >= 0x300 && code <= 0x36f)) {
    return 0;
  }
  if (
    (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xff00 && code <= 0xff60) || (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x2648 && code <= 0x2653) || WIDE_SYMBOLS.has(code)
  ) {
    return 2;
  }
  return 1;
}

/**
 * `line` cut to `width` columns (ending in `…` when cut), or padded with
 * spaces to exactly `width` when `pad` is set.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitLine } from "./text.ts";
 *
 * assert.equal(fitLine("a long line", 6), "a lon…");
 * assert.equal(fitLine("ab", 4, true), "ab  ");
 * ```
 */
export function fitLine(line: string, width: number, pad = false): string {
  if (displayWidth(line) <= width) {
    return pad ? line + " ".repeat(width - displayWidth(line)) : line;
  }
  let out = "";
  let used = 0;
  // Attributes are kept whole and cost nothing; a cut line resets them so they do not run on.
  // deno-lint-ignore no-control-regex
  for (const piece of line.split(/(\x1b\[[0-9;]*m)/)) {
    if (piece.startsWith("\x1b[")) {
      out += piece;
      continue;
    }
    let full = false;
    for (const char of piece) {
      const w = charWidth(char.codePointAt(0) ?? 0);
      if (used + w > width - 1) {
        full = true;
        break;
      }
      out += char;
      used += w;
    }
    if (full) break;
  }
  out += line.includes("\x1b[") ? "…\x1b[0m" : "…";
  used += 1;
  return pad ? out + " ".repeat(Math.max(0, width - used)) : out;
}

/**
 * `line` fitted to the full `width` in reverse video: the highlighted row.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { highlight } from "./text.ts";
 *
 * assert.equal(highlight("> demo", 10), "\x1b[7m> demo    \x1b[27m");
 * ```
 */
export function highlight(line: string, width: number): string {
  return `${REVERSE[0]}${fitLine(line, width, true)}${REVERSE[1]}`;
}

/**
 * `text` cut into lines of at most `width` columns (wide characters kept
 * whole): plain-text tabs wrap instead of cutting, so nothing is lost when
 * copying.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wrapLine } from "./text.ts";
 *
 * assert.deepEqual(wrapLine("abcdefg", 3), ["abc", "def", "g"]);
 * assert.deepEqual(wrapLine("", 3), [""]);
 * ```
 */
export function wrapLine(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  let used = 0;
  for (const char of text) {
    const w = charWidth(char.codePointAt(0) ?? 0);
    if (used + w > width && line !== "") {
      lines.push(line);
      line = "";
      used = 0;
    }
    line += char;
    used += w;
  }
  lines.push(line);
  return lines;
}

/**
 * `text` cut into lines of at most `width` columns at spaces (a word longer
 * than a line is cut), for prose like the details panel.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wrapWords } from "./text.ts";
 *
 * assert.deepEqual(wrapWords("no stored run yet.", 10), ["no stored", "run yet."]);
 * ```
 */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    const next = line === "" ? word : `${line} ${word}`;
    if (displayWidth(next) <= width) {
      line = next;
      continue;
    }
    if (line !== "") lines.push(line);
    const pieces = wrapLine(word, width);
    line = pieces.pop() ?? "";
    lines.push(...pieces);
  }
  lines.push(line);
  return lines;
}

/**
 * A key help line for `width` columns: the keys in order of importance,
 * as many as fit, the last (how to leave) always there.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { keyHelp } from "./text.ts";
 *
 * assert.equal(keyHelp(["r run", "c cancel", "l caching", "q quit"], 25), "r run · c cancel · q quit");
 * ```
 */
export function keyHelp(keys: readonly string[], width: number): string {
  const last = keys.at(-1) ?? "";
  const shown: string[] = [];
  for (const key of keys.slice(0, -1)) {
    if (displayWidth([...shown, key, last].join(" · ")) > width) continue;
    shown.push(key);
  }
  return fitLine([...shown, last].join(" · "), width);
}

/**
 * Text without terminal control sequences (colours, cursor moves) and
 * carriage returns, so experiment output cannot garble the screen.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plainText } from "./text.ts";
 *
 * assert.equal(plainText("\x1b[31mred\x1b[0m\r\n"), "red\n");
 * ```
 */
export function plainText(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*(\x07|\x1b\\)|\x1b.|\r/g, "")
    // deno-lint-ignore no-control-regex
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, "");
}
