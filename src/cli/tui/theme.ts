/**
 * Colours and icons of the terminal UI's views. Colours only when the UI
 * may use them (a terminal without `NO_COLOR`); icons become ASCII in the
 * plain-text view, which is for copying.
 * @module
 */
import type { NodeState } from "./run_tree.ts";

/** A colour or weight of text. */
export type Style = "green" | "red" | "yellow" | "cyan" | "dim" | "bold";

const SGR: Readonly<Record<Style, readonly [string, string]>> = {
  green: ["\x1b[32m", "\x1b[39m"],
  red: ["\x1b[31m", "\x1b[39m"],
  yellow: ["\x1b[33m", "\x1b[39m"],
  cyan: ["\x1b[36m", "\x1b[39m"],
  dim: ["\x1b[2m", "\x1b[22m"],
  bold: ["\x1b[1m", "\x1b[22m"],
};

/**
 * `text` in `style` when `color` is on, else as it is (fit lines to the
 * width first: the escape sequences take no columns).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { paint } from "./theme.ts";
 *
 * assert.equal(paint("ok", "green", true), "\x1b[32mok\x1b[39m");
 * assert.equal(paint("ok", "green", false), "ok");
 * ```
 */
export function paint(text: string, style: Style | undefined, color: boolean): string {
  if (!color || style === undefined || text === "") return text;
  const [on, off] = SGR[style];
  return `${on}${text}${off}`;
}

/** How an experiment's or step's state looks: icon, ASCII, colour. */
const STATE_ICONS: Readonly<
  Record<
    NodeState | "cached",
    { readonly icon: string; readonly ascii: string; readonly style?: Style }
  >
> = {
  pending: { icon: "⏳", ascii: "[ ]", style: "dim" },
  running: { icon: "🔄", ascii: "[>]", style: "yellow" },
  done: { icon: "✅", ascii: "[x]", style: "green" },
  cached: { icon: "🔒", ascii: "[c]", style: "cyan" },
  skipped: { icon: "💤", ascii: "[-]", style: "dim" },
  failed: { icon: "❌", ascii: "[!]", style: "red" },
};

/**
 * The icon of a state (`cached`: a step served from the step cache), and
 * its colour.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stateIcon } from "./theme.ts";
 *
 * assert.deepEqual(stateIcon("done", false), { icon: "✅", style: "green" });
 * assert.deepEqual(stateIcon("done", true), { icon: "[x]", style: "green" });
 * ```
 */
export function stateIcon(
  state: NodeState | "cached",
  plain: boolean,
): { icon: string; style: Style | undefined } {
  const found = STATE_ICONS[state];
  return { icon: plain ? found.ascii : found.icon, style: found.style };
}

/**
 * The caching mark: 🔒 cached (resume, or a cached step), 🔓 not, ❔ not
 * known yet (a step before any stored run); ASCII in plain text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lockIcon } from "./theme.ts";
 *
 * assert.equal(lockIcon(true, false), "🔒");
 * assert.equal(lockIcon(undefined, true), "?");
 * ```
 */
export function lockIcon(cached: boolean | undefined, plain: boolean): string {
  if (cached === undefined) return plain ? "?" : "❔";
  if (plain) return cached ? "L" : "-";
  return cached ? "🔒" : "🔓";
}
