/** Steps of the consumer experiment. @module */
import { pipelineStep } from "../../../mod.ts";

/** Records the mean of the producer's readings. */
export const meanTemperature = pipelineStep((data: { readings: number[] }, ctx) => {
  const { readings } = data;
  ctx.metrics.add("mean_temperature", readings.reduce((a, b) => a + b, 0) / readings.length);
  return data;
}, { name: "mean_temperature" });
