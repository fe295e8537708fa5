import { join } from "node:path";
import { Treatment } from "../run/treatment.ts";
import type { PipelineStep } from "../pipeline/step.ts";
import { byPlace, ConfigError, type ConfigIssue } from "./config_error.ts";
import { STEP_KIND } from "./factory_kinds.ts";
import { configEntries, type ConfigFile, inspectConfigFile } from "./folder_config.ts";
import { buildDatasource } from "./folder_datasource.ts";
import { FolderExperiment } from "./folder_experiment.ts";
import { buildHypotheses } from "./folder_hypotheses.ts";
import { checkParams, factoryCall, findFactory, FolderModules } from "./folder_modules.ts";
import { resolveOutputs } from "./folder_outputs.ts";
import { buildPlugins, resolvePermissions } from "./folder_plugins.ts";
import { ReferenceResolver } from "./folder_references.ts";

/** Options of {@linkcode loadFolderExperiment}. */
export interface LoadOptions {
  /**
   * Finds the experiments `experiment#artifact` references name; default:
   * the experiments in the folders next to this one.
   */
  readonly resolver?: ReferenceResolver;
  /** Output root of the experiment; default `<folder>/.crystallize`. */
  readonly outputDir?: string;
  /**
   * The experiment folders its references resolve among (when no
   * `resolver` is given); default: the folders next to this one.
   */
  readonly upstreams?: readonly string[];
}

/**
 * Loads a folder experiment: reads and validates `config.yaml` (against
 * `schema/config.schema.json`), imports the modules it names
 * (`datasources.ts`, `steps.ts`, `verifiers.ts`, `outputs.ts`), finds every
 * factory among their exports, checks parameters, and builds a
 * {@linkcode FolderExperiment} with its output root at
 * `<folder>/.crystallize` and an `ArtifactPlugin`. Every problem found is
 * reported at once in one {@linkcode ConfigError}, each with file, line and
 * column. `path` is the folder or its `config.yaml`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadFolderExperiment } from "./load_folder_experiment.ts";
 *
 * const folder = new URL("../../examples/folder_experiment", import.meta.url).pathname;
 * const outputDir = await Deno.makeTempDir();
 * const experiment = await loadFolderExperiment(folder, { outputDir });
 * const result = await experiment.run({ replicates: 2 });
 * assert.equal(result.metrics.treatments.window_5.metrics.mae.length, 2);
 * await Deno.remove(outputDir, { recursive: true });
 * ```
 */
export async function loadFolderExperiment(
  path: string,
  options: LoadOptions = {},
): Promise<FolderExperiment> {
  return await buildFolderExperiment(await inspectConfigFile(path), options);
}

/**
 * Builds the experiment of an already read config (see
 * {@linkcode loadFolderExperiment}). The schema's problems the file carries
 * are reported together with those found here.
 */
export async function buildFolderExperiment(
  file: ConfigFile,
  options: LoadOptions = {},
): Promise<FolderExperiment> {
  const { config, source, folder } = file;
  const issues: ConfigIssue[] = [...file.schemaIssues];
  const modules = new FolderModules(folder, source);
  const outputsByAlias = await resolveOutputs(file, modules, issues);
  const datasource = await buildDatasource(
    file,
    modules,
    options.resolver ??
      (options.upstreams === undefined
        ? ReferenceResolver.siblingsOf(folder)
        : ReferenceResolver.among(options.upstreams)),
    issues,
  );
  const steps = await buildSteps(file, modules, issues);
  const treatments = buildTreatments(file, issues);
  const hypotheses = await buildHypotheses(file, modules, issues);
  const permissions = resolvePermissions(config.permissions, folder);
  const plugins = buildPlugins(file, permissions, issues);
  if (issues.length > 0) {
    throw new ConfigError(issues.toSorted(byPlace));
  }
  return new FolderExperiment({
    name: file.name,
    description: config.description,
    datasource: datasource!,
    pipeline: steps,
    plugins,
    treatments,
    hypotheses,
    replicates: config.replicates,
    initialContext: config.initial_context,
    outputDir: options.outputDir ?? join(folder, ".crystallize"),
    outputs: Object.values(outputsByAlias),
    configFile: file.file,
    folder,
    cli: file.cli,
    permissions,
    outputsByAlias,
    references: file.references,
  });
}

async function buildSteps(
  file: ConfigFile,
  modules: FolderModules,
  issues: ConfigIssue[],
): Promise<PipelineStep[]> {
  const steps: PipelineStep[] = [];
  for (const [index, entry] of configEntries(file.config.steps)) {
    const call = factoryCall(entry, ["steps", index]);
    const exports = await modules.load("steps", call.namePath, issues);
    const found = exports && findFactory(exports, STEP_KIND, call, file.source, issues);
    if (
      found === undefined ||
      !checkParams(`step '${call.name}'`, found.factory.defaults, call, file.source, issues)
    ) continue;
    try {
      steps.push(found.factory(call.params));
    } catch (error) {
      issues.push(file.source.issue(call.namePath, (error as Error).message, { key: call.isKey }));
    }
  }
  return steps;
}

function buildTreatments(file: ConfigFile, issues: ConfigIssue[]): Treatment[] {
  return Object.entries(file.config.treatments ?? {}).flatMap(([name, values]) => {
    try {
      return [new Treatment(name, values ?? {})];
    } catch (error) {
      issues.push(
        file.source.issue(["treatments", name], (error as Error).message, { key: true }),
      );
      return [];
    }
  });
}
