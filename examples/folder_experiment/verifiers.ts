/**
 * A custom verifier, referred to by name from config.yaml's `hypotheses`.
 * @module
 */
import { verifier } from "../../mod.ts";

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** How much the treatment lowers the metric's mean (positive = lower than baseline). */
export const meanDrop = verifier((baseline, treated, { metric }) => {
  return { drop: mean(baseline[metric]) - mean(treated[metric]) };
}, { name: "mean_drop", params: { metric: "mae" } });
