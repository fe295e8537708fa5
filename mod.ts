/**
 * Crystallize for Deno: reproducible experiments. A datasource feeds a
 * pipeline of steps; the pipeline runs for many replicates under a baseline
 * and treatments; metrics recorded by steps are compared by hypotheses with
 * statistical verifiers. How replicates execute (serial, async, bounded
 * concurrency) is a plugin.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dataSource, Experiment, hypothesis, pipelineStep, stats, treatment } from "./mod.ts";
 *
 * const numbers = dataSource((ctx) => [1, 2, 3].map((x) => x + ctx.rng.normal(0, 0.1)), {
 *   name: "numbers",
 * });
 * const addDelta = pipelineStep(
 *   (data: number[], _ctx, { delta }) => data.map((x) => x + delta),
 *   { name: "add_delta", params: { delta: 0 } },
 * );
 * const total = pipelineStep((data: number[], ctx) => {
 *   ctx.metrics.add("total", data.reduce((a, b) => a + b, 0));
 *   return data;
 * }, { name: "total" });
 *
 * const experiment = Experiment.builder("demo")
 *   .datasource(numbers())
 *   .addStep(addDelta())
 *   .addStep(total())
 *   .treatments([treatment("boost", { delta: 1 })])
 *   .hypotheses([hypothesis({ name: "by_p", verifier: stats.welch(), metrics: "total" })])
 *   .replicates(20)
 *   .build();
 * const result = await experiment.run();
 * assert.equal(result.metrics.treatments.boost.metrics.total.length, 20);
 * assert.equal(result.getHypothesis("by_p")?.ranking.best, "boost");
 * ```
 * @module
 */

export { CrystallizeError } from "./src/errors.ts";
export type { MaybePromise } from "./src/promise.ts";

export {
  BASELINE,
  type ContextInit,
  FrozenContext,
  RESERVED_CONTEXT_KEYS,
  standaloneContext,
} from "./src/context/frozen_context.ts";
export { ContextMutationError } from "./src/context/context_mutation_error.ts";
export { MetricsLog, type MetricTags, type MetricValue } from "./src/context/metrics.ts";
export { Rng } from "./src/context/rng.ts";
export {
  createLogger,
  jsonSink,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  type LogRecord,
  type LogSink,
  textSink,
} from "./src/context/logger.ts";

export {
  type DataSource,
  dataSource,
  type DataSourceFactory,
  type DataSourceOptions,
  type FetchFunction,
} from "./src/data/datasource.ts";
export { ArtifactLog, type ArtifactRecord } from "./src/context/artifact_log.ts";
export { Artifact, type ArtifactOptions } from "./src/data/artifact.ts";
export type { ArtifactFormat } from "./src/storage/run_layout.ts";
export {
  type ArtifactRef,
  type ArtifactRefLike,
  ExperimentInput,
  type ExperimentInputOptions,
  experimentInputSource,
} from "./src/data/experiment_input.ts";
export { canonicalHash } from "./src/cache/canonical_hash.ts";
export { CacheKeyError } from "./src/cache/cache_key_error.ts";
export { outputRoot } from "./src/storage/output_root.ts";

export type { ParamDefaults, Resolved } from "./src/pipeline/declared_params.ts";
export {
  type PipelineStep,
  pipelineStep,
  type StepFactory,
  type StepFunction,
  type StepOptions,
} from "./src/pipeline/step.ts";
export { Pipeline, type PipelineSignature } from "./src/pipeline/pipeline.ts";
export type { StepCaching } from "./src/pipeline/step_caching.ts";
export { ParameterError } from "./src/pipeline/parameter_error.ts";
export {
  ResourceFactory,
  resourceFactory,
  type ResourceFactoryOptions,
} from "./src/pipeline/resource_factory.ts";

export { Experiment, FolderExperiment } from "./src/experiment/experiment.ts";
export type {
  ExperimentOptions,
  RunOptions,
  RunStrategy,
} from "./src/experiment/experiment_options.ts";
export { ExperimentBuilder } from "./src/experiment/builder.ts";
export type { TrialOptions } from "./src/experiment/optimize_trials.ts";
export { ConfigError, type ConfigIssue } from "./src/config/config_error.ts";
export type { CliConfig } from "./src/config/folder_config.ts";
export type { FolderExperimentSpec } from "./src/config/folder_spec.ts";
export {
  ExperimentGraph,
  type GraphEvent,
  type GraphNodeEvent,
  type GraphRunOptions,
} from "./src/graph/experiment_graph.ts";
export type { GraphEdge } from "./src/graph/graph_structure.ts";
export { GraphError, GraphRunError } from "./src/graph/graph_error.ts";
export {
  Treatment,
  treatment,
  type TreatmentFactory,
  type TreatmentFunction,
  type TreatmentLike,
  type TreatmentValues,
} from "./src/run/treatment.ts";
export {
  type DeclaredOutput,
  listRuns,
  loadRun,
  type RunListing,
  type RunManifest,
  type StoredRun,
  StoredRunError,
} from "./src/storage/stored_run.ts";
export { type ArtifactMeta, ArtifactWriteError } from "./src/storage/run_recorder.ts";
export {
  MAX_PATH_NAME_BYTES,
  PATH_NAME_RULE,
  PathNameError,
  pathNameProblem,
} from "./src/path_name.ts";
export { PathEscapeError } from "./src/storage/join_inside.ts";
export type { FileWriter } from "./src/storage/atomic_write.ts";
export { Result } from "./src/run/result.ts";
export type { ResultRow } from "./src/report/rows.ts";
export type {
  ArtifactIndex,
  ExperimentMetrics,
  ResultJson,
  TreatmentMetrics,
} from "./src/storage/result_json.ts";
export type {
  CacheStatus,
  CancelledReplicate,
  ConditionOutcome,
  ReplicateError,
  ReplicateOutcome,
} from "./src/storage/outcome.ts";
export type {
  CacheCounts,
  CacheUse,
  ConditionStepTiming,
  GitInfo,
  Provenance,
  StepTiming,
} from "./src/storage/provenance.ts";
export type {
  ProgressEvent,
  ProgressListener,
  ReplicateEventBase,
  RunEventBase,
  StepEventBase,
} from "./src/run/events.ts";
export { ValidationError } from "./src/experiment/validation_error.ts";
export type { FixWording, ValidationWarning } from "./src/experiment/unread_treatment_keys.ts";
export type { ContextReader } from "./src/pipeline/context_readers.ts";
export { MAX_REPLICATES } from "./src/run/replicates.ts";
export { RunCancelledError } from "./src/run/run_cancelled_error.ts";
export { BaseOptimizer, GridSearchOptimizer, type Objective } from "./src/experiment/optimizer.ts";
export { quickExperiment, type QuickExperimentOptions } from "./src/experiment/quick_experiment.ts";

export {
  BasePlugin,
  type ExperimentView,
  type LoopContext,
  type OutcomeSink,
  type ReplicateFunction,
  type RunInfo,
} from "./src/run/plugin.ts";
export { LoopContractError } from "./src/run/ordered_outcomes.ts";
export { SeedPlugin, type SeedPluginOptions } from "./src/run/seed.ts";
export type { SeedSettings } from "./src/run/setting_plugins.ts";
export { LoggingPlugin, type LoggingPluginOptions } from "./src/run/logging_plugin.ts";
export { ArtifactPlugin, type ArtifactPluginOptions } from "./src/run/artifact_plugin.ts";
export {
  type RecordedRun,
  RunStore,
  type RunStoreOptions,
  type StoredExperiment,
  type StoredRunTarget,
} from "./src/storage/run_store.ts";

export { SerialExecution } from "./src/execution/serial.ts";
export { AsyncExecution, type AsyncExecutionOptions } from "./src/execution/async.ts";
export {
  type ExecutorType,
  ParallelExecution,
  type ParallelExecutionOptions,
} from "./src/execution/parallel.ts";
export {
  QueueExecution,
  type QueueExecutionOptions,
} from "./src/execution/queue/queue_execution.ts";
export { RedisUnavailableError } from "./src/execution/queue/redis_watchdog.ts";
export { BundleError } from "./src/execution/queue/bundle_error.ts";
export { RedisUrlError } from "./src/execution/queue/redis_connection.ts";
export type { WorkerPermissions } from "./src/execution/worker/permissions.ts";
export { RebuildError } from "./src/execution/worker/rebuild_error.ts";
export { DEFAULT_WORKER_V8_FLAGS } from "./src/execution/worker/v8_flags.ts";

export {
  type Samples,
  type Verifier,
  verifier,
  type VerifierFactory,
  type VerifierFunction,
  type VerifierOptions,
  type VerifierOutput,
} from "./src/verify/verifier.ts";
export {
  type ConditionMetrics,
  type Correction,
  Hypothesis,
  hypothesis,
  type HypothesisOptions,
  type HypothesisResult,
  type Ranking,
  type TreatmentVerdict,
} from "./src/verify/hypothesis.ts";
export { MissingMetricError } from "./src/verify/missing_metric_error.ts";
export { HypothesisError } from "./src/verify/hypothesis_error.ts";
export * as stats from "./src/verify/stats_namespace.ts";
