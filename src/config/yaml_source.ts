import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
  type YAMLMap,
} from "npm:yaml@2.9.1";
import { CrystallizeError } from "../errors.ts";
import { ConfigError, type ConfigIssue } from "./config_error.ts";
import { aliasIssues, MAX_ALIAS_EXPANSION } from "./yaml_aliases.ts";

/** A path into a YAML document: mapping keys and sequence indices. */
export type YamlPath = readonly (string | number)[];

/** A 1-based line and column. */
export interface Position {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
}

/**
 * A parsed YAML file that remembers where every value came from, so errors
 * found later (schema, unknown names) can point at the exact line and column.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseYaml } from "./yaml_source.ts";
 *
 * const source = parseYaml("replicates: three\n", "/exp/config.yaml");
 * assert.deepEqual(source.value, { replicates: "three" });
 * assert.deepEqual(source.position(["replicates"]), { line: 1, column: 13 });
 * assert.deepEqual(source.position(["replicates"], { key: true }), { line: 1, column: 1 });
 * ```
 */
export class YamlSource {
  /** Absolute path of the file. */
  readonly file: string;
  /** The document as plain data (`null` for an empty file). */
  readonly value: unknown;
  readonly #contents: Node | null;
  readonly #lines: LineCounter;

  /** Prefer {@linkcode parseYaml}. */
  constructor(file: string, value: unknown, contents: Node | null, lines: LineCounter) {
    this.file = file;
    this.value = value;
    this.#contents = contents;
    this.#lines = lines;
  }

  /**
   * Where the value at `path` starts (or its key, with `key: true`). A path
   * that does not exist in the file resolves to its deepest existing part; an
   * empty file to 1:1.
   */
  position(path: YamlPath, options: { key?: boolean } = {}): Position {
    let node: Node | null = this.#contents;
    let offset = node?.range?.[0] ?? 0;
    for (const segment of path) {
      const pair = isMap(node) ? findPair(node, segment) : undefined;
      if (pair !== undefined) {
        const keyOffset = (pair.key as Node | null)?.range?.[0] ?? offset;
        node = pair.value as Node | null;
        offset = options.key && segment === path.at(-1) ? keyOffset : node?.range?.[0] ?? keyOffset;
        continue;
      }
      const item = isSeq(node) && typeof segment === "number"
        ? node.items[segment] as Node | null | undefined
        : undefined;
      if (item === undefined || item === null) break;
      node = item;
      offset = item.range?.[0] ?? offset;
    }
    const { line, col } = this.#lines.linePos(offset);
    return { line, column: col };
  }

  /**
   * The text a scalar at `path` was written as (`1e3` for the number 1000,
   * the unquoted text of a quoted string), or `undefined` when there is no
   * scalar there. Lets checks tell how a number was written.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { parseYaml } from "./yaml_source.ts";
   *
   * assert.equal(parseYaml("replicates: 1e3\n", "/exp/config.yaml").scalarText(["replicates"]), "1e3");
   * ```
   */
  scalarText(path: YamlPath): string | undefined {
    let node: unknown = this.#contents;
    for (const segment of path) {
      if (isMap(node)) node = findPair(node, segment)?.value;
      else if (isSeq(node) && typeof segment === "number") node = node.items[segment];
      else return undefined;
    }
    return isScalar(node) && typeof node.source === "string" ? node.source : undefined;
  }

  /** An issue at `path` (its key with `key: true`). */
  issue(path: YamlPath, message: string, options: { key?: boolean } = {}): ConfigIssue {
    return { file: this.file, ...this.position(path, options), message };
  }
}

function findPair(map: YAMLMap, key: string | number): Pair | undefined {
  return map.items.find((pair) =>
    isPair(pair) && (isScalar(pair.key) ? String(pair.key.value) : String(pair.key)) ===
      String(key)
  );
}

/**
 * Parses YAML text, keeping node positions. Syntax errors (bad indentation,
 * unclosed brackets, duplicate keys, tabs) and alias problems (an alias to
 * no anchor, a recursive alias, an alias bomb: see `aliasIssues`) throw a
 * {@linkcode ConfigError} listing each with its line and column.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConfigError } from "@crystallize/deno";
 * import { parseYaml } from "./yaml_source.ts";
 *
 * assert.throws(() => parseYaml("steps: [a, b\n", "/exp/config.yaml"), (e: unknown) => {
 *   assert.ok(e instanceof ConfigError);
 *   assert.match(e.message, /config\.yaml:2:1: YAML syntax error/);
 *   return true;
 * });
 * ```
 */
export function parseYaml(text: string, file: string): YamlSource {
  const lines = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      throw new CrystallizeError(
        `Reading ${file} needs --allow-env=LOG_TOKENS,LOG_STREAM: the YAML parser (npm yaml) checks these ` +
          "debugging variables; add the flag to the deno command or task",
        { cause: error },
      );
    }
    throw error;
  }
  if (doc.errors.length > 0) {
    const issues: ConfigIssue[] = doc.errors.map((error) => {
      const { line, col } = lines.linePos(error.pos[0]);
      return { file, line, column: col, message: `YAML syntax error: ${error.message}` };
    });
    throw new ConfigError(issues);
  }
  const aliasProblems = aliasIssues(doc, lines, file);
  if (aliasProblems.length > 0) throw new ConfigError(aliasProblems);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION });
  } catch (error) {
    // aliasIssues finds every alias problem the parser knows of; this is the backstop.
    if (!(error instanceof ReferenceError)) throw error;
    throw new ConfigError([{ file, line: 1, column: 1, message: `YAML error: ${error.message}` }], {
      cause: error,
    });
  }
  return new YamlSource(file, value, doc.contents as Node | null, lines);
}
