/** The pure domain layer: parsing, levels, geohash geometry, search, scoring and sizing. */
export * from "./event.js";
export * from "./levels.js";
export * from "./geo.js";
export * from "./search.js";
export * from "./scoring.js";
export * from "./sizing.js";
export * from "./start-hints.js";
