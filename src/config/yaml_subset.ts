/**
 * A reader of the plain YAML most `config.yaml` files are written in, so
 * reading one does not load the YAML parser (npm `yaml`: with npm
 * resolution, about 40 ms of a CLI command's start-up). It gives exactly
 * what `parseYaml` gives — the same values, positions and scalar texts — or
 * `undefined` for anything it is not sure of, which `parseYaml` then reads
 * (and reports, when it is wrong).
 *
 * What it reads: block mappings and sequences (a sequence indented below
 * its key), mappings compact in a sequence item (`- name: x`), one-line
 * flow collections (`{ window: 5 }`, `[a, b]`), comments, plain scalars
 * (strings, `true`/`false`, `null`/`~`, decimal integers and decimals) and
 * quoted strings without escapes. Not: anchors, aliases, tags, block
 * scalars, multi-line scalars, explicit keys, documents markers, tabs,
 * quoted or unusual keys, duplicate keys, other number forms.
 * @module
 */
import type { Position, YamlPlace } from "./yaml_source.ts";
import { YamlSource } from "./yaml_source.ts";

/** A value and where it was written. */
interface Node {
  readonly value: unknown;
  readonly place: YamlPlace;
}

/** One line that is not blank or a comment: its number, indentation and text. */
interface Line {
  readonly number: number;
  readonly indent: number;
  readonly text: string;
}

/** Thrown inside the reader for anything outside the subset; never escapes it. */
class NotPlain extends Error {}

/** Characters the subset refuses anywhere: tabs, CR, BOM and other controls (all but `\n`). */
// deno-lint-ignore no-control-regex
const REFUSED_CHARS = /[\0-\x09\x0b-\x1f\x7f-\x9f\ufeff\ufffe\uffff]/;
const KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,199}$/;
/** A key at the start of a text, followed by its `:` and a space or the end. */
const KEY_COLON = /^([A-Za-z_][A-Za-z0-9_.-]{0,199}):(?= |$)/;
/** Plain texts the YAML core schema reads as something other than a string. */
const NULL = /^(?:~|[Nn]ull|NULL)$/;
const BOOLEAN = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INTEGER = /^-?(?:0|[1-9][0-9]{0,14})$/;
const DECIMAL = /^-?(?:0|[1-9][0-9]{0,14})\.[0-9]{1,15}$/;
/**
 * What a plain string may not start with: indicators, digits, dots and signs (numbers are
 * read apart), except a `-` before a letter (`rank_by: -drop`).
 */
const NOT_PLAIN_START = /^(?:-(?![A-Za-z_])|[?:,[\]{}#&*!|>'"%@`.+0-9~])/;

/**
 * `text` as `parseYaml(text, file)` would read it, or `undefined` when it
 * is not plain YAML of the subset this reads.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseYamlSubset } from "./yaml_subset.ts";
 *
 * const source = parseYamlSubset("steps:\n  - total # a step\n", "/exp/config.yaml");
 * assert.deepEqual(source?.value, { steps: ["total"] });
 * assert.deepEqual(source?.position(["steps", 0]), { line: 2, column: 5 });
 * assert.equal(parseYamlSubset("a: &x 1\n", "/exp/config.yaml"), undefined); // an anchor
 * ```
 */
export function parseYamlSubset(text: string, file: string): YamlSource | undefined {
  if (REFUSED_CHARS.test(text)) return undefined;
  const lines = significantLines(text);
  if (lines === undefined || lines.length === 0 || lines[0].indent !== 0) return undefined;
  try {
    const reader = new BlockReader(lines);
    const root = reader.mapping(0);
    if (!reader.done) return undefined;
    return new YamlSource({ file, value: root.value, root: root.place, start: POSITION_1_1 });
  } catch (error) {
    if (error instanceof NotPlain) return undefined;
    throw error;
  }
}

const POSITION_1_1: Position = { line: 1, column: 1 };

/** The lines that are not blank or comments; `undefined` for a document marker or directive. */
function significantLines(text: string): Line[] | undefined {
  const out: Line[] = [];
  const all = text.split("\n");
  for (const [i, raw] of all.entries()) {
    if (/^(?:---|\.\.\.|%)/.test(raw)) return undefined;
    const indent = raw.length - raw.trimStart().length;
    const rest = raw.slice(indent);
    if (rest === "" || rest.startsWith("#")) continue;
    out.push({ number: i + 1, indent, text: rest });
  }
  return out;
}

/** Reads block collections line by line; every method throws {@linkcode NotPlain} outside the subset. */
class BlockReader {
  readonly #lines: Line[];
  #next = 0;

  constructor(lines: Line[]) {
    this.#lines = lines;
  }

  /** Whether every line has been read. */
  get done(): boolean {
    return this.#next === this.#lines.length;
  }

  #peek(): Line | undefined {
    return this.#lines[this.#next];
  }

  /** The next line: where a block starts. */
  #first(): Line {
    const line = this.#peek();
    if (line === undefined) throw new NotPlain();
    return line;
  }

  /**
   * The lines of the block whose entries start at `indent`, until one is less
   * indented (a more indented one is not of the subset); the caller reads each.
   */
  *#block(indent: number): Generator<Line> {
    for (
      let line = this.#peek();
      line !== undefined && line.indent >= indent;
      line = this.#peek()
    ) {
      if (line.indent > indent) throw new NotPlain();
      yield line;
    }
  }

  /** The block mapping whose keys start at `indent`, from the next line on. */
  mapping(indent: number): Node {
    const value: Record<string, unknown> = {};
    const entries: [string, YamlPlace][] = [];
    const first = this.#first();
    for (const line of this.#block(indent)) {
      const match = KEY_COLON.exec(line.text);
      if (match === null) throw new NotPlain();
      const key = match[1];
      if (Object.hasOwn(value, key) || key === "__proto__" || special(key)) throw new NotPlain();
      this.#next++;
      const keyAt = { line: line.number, column: indent + 1 };
      const node = this.#valueAfter(line, match[0].length, keyAt);
      value[key] = node.value;
      entries.push([key, node.place]);
    }
    return { value, place: { at: { line: first.number, column: first.indent + 1 }, entries } };
  }

  /** The block sequence whose dashes are at `indent`. */
  sequence(indent: number): Node {
    const value: unknown[] = [];
    const items: YamlPlace[] = [];
    const first = this.#first();
    for (const line of this.#block(indent)) {
      if (!/^-(?: |$)/.test(line.text)) throw new NotPlain();
      const rest = line.text.slice(1);
      const offset = rest.length - rest.trimStart().length;
      const column = indent + 2 + offset;
      const node = KEY_COLON.test(rest.trimStart())
        ? this.#compactMapping(line, column)
        : this.#itemAt(line, 1, column);
      value.push(node.value);
      items.push(node.place);
    }
    return { value, place: { at: { line: first.number, column: first.indent + 1 }, items } };
  }

  /** A mapping that starts on a sequence item's line (`- name: x`), its keys at `column`. */
  #compactMapping(line: Line, column: number): Node {
    this.#lines[this.#next] = {
      number: line.number,
      indent: column - 1,
      text: line.text.slice(column - 1 - line.indent),
    };
    return this.mapping(column - 1);
  }

  /** A sequence item that is a scalar or a flow collection (or nothing). */
  #itemAt(line: Line, dashEnd: number, column: number): Node {
    this.#next++;
    const rest = line.text.slice(dashEnd);
    // What is more indented below it fails the sequence's next line.
    if (isEmpty(rest)) {
      return { value: null, place: { at: { line: line.number, column }, text: "" } };
    }
    return inlineNode(rest.trimStart(), line.number, column);
  }

  /** The value after a key's colon: on the line, below it, or nothing. */
  #valueAfter(line: Line, colonEnd: number, keyAt: Position): Node {
    const rest = line.text.slice(colonEnd);
    const column = line.indent + colonEnd + 1 + (rest.length - rest.trimStart().length);
    if (!isEmpty(rest)) {
      // A line more indented below it (a multi-line scalar) fails the mapping's next line.
      const node = inlineNode(rest.trimStart(), line.number, column);
      return { value: node.value, place: { ...node.place, keyAt } };
    }
    const below = this.#peek();
    if (below !== undefined && below.indent > line.indent) {
      const node = below.text.startsWith("-")
        ? this.sequence(below.indent)
        : this.mapping(below.indent);
      return { value: node.value, place: { ...node.place, keyAt } };
    }
    // `key:` then a sequence at the key's own indentation is YAML too, not of this subset: the
    // mapping refuses the `-` line that follows.
    return { value: null, place: { at: { line: line.number, column }, keyAt, text: "" } };
  }
}

/** Whether the rest of a line holds nothing but spaces and maybe a comment. */
function isEmpty(rest: string): boolean {
  const trimmed = rest.trimStart();
  return trimmed === "" || (trimmed.startsWith("#") && trimmed.length < rest.length);
}

/** Whether a plain key would be read as something other than a string. */
function special(key: string): boolean {
  return NULL.test(key) || BOOLEAN.test(key);
}

/** A scalar or flow collection filling the rest of a line (`text` starts at `column`). */
function inlineNode(text: string, line: number, column: number): Node {
  if (text.startsWith("{") || text.startsWith("[")) {
    const reader = new FlowReader(text, line, column);
    const node = reader.node();
    reader.end();
    return node;
  }
  if (text.startsWith('"') || text.startsWith("'")) {
    const quote = text[0];
    const close = text.indexOf(quote, 1);
    if (close < 0 || (quote === '"' && text.slice(1, close).includes("\\"))) throw new NotPlain();
    if (!isEmpty(text.slice(close + 1))) throw new NotPlain();
    const inner = text.slice(1, close);
    return { value: inner, place: { at: { line, column }, text: inner } };
  }
  const comment = text.indexOf(" #");
  const plain = (comment < 0 ? text : text.slice(0, comment)).trimEnd();
  if (plain.includes(": ") || plain.endsWith(":")) throw new NotPlain();
  return { value: scalarValue(plain), place: { at: { line, column }, text: plain } };
}

/** A plain scalar's value under the YAML core schema, for the forms of the subset. */
function scalarValue(text: string): unknown {
  if (NULL.test(text)) return null;
  if (BOOLEAN.test(text)) return text[0] === "t" || text[0] === "T";
  if (INTEGER.test(text)) return Number(text);
  if (DECIMAL.test(text)) return parseFloat(text);
  if (NOT_PLAIN_START.test(text)) throw new NotPlain();
  return text;
}

/** A plain scalar in a flow collection: no flow indicators, comments, colons or quotes. */
const FLOW_PLAIN = /[^,[\]{}#:"']+/y;
/** A key of a flow mapping and its `: `. */
const FLOW_KEY = /([A-Za-z_][A-Za-z0-9_.-]*): /y;

/** Reads one flow collection on one line. */
class FlowReader {
  readonly #text: string;
  readonly #line: number;
  readonly #column: number;
  #at = 0;

  constructor(text: string, line: number, column: number) {
    this.#text = text;
    this.#line = line;
    this.#column = column;
  }

  /** Only spaces or a comment may follow the collection. */
  end(): void {
    if (!isEmpty(this.#text.slice(this.#at))) throw new NotPlain();
  }

  #position(): Position {
    return { line: this.#line, column: this.#column + this.#at };
  }

  /** `pattern` (sticky) matched at the reading position, without copying the rest of the line. */
  #match(pattern: RegExp): RegExpExecArray | null {
    pattern.lastIndex = this.#at;
    return pattern.exec(this.#text);
  }

  #skipSpaces(): void {
    while (this.#text[this.#at] === " ") this.#at++;
  }

  /** A flow collection or scalar at the reading position. */
  node(): Node {
    const char = this.#text[this.#at];
    if (char === "{") return this.#collection("}", (entries, value) => this.#entry(entries, value));
    if (char === "[") return this.#collection("]", (items, value) => this.#item(items, value));
    const at = this.#position();
    if (char === '"' || char === "'") {
      const close = this.#text.indexOf(char, this.#at + 1);
      const inner = this.#text.slice(this.#at + 1, close);
      if (close < 0 || (char === '"' && inner.includes("\\"))) throw new NotPlain();
      this.#at = close + 1;
      return { value: inner, place: { at, text: inner } };
    }
    const match = this.#match(FLOW_PLAIN);
    if (match === null) throw new NotPlain();
    const plain = match[0].trimEnd();
    this.#at += plain.length;
    return { value: scalarValue(plain), place: { at, text: plain } };
  }

  /** `{…}` or `[…]`: members separated by commas, no trailing comma. */
  #collection(
    close: string,
    member: (parts: unknown[], value: Record<string, unknown> | unknown[]) => void,
  ): Node {
    const at = this.#position();
    const isMap = close === "}";
    const value: Record<string, unknown> | unknown[] = isMap ? {} : [];
    const parts: unknown[] = [];
    this.#at++;
    this.#skipSpaces();
    if (this.#text[this.#at] === close) {
      this.#at++;
      return { value, place: isMap ? { at, entries: [] } : { at, items: [] } };
    }
    for (;;) {
      member(parts, value);
      this.#skipSpaces();
      const char = this.#text[this.#at++];
      if (char === close) break;
      if (char !== ",") throw new NotPlain();
      this.#skipSpaces();
      if (this.#text[this.#at] === close) throw new NotPlain();
    }
    const place = isMap
      ? { at, entries: parts as [string, YamlPlace][] }
      : { at, items: parts as YamlPlace[] };
    return { value, place };
  }

  /** `key: value` of a flow mapping. */
  #entry(entries: unknown[], value: Record<string, unknown> | unknown[]): void {
    const keyAt = this.#position();
    const match = this.#match(FLOW_KEY);
    const map = value as Record<string, unknown>;
    if (match === null || !KEY.test(match[1])) throw new NotPlain();
    const key = match[1];
    if (Object.hasOwn(map, key) || key === "__proto__" || special(key)) throw new NotPlain();
    this.#at += match[0].length;
    this.#skipSpaces();
    const node = this.node();
    map[key] = node.value;
    entries.push([key, { ...node.place, keyAt }]);
  }

  /** An item of a flow sequence. */
  #item(items: unknown[], value: Record<string, unknown> | unknown[]): void {
    const node = this.node();
    (value as unknown[]).push(node.value);
    items.push(node.place);
  }
}
