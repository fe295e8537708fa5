/**
 * The library words its fixes for code (`run({ replicates: n })`,
 * `{ hypotheses: [] }`, `new ArtifactPlugin()`); a user of the CLI fixes
 * things with flags and config.yaml. {@linkcode cliWording} rewrites the
 * fixes of messages that reach the CLI (runner failures, failed
 * replicates, stored runs) into the CLI's terms.
 * @module
 */

/** A fix worded for code, and its CLI wording. */
interface Rewording {
  readonly api: RegExp;
  readonly cli: string;
}

/**
 * Fixes worded for code that a CLI user sees, and their CLI wording. Kept
 * next to each other so a new API fix gets its CLI twin here.
 */
export const CLI_REWORDINGS: readonly Rewording[] = [
  {
    // Experiment.#settings: hypotheses without a treatment to compare.
    api: /add treatments or run with \{ hypotheses: \[\] \}/g,
    cli: "add a treatment (treatments: in config.yaml, or the experiment's treatments), " +
      "or run the baseline alone with --no-treatments",
  },
  {
    // checkReplicates: a bad replicate count.
    api: /set it with \.replicates\(n\) or run\(\{ replicates: n \}\)/g,
    cli: "set replicates: in config.yaml (or .replicates(n) in code), or run with --replicates N",
  },
  {
    // ExperimentInput and #settings: the upstream runs' replicate count.
    api: /run (it|this experiment) with replicates: (\d+)/g,
    cli: "run $1 with --replicates $2",
  },
  {
    // loadRun: nothing stored yet.
    api:
      /run the experiment with an ArtifactPlugin \(folder experiments and the CLI attach one\) first/g,
    cli: "run it first (crystallize run <experiment>)",
  },
  {
    // loadRun, saveRun: an unfinished run.
    api: /run\(\{ strategy: "resume" \}\)( \(crystallize run --strategy resume\))?/g,
    cli: "crystallize run --strategy resume",
  },
  {
    // ExperimentInput: the producer has no finished run.
    api: /run '([^']+)' first \(with an ArtifactPlugin\)/g,
    cli: "run '$1' first (crystallize run <its folder>, or the graph's folder)",
  },
  {
    // An output root that cannot be written.
    api:
      /point the output root elsewhere \(outputDir, \$CRYSTALLIZE_HOME, ArtifactPlugin\(\{ root \}\)\)/g,
    cli: "point the output root elsewhere (--out <folder>, or $CRYSTALLIZE_HOME)",
  },
  {
    // Experiment.#settings: the `run(): ` prefix names the API call, not the command line.
    api: /(^|\n {2}- )run\(\): /g,
    cli: "$1",
  },
];

/**
 * `message` with the fixes worded for code replaced by their CLI wording
 * ({@linkcode CLI_REWORDINGS}); other text unchanged. Idempotent.
 *
 * @example
 * ```ts
 * cliWording("hypotheses compare treatments with the baseline, but no treatment is run: add treatments or run with { hypotheses: [] }");
 * // "... but no treatment is run: add a treatment (treatments: in config.yaml, ...), or run the baseline alone with --no-treatments"
 * ```
 */
export function cliWording(message: string): string {
  return CLI_REWORDINGS.reduce((text, r) => text.replace(r.api, r.cli), message);
}
