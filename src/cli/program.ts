import { printable } from "./printable.ts";
import { Command, CommanderError, Option } from "npm:commander@15.1.0";
import { CrystallizeError } from "../errors.ts";
import { EXECUTOR_NAMES } from "../execution/executor_names.ts";
import { addClusterCommands } from "./cluster_commands.ts";
import { VERSION } from "../version.ts";
import { MAX_REPLICATES } from "../run/replicates.ts";
import { CliError } from "./cli_error.ts";
import { EXIT, type ExitCode } from "./exit_codes.ts";
import { wholeNumberFlag } from "./flags/whole_number_flag.ts";
import { PERMISSION_KINDS } from "./sandbox.ts";

/** Version of the binary: the library's. */
export { VERSION };

const EXIT_CODES = `
Exit codes:
  0    everything ran, every replicate succeeded
  1    some replicates failed, an experiment of a graph failed, or (--fail-on-hypothesis)
       a hypothesis was not significant
  2    usage or configuration error (bad flag, no such experiment, invalid config.yaml,
       a module that does not load)
  130  cancelled with Ctrl-C`;

function commaList(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(",").map((v) => v.trim()).filter((v) => v !== "")];
}

/**
 * The `crystallize` command line: `run`, `list`, `graph`, `new`, `show`,
 * `report`, `compare` and `clean`, each with `--help`. Commands load lazily, so `--help` stays fast.
 * Returns the exit code instead of exiting.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runCli } from "./program.ts";
 *
 * assert.equal(await runCli(["--version"]), 0); // prints the version
 * assert.equal(await runCli(["run"]), 2); // a usage error: the target is missing
 * ```
 */
export async function runCli(args: readonly string[]): Promise<ExitCode> {
  let code: ExitCode = EXIT.OK;
  const program = crystallizeProgram((exitCode) => code = exitCode);
  try {
    if (args.length === 0) {
      // On a terminal: the interactive UI; in scripts and CI: help (nothing waits for keys).
      if (Deno.stdin.isTerminal() && Deno.stdout.isTerminal()) {
        const { runTui } = await import("./tui/app.ts");
        return await runTui(".");
      }
      program.outputHelp();
      return EXIT.USAGE;
    }
    await program.parseAsync([...args], { from: "user" });
    return code;
  } catch (error) {
    return await exitCodeOf(error, args);
  }
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

/** `crystallize run`. */
function addRunCommand(program: Command, done: Done): void {
  const run = program.command("run")
    .description(
      "Run an experiment: a folder with config.yaml, a folder of experiment folders (a graph), " +
        "or a TypeScript module exporting an Experiment or ExperimentGraph (file.ts or file.ts#export). " +
        "Experiment code runs in a sandboxed Deno process: it may read the experiment's folder and " +
        "write its output root, nothing else unless config.yaml permissions: or --allow-* grant it.",
    )
    .argument("<target>", "experiment folder, graph folder, or module[#export]")
    .option(
      "--replicates <n>",
      `replicates per condition (1 to ${MAX_REPLICATES})`,
      wholeNumberFlag({ flag: "--replicates", min: 1, max: MAX_REPLICATES, example: 20 }),
    )
    .addOption(
      new Option("--strategy <strategy>", "resume: reuse the last stored run; rerun: ignore caches")
        .choices(["resume", "rerun"]),
    )
    .option("--no-cache", "neither read nor write step caches")
    .option("--treatment <names>", "run only these treatments (comma-separated)", commaList)
    .option("--no-treatments", "run the baseline only")
    .addOption(
      new Option("--executor <kind>", "how replicates run").choices(EXECUTOR_NAMES),
    )
    .option(
      "--redis <url>",
      "Redis of --executor queue (redis://host:port); workers: crystallize worker",
    )
    .option("--queue <name>", "queue name of --executor queue (default crystallize)")
    .option(
      "--shared-output <dir>",
      "a queue run's folder shared with its workers (their --shared-output): artifacts come back through it, not Redis",
    )
    .option(
      "--workers <n>",
      "workers (process) or concurrency (async, thread)",
      wholeNumberFlag({ flag: "--workers", min: 1, max: Number.MAX_SAFE_INTEGER, example: 2 }),
    )
    .option(
      "--seed <n>",
      "master seed (0 to 4294967295)",
      wholeNumberFlag({ flag: "--seed", min: 0, max: 2 ** 32 - 1, example: 42 }),
    )
    .option("--json", "print one JSON document with the results on stdout")
    .option("--quiet", "no progress and no summary; the exit code tells")
    .option(
      "--out <dir>",
      "output root of a module or folder experiment (default: $CRYSTALLIZE_HOME, .crystallize, or the folder's .crystallize)",
    )
    .option("--fail-on-hypothesis", "exit 1 when a hypothesis is not significant for a treatment")
    .option(
      "--allow-config-permissions",
      "grant what config.yaml permissions: asks for beyond its folders (run, env, sys, ffi, write, " +
        "read elsewhere, net to all) without asking",
    );
  for (const kind of PERMISSION_KINDS) {
    run.option(
      `--allow-${kind} [list]`,
      `let experiment code use ${kind}${
        kind === "read" || kind === "write" ? " (paths)" : ""
      }, comma-separated; bare: all`,
    );
  }
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
      const { runCommand } = await import("./commands/run.ts");
      done(await runCommand(target, options));
    });
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
      const { listCommand } = await import("./commands/list.ts");
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
      const { graphCommand } = await import("./commands/graph.ts");
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
      const { newCommand } = await import("./commands/new.ts");
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
      const { showCommand } = await import("./commands/show.ts");
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
      const { cleanCommand } = await import("./commands/clean.ts");
      done(await cleanCommand(experiment, options));
    });
}

/** The exit code of an error a command threw (the message printed), or the error again. */
async function exitCodeOf(error: unknown, args: readonly string[]): Promise<ExitCode> {
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) return EXIT.OK;
    // Commander printed the problem on stderr; a script reading `run --json` gets a document too.
    if (args[0] === "run" && args.includes("--json")) {
      const { printFailure } = await import("./commands/run.ts");
      printFailure(error, EXIT.USAGE);
    }
    return EXIT.USAGE;
  }
  if (error instanceof CliError) {
    console.error(`error: ${printable(error.message)}`);
    return error.exitCode;
  }
  if (error instanceof CrystallizeError) {
    console.error(`error: ${printable(error.message)}`);
    return EXIT.USAGE;
  }
  throw error;
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
      const { reportCommand } = await import("./commands/report.ts");
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
      const { compareCommand } = await import("./commands/compare.ts");
      done(await compareCommand(runA, runB, options));
    });
}
