/** Colours the report's plots share, so the baseline reads the same in every chart. */
export const PALETTE = {
  /** The baseline: warm, to stand out. */
  baseline: "#d95f02",
  /** Treatments. */
  treatment: "#1b6ca8",
  /** Means, intervals and reference lines. */
  ink: "#222222",
  /** Significant verdicts. */
  significant: "#1a9850",
  /** Cache hits. */
  cached: "#7b3294",
} as const;
