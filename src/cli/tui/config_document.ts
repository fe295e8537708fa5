/**
 * `config.yaml` as the config editor shows and changes it: one row per key
 * and list item, values edited in place through the `yaml` package's
 * Document API (comments, blank lines and formatting elsewhere kept), and
 * every candidate text checked as `crystallize` would check it.
 * @module
 */
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parse,
  parseDocument,
  type Scalar,
} from "npm:yaml@2.9.1";
import { ConfigError } from "../../config/config_error.ts";
import { configIssues } from "../../config/config_checks.ts";
import { parseYaml } from "../../config/yaml_parse.ts";
import type { YamlPath } from "../../config/yaml_source.ts";

/** One row of the editor: a key of a mapping or an item of a list. */
export interface ConfigRow {
  /** Where it is in the document. */
  readonly path: YamlPath;
  /** Nesting depth (0 for top-level keys). */
  readonly depth: number;
  /** The key, or `- ` with the item's index for list items. */
  readonly label: string;
  /** `"scalar"` values are edited; mappings and lists take new entries. */
  readonly kind: "scalar" | "map" | "seq";
  /** The scalar's source text (`undefined` for mappings and lists). */
  readonly value: string | undefined;
  /** Its 1-based line. */
  readonly line: number;
}

/**
 * The rows of a config text, in document order; `[]` when it does not parse.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { configRows } from "./config_document.ts";
 *
 * const rows = configRows("replicates: 3 # per condition\ntreatments:\n  boost: { delta: 1 }\n");
 * assert.deepEqual(rows.map((r) => [r.label, r.value, r.line]), [
 *   ["replicates", "3", 1], ["treatments", undefined, 2], ["boost", undefined, 3], ["delta", "1", 3],
 * ]);
 * ```
 */
export function configRows(text: string): ConfigRow[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) return [];
  const rows: ConfigRow[] = [];
  const walk = (node: unknown, path: YamlPath, depth: number) => {
    const items = isMap(node)
      ? node.items.map((pair) => ({
        key: isScalar(pair.key) ? String(pair.key.value) : String(pair.key),
        label: isScalar(pair.key) ? String(pair.key.value) : String(pair.key),
        value: pair.value,
        at: (pair.key as Node | null)?.range?.[0],
      }))
      : isSeq(node)
      ? node.items.map((item, i) => ({
        key: i,
        label: `- [${i}]`,
        value: item,
        at: (item as Node | null)?.range?.[0],
      }))
      : [];
    for (const item of items) {
      const child = [...path, item.key];
      const value = item.value as Node | null;
      const kind = isMap(value) ? "map" : isSeq(value) ? "seq" : "scalar";
      rows.push({
        path: child,
        depth,
        label: item.label,
        kind,
        value: kind === "scalar" ? scalarText(value, text) : undefined,
        line: lines.linePos(item.at ?? 0).line,
      });
      if (kind !== "scalar") walk(value, child, depth + 1);
    }
  };
  walk(doc.contents, [], 0);
  return rows;
}

function scalarText(node: Node | null, text: string): string {
  if (node === null) return "";
  const range = node.range;
  return range === undefined || range === null
    ? String((node as Scalar).value)
    : text.slice(range[0], range[1]).trim();
}

/** A changed text, or why the change is refused (then `text` is the candidate that was refused). */
export interface ConfigEdit {
  /** The text after the change. */
  readonly text: string;
  /** What is wrong with it, `file:line:column: message` as `crystallize` reports it. */
  readonly problem: string | undefined;
}

/**
 * `text` with the value at `path` set to `input` read as YAML (`3` is a
 * number, `[a, b]` a list, `{delta: 2}` a mapping); a scalar keeps its
 * comment. The result is checked against the schema and the checks of
 * `crystallize run` that need no code (names, replicates, permissions).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { setValue } from "./config_document.ts";
 *
 * const text = "# my experiment\nreplicates: 3 # per condition\ndatasource: { n: numbers }\nsteps: [a]\n";
 * const edit = setValue(text, "/e/config.yaml", ["replicates"], "12");
 * assert.equal(edit.text, "# my experiment\nreplicates: 12 # per condition\ndatasource: { n: numbers }\nsteps: [a]\n");
 * assert.equal(edit.problem, undefined);
 * assert.match(setValue(text, "/e/config.yaml", ["replicates"], "0").problem ?? "", /replicates must be a whole number/);
 * ```
 */
export function setValue(text: string, file: string, path: YamlPath, input: string): ConfigEdit {
  const typed = input.trim() === "" ? "null" : input.trim();
  let value: unknown;
  try {
    value = parse(typed);
  } catch (error) {
    return { text, problem: `not a YAML value: ${(error as Error).message.split("\n")[0]}` };
  }
  const doc = parseDocument(text);
  const node = doc.getIn(path, true) as Node | undefined;
  doc.setIn(path, doc.createNode(value, { flow: true }));
  const range = node?.range;
  // What was typed replaces the old value's text: everything around it stays as it was.
  const spliced = range ? text.slice(0, range[0]) + typed + text.slice(range[1]) : undefined;
  return checked(sameAs(spliced, doc.toJS()) ?? doc.toString(), file);
}

/**
 * `text` with an entry added to the mapping or list at `path`: for a
 * mapping `input` is `key: value` (a new treatment `boost: {delta: 2}`),
 * for a list the item (`smooth`). The entry is written as typed, on a line
 * of its own in a block (in a flow collection, before its end); checked as
 * {@linkcode setValue} is.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { addEntry } from "./config_document.ts";
 *
 * const text = "datasource: {}\nsteps: [a]\ntreatments:\n  one: { delta: 1 } # first\n";
 * const edit = addEntry(text, "/e/config.yaml", ["treatments"], "two: { delta: 2 }");
 * assert.equal(edit.text, "datasource: {}\nsteps: [a]\ntreatments:\n  one: { delta: 1 } # first\n  two: { delta: 2 }\n");
 * assert.equal(addEntry(text, "/e/config.yaml", ["steps"], "b").text.split("\n")[1], "steps: [a, b]");
 * ```
 */
export function addEntry(text: string, file: string, path: YamlPath, input: string): ConfigEdit {
  const typed = input.trim();
  const doc = parseDocument(text);
  const target = (path.length === 0 ? doc.contents : doc.getIn(path, true)) as Node | null;
  // Where the typed entry goes in the text, found before the document changes.
  const spliced = isMap(target) || isSeq(target) ? insertEntry(text, target, typed) : undefined;
  let value: unknown;
  try {
    value = parse(typed);
  } catch (error) {
    return { text, problem: `not a YAML value: ${(error as Error).message.split("\n")[0]}` };
  }
  if (isMap(target)) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return { text, problem: "type the new entry as key: value, e.g. boost: { delta: 2 }" };
    }
    for (const [key, entry] of Object.entries(value)) {
      if (target.has(key)) return { text, problem: `'${key}' is there already: edit it instead` };
      target.add(doc.createPair(key, doc.createNode(entry, { flow: true })));
    }
  } else if (isSeq(target)) {
    target.add(doc.createNode(value, { flow: true }));
  } else {
    return { text, problem: "entries are added to a mapping or a list: move to one" };
  }
  return checked(sameAs(spliced, doc.toJS()) ?? doc.toString(), file);
}

/** `text` with `entry` written into the collection `node` as its last entry. */
function insertEntry(text: string, node: Node, entry: string): string | undefined {
  const range = node.range;
  if (!range) return undefined;
  const items = (node as { items: unknown[] }).items;
  const source = text.slice(range[0], range[1]);
  if ((node as { flow?: boolean }).flow) {
    const close = range[0] + source.trimEnd().length - 1;
    const last = items.at(-1);
    const node = isPair(last) ? (last.value ?? last.key) as Node | null : last as Node | undefined;
    const end = node?.range?.[1];
    if (end !== undefined) return `${text.slice(0, end)}, ${entry}${text.slice(end)}`;
    return `${text.slice(0, range[0])}${text[range[0]]} ${entry} ${text.slice(close)}`;
  }
  const first = items[0] as { key?: Node } & Node | undefined;
  const start = (first?.key ?? first)?.range?.[0] ?? range[0];
  const indent = start - (text.lastIndexOf("\n", start - 1) + 1);
  const lineEnd = text.indexOf("\n", Math.max(range[0], range[1] - 1));
  const at = lineEnd < 0 ? text.length : lineEnd;
  const dash = isSeq(node) ? "- " : "";
  const before = text.slice(0, at);
  return `${before}${before.endsWith("\n") ? "" : "\n"}${" ".repeat(indent)}${dash}${entry}` +
    text.slice(at);
}

/** `candidate` when it parses to `expected`, else `undefined` (the caller writes the document instead). */
function sameAs(candidate: string | undefined, expected: unknown): string | undefined {
  if (candidate === undefined) return undefined;
  try {
    return JSON.stringify(parse(candidate)) === JSON.stringify(expected) ? candidate : undefined;
  } catch {
    return undefined;
  }
}

function checked(text: string, file: string): ConfigEdit {
  try {
    const issues = configIssues(parseYaml(text, file)).issues;
    const first = issues[0];
    return {
      text,
      problem: first === undefined
        ? undefined
        : `line ${first.line}:${first.column}: ${first.message}`,
    };
  } catch (error) {
    if (error instanceof ConfigError) return { text, problem: error.message.split("\n")[0] };
    throw error;
  }
}
