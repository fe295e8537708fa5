import type { Node } from "npm:yaml@2.9.1";
import { CrystallizeError } from "../errors.ts";
import { ConfigError, type ConfigIssue } from "./config_error.ts";
import { aliasIssues, MAX_ALIAS_EXPANSION } from "./yaml_aliases.ts";
import { yaml } from "./yaml_library.ts";
import { type Position, type YamlPlace, YamlSource } from "./yaml_source.ts";

const { isMap, isScalar, isSeq, LineCounter, parseDocument } = yaml;

/**
 * Parses YAML text, keeping where every value was written. Syntax errors
 * (bad indentation, unclosed brackets, duplicate keys, tabs) and alias
 * problems (an alias to no anchor, a recursive alias, an alias bomb: see
 * `aliasIssues`) throw a {@linkcode ConfigError} listing each with its line
 * and column. The parser (npm `yaml`, ~25 ms to load) comes with this module:
 * import it only where a file is parsed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConfigError } from "@crystallize/deno";
 * import { parseYaml } from "./yaml_parse.ts";
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
  const at = (offset: number): Position => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  const contents = doc.contents as Node | null;
  return new YamlSource({
    file,
    value,
    root: contents === null ? null : placeOf(contents, at),
    start: at(0),
  });
}

/** Where `node` and everything inside it was written (aliases are not followed). */
function placeOf(node: Node, at: (offset: number) => Position, keyAt?: Position): YamlPlace {
  const start = node.range?.[0];
  const place = {
    ...(start === undefined ? {} : { at: at(start) }),
    ...(keyAt === undefined ? {} : { keyAt }),
  };
  if (isScalar(node)) {
    return typeof node.source === "string" ? { ...place, text: node.source } : place;
  }
  if (isSeq(node)) {
    return {
      ...place,
      items: node.items.map((item) => item === null ? null : placeOf(item as Node, at)),
    };
  }
  if (!isMap(node)) return place;
  return {
    ...place,
    entries: node.items.map(({ key, value }) => {
      const keyStart = (key as Node | null)?.range?.[0];
      const name = isScalar(key) ? String(key.value) : String(key);
      const keyPlace = keyStart === undefined ? undefined : at(keyStart);
      return [
        name,
        value === null
          ? (keyPlace === undefined ? {} : { keyAt: keyPlace })
          : placeOf(value as Node, at, keyPlace),
      ] as const;
    }),
  };
}
