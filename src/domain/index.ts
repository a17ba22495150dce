/** The pure domain layer: parsing, levels and layout, geohash geometry, search, scoring and sizing. */
export * from "./event.js";
export * from "./levels.js";
export * from "./layout.js";
export * from "./geo.js";
export * from "./grid.js";
export * from "./cover.js";
export * from "./neighbours.js";
export * from "./search.js";
export * from "./density-hints.js";
export * from "./scoring.js";
export * from "./verdict.js";
export * from "./sizing.js";
