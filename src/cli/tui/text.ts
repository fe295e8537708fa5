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
  for (const char of text) width += charWidth(char.codePointAt(0) ?? 0);
  return width;
}

function charWidth(code: number): number {
  if (code === 0x200d || (code >= 0xfe00 && code <= 0xfe0f) || (code >= 0x300 && code <= 0x36f)) {
    return 0;
  }
  if (
    (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xff00 && code <= 0xff60) || (code >= 0x1f300 && code <= 0x1faff)
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
  for (const char of line) {
    const w = charWidth(char.codePointAt(0) ?? 0);
    if (used + w > width - 1) break;
    out += char;
    used += w;
  }
  out += "…";
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
