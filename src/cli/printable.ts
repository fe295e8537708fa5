/**
 * Text that experiment code or its files chose (names, descriptions, error
 * messages, stored runs) reaches the user's terminal through the CLI's own
 * output: control characters in it could clear the screen, move the cursor
 * over the CLI's lines or write the clipboard (OSC 52). They are shown as
 * visible escapes instead. Experiment code's own stdout and stderr are not
 * touched: they pass through as any program's output does.
 * @module
 */

// C0 controls except tab and newline, DEL, and the C1 controls.
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * `text` with control characters shown as `\x1b`-style escapes.
 *
 * @example
 * ```ts
 * import { printable } from "./printable.ts";
 * if (printable("a\u001b[2Jb\n") !== "a\\x1b[2Jb\n") throw new Error();
 * ```
 */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/**
 * A copy of plain data with every string (keys included) made
 * {@linkcode printable}; other values are kept as they are.
 *
 * @example
 * ```ts
 * import { printableData } from "./printable.ts";
 * const data = printableData({ "n\u0007": ["\u001b]52;c;x\u0007"] });
 * if (JSON.stringify(data) !== JSON.stringify({ "n\\x07": ["\\x1b]52;c;x\\x07"] })) throw new Error();
 * ```
 */
export function printableData<T>(value: T): T {
  return clean(value, 0) as T;
}

/** Deeper than this, values are left as they are: nothing the CLI prints is nested that deep. */
const MAX_DEPTH = 64;

function clean(value: unknown, depth: number): unknown {
  if (typeof value === "string") return printable(value);
  if (depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((v) => clean(v, depth + 1));
  if (value === null || typeof value !== "object" || ArrayBuffer.isView(value)) return value;
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
    return value;
  }
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [printable(k), clean(v, depth + 1)]),
  );
}
