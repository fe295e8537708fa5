/** Artifacts of the producer experiment: steps import them to write. @module */
import { Artifact } from "../../../mod.ts";

/** The calibrated readings of one replicate, as JSON. */
export const readings = new Artifact<number[]>("readings.json", {
  format: "json",
  description: "calibrated sensor readings",
});
