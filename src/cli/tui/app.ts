/**
 * The terminal UI's I/O shell: runs the pure state machine
 * ({@linkcode update}), draws its screens, and performs its effects —
 * discovery, runs through the same sandboxed runner `crystallize run` uses
 * (experiment code never runs in this process), `config.state.json`, and
 * stored summaries.
 * @module
 */
import { listRuns, loadRun, StoredRunError } from "../../storage/stored_run.ts";
import { join } from "node:path";
import { type ListEntry, listExperiments } from "../commands/list.ts";
import { reportInputOf, writeReport } from "../commands/report.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { confirmConfigPermissions } from "../config_permissions.ts";
import { explainForCli, explainResult } from "../explain.ts";
import { runSandboxed, sandboxOf } from "../sandboxed_run.ts";
import { libraryRoot } from "../sandbox.ts";
import { formatSummary } from "../summary.ts";
import { entryFolder, entryStore, entryTarget, entryTreatments } from "./entry_target.ts";
import type { TuiAction, TuiEffect } from "./messages.ts";
import { initialModel, type TuiModel } from "./model.ts";
import { runEnd } from "./run_outcome.ts";
import { EMPTY_RUN_STATE, readRunState, type RunState, writeRunState } from "./run_state.ts";
import { renderScreen } from "./screen.ts";
import { openTerminal, type Terminal } from "./terminal.ts";
import { update } from "./update.ts";

/** Redraws per second at most. */
const FRAME_MS = 33;

/**
 * `crystallize` without arguments on a terminal: the selection screen of
 * the experiments and graphs below `root`, and a run screen for the one
 * opened. Returns the exit code once the user quits (0), or once SIGTERM or
 * SIGHUP stopped it (130); a run in progress is cancelled first. The
 * terminal is restored however it ends.
 *
 * @example
 * ```ts ignore
 * // Not run: it takes over this process's terminal (raw mode, alternate screen) until q.
 * import { runTui } from "./app.ts";
 *
 * if (Deno.stdin.isTerminal() && Deno.stdout.isTerminal()) Deno.exit(await runTui("."));
 * ```
 */
export async function runTui(root: string): Promise<ExitCode> {
  const terminal = openTerminal();
  try {
    const shell = new Shell(terminal, root);
    await shell.done;
    return shell.stopped ? EXIT.CANCELLED : EXIT.OK;
  } finally {
    terminal.restore();
  }
}

class Shell {
  readonly done: Promise<void>;
  /** Whether a signal, not the user, ended the UI. */
  stopped = false;
  readonly #terminal: Terminal;
  readonly #root: string;
  #model: TuiModel = initialModel(!Deno.noColor);
  #cancel: AbortController | undefined;
  #frame: ReturnType<typeof setTimeout> | undefined;
  #quit!: () => void;
  #fail!: (error: unknown) => void;

  constructor(terminal: Terminal, root: string) {
    this.#terminal = terminal;
    this.#root = root;
    this.done = new Promise((resolve, reject) => {
      this.#quit = resolve;
      this.#fail = reject;
    });
    terminal.onResize(() => this.#draw());
    terminal.onStop(() => {
      this.stopped = true;
      this.dispatch({ type: "key", key: "ctrl-c" });
    });
    terminal.readKeys((keys) => {
      for (const key of keys) this.dispatch({ type: "key", key });
    });
    this.#draw();
    this.#perform({ type: "list" });
  }

  dispatch(action: TuiAction): void {
    try {
      const { model, effects } = update(this.#model, action);
      this.#model = model;
      for (const effect of effects) this.#perform(effect);
      this.#schedule();
    } catch (error) {
      this.#fail(error);
    }
  }

  #perform(effect: TuiEffect): void {
    const notice = (error: unknown) =>
      this.dispatch({ type: "notice", notice: (error as Error).message.split("\n")[0] });
    switch (effect.type) {
      case "list":
        listExperiments(this.#root).then(
          (listing) => this.dispatch({ type: "listed", listing }),
          (error) => this.dispatch({ type: "list-failed", message: (error as Error).message }),
        );
        break;
      case "open":
        this.#open(effect.entry).then((action) => this.dispatch(action), notice);
        break;
      case "run":
        this.#run(effect);
        break;
      case "cancel":
        this.#cancel?.abort();
        break;
      case "save": {
        const folder = entryFolder(effect.entry);
        try {
          if (folder !== undefined) writeRunState(folder, effect.choices);
        } catch (error) {
          notice(error);
        }
        break;
      }
      case "summary":
        this.#summary(effect.entry).then(
          (lines) => this.dispatch({ type: "summary", target: effect.entry.target, lines }),
          (error) =>
            this.dispatch({
              type: "summary",
              target: effect.entry.target,
              lines: (error as Error).message.split("\n"),
            }),
        );
        break;
      case "report":
        this.#report(effect.entry).then(
          (path) => this.dispatch({ type: "notice", notice: `Report written to ${path}` }),
          (error) => notice(error),
        );
        break;
      case "quit":
        clearTimeout(this.#frame);
        this.#quit();
        break;
    }
  }

  async #open(entry: ListEntry): Promise<TuiAction> {
    const folder = entryFolder(entry);
    let choices: RunState = EMPTY_RUN_STATE;
    let notice: string | undefined;
    if (folder !== undefined) {
      // An unreadable state file is reported and treated as empty, as the original does.
      choices = await readRunState(folder).catch((error: Error) => {
        notice = error.message;
        return EMPTY_RUN_STATE;
      });
    }
    const treatments = await entryTreatments(entry).catch((error: Error) => {
      notice = error.message.split("\n")[0];
      return [];
    });
    return {
      type: "opened",
      target: entry.target,
      treatments,
      choices,
      persisted: folder !== undefined,
      ...(notice === undefined ? {} : { notice }),
    };
  }

  async #run(effect: TuiEffect & { type: "run" }): Promise<void> {
    const cancel = new AbortController();
    this.#cancel = cancel;
    const decoder = new TextDecoder();
    try {
      const target = await entryTarget(effect.entry);
      // The UI owns the terminal: what config.yaml asks for is confirmed with `crystallize run`.
      await confirmConfigPermissions(target, {});
      const sandbox = await sandboxOf(target, {}, libraryRoot());
      const outcome = await runSandboxed(target, sandbox, effect.settings, {
        events: (events) => this.dispatch({ type: "events", events, now: performance.now() }),
        output: (bytes) =>
          this.dispatch({ type: "output", text: decoder.decode(bytes, { stream: true }) }),
        close: () => {},
      }, cancel.signal);
      this.dispatch({ type: "run-ended", ...runEnd(outcome, Deno.cwd()) });
    } catch (error) {
      this.dispatch({
        type: "run-ended",
        status: "failed",
        notice: `Failed: ${(error as Error).message.split("\n")[0]}`,
      });
    } finally {
      if (this.#cancel === cancel) this.#cancel = undefined;
    }
  }

  async #summary(entry: ListEntry): Promise<string[]> {
    const store = await entryStore(entry);
    if (!listRuns(store).some((r) => r.complete)) {
      return [`No finished run of ${entry.name} is stored yet: press r to run it, then s.`];
    }
    const stored = await loadRun(store).catch((error) => {
      if (!(error instanceof StoredRunError)) throw error;
      throw new Error(explainForCli(error.message));
    });
    const result = explainResult(stored.result);
    return formatSummary({ ...result, outputDir: result.outputDir ?? stored.dir }).split("\n");
  }

  /** Writes the HTML report of the entry's latest stored run into the working directory. */
  async #report(entry: ListEntry): Promise<string> {
    const input = await reportInputOf(await entryStore(entry), {});
    const { htmlReport } = await import("../../report/html_report.ts");
    // Names come from listings of experiment code: only file-name characters make the file name.
    const file = `${entry.name.replace(/[^\w.-]/g, "_")}-report.html`;
    return await writeReport(await htmlReport(input), join(Deno.cwd(), file));
  }

  #schedule(): void {
    if (this.#model.done) return;
    this.#frame ??= setTimeout(() => {
      this.#frame = undefined;
      this.#draw();
    }, FRAME_MS);
  }

  #draw(): void {
    const { columns, rows } = this.#terminal.size();
    this.#terminal.draw(renderScreen(this.#model, columns, rows));
  }
}
