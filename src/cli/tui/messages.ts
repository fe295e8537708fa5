/**
 * What reaches the terminal UI (actions: key presses and results of I/O)
 * and what it asks the I/O shell to do (effects). Plain data both ways, so
 * {@linkcode update} stays pure.
 * @module
 */
import type { GraphEvent } from "../../graph/experiment_graph.ts";
import type { ListEntry, Listing } from "../commands/list.ts";
import type { RunSettings } from "../runner/protocol.ts";
import type { Key } from "./keys.ts";
import type { RunState } from "./run_state.ts";

/** Something that happened: a key, or the result of an effect. */
export type TuiAction =
  | { readonly type: "key"; readonly key: Key }
  | { readonly type: "listed"; readonly listing: Listing }
  | { readonly type: "list-failed"; readonly message: string }
  | {
    readonly type: "opened";
    /** The entry's target, so a late answer for a screen already left is ignored. */
    readonly target: string;
    readonly treatments: readonly string[] | undefined;
    readonly choices: RunState;
    readonly persisted: boolean;
    /** Why saved choices could not be read, if they could not. */
    readonly notice?: string;
  }
  | { readonly type: "events"; readonly events: readonly GraphEvent[]; readonly now: number }
  | { readonly type: "output"; readonly text: string }
  | {
    readonly type: "run-ended";
    readonly status: "finished" | "failed" | "cancelled";
    readonly notice: string;
  }
  | { readonly type: "summary"; readonly target: string; readonly lines: readonly string[] }
  | { readonly type: "notice"; readonly notice: string };

/** Something the I/O shell is asked to do. */
export type TuiEffect =
  | { readonly type: "list" }
  | { readonly type: "open"; readonly entry: ListEntry }
  | { readonly type: "run"; readonly entry: ListEntry; readonly settings: RunSettings }
  | { readonly type: "cancel" }
  | { readonly type: "save"; readonly entry: ListEntry; readonly choices: RunState }
  | { readonly type: "summary"; readonly entry: ListEntry }
  | { readonly type: "report"; readonly entry: ListEntry }
  | { readonly type: "quit" };
