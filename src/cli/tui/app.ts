/**
 * The terminal UI's I/O shell: runs the pure state machine
 * ({@linkcode update}), draws its screens, and performs its effects —
 * discovery, runs through the same sandboxed runner `crystallize run` uses
 * (experiment code never runs in this process), `config.state.json`,
 * stored summaries and history, new experiments, config.yaml edits, and the
 * editor.
 * @module
 */
import { join } from "../../path.ts";
import { relativePath, resolvePath } from "../../resolve_path.ts";
import { type ListEntry, listExperiments } from "../commands/list.ts";
import { createExperiment } from "../commands/new.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { confirmConfigPermissions } from "../config_permissions.ts";
import { runSandboxed, sandboxOf } from "../sandboxed_run.ts";
import { queueUrlsOf } from "./queue_choice.ts";
import { libraryRoot } from "../sandbox.ts";
import { NEW_EXPERIMENTS_DIR } from "./create_form.ts";
import { editorSetting } from "./editor_command.ts";
import { locate, runEditor } from "./editor_launch.ts";
import { type EntryMember, entryMembers, memberFacts } from "./entry_members.ts";
import { entryFolder, entryTarget, entryTreatments } from "./entry_target.ts";
import type { EditTarget, TuiAction, TuiEffect } from "./messages.ts";
import { initialModel, type TuiModel } from "./model.ts";
import { runErrors } from "./run_errors.ts";
import { runEnd } from "./run_outcome.ts";
import { treeNode } from "./run_tree.ts";
import { EMPTY_RUN_STATE, readRunState, type RunState, writeRunState } from "./run_state.ts";
import { renderScreen } from "./screen.ts";
import {
  createChoices,
  detailsLines,
  historyTab,
  saveConfig,
  summaryTab,
  writeEntryReport,
} from "./shell_io.ts";
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
    switch (effect.type) {
      case "list":
        listExperiments(this.#root).then(
          (listing) => this.dispatch({ type: "listed", listing }),
          (error) => this.dispatch({ type: "list-failed", message: (error as Error).message }),
        );
        break;
      case "open":
        this.#open(effect.entry).then((action) => this.dispatch(action), this.#notice);
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
          this.#notice(error);
        }
        break;
      }
      case "edit":
        this.#edit(effect.target);
        break;
      case "mouse":
        this.#terminal.setMouse(effect.on);
        break;
      case "quit":
        clearTimeout(this.#frame);
        this.#quit();
        break;
      default:
        this.#read(effect);
    }
  }

  /** A one-line notice of what went wrong. */
  readonly #notice = (error: unknown) =>
    this.dispatch({ type: "notice", notice: (error as Error).message.split("\n")[0] });

  /** Effects that read or write files for a screen: details, tabs, the create screen, config.yaml. */
  #read(effect: TuiEffect): void {
    switch (effect.type) {
      case "details":
        this.#membersOf(effect.entry).then((members) => detailsLines(effect.entry, members)).then(
          (lines) => this.dispatch({ type: "details", target: effect.entry.target, lines }),
          this.#notice,
        );
        break;
      case "summary":
        this.#tab("summary", effect.entry, summaryTab(effect.entry));
        break;
      case "history":
        this.#tab("history", effect.entry, entryMembers(effect.entry).then(historyTab));
        break;
      case "report":
        writeEntryReport(effect.entry).then(
          (path) => this.dispatch({ type: "notice", notice: `Report written to ${path}` }),
          this.#notice,
        );
        break;
      case "create-init":
        createChoices(this.#root, this.#model.selection.entries).then(
          (ready) => this.dispatch(ready),
          this.#notice,
        );
        break;
      case "create":
        this.#create(effect);
        break;
      case "load-config":
        Deno.readTextFile(effect.file).then(
          (text) => this.dispatch({ type: "config-loaded", file: effect.file, text }),
          this.#notice,
        );
        break;
      case "save-config":
        saveConfig(effect.file, effect.text, effect.expected).then(() => {
          this.#members.clear();
          this.dispatch({ type: "config-saved", file: effect.file, text: effect.text });
        }, this.#notice);
        break;
    }
  }

  /** Shows a tab's lines once read, or why they could not be. */
  #tab(type: "summary" | "history", entry: ListEntry, lines: Promise<string[]>): void {
    lines.then(
      (read) => this.dispatch({ type, target: entry.target, lines: read }),
      (error) =>
        this.dispatch({ type, target: entry.target, lines: (error as Error).message.split("\n") }),
    );
  }

  #create(effect: TuiEffect & { type: "create" }): void {
    createExperiment(join(this.#root, NEW_EXPERIMENTS_DIR), effect.name, effect.options).then(
      async (folder) => {
        const files = await Array.fromAsync(Deno.readDir(folder), (f) => f.name);
        this.#members.clear();
        this.dispatch({
          type: "created",
          target: relativePath(Deno.cwd(), folder),
          files: files.sort(),
        });
      },
      (error) => this.dispatch({ type: "create-failed", message: (error as Error).message }),
    );
  }

  /** Entry members by target, read once per listing (runs change them: cleared then). */
  readonly #members = new Map<string, Promise<EntryMember[]>>();

  #membersOf(entry: ListEntry): Promise<EntryMember[]> {
    let members = this.#members.get(entry.target);
    if (members === undefined) {
      members = entryMembers(entry);
      this.#members.set(entry.target, members);
      members.catch(() => this.#members.delete(entry.target));
    }
    return members;
  }

  /** Hands the terminal to the editor at once (from the key's handling: no key is lost to it). */
  #edit(target: EditTarget): void {
    const setting = editorSetting();
    if (setting === undefined) {
      this.dispatch({
        type: "notice",
        notice: "Set $EDITOR (e.g. export EDITOR=vim) to open files with e.",
      });
      return;
    }
    const roots = [resolvePath(this.#root), libraryRoot()];
    this.#terminal.suspend(async () => {
      const at = await locate(target, roots);
      if (at === undefined) {
        return "Nothing to open there: e opens a file inside the working directory (a step, config.yaml, a stack frame, an artifact).";
      }
      return await runEditor(setting, at);
    }).then(
      (notice) => {
        this.dispatch({ type: "notice", notice });
        // The file may have changed: read what shows it again.
        if (this.#model.screen === "config" && this.#model.config !== undefined) {
          this.#perform({ type: "load-config", file: this.#model.config.file });
        }
        this.#members.clear();
        this.#draw();
      },
      (error) => this.#fail(error),
    );
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
    const members = await this.#membersOf(entry).catch((error: Error) => {
      notice ??= error.message.split("\n")[0];
      return [] as EntryMember[];
    });
    return {
      type: "opened",
      target: entry.target,
      treatments,
      choices,
      persisted: folder !== undefined,
      tree: members.map((m) => treeNode(m.name, m.steps)),
      facts: members.map(memberFacts),
      queueUrls: await queueUrlsOf(members.flatMap((m) => m.configFile ?? [])),
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
      this.#members.clear();
      this.dispatch({
        type: "run-ended",
        ...runEnd(outcome, Deno.cwd()),
        errors: runErrors(outcome),
      });
      this.#membersOf(effect.entry).then(
        (members) =>
          this.dispatch({
            type: "facts",
            target: effect.entry.target,
            facts: members.map(memberFacts),
          }),
        () => {},
      );
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
