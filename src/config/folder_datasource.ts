import type { DataSource } from "../data/datasource.ts";
import { type ArtifactRef, ExperimentInput } from "../data/experiment_input.ts";
import { CombinedSource, type NamedSource } from "./combined_source.ts";
import type { ConfigIssue } from "./config_error.ts";
import { suggestion } from "../did_you_mean.ts";
import { DATASOURCE_KIND } from "./factory_kinds.ts";
import type { ConfigFile } from "./folder_config.ts";
import { checkParams, factoryCall, findFactory, type FolderModules } from "./folder_modules.ts";
import type { ReferenceResolver } from "./folder_references.ts";

/**
 * The experiment's datasource from the `datasource` section. One alias naming
 * a factory of `datasources.ts`: that datasource (the pipeline gets its data
 * as is). Only `experiment#artifact` references: an `ExperimentInput` (the
 * pipeline gets `{ alias: value }`). A mix: a {@linkcode CombinedSource}
 * (also `{ alias: value }`). Problems are added to `issues`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { standaloneContext } from "@crystallize/deno";
 * import { readConfigFile } from "./folder_config.ts";
 * import { buildDatasource } from "./folder_datasource.ts";
 * import { FolderModules } from "./folder_modules.ts";
 * import { ReferenceResolver } from "./folder_references.ts";
 * import type { ConfigIssue } from "./config_error.ts";
 *
 * const folder = new URL("../../examples/folder_experiment", import.meta.url).pathname;
 * const file = await readConfigFile(folder);
 * const issues: ConfigIssue[] = [];
 * const modules = new FolderModules(folder, file.source);
 * const source = await buildDatasource(file, modules, ReferenceResolver.siblingsOf(folder), issues);
 * assert.deepEqual(issues, []);
 * assert.equal(source?.name, "noisy_sine");
 * assert.ok(await source?.fetch(standaloneContext({}, { seed: 1 })));
 * ```
 */
export async function buildDatasource(
  file: ConfigFile,
  modules: FolderModules,
  resolver: ReferenceResolver,
  issues: ConfigIssue[],
): Promise<DataSource | undefined> {
  const entries = Object.entries(file.config.datasource);
  const sources: Record<string, NamedSource> = {};
  const inputs: Record<string, ArtifactRef> = {};
  let complete = true;
  for (const [alias, entry] of entries) {
    const path = ["datasource", alias];
    if (typeof entry === "string" && entry.includes("#")) {
      const ref = await resolveReference(file, alias, entry, resolver, issues);
      if (ref === undefined) complete = false;
      else inputs[alias] = ref;
      continue;
    }
    const call = factoryCall(entry, path);
    const exports = await modules.load("datasources", call.namePath, issues);
    const found = exports && findFactory(exports, DATASOURCE_KIND, call, file.source, issues);
    if (
      found === undefined ||
      !checkParams(`datasource '${call.name}'`, found.factory.defaults, call, file.source, issues)
    ) {
      complete = false;
      continue;
    }
    try {
      sources[alias] = {
        source: found.factory(call.params),
        ref: {
          module: modules.url("datasources"),
          export: found.exportName,
          params: call.params,
        },
      };
    } catch (error) {
      issues.push(
        file.source.issue(call.namePath, (error as Error).message, { key: call.isKey }),
      );
      complete = false;
    }
  }
  if (!complete) return undefined;
  const input = Object.keys(inputs).length > 0 ? new ExperimentInput(inputs) : undefined;
  if (input === undefined && entries.length === 1) return Object.values(sources)[0].source;
  if (Object.keys(sources).length === 0) return input;
  return new CombinedSource(sources, input, entries.map(([alias]) => alias));
}

async function resolveReference(
  file: ConfigFile,
  alias: string,
  reference: string,
  resolver: ReferenceResolver,
  issues: ConfigIssue[],
): Promise<ArtifactRef | undefined> {
  const at = (message: string) => issues.push(file.source.issue(["datasource", alias], message));
  const match = /^([^#]+)#([^#]+)$/.exec(reference);
  if (match === null) {
    at(
      `datasource '${alias}' is "${reference}"; a reference is written experiment#output, e.g. train#model`,
    );
    return undefined;
  }
  const [, experiment, output] = match;
  const upstream = await resolver.resolve(experiment);
  if (typeof upstream === "string") {
    at(`datasource '${alias}' reads '${reference}', but ${upstream}`);
    return undefined;
  }
  const artifact = upstream.outputs[output];
  if (artifact === undefined) {
    const aliases = Object.keys(upstream.outputs);
    at(
      `datasource '${alias}' reads '${reference}', but experiment '${upstream.name}' declares no output '${output}'${
        suggestion(output, aliases)
      } (${aliases.length > 0 ? `its outputs: ${aliases.join(", ")}` : "it declares no outputs"})`,
    );
    return undefined;
  }
  return {
    experiment: upstream.name,
    artifact: artifact.name,
    format: artifact.format,
    root: upstream.root,
  };
}
