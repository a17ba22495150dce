/**
 * The one owner of the stored layout: which lengths get a table and each one's bucket, horizon
 * and TTL, from GEOHASH_LENGTHS, the LAYOUT_* sizing basis and the neighbour distance bound.
 * Every entry point asks this module, so the detector, the schema and the query side agree.
 */
import { buildLayout, searchLengths, type LayoutBasis } from "../domain/sizing/layout.js";
import type { LevelLayout, LevelSpec } from "../domain/sizing/levels.js";
import type { Config } from "./settings.js";

type LayoutConfig = Pick<
  Config,
  | "geohashLengths"
  | "mapLengths"
  | "maxNeighbourDistanceM"
  | "searchMaxCells"
  | "layoutEventsPerSecond"
  | "layoutRowBytes"
  | "layoutPartitionMb"
  | "layoutHotCellShare"
>;

/** The sizing basis the config states. */
export function layoutBasis(config: LayoutConfig): LayoutBasis {
  return {
    eventsPerSecond: config.layoutEventsPerSecond,
    rowBytes: config.layoutRowBytes,
    partitionBytes: config.layoutPartitionMb * 1_000_000,
    hotCellShare: config.layoutHotCellShare,
  };
}

/**
 * The stored lengths, longest first: the configured list, or (auto) those the distance bound can
 * use plus the map's coarse lengths.
 */
export function storedLengths(config: LayoutConfig): number[] {
  if (config.geohashLengths !== "auto") return [...config.geohashLengths].sort((a, b) => b - a);
  const lengths = new Set(searchLengths(config.maxNeighbourDistanceM, config.searchMaxCells));
  if (config.mapLengths !== "none") for (const l of config.mapLengths) lengths.add(l);
  return [...lengths].sort((a, b) => b - a);
}

/**
 * The stored lengths a search reads: those whose cells can help within the distance bound (a
 * map-only length would add rows from far beyond it to every read); all stored lengths when
 * none of them can.
 */
export function searchedLevels(config: LayoutConfig, layout: LevelLayout): LevelLayout {
  const useful = new Set(searchLengths(config.maxNeighbourDistanceM, config.searchMaxCells));
  const levels = layout.filter((l) => useful.has(l.length));
  return levels.length > 0 ? levels : layout;
}

/** The layout in use; throws (naming the settings) when the basis cannot size these lengths. */
export function configuredLayout(config: LayoutConfig): LevelLayout {
  try {
    return buildLayout(layoutBasis(config), storedLengths(config));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new RangeError(
      `GEOHASH_LENGTHS / LAYOUT_EVENTS_PER_SECOND / LAYOUT_ROW_BYTES / LAYOUT_PARTITION_MB / ` +
        `LAYOUT_HOT_CELL_SHARE give no usable layout: ${why}`,
    );
  }
}

/**
 * The length the cluster summary is counted from: the coarsest searched length (every event is
 * stored there, and its cells are the coarsest a search reads).
 */
export function summarySourceLevel(config: LayoutConfig, layout: LevelLayout): LevelSpec {
  const levels = searchedLevels(config, layout);
  const coarsest = levels.at(-1);
  if (coarsest === undefined) throw new Error("the layout has no levels");
  return coarsest;
}
