/**
 * What reaches the terminal UI (actions: key presses and results of I/O)
 * and what it asks the I/O shell to do (effects). Plain data both ways, so
 * {@linkcode update} stays pure.
 * @module
 */
import type { GraphEvent } from "../../graph/experiment_graph.ts";
import type { ListEntry, Listing } from "../commands/list.ts";
import type { RunSettings } from "../runner/protocol.ts";
import type { ScaffoldOptions } from "../scaffold.ts";
import type { Key } from "./keys.ts";
import type { MemberFacts, RunError } from "./model.ts";
import type { RunState } from "./run_state.ts";
import type { TreeNode } from "./run_tree.ts";

/** Something that happened: a key, or the result of an effect. */
export type TuiAction =
  | { readonly type: "key"; readonly key: Key }
  | { readonly type: "listed"; readonly listing: Listing }
  | { readonly type: "list-failed"; readonly message: string }
  | { readonly type: "details"; readonly target: string; readonly lines: readonly string[] }
  | {
    readonly type: "opened";
    /** The entry's target, so a late answer for a screen already left is ignored. */
    readonly target: string;
    readonly treatments: readonly string[] | undefined;
    readonly choices: RunState;
    readonly persisted: boolean;
    /** The experiments it runs, with their steps. */
    readonly tree: readonly TreeNode[];
    /** What their stored runs tell. */
    readonly facts: readonly MemberFacts[];
    /** Redis URLs their config.yaml files name for QueueExecution. */
    readonly queueUrls?: readonly string[];
    /** Why saved choices could not be read, if they could not. */
    readonly notice?: string;
  }
  | { readonly type: "events"; readonly events: readonly GraphEvent[]; readonly now: number }
  | { readonly type: "output"; readonly text: string }
  | {
    readonly type: "run-ended";
    readonly status: "finished" | "failed" | "cancelled";
    readonly notice: string;
    /** Every failure, with its stack. */
    readonly errors?: readonly RunError[];
  }
  | { readonly type: "summary"; readonly target: string; readonly lines: readonly string[] }
  /** What the stored runs tell after a run stored a new one. */
  | { readonly type: "facts"; readonly target: string; readonly facts: readonly MemberFacts[] }
  | { readonly type: "history"; readonly target: string; readonly lines: readonly string[] }
  | {
    readonly type: "create-ready";
    readonly available: readonly string[];
    readonly taken: readonly string[];
  }
  | { readonly type: "created"; readonly target: string; readonly files: readonly string[] }
  | { readonly type: "create-failed"; readonly message: string }
  | { readonly type: "config-loaded"; readonly file: string; readonly text: string }
  | { readonly type: "config-saved"; readonly file: string; readonly text: string }
  /** A one-line message for the screen shown. */
  | { readonly type: "notice"; readonly notice: string };

/** What `e` opens: a file at a line, a step's definition, or the first file a text names. */
export type EditTarget =
  | { readonly kind: "file"; readonly file: string; readonly line: number }
  | { readonly kind: "step"; readonly configFile: string; readonly step: string }
  | { readonly kind: "text"; readonly lines: readonly string[] };

/** Something the I/O shell is asked to do. */
export type TuiEffect =
  | { readonly type: "list" }
  | { readonly type: "details"; readonly entry: ListEntry }
  | { readonly type: "open"; readonly entry: ListEntry }
  | { readonly type: "run"; readonly entry: ListEntry; readonly settings: RunSettings }
  | { readonly type: "cancel" }
  | { readonly type: "save"; readonly entry: ListEntry; readonly choices: RunState }
  | { readonly type: "summary"; readonly entry: ListEntry }
  | { readonly type: "report"; readonly entry: ListEntry }
  | { readonly type: "history"; readonly entry: ListEntry }
  | { readonly type: "edit"; readonly target: EditTarget }
  | { readonly type: "create-init" }
  | { readonly type: "create"; readonly name: string; readonly options: ScaffoldOptions }
  | { readonly type: "load-config"; readonly file: string }
  | {
    readonly type: "save-config";
    readonly file: string;
    readonly text: string;
    readonly expected: string;
  }
  | { readonly type: "mouse"; readonly on: boolean }
  | { readonly type: "quit" };
