import type { Logger } from "../../context/logger.ts";
import { errorMessage } from "../../errors.ts";
import type { ReplicateOutcome } from "../../storage/outcome.ts";
import type { RunRecorder } from "../../storage/run_recorder.ts";
import type { BatchResult, SharedArtifact, ShippedArtifact } from "./queue_task.ts";
import { SharedOutputError, type SharedRunFolder } from "./shared_output.ts";

/**
 * Stores the artifacts of a batch result in the coordinator's run, as a
 * local run stores them (same layout, metadata and hashes): bytes sent
 * through Redis are written, files on the shared output root are checked
 * and copied in. Only artifacts of replicates recorded from this result
 * (`fresh`) that their outcome names are stored; a refused one is logged
 * and its outcome kept.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RunRecorder } from "../../storage/run_recorder.ts";
 * import { landArtifacts } from "./artifact_landing.ts";
 *
 * const dir = await Deno.makeTempDir();
 * const recorder = new RunRecorder({ dir, runId: "r" }, console);
 * const outcome = { replicate: 0, conditions: [{ condition: "baseline", seed: 1, metrics: {}, durationMs: 1, stepMs: [], artifacts: ["a.txt"] }] };
 * const artifact = { replicate: 0, condition: "baseline", name: "a.txt", step: "s", data: new TextEncoder().encode("hi") };
 * const result = { batch: 0, worker: "w", outcomes: [outcome], events: [], logs: [], artifacts: [artifact] };
 * await landArtifacts(result, new Set([0]), () => outcome, { recorder, shared: undefined, logger: console });
 * assert.equal(await Deno.readTextFile(`${dir}/0/baseline/a.txt`), "hi");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function landArtifacts(
  result: BatchResult,
  fresh: ReadonlySet<number>,
  outcomeOf: (replicate: number) => ReplicateOutcome | undefined,
  where: {
    readonly recorder: RunRecorder | undefined;
    readonly shared: SharedRunFolder | undefined;
    readonly logger: Pick<Logger, "warn">;
  },
): Promise<void> {
  if (where.recorder === undefined) return;
  for (const artifact of result.artifacts) {
    if (!fresh.has(artifact.replicate)) continue;
    const condition = outcomeOf(artifact.replicate)?.conditions.find((c) =>
      c.condition === artifact.condition
    );
    if (condition?.artifacts?.includes(artifact.name) !== true) continue;
    try {
      await landOne(artifact, condition.seed, where.recorder, where.shared);
    } catch (error) {
      // A name the run layout refuses, a file that fails its checks, or a full disk:
      // the outcome is kept, the file is not.
      where.logger.warn(
        `replicate ${artifact.replicate} (${artifact.condition}): artifact '${artifact.name}' from worker ${result.worker} was not stored: ${
          errorMessage(error)
        }`,
      );
    }
  }
}

async function landOne(
  artifact: ShippedArtifact | SharedArtifact,
  seed: number | undefined,
  recorder: RunRecorder,
  shared: SharedRunFolder | undefined,
): Promise<void> {
  const at = { replicate: artifact.replicate, condition: artifact.condition, seed };
  if ("data" in artifact) {
    recorder.writeArtifactFiles(at, [artifact]);
    return;
  }
  if (shared === undefined) {
    throw new SharedOutputError(
      "its worker wrote it to a shared output root, and this run has none: give the coordinator the same sharedOutput (--shared-output) as its workers",
    );
  }
  const source = await shared.source(artifact.file, artifact.bytes);
  await recorder.adoptArtifactFile(at, { ...artifact, source }, artifact);
}
