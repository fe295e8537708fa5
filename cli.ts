/**
 * The `crystallize` binary: `run`, `list`, `graph`, `new`, `show` and
 * `clean` (see `crystallize --help`, or the README's CLI section).
 * Experiment code never runs in this process: `run` and `list` load it in a
 * sandboxed Deno process with the permissions the experiment is granted.
 *
 * @example
 * ```sh
 * deno task cli run examples/folder_experiment
 * ```
 * @module
 */
import { enterInvocationDir } from "./src/cli/invocation_dir.ts";
import { runCli } from "./src/cli/program.ts";
import { prepareLibrary } from "./src/cli/sandbox.ts";

export { runCli };
export { EXIT, type ExitCode } from "./src/cli/exit_codes.ts";

/** Commands that never need the library on disk (a compiled binary skips unpacking it). */
const WITHOUT_LIBRARY = new Set([
  "graph",
  "show",
  "clean",
  "help",
  "--help",
  "-h",
  "--version",
  "-V",
]);

if (import.meta.main) {
  // Under `deno task cli`, work on the folder the user is in (INIT_CWD), not deno.json's.
  enterInvocationDir();
  if (!WITHOUT_LIBRARY.has(Deno.args[0])) await prepareLibrary();
  Deno.exit(await runCli(Deno.args));
}
