import { join } from "../path.ts";
import type { Artifact } from "../data/artifact.ts";
import type { DataSource } from "../data/datasource.ts";
import type { WorkerPermissions } from "../execution/worker/permissions.ts";
import type { PipelineStep } from "../pipeline/step.ts";
import type { BasePlugin } from "../run/plugin.ts";
import { Treatment } from "../run/treatment.ts";
import type { Hypothesis } from "../verify/hypothesis.ts";
import { byPlace, ConfigError, type ConfigIssue } from "./config_error.ts";
import type { ConfigReader } from "./config_reader.ts";
import { STEP_KIND } from "./factory_kinds.ts";
import {
  type CliConfig,
  configEntries,
  type ConfigFile,
  inspectConfigFile,
} from "./folder_config.ts";
import { buildDatasource } from "./folder_datasource.ts";
import { buildHypotheses } from "./folder_hypotheses.ts";
import { checkParams, factoryCall, findFactory, FolderModules } from "./folder_modules.ts";
import { resolveOutputs } from "./folder_outputs.ts";
import { buildPlugins } from "./folder_plugins.ts";
import { resolvePermissions } from "./folder_permissions.ts";
import { ReferenceResolver } from "./folder_references.ts";

/**
 * What a folder's `config.yaml` and modules make: the options of an
 * experiment (its parts built, parameters checked), plus where it came from
 * and what the CLI and graphs need of it. `Experiment.fromYaml` turns it into
 * a `FolderExperiment`.
 */
export interface FolderExperimentSpec {
  /** `name:`, default the folder's name. */
  readonly name: string;
  /** `description:`. */
  readonly description?: string;
  /** The datasource of `datasource:` (several aliases combined). */
  readonly datasource: DataSource;
  /** The steps of `steps:`, in order. */
  readonly pipeline: readonly PipelineStep[];
  /** The plugins of `plugins:`, an `ArtifactPlugin` included. */
  readonly plugins: readonly BasePlugin[];
  /** The treatments of `treatments:`. */
  readonly treatments: readonly Treatment[];
  /** The hypotheses of `hypotheses:`. */
  readonly hypotheses: readonly Hypothesis[];
  /** `replicates:`. */
  readonly replicates?: number;
  /** `initial_context:`. */
  readonly initialContext?: Readonly<Record<string, unknown>>;
  /** Output root: `<folder>/.crystallize` unless another was asked for. */
  readonly outputDir: string;
  /** The artifacts of `outputs:`. */
  readonly outputs: readonly Artifact[];
  /** Absolute path of its `config.yaml`. */
  readonly configFile: string;
  /** Its folder. */
  readonly folder: string;
  /** The `cli` section, defaults applied. */
  readonly cli: CliConfig;
  /** `permissions` of config.yaml, relative paths resolved against the folder. */
  readonly permissions: WorkerPermissions;
  /** Declared outputs by their alias in config.yaml. */
  readonly outputsByAlias: Readonly<Record<string, Artifact>>;
  /** `experiment#artifact` references of `datasource`, by alias. */
  readonly references: Readonly<Record<string, string>>;
}

/** Options of {@linkcode loadFolderSpec}. */
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
  /** Reads config files (this one and those references name); default `inspectConfigFile`. */
  readonly read?: ConfigReader;
}

/**
 * Loads a folder experiment's spec: reads and validates `config.yaml`
 * (against `schema/config.schema.json`), imports the modules it names
 * (`datasources.ts`, `steps.ts`, `verifiers.ts`, `outputs.ts`), finds every
 * factory among their exports, checks parameters, and builds the parts, with
 * the output root at `<folder>/.crystallize` and an `ArtifactPlugin`. Every
 * problem found is reported at once in one {@linkcode ConfigError}, each
 * with file, line and column. `path` is the folder or its `config.yaml`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadFolderSpec } from "./folder_spec.ts";
 *
 * const folder = new URL("../../examples/folder_experiment", import.meta.url).pathname;
 * const spec = await loadFolderSpec(folder, { outputDir: "/tmp/out" });
 * assert.equal(spec.name, "smoothing");
 * assert.deepEqual(spec.treatments.map((t) => t.name), ["window_5", "window_9"]);
 * assert.equal(spec.outputDir, "/tmp/out");
 * ```
 */
export async function loadFolderSpec(
  path: string,
  options: LoadOptions = {},
): Promise<FolderExperimentSpec> {
  return await buildFolderSpec(await (options.read ?? inspectConfigFile)(path), options);
}

/**
 * Builds the spec of an already read config (see
 * {@linkcode loadFolderSpec}). The schema's problems the file carries are
 * reported together with those found here.
 */
export async function buildFolderSpec(
  file: ConfigFile,
  options: LoadOptions = {},
): Promise<FolderExperimentSpec> {
  const { config, source, folder } = file;
  const issues: ConfigIssue[] = [...file.schemaIssues];
  const modules = new FolderModules(folder, source);
  const outputsByAlias = await resolveOutputs(file, modules, issues);
  const datasource = await buildDatasource(
    file,
    modules,
    options.resolver ??
      (options.upstreams === undefined
        ? ReferenceResolver.siblingsOf(folder, options.read)
        : ReferenceResolver.among(options.upstreams, options.read)),
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
  return {
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
  };
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
