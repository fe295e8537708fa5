import type { ReportEdge } from "../report_input.ts";
import type { VegaLiteSpec } from "../render_svg.ts";
import { PALETTE } from "./palette.ts";

/** Width of a column of the drawn graph, px (boxes are 160 px wide). */
const COLUMN_PX = 280;
/** Height of a row, px (boxes are 48 px high). */
const ROW_PX = 90;

/** Where a node of the drawn graph sits: its layer (longest path from a source) and row in it. */
export interface NodePlace {
  /** Experiment name. */
  readonly name: string;
  /** Column: 0 for experiments reading no other. */
  readonly layer: number;
  /** Row within the column. */
  readonly row: number;
}

/**
 * Places the experiments in columns by dependency depth — producers left,
 * readers right of everything they read — and rows in the order given.
 * Edges naming unknown experiments are ignored; the graph is acyclic (it
 * was built).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { placeNodes } from "./graph_spec.ts";
 *
 * const places = placeNodes(["a", "b", "c"], [
 *   { from: "a", to: "b", artifact: "x" },
 *   { from: "b", to: "c", artifact: "y" },
 *   { from: "a", to: "c", artifact: "x" },
 * ]);
 * assert.deepEqual(places.map((p) => p.layer), [0, 1, 2]);
 * ```
 */
export function placeNodes(nodes: readonly string[], edges: readonly ReportEdge[]): NodePlace[] {
  const depth = new Map<string, number>();
  const depthOf = (name: string, seen: ReadonlySet<string>): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    const ups = edges.filter((e) => e.to === name && nodes.includes(e.from) && !seen.has(e.from));
    const d = ups.length === 0
      ? 0
      : 1 + Math.max(...ups.map((e) => depthOf(e.from, new Set([...seen, name]))));
    depth.set(name, d);
    return d;
  };
  const rows = new Map<number, number>();
  return nodes.map((name) => {
    const layer = depthOf(name, new Set());
    const row = rows.get(layer) ?? 0;
    rows.set(layer, row + 1);
    return { name, layer, row };
  });
}

/** Each edge as drawn: its ends, where its arrowhead sits and points, where its label goes. */
function edgeLines(places: readonly NodePlace[], edges: readonly ReportEdge[]) {
  const at = new Map(places.map((p) => [p.name, p]));
  return edges.flatMap((e) => {
    const a = at.get(e.from);
    const b = at.get(e.to);
    if (a === undefined || b === undefined) return [];
    // Screen angle of the arrow, in px: rows grow downwards, columns rightwards.
    const angle = Math.atan2((b.row - a.row) * ROW_PX, (b.layer - a.layer) * COLUMN_PX) * 180 /
      Math.PI;
    return [{
      x: a.layer,
      y: a.row,
      x2: b.layer,
      y2: b.row,
      hx: a.layer + 0.6 * (b.layer - a.layer),
      hy: a.row + 0.6 * (b.row - a.row),
      angle,
      mx: (a.layer + b.layer) / 2,
      my: (a.row + b.row) / 2,
      artifact: e.artifact,
    }];
  });
}

/**
 * The dependency graph drawn: a box per experiment, an arrow from each
 * producer to each experiment reading it, labelled with the output read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { graphSpec } from "./graph_spec.ts";
 *
 * const spec = graphSpec(["producer", "consumer"], [{ from: "producer", to: "consumer", artifact: "readings" }]);
 * assert.equal((spec.layer as unknown[]).length, 5); // edges, arrowheads, edge labels, boxes, names
 * ```
 */
export function graphSpec(nodes: readonly string[], edges: readonly ReportEdge[]): VegaLiteSpec {
  const places = placeNodes(nodes, edges);
  const lines = edgeLines(places, edges);
  const layers = Math.max(...places.map((p) => p.layer), 0);
  const rows = Math.max(...places.map((p) => p.row), 0);
  const x = { type: "quantitative", axis: null, scale: { domain: [-0.5, layers + 0.5] } };
  const y = { type: "quantitative", axis: null, scale: { domain: [-0.5, rows + 0.5] } };
  return {
    width: COLUMN_PX * (layers + 1),
    height: ROW_PX * (rows + 1),
    title: { text: "Dependencies", subtitle: "arrows: who reads whose output", anchor: "start" },
    layer: [
      {
        data: { values: lines },
        mark: { type: "rule", strokeWidth: 2, color: PALETTE.ink },
        encoding: {
          x: { ...x, field: "x" },
          y: { ...y, field: "y" },
          x2: { field: "x2" },
          y2: { field: "y2" },
        },
      },
      {
        data: { values: lines },
        mark: {
          type: "point",
          shape: "triangle-right",
          filled: true,
          size: 160,
          color: PALETTE.ink,
        },
        encoding: {
          x: { ...x, field: "hx" },
          y: { ...y, field: "hy" },
          angle: { field: "angle", type: "quantitative", scale: null },
        },
      },
      {
        data: { values: lines },
        mark: { type: "text", dy: -10, fontStyle: "italic" },
        encoding: {
          x: { ...x, field: "mx" },
          y: { ...y, field: "my" },
          text: { field: "artifact" },
        },
      },
      {
        data: { values: places },
        mark: {
          type: "point",
          // A box 160 px wide and 48 px high (custom shapes span −1…1 of √size).
          shape: "M-1,-0.3H1V0.3H-1Z",
          size: 160 * 160,
          opacity: 1,
          filled: true,
          color: "#eef3f8",
          stroke: PALETTE.treatment,
          strokeWidth: 2,
        },
        encoding: { x: { ...x, field: "layer" }, y: { ...y, field: "row" } },
      },
      {
        data: { values: places },
        mark: { type: "text", fontWeight: "bold", fontSize: 12 },
        encoding: {
          x: { ...x, field: "layer" },
          y: { ...y, field: "row" },
          text: { field: "name" },
        },
      },
    ],
  };
}
