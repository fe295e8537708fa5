import type { ConfigIssue } from "./config_error.ts";

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
 * Where one value of a YAML document was written, and the values inside it:
 * plain data (see `parseYaml`), so a parsed file can be handed to another
 * process without its parser.
 */
export interface YamlPlace {
  /** Where the value starts (absent when it has no text, e.g. `key:` with nothing after). */
  readonly at?: Position;
  /** Where its key starts, for a mapping's value. */
  readonly keyAt?: Position;
  /** The text a scalar was written as (`1e3` for 1000, a quoted string unquoted). */
  readonly text?: string;
  /** A mapping's entries in order: the key as text, and its value's place. */
  readonly entries?: readonly (readonly [string, YamlPlace])[];
  /** A sequence's items (`null` for an item with no node). */
  readonly items?: readonly (YamlPlace | null)[];
}

/** A {@linkcode YamlSource} as plain data. */
export interface YamlSourceData {
  /** Absolute path of the file. */
  readonly file: string;
  /** The document as plain data. */
  readonly value: unknown;
  /** Where the document's value was written (`null` for an empty file). */
  readonly root: YamlPlace | null;
  /** Where an empty file's problems are reported. */
  readonly start: Position;
}

/**
 * A parsed YAML file that remembers where every value came from, so errors
 * found later (schema, unknown names) can point at the exact line and column.
 * It holds no parser: `parseYaml` makes one, and {@linkcode YamlSource.toJSON}
 * and {@linkcode YamlSource.fromJSON} carry it between processes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseYaml } from "./yaml_parse.ts";
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
  readonly #root: YamlPlace | null;
  readonly #start: Position;

  /** Prefer `parseYaml`. */
  constructor(data: YamlSourceData) {
    this.file = data.file;
    this.value = data.value;
    this.#root = data.root;
    this.#start = data.start;
  }

  /**
   * A source from its {@linkcode YamlSource.toJSON} data.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { parseYaml } from "./yaml_parse.ts";
   * import { YamlSource } from "./yaml_source.ts";
   *
   * const source = parseYaml("steps:\n  - total\n", "/exp/config.yaml");
   * const copy = YamlSource.fromJSON(JSON.parse(JSON.stringify(source)));
   * assert.deepEqual(copy.position(["steps", 0]), { line: 2, column: 5 });
   * ```
   */
  static fromJSON(data: YamlSourceData): YamlSource {
    return new YamlSource(data);
  }

  /** The source as plain data. */
  toJSON(): YamlSourceData {
    return { file: this.file, value: this.value, root: this.#root, start: this.#start };
  }

  /**
   * Where the value at `path` starts (or its key, with `key: true`). A path
   * that does not exist in the file resolves to its deepest existing part; an
   * empty file to 1:1.
   */
  position(path: YamlPath, options: { key?: boolean } = {}): Position {
    let place = this.#root;
    let at = place?.at ?? this.#start;
    for (const segment of path) {
      const entry = place?.entries?.find(([key]) => key === String(segment));
      if (entry !== undefined) {
        place = entry[1];
        const keyAt = place.keyAt ?? at;
        at = options.key && segment === path.at(-1) ? keyAt : place.at ?? keyAt;
        continue;
      }
      const item = typeof segment === "number" ? place?.items?.[segment] : undefined;
      if (item === undefined || item === null) break;
      place = item;
      at = item.at ?? at;
    }
    return at;
  }

  /**
   * The text a scalar at `path` was written as (`1e3` for the number 1000,
   * the unquoted text of a quoted string), or `undefined` when there is no
   * scalar there. Lets checks tell how a number was written.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { parseYaml } from "./yaml_parse.ts";
   *
   * assert.equal(parseYaml("replicates: 1e3\n", "/exp/config.yaml").scalarText(["replicates"]), "1e3");
   * ```
   */
  scalarText(path: YamlPath): string | undefined {
    let place: YamlPlace | null | undefined = this.#root;
    for (const segment of path) {
      if (place?.entries) place = place.entries.find(([key]) => key === String(segment))?.[1];
      else if (place?.items && typeof segment === "number") place = place.items[segment];
      else return undefined;
    }
    return place?.text;
  }

  /** An issue at `path` (its key with `key: true`). */
  issue(path: YamlPath, message: string, options: { key?: boolean } = {}): ConfigIssue {
    return { file: this.file, ...this.position(path, options), message };
  }
}
