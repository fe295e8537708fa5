/**
 * Building HTML as text: every piece of data goes through
 * {@linkcode escapeHtml}, since names, messages and values come from
 * experiments (and stored runs anyone could have written).
 * @module
 */

/**
 * Text made safe for HTML element content and double-quoted attributes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeHtml } from "./html.ts";
 *
 * assert.equal(escapeHtml(`<img src="x" onerror='y'>&`), "&lt;img src=&quot;x&quot; onerror=&#39;y&#39;&gt;&amp;");
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Markup that is already HTML (built by these helpers), as opposed to text to escape. */
export interface Html {
  /** The markup. */
  readonly html: string;
}

/**
 * Marks `html` as markup (it is inserted as it is).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { element, raw } from "./html.ts";
 *
 * assert.equal(element("p", {}, [raw("<b>x</b>")]).html, "<p><b>x</b></p>");
 * ```
 */
export function raw(html: string): Html {
  return { html };
}

/** What an element holds: text (escaped), markup, or nothing. */
export type Child = string | Html | undefined | false;

/**
 * An element with escaped attributes and children (strings are text; `false`
 * and `undefined` are left out).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { element } from "./html.ts";
 *
 * assert.equal(element("td", { class: "num" }, ["<1"]).html, '<td class="num">&lt;1</td>');
 * ```
 */
export function element(
  tag: string,
  attributes: Readonly<Record<string, string | undefined>>,
  children: readonly Child[] = [],
): Html {
  const attrs = Object.entries(attributes)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeHtml(value)}"`)
    .join("");
  return raw(`<${tag}${attrs}>${children.map(childHtml).join("")}</${tag}>`);
}

/**
 * A table: a header row and body rows of cells (text or markup).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { htmlTable } from "./html.ts";
 *
 * assert.equal(
 *   htmlTable(["a"], [["<1>"]]).html,
 *   "<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>&lt;1&gt;</td></tr></tbody></table>",
 * );
 * ```
 */
export function htmlTable(
  headers: readonly string[],
  rows: readonly (readonly Child[])[],
): Html {
  return element("table", {}, [
    element("thead", {}, [element("tr", {}, headers.map((h) => element("th", {}, [h])))]),
    element("tbody", {}, rows.map((r) => element("tr", {}, r.map((c) => element("td", {}, [c]))))),
  ]);
}

function childHtml(child: Child): string {
  if (child === undefined || child === false) return "";
  return typeof child === "string" ? escapeHtml(child) : child.html;
}
