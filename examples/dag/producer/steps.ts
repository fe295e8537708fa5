/** Steps of the producer experiment. @module */
import { pipelineStep } from "../../../mod.ts";
import { readings } from "./outputs.ts";

/** Adds the calibration `offset` to every reading. */
export const calibrate = pipelineStep(
  (data: number[], _ctx, { offset }) => data.map((x) => x + offset),
  { name: "calibrate", params: { offset: 0 } },
);

/** Stores the readings as the `readings` artifact and records their mean. */
export const saveReadings = pipelineStep((data: number[], ctx) => {
  readings.write(ctx, data);
  ctx.metrics.add("mean_reading", data.reduce((a, b) => a + b, 0) / data.length);
  return data;
}, { name: "save_readings" });
