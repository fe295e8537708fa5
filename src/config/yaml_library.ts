/**
 * npm `yaml`, the parser of `config.yaml` files, for the modules that parse
 * them (`yaml_parse.ts`, `yaml_aliases.ts`), which load only where a file is
 * parsed.
 * @module
 */
import type * as YamlModule from "npm:yaml@2.9.1";
import { lazyImport } from "../lazy_import.ts";

/**
 * Imported through {@linkcode lazyImport}: this module sits in the graph of
 * `mod.ts` (behind `folder_config.ts`'s import of the parser), and a literal
 * specifier would make every worker process pay its npm resolution — about
 * a tenth of its start-up — to never parse a file.
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
export const yaml: typeof YamlModule = await lazyImport<typeof YamlModule>(YAML);
