/** A key press, by name: `"up"`, `"down"`, `"enter"`, `"escape"`, … or the character typed. */
export type Key =
  | "up"
  | "down"
  | "left"
  | "right"
  | "home"
  | "end"
  | "page-up"
  | "page-down"
  | "enter"
  | "escape"
  | "tab"
  | "shift-tab"
  | "wheel-up"
  | "wheel-down"
  | "backspace"
  | "space"
  | "ctrl-c"
  | "ctrl-d"
  | "ctrl-u"
  | string;

const CSI_KEYS: Readonly<Record<string, Key>> = {
  A: "up",
  B: "down",
  C: "right",
  D: "left",
  H: "home",
  F: "end",
  "1~": "home",
  "4~": "end",
  "5~": "page-up",
  "6~": "page-down",
  Z: "shift-tab",
};

/** SGR mouse reports (`ESC [ < button ; column ; row M`): the wheel's buttons. */
const WHEEL: Readonly<Record<string, Key>> = { "64": "wheel-up", "65": "wheel-down" };

const CONTROL_KEYS: Readonly<Record<string, Key>> = {
  "\r": "enter",
  "\n": "enter",
  "\t": "tab",
  "\x7f": "backspace",
  "\b": "backspace",
  " ": "space",
  "\x03": "ctrl-c",
  "\x04": "ctrl-d",
  "\x15": "ctrl-u",
};

/**
 * The keys in a chunk of terminal input (raw mode): arrow and navigation
 * escape sequences (`ESC [ A`, `ESC O A`, `ESC [ 5 ~`, `ESC [ Z`), mouse
 * wheel reports (`ESC [ < 64 ; x ; y M`), control characters, and
 * printable characters. An `ESC` not followed by `[` or `O` is the
 * Escape key, so `ESC q` typed quickly is Escape then `q`. Unknown
 * sequences are dropped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseKeys } from "./keys.ts";
 *
 * assert.deepEqual(parseKeys("\x1b[Bj\r"), ["down", "j", "enter"]);
 * ```
 */
export function parseKeys(input: string): Key[] {
  const keys: Key[] = [];
  let i = 0;
  while (i < input.length) {
    const char = input[i];
    if (char === "\x1b") {
      const next = input[i + 1];
      if (next === "[" || next === "O") {
        // Parameters (digits and ;) then one final byte.
        let end = i + 2;
        while (end < input.length && /[0-9;<]/.test(input[end])) end++;
        if (end >= input.length) break;
        const body = input.slice(i + 2, end + 1).replace(/^1;\d+/, "");
        const key = body.startsWith("<")
          ? (body.endsWith("M") ? WHEEL[body.slice(1).split(";")[0]] : undefined)
          : CSI_KEYS[body];
        if (key !== undefined) keys.push(key);
        i = end + 1;
        continue;
      }
      keys.push("escape");
      i++;
      continue;
    }
    const codePoint = input.codePointAt(i) ?? 0;
    const text = String.fromCodePoint(codePoint);
    const control = CONTROL_KEYS[text];
    if (control !== undefined) keys.push(control);
    else if (codePoint >= 0x20) keys.push(text);
    i += text.length;
  }
  return keys;
}
