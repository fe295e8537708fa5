import { CrystallizeError } from "../errors.ts";
import { EXIT, type ExitCode } from "./exit_codes.ts";

/**
 * A command cannot do what was asked: bad arguments, a target that is not an
 * experiment, a configuration or module that does not load. The message says
 * what is wrong and how to fix it; `exitCode` is what the binary exits with
 * (2 unless stated otherwise).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CliError } from "./cli_error.ts";
 * import { EXIT } from "./exit_codes.ts";
 *
 * const error = new CliError("no experiment at 'x': give a folder with config.yaml or a .ts module");
 * assert.equal(error.exitCode, EXIT.USAGE); // 2 unless stated otherwise
 * ```
 */
export class CliError extends CrystallizeError {
  /** The process exit code. */
  readonly exitCode: ExitCode;

  /** Creates the error. */
  constructor(message: string, exitCode: ExitCode = EXIT.USAGE) {
    super(message);
    this.exitCode = exitCode;
  }
}
