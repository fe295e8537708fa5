import { printable } from "./printable.ts";
import { CrystallizeError } from "../errors.ts";
import { VERSION } from "../version.ts";
import { CliError } from "./cli_error.ts";
import { EXIT, type ExitCode } from "./exit_codes.ts";
import { quickRunArgs } from "./run_args.ts";
import { lazyImport } from "../lazy_import.ts";

/** Version of the binary: the library's. */
export { VERSION };

/**
 * The `crystallize` command line: `run`, `list`, `graph`, `new`, `show`,
 * `report`, `compare` and `clean`, each with `--help`. Commands load lazily, so `--help` stays fast,
 * and a plain `run` command line is read without commander (see `run_args.ts`), so the
 * sandboxed runner starts sooner. Returns the exit code instead of exiting.
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
  try {
    if (args.length === 0) {
      // On a terminal: the interactive UI; in scripts and CI: help (nothing waits for keys).
      if (Deno.stdin.isTerminal() && Deno.stdout.isTerminal()) {
        const { runTui } = await lazyImport<typeof import("./tui/app.ts")>(
          new URL("./tui/app.ts", import.meta.url),
        );
        return await runTui(".");
      }
      const { outputHelp } = await commander();
      outputHelp();
      return EXIT.USAGE;
    }
    const run = quickRunArgs(args);
    if (run !== undefined) {
      const { runCommand } = await lazyImport<typeof import("./commands/run.ts")>(
        new URL("./commands/run.ts", import.meta.url),
      );
      return await runCommand(run.target, run.options);
    }
    const { runWithCommander } = await commander();
    return await runWithCommander(args);
  } catch (error) {
    return exitCodeOf(error);
  }
}

/** Commander's program (loaded only for the command lines that need it). */
function commander(): Promise<typeof import("./commander_program.ts")> {
  return lazyImport(new URL("./commander_program.ts", import.meta.url));
}

/** The exit code of an error a command threw (the message printed), or the error again. */
function exitCodeOf(error: unknown): ExitCode {
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
