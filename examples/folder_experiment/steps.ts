/**
 * Steps of the smoothing experiment. `smooth` declares a `window` parameter:
 * config.yaml leaves it open, so each treatment's `window` value is injected.
 * @module
 */
import { pipelineStep } from "../../mod.ts";

/** A signal with its ground truth. */
export interface Signal {
  readonly truth: readonly number[];
  readonly noisy: readonly number[];
}

/** Centred moving average of the noisy signal over `window` points. */
export const smooth = pipelineStep((data: Signal, _ctx, { window }) => {
  const half = Math.floor(window / 2);
  const smoothed = data.noisy.map((_, i) => {
    const part = data.noisy.slice(Math.max(0, i - half), i + half + 1);
    return part.reduce((a, b) => a + b, 0) / part.length;
  });
  return { truth: data.truth, noisy: smoothed };
}, { name: "smooth", params: { window: 1 } });

/** Records the mean absolute error against the truth as metric `mae`. */
export const score = pipelineStep((data: Signal, ctx) => {
  const errors = data.noisy.map((y, i) => Math.abs(y - data.truth[i]));
  ctx.metrics.add("mae", errors.reduce((a, b) => a + b, 0) / errors.length);
  return data;
}, { name: "score" });
