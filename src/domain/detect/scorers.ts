/** Every scorer under its configured name (SCORER in the settings). */
import { cusumScore, robustScore, zScore, type Scorer, type ScorerName } from "./scoring.js";
import { localScore, trendScore } from "./spatial-scorers.js";

/** Scorers by name, for configuration and benchmarks. */
export const SCORERS: Readonly<Record<ScorerName, Scorer>> = {
  robust: robustScore,
  zscore: zScore,
  cusum: cusumScore,
  trend: trendScore,
  local: localScore,
};
