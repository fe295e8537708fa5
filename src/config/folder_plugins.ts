import { resolvePath } from "../resolve_path.ts";
import {
  EXECUTION_PLUGIN_NAMES,
  executionPlugin,
  isExecutionPlugin,
} from "../execution/executors.ts";
import type { WorkerPermissions } from "../execution/worker/permissions.ts";
import { ArtifactPlugin } from "../run/artifact_plugin.ts";
import { LoggingPlugin } from "../run/logging_plugin.ts";
import type { BasePlugin } from "../run/plugin.ts";
import { SeedPlugin } from "../run/seed.ts";
import type { ConfigIssue } from "./config_error.ts";
import { configEntries, type ConfigFile } from "./folder_config.ts";
import { factoryCall } from "./folder_modules.ts";

type Options = Record<string, unknown>;

/**
 * How each other plugin a config may name is built from its options
 * (checked by the schema); execution plugins are built by `executors.ts`.
 */
const PLUGINS: Readonly<Record<string, (options: Options, file: ConfigFile) => BasePlugin>> = {
  SeedPlugin: (o) => new SeedPlugin(o),
  LoggingPlugin: (o) => new LoggingPlugin(o),
  ArtifactPlugin: (o, file) =>
    new ArtifactPlugin({
      ...o,
      ...(typeof o.root === "string" ? { root: resolvePath(file.folder, o.root) } : {}),
    }),
};

/**
 * The `plugins` of a config, built, plus an `ArtifactPlugin` when none is
 * listed (folder experiments store their runs). `ParallelExecution` gets the
 * config's `permissions`. A plugin listed twice, or two execution
 * strategies, are issues.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SeedPlugin } from "@crystallize/deno";
 * import type { ConfigIssue } from "./config_error.ts";
 * import { readConfigFile } from "./folder_config.ts";
 * import { buildPlugins } from "./folder_plugins.ts";
 *
 * const folder = new URL("../../examples/folder_experiment", import.meta.url).pathname;
 * const issues: ConfigIssue[] = [];
 * const plugins = buildPlugins(await readConfigFile(folder), {}, issues);
 * assert.ok(plugins.some((p) => p instanceof SeedPlugin && p.seed === 2024));
 * ```
 */
export function buildPlugins(
  file: ConfigFile,
  permissions: WorkerPermissions,
  issues: ConfigIssue[],
): BasePlugin[] {
  const plugins: BasePlugin[] = [];
  const seen = new Map<string, number>();
  let executionAt: number | undefined;
  for (const [index, entry] of configEntries(file.config.plugins)) {
    const call = factoryCall(entry, ["plugins", index]);
    const at = (message: string) =>
      issues.push(file.source.issue(call.namePath, message, { key: call.isKey }));
    const earlier = seen.get(call.name);
    if (earlier !== undefined) {
      at(`plugins[${earlier}] and plugins[${index}] are both ${call.name}; list it once`);
      continue;
    }
    seen.set(call.name, index);
    const isExecution = isExecutionPlugin(call.name);
    if (isExecution) {
      if (executionAt !== undefined) {
        at(
          `plugins[${executionAt}] already sets the execution strategy; list one of ${
            EXECUTION_PLUGIN_NAMES.join(", ")
          }`,
        );
        continue;
      }
      executionAt = index;
    }
    try {
      plugins.push(
        isExecution
          ? executionPlugin(call.name, call.params, permissions)
          : PLUGINS[call.name](call.params, file),
      );
    } catch (error) {
      at((error as Error).message);
    }
  }
  if (!seen.has("ArtifactPlugin")) plugins.push(new ArtifactPlugin());
  return plugins;
}
