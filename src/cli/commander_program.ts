/**
 * The `crystallize` command line as commander reads it: every command,
 * its help and its usage errors. `runCli` (`program.ts`) loads this only
 * for command lines the quick reader of `run` leaves to it (`run_args.ts`).
 * @module
 */
import { Command, CommanderError, Option } from "npm:commander@15.1.0";
import { VERSION } from "../version.ts";
import { addClusterCommands } from "./cluster_commands.ts";
import { EXIT, type ExitCode } from "./exit_codes.ts";
import { wholeNumberFlag } from "./flags/whole_number_flag.ts";
import { commaList, RUN_OPTIONS, type RunOptionSpec } from "./run_options.ts";
import { lazyImport } from "../lazy_import.ts";

const EXIT_CODES = `
Exit codes:
  0    everything ran, every replicate succeeded
  1    some replicates failed, an experiment of a graph failed, or (--fail-on-hypothesis)
       a hypothesis was not significant
  2    usage or configuration error (bad flag, no such experiment, invalid config.yaml,
       a module that does not load)
  130  cancelled with Ctrl-C`;

/**
 * Runs a command line through commander: the command's exit code, or 2 for
 * a usage error (commander has printed it; `run --json` also prints a JSON
 * document) and 0 after `--help` or `--version`. What a command throws is
 * thrown on.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runWithCommander } from "./commander_program.ts";
 *
 * assert.equal(await runWithCommander(["--version"]), 0); // prints the version
 * assert.equal(await runWithCommander(["run"]), 2); // the target is missing
 * ```
 */
export async function runWithCommander(args: readonly string[]): Promise<ExitCode> {
  let code: ExitCode = EXIT.OK;
  const program = crystallizeProgram((exitCode) => code = exitCode);
  try {
    await program.parseAsync([...args], { from: "user" });
    return code;
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.exitCode === 0) return EXIT.OK;
    // Commander printed the problem on stderr; a script reading `run --json` gets a document too.
    if (args[0] === "run" && args.includes("--json")) {
      const { printFailure } = await command<typeof import("./commands/run.ts")>(
        "./commands/run.ts",
      );
      printFailure(error, EXIT.USAGE);
    }
    return EXIT.USAGE;
  }
}

/**
 * Prints the program's help (what `crystallize` without a terminal shows).
 *
 * @example
 * ```ts
 * import { outputHelp } from "./commander_program.ts";
 *
 * outputHelp(); // "Usage: crystallize [options] [command]" and the commands
 * ```
 */
export function outputHelp(): void {
  crystallizeProgram(() => {}).outputHelp();
}

/** Where a command's exit code goes once it has run. */
type Done = (code: ExitCode) => void;

/** The program and its commands (each loads its module only when it runs). */
function crystallizeProgram(done: Done): Command {
  const program = new Command("crystallize")
    .description("Reproducible experiments for Deno: run, list, inspect and clean experiments.")
    .version(VERSION, "-V, --version")
    // Program options only before the command: `show --version N` is show's own option.
    .enablePositionalOptions()
    .showHelpAfterError("(add --help for usage)")
    .addHelpText(
      "after",
      `
Examples:
  crystallize                             on a terminal: the interactive UI (select, run, summary)
  crystallize new my_experiment           scaffold a folder experiment
  crystallize run experiments/my_experiment --replicates 20
  crystallize list                        experiments below the working directory
  crystallize show experiments/my_experiment
  crystallize report experiments/my_experiment --out report.html
  crystallize compare experiments/my_experiment experiments/my_experiment --version-a 0 --version-b 1
${EXIT_CODES}`,
    )
    // Plain help text: commander would otherwise read FORCE_COLOR/CLICOLOR_FORCE (an env permission).
    .configureOutput({ getOutHasColors: () => false, getErrHasColors: () => false })
    .exitOverride();
  addRunCommand(program, done);
  addListingCommands(program, done);
  addFolderCommands(program, done);
  addClusterCommands(program, done);
  return program;
}

/** `crystallize run`: its options from {@linkcode RUN_OPTIONS}. */
function addRunCommand(program: Command, done: Done): void {
  const run = program.command("run")
    .description(
      "Run an experiment: a folder with config.yaml, a folder of experiment folders (a graph), " +
        "or a TypeScript module exporting an Experiment or ExperimentGraph (file.ts or file.ts#export). " +
        "Experiment code runs in a sandboxed Deno process: it may read the experiment's folder and " +
        "write its output root, nothing else unless config.yaml permissions: or --allow-* grant it.",
    )
    .argument("<target>", "experiment folder, graph folder, or module[#export]");
  for (const spec of RUN_OPTIONS) run.addOption(commanderOption(spec));
  run.addHelpText(
    "after",
    `
Examples:
  crystallize run examples/folder_experiment
  crystallize run examples/scaling_demo.ts --replicates 8 --seed 1 --json
  crystallize run examples/process_pool.ts --executor process --workers 2
  crystallize run experiments/fetcher --allow-net=api.example.com:443
  crystallize run examples/dag --strategy resume
${EXIT_CODES}`,
  )
    .action(async (target: string, options) => {
      const { runCommand } = await command<typeof import("./commands/run.ts")>("./commands/run.ts");
      done(await runCommand(target, options));
    });
}

/**
 * A run option as commander's: whole numbers and lists parsed, choices checked.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { commanderOption } from "./commander_program.ts";
 *
 * const option = commanderOption({ flags: "--strategy <s>", description: "", choices: ["resume"] });
 * assert.deepEqual(option.argChoices, ["resume"]);
 * ```
 */
export function commanderOption(spec: RunOptionSpec): Option {
  const option = new Option(spec.flags, spec.description);
  if (spec.number !== undefined) option.argParser(wholeNumberFlag(spec.number));
  if (spec.choices !== undefined) option.choices(spec.choices);
  if (spec.list) option.argParser(commaList);
  return option;
}

/** `crystallize list` and `graph`: what experiments there are, and how they connect. */
function addListingCommands(program: Command, done: Done): void {
  program.command("list")
    .description(
      "List the experiments below a folder: every config.yaml (grouped and ordered by its cli: " +
        "section) and the experiments TypeScript modules export (loaded in a read-only sandbox).",
    )
    .argument("[dir]", "folder to search", ".")
    .option("--all", "include experiments marked hidden")
    .option("--json", "print JSON")
    .addHelpText("after", "\nExamples:\n  crystallize list\n  crystallize list examples --json")
    .action(async (dir: string, options) => {
      const { listCommand } = await command<typeof import("./commands/list.ts")>(
        "./commands/list.ts",
      );
      done(await listCommand(dir, options));
    });

  program.command("graph")
    .description(
      "Print the dependency graph of the folder experiments below a folder (from config.yaml).",
    )
    .argument("<dir>", "folder of experiment folders")
    .option("--json", "print JSON")
    .addHelpText("after", "\nExamples:\n  crystallize graph examples/dag")
    .action(async (dir: string, options) => {
      const { graphCommand } = await command<typeof import("./commands/graph.ts")>(
        "./commands/graph.ts",
      );
      done(await graphCommand(dir, options));
    });
}

/**
 * `crystallize new`, `show`, `report`, `compare` and `clean`: an experiment
 * folder, and the runs it stored.
 */
function addFolderCommands(program: Command, done: Done): void {
  program.command("new")
    .description(
      "Create a folder experiment that runs as generated: config.yaml, datasources.ts and " +
        "steps.ts with an example step, treatment and hypothesis (the built-in Welch test).",
    )
    .argument("<name>", "lowercase name (letters, digits, _ and -)")
    .option("--dir <dir>", "parent folder, inside the working directory", "experiments")
    .addHelpText(
      "after",
      "\nExamples:\n  crystallize new my_experiment\n  crystallize new sweep --dir studies",
    )
    .action(async (name: string, options) => {
      const { newCommand } = await command<typeof import("./commands/new.ts")>("./commands/new.ts");
      done(await newCommand(name, options));
    });

  const version = (flag: string) =>
    wholeNumberFlag({ flag, min: 0, max: Number.MAX_SAFE_INTEGER, example: 2 });
  program.command("show")
    .description(
      "Summarise a stored run: metrics per condition (mean ± 95% CI), hypotheses with p-values and " +
        "ranking, artifacts and provenance. <run> is a version folder (.../v3), an experiment's store " +
        "(.crystallize/<name>), or a folder experiment (its latest run).",
    )
    .argument("<run>", "run folder or experiment")
    .option("--version <n>", "pick a version instead of the latest", version("--version"))
    .option("--json", "print the stored result as JSON (as --format json)")
    .addOption(
      new Option(
        "--format <format>",
        "text, json, csv or jsonl (a row per replicate × condition × metric, with seed and run id), " +
          "md (a Markdown summary)",
      ).choices(["text", "json", "csv", "jsonl", "md"]),
    )
    .option("--all-versions", "every finished version, conditions shown as `treatment (vN)`")
    .addHelpText(
      "after",
      "\nExamples:\n  crystallize show examples/folder_experiment\n  crystallize show .crystallize/scaling_demo --version 2" +
        "\n  crystallize show examples/folder_experiment --format csv > runs.csv" +
        "\n  crystallize show examples/folder_experiment --all-versions",
    )
    .action(async (run: string, options) => {
      const { showCommand } = await command<typeof import("./commands/show.ts")>(
        "./commands/show.ts",
      );
      done(await showCommand(run, options));
    });

  addReportCommands(program, version, done);

  program.command("clean")
    .description(
      "Delete an experiment's stored runs and caches after confirmation (a folder experiment's " +
        ".crystallize, or .crystallize/<name> for a module experiment).",
    )
    .argument("<experiment>", "folder experiment, or the name of a module experiment")
    .option("--yes", "do not ask (needed when stdin is not a terminal)")
    .option("--dry-run", "only list what would be deleted")
    .option("--out <dir>", "output root the experiment was run with (module experiments)")
    .addHelpText(
      "after",
      "\nExamples:\n  crystallize clean examples/folder_experiment --yes\n  crystallize clean scaling_demo --dry-run",
    )
    .action(async (experiment: string, options) => {
      const { cleanCommand } = await command<typeof import("./commands/clean.ts")>(
        "./commands/clean.ts",
      );
      done(await cleanCommand(experiment, options));
    });
}

/**
 * `report` and `compare`: HTML reports and comparisons of stored runs;
 * `done` receives the exit code.
 */
function addReportCommands(
  program: Command,
  version: (flag: string) => (value: string) => number,
  done: (code: ExitCode) => void,
): void {
  program.command("report")
    .description(
      "Write one self-contained HTML page about a stored run (opens from disk, loads nothing): " +
        "per metric a plot of every replicate per condition with mean and 95% CI, hypothesis " +
        "tables and forest plots, time per step and condition with cache hits, failures, " +
        "provenance; for a folder of experiment folders, every experiment and the graph drawn.",
    )
    .argument("<run>", "folder experiment, graph folder, store, version folder or name")
    .option("--out <file>", "where to write it", "report.html")
    .option("--version <n>", "pick a version instead of the latest", version("--version"))
    .option("--all-versions", "include every finished version as `treatment (vN)`")
    .addHelpText(
      "after",
      "\nExamples:\n  crystallize report examples/folder_experiment --out smoothing.html" +
        "\n  crystallize report examples/dag\n  crystallize report .crystallize/scaling_demo --all-versions",
    )
    .action(async (run: string, options) => {
      const { reportCommand } = await command<typeof import("./commands/report.ts")>(
        "./commands/report.ts",
      );
      done(await reportCommand(run, options));
    });

  program.command("compare")
    .description(
      "Compare two stored runs — two versions, or two experiments with shared metrics — per " +
        "metric and condition: change in mean (B − A) with a 95% Welch interval and a Welch test.",
    )
    .argument("<runA>", "the reference: as for show")
    .argument("<runB>", "the run compared with it")
    .option("--version-a <n>", "a version of runA instead of its latest", version("--version-a"))
    .option("--version-b <n>", "a version of runB instead of its latest", version("--version-b"))
    .option("--json", "print the comparison as JSON")
    .option("--out <file>", "also write an HTML report with the comparison and both runs")
    .addHelpText(
      "after",
      "\nExamples:\n  crystallize compare examples/folder_experiment examples/folder_experiment --version-a 0 --version-b 1" +
        "\n  crystallize compare .crystallize/demo/v2 .crystallize/demo/v3 --json",
    )
    .action(async (runA: string, runB: string, options) => {
      const { compareCommand } = await command<typeof import("./commands/compare.ts")>(
        "./commands/compare.ts",
      );
      done(await compareCommand(runA, runB, options));
    });
}

/** A command's module, loaded when the command runs (see `lazyImport`: not at start-up). */
function command<T>(path: string): Promise<T> {
  return lazyImport(new URL(path, import.meta.url));
}
