import { pathToFileURL } from "node:url";
import type { Artifact } from "../data/artifact.ts";
import type { WorkerPermissions } from "../execution/worker/permissions.ts";
import { Experiment } from "../experiment/experiment.ts";
import type { ExperimentOptions } from "../experiment/experiment_options.ts";
import { type FixWording, valueText } from "../experiment/unread_treatment_keys.ts";
import { displayPath } from "./config_error.ts";
import type { CliConfig } from "./folder_config.ts";

/** What a folder experiment knows beyond an {@linkcode Experiment}'s options. */
export interface FolderExperimentOptions extends ExperimentOptions {
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

/**
 * An {@linkcode Experiment} loaded from a folder's `config.yaml` (see
 * `Experiment.fromYaml`). It is an ordinary experiment, plus what the CLI and
 * `ExperimentGraph` need: where it came from, its listing metadata, the
 * permissions its code is granted, and its outputs and inputs by alias. Its
 * folder is the experiment's folder (provenance records the folder's git
 * commit) and its output root is `<folder>/.crystallize`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Experiment, FolderExperiment } from "@crystallize/deno";
 *
 * const folder = new URL("../../examples/folder_experiment", import.meta.url).pathname;
 * const experiment = await Experiment.fromYaml(folder);
 * assert.ok(experiment instanceof FolderExperiment);
 * assert.equal(experiment.cli.group, "Examples");
 * assert.equal(experiment.folder, folder);
 * ```
 */
export class FolderExperiment extends Experiment {
  /** Absolute path of its `config.yaml`. */
  readonly configFile: string;
  /** Its folder. */
  readonly folder: string;
  /** Listing metadata. */
  readonly cli: CliConfig;
  /** Permissions of its code (what `ParallelExecution` workers get on top of the defaults). */
  readonly permissions: WorkerPermissions;
  /** Declared outputs by alias. */
  readonly outputsByAlias: Readonly<Record<string, Artifact>>;
  /** `experiment#artifact` references by alias. */
  readonly references: Readonly<Record<string, string>>;
  /** `config.yaml` as a file URL: the experiment's module is its configuration. */
  declare readonly moduleUrl: string;

  /** Prefer `Experiment.fromYaml`. */
  constructor(options: FolderExperimentOptions) {
    super(options);
    this.configFile = options.configFile;
    this.folder = options.folder;
    this.cli = options.cli;
    this.permissions = options.permissions;
    this.outputsByAlias = options.outputsByAlias;
    this.references = options.references;
    this.moduleUrl = pathToFileURL(options.configFile).href;
  }

  /** Fixes name the entries of config.yaml, where its steps' parameters and treatments are set. */
  protected override fixWording(): FixWording {
    const file = displayPath(this.configFile);
    return {
      unfix: (reader, key) =>
        `remove ${key}: ${
          valueText(reader.fixed[key])
        } from ${reader.kind} ${reader.name} in ${file}`,
      treatmentAt: (treatment) => `treatments.${treatment} in ${file}`,
    };
  }
}
