/**
 * The colour of an entry in `crystallize list` and the terminal UI, from
 * config.yaml's `cli.color` (`#rrggbb`, `#rgb` or a basic colour name, as
 * the schema allows), as a terminal escape sequence.
 * @module
 */

/** Basic colour names and their ANSI foreground codes. */
const NAMED: Readonly<Record<string, number>> = {
  black: 30,
  red: 31,
  green: 32,
  yellow: 33,
  blue: 34,
  magenta: 35,
  cyan: 36,
  white: 37,
  gray: 90,
  grey: 90,
};

/**
 * The escape sequence that starts `color` (24-bit for hex colours), or
 * `undefined` for no colour or one the schema would refuse.
 *
 * @example
 * ```ts
 * colorStart("#85C1E9"); // "\x1b[38;2;133;193;233m"
 * colorStart("red"); // "\x1b[31m"
 * ```
 */
export function colorStart(color: string | null | undefined): string | undefined {
  if (!color) return undefined;
  const named = NAMED[color];
  if (named !== undefined) return `\x1b[${named}m`;
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color)?.[1];
  if (hex === undefined) return undefined;
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join("") : hex;
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16));
  return `\x1b[38;2;${r};${g};${b}m`;
}

/**
 * `text` in `color` when `enabled` (a terminal, and no `NO_COLOR`), else as it is.
 *
 * @example
 * ```ts
 * colored("demo", "red", true); // "\x1b[31mdemo\x1b[39m"
 * colored("demo", "red", false); // "demo"
 * ```
 */
export function colored(text: string, color: string | null | undefined, enabled: boolean): string {
  const start = enabled ? colorStart(color) : undefined;
  return start === undefined ? text : `${start}${text}\x1b[39m`;
}
