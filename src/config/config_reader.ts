import { type ConfigFile, configPathOf, inspectConfigFile } from "./folder_config.ts";
import { YamlSource, type YamlSourceData } from "./yaml_source.ts";

/**
 * How the loaders read a `config.yaml` (the folder or the file): by default
 * {@linkcode inspectConfigFile}. A process handed configs another one
 * already read answers from those instead (see {@linkcode readerOf}).
 */
export type ConfigReader = (path: string) => Promise<ConfigFile>;

/** A {@linkcode ConfigFile} as plain data: what the CLI hands its runner. */
export interface ConfigFileData extends Omit<ConfigFile, "source" | "refusedSections"> {
  /** The parsed YAML with positions. */
  readonly source: YamlSourceData;
  /** Top-level sections the schema refused something in. */
  readonly refusedSections: readonly string[];
}

/**
 * A config file as plain data, for a message to another process.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { configFileData, configFileOf } from "./config_reader.ts";
 * import { readConfigFile } from "./folder_config.ts";
 *
 * const folder = new URL("../../examples/folder_experiment", import.meta.url).pathname;
 * const file = await readConfigFile(folder);
 * const copy = configFileOf(JSON.parse(JSON.stringify(configFileData(file))));
 * assert.deepEqual(copy.config, file.config);
 * assert.deepEqual(copy.source.position(["steps", 1]), file.source.position(["steps", 1]));
 * ```
 */
export function configFileData(file: ConfigFile): ConfigFileData {
  return { ...file, source: file.source.toJSON(), refusedSections: [...file.refusedSections] };
}

/** The config file of {@linkcode configFileData}'s data. */
export function configFileOf(data: ConfigFileData): ConfigFile {
  return {
    ...data,
    source: YamlSource.fromJSON(data.source),
    refusedSections: new Set(data.refusedSections),
  };
}

/**
 * A reader that answers from configs already read (by their `config.yaml`
 * path) and reads any other with {@linkcode inspectConfigFile}: a runner
 * handed every config it needs never loads the YAML parser.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readerOf } from "./config_reader.ts";
 * import { readConfigFile } from "./folder_config.ts";
 *
 * const folder = new URL("../../examples/folder_experiment", import.meta.url).pathname;
 * const file = await readConfigFile(folder);
 * const read = readerOf([file]);
 * assert.equal(await read(folder), file); // the same object: not read again
 * assert.equal((await read(`${folder}/../dag/producer`)).name, "producer"); // read
 * ```
 */
export function readerOf(files: readonly ConfigFile[]): ConfigReader {
  const known = new Map(files.map((file) => [file.file, file]));
  return (path) => {
    const file = known.get(configPathOf(path));
    return file === undefined ? inspectConfigFile(path) : Promise.resolve(file);
  };
}
