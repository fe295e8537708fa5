/**
 * The `crystallize` command line. This version prints help; the `run`,
 * `list`, `graph`, `new`, `clean` and `show` commands and the terminal UI
 * come with the CLI issue.
 *
 * @example
 * ```sh
 * deno run cli.ts --help
 * ```
 * @module
 */

/** Help text of the binary. */
export const HELP = `crystallize — reproducible experiments for Deno

Usage:
  crystallize --help       show this help
  crystallize --version    print the version

Experiments are TypeScript modules for now: import { Experiment } from "mod.ts",
build one, and call experiment.run() under \`if (import.meta.main)\`.
The run/list/graph/new/clean/show commands are not available in this version yet.`;

/** Runs the CLI with `args`; returns the exit code. */
export function main(args: readonly string[]): number {
  if (args.includes("--version")) {
    console.log("crystallize 0.1.0");
    return 0;
  }
  console.log(HELP);
  return args.length === 0 || args.includes("--help") || args.includes("-h") ? 0 : 2;
}

if (import.meta.main) Deno.exit(main(Deno.args));
