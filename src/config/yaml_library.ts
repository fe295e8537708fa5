/**
 * npm `yaml`, the parser of `config.yaml` files, for the modules that parse
 * them (`yaml_parse.ts`, `yaml_aliases.ts`), which load only where a file is
 * parsed.
 * @module
 */
import type * as YamlModule from "npm:yaml@2.9.1";

/**
 * The package's specifier, as a value: Deno resolves every import whose
 * specifier is a literal (dynamic ones too) when it loads the importing
 * module's graph, and this one sits in the graph of `mod.ts` (behind
 * `folder_config.ts`'s dynamic import of the parser), so every worker
 * process paid its npm resolution — about a tenth of its start-up — to
 * never parse a file. `deno compile` embeds it with `--include` (see the
 * `compile` task); `deno.lock` pins it.
 */
const YAML = "npm:yaml@2.9.1";

/**
 * The `yaml` package, imported when this module is first evaluated.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { yaml } from "./yaml_library.ts";
 *
 * assert.deepEqual(yaml.parse("a: [1, 2]"), { a: [1, 2] });
 * ```
 */
export const yaml: typeof YamlModule = await import(YAML);
