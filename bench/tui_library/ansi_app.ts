/**
 * The terminal UI's real selection screen (`renderScreen`, `openTerminal`)
 * with a fixed listing, for `bench/tui_library.ts`: `j` moves the cursor,
 * `e` suspends the terminal and hands it to a child that reads one line (as
 * opening `$EDITOR` does), `q` quits.
 * @module
 */
import type { ListEntry } from "../../src/cli/commands/list.ts";
import { initialModel } from "../../src/cli/tui/model.ts";
import { renderScreen } from "../../src/cli/tui/screen.ts";
import { openTerminal } from "../../src/cli/tui/terminal.ts";
import { update } from "../../src/cli/tui/update.ts";

const entries: ListEntry[] = Array.from({ length: 12 }, (_, i) => ({
  target: `experiments/e${i}`,
  name: `e${i}`,
  kind: "folder",
  group: "Experiments",
  priority: 999,
  icon: "🧪",
  hidden: false,
  replicates: 10,
  description: "",
}));

const terminal = openTerminal();
let model =
  update(initialModel(), { type: "listed", listing: { experiments: entries, errors: [] } })
    .model;
const draw = (marker: string) => {
  const { columns, rows } = terminal.size();
  const rss = Math.round(Deno.memoryUsage().rss / 1024);
  terminal.draw([
    ...renderScreen(model, columns, rows - 1),
    `${marker} rss=${rss} cursor ${model.selection.cursor}`,
  ]);
};
draw("READY");
const done = Promise.withResolvers<void>();
terminal.readKeys((keys) => {
  for (const key of keys) {
    if (key === "q") return done.resolve();
    // As the UI does: the terminal is handed over from the key's handling.
    if (key === "e") {
      return void terminal.suspend(async () => {
        const child = new Deno.Command("sh", {
          args: ["-c", 'read line; echo "child read: $line"'],
          stdin: "inherit",
          stdout: "inherit",
        }).spawn();
        await child.status;
      }).then(() => done.resolve());
    }
    model = update(model, { type: "key", key }).model;
  }
  draw("READY");
});
await done.promise;
terminal.restore();
Deno.exit(0);
