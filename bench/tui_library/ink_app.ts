/**
 * The selection screen's layout drawn with ink (React for terminals), for
 * `bench/tui_library.ts`: a heading, a list with one highlighted row, the key
 * help; `j` moves the cursor, `e` unmounts ink and hands the terminal to a
 * child that reads one line (as opening `$EDITOR` would), `q` quits.
 * @module
 */
// @ts-types="npm:@types/react@19.3.3"
import React from "npm:react@19.3.1";
import { Box, render, Text, useApp, useInput } from "npm:ink@8.0.0";

const h = React.createElement;
const ENTRIES = Array.from({ length: 12 }, (_, i) => `🧪 experiments/e${i}  e${i} · 10 replicates`);

function App({ onEditor }: { onEditor: () => void }) {
  const { exit } = useApp();
  const [cursor, setCursor] = React.useState(0);
  useInput((input) => {
    if (input === "q") exit();
    if (input === "j") setCursor((c) => Math.min(ENTRIES.length - 1, c + 1));
    if (input === "e") {
      onEditor();
      exit();
    }
  });
  return h(
    Box,
    { flexDirection: "column" },
    h(Text, null, "Crystallize · experiments and graphs below the working directory"),
    ...ENTRIES.map((e, i) =>
      h(Text, { key: e, inverse: i === cursor }, `${i === cursor ? "›" : " "} ${e}`)
    ),
    h(Text, null, `READY rss=${Math.round(Deno.memoryUsage().rss / 1024)} cursor ${cursor}`),
  );
}

let editor = false;
const app = render(h(App, { onEditor: () => editor = true }), { exitOnCtrlC: true });
await app.waitUntilExit();
if (editor) {
  const child = new Deno.Command("sh", {
    args: ["-c", 'read line; echo "child read: $line"'],
    stdin: "inherit",
    stdout: "inherit",
  }).spawn();
  await child.status;
}
Deno.exit(0);
