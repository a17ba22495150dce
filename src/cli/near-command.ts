import { Command, InvalidArgumentError } from "commander";
import { createNearEvaluator } from "../app/assembly.js";
import { withCassandra } from "../app/clients.js";
import { loadConfig } from "../config/load.js";
import { createMetrics } from "../observability/metrics.js";
import { queryNear } from "../query/near.js";
import { addConfigOptions, overridesFrom } from "./config-options.js";

function number(name: string, min: number, max: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a number in [${min}, ${max}]`);
    }
    return n;
  };
}

interface NearOptions extends Record<string, unknown> {
  lat: number;
  lon: number;
  value?: number;
  time?: string;
}

/** `geoanomaly near`: the neighbours the detector would use at a point, without storing anything. */
export function nearCommand(): Command {
  const cmd = new Command("near")
    .description(
      "Print the neighbours the detector would use at a point (nothing is stored), with distances",
    )
    .requiredOption("--lat <deg>", "latitude", number("--lat", -90, 90))
    .requiredOption("--lon <deg>", "longitude", number("--lon", -180, 180))
    .option(
      "--value <x>",
      "also score this value against the neighbours",
      number("--value", -Number.MAX_VALUE, Number.MAX_VALUE),
    )
    .option("--time <iso>", "search as of this time (default now)");
  addConfigOptions(cmd);
  cmd.action(async (opts: NearOptions) => {
    const config = loadConfig(overridesFrom(opts));
    const timeMs = opts.time === undefined ? Date.now() : Date.parse(opts.time);
    if (!Number.isFinite(timeMs))
      throw new InvalidArgumentError("--time must be an ISO-8601 date-time");
    // The same path as GET /v1/near: the detector's evaluation of the point, as the API answers it.
    const { search, neighbours, verdict } = await withCassandra(config, (client) =>
      queryNear(createNearEvaluator(config, client, createMetrics().pipeline), {
        lat: opts.lat,
        lon: opts.lon,
        k: config.searchK,
        timeMs,
        ...(opts.value === undefined ? {} : { value: opts.value }),
      }),
    );
    const window = `${new Date(search.windowFromMs).toISOString()} .. ${new Date(search.windowToMs).toISOString()}`;
    console.log(
      `${neighbours.length} neighbours (k=${config.searchK}, within ${config.maxNeighbourDistanceM} m, ${window}); ` +
        `search ${search.outcome} after ${search.reads} reads (${search.rowsRead} rows), last at geohash length ` +
        `${search.stopLength}, everything within ${Math.round(search.coveredRadiusMeters)} m read` +
        (search.windowCut ? "; window shortened by the per-partition row limit" : ""),
    );
    console.log("  #  distance_m  time                      value        lat         lon  id");
    neighbours.forEach((n, i) => {
      console.log(
        `${String(i + 1).padStart(3)}  ${n.distanceMeters.toFixed(1).padStart(10)}  ${n.time}  ` +
          `${n.value.toFixed(4).padStart(10)}  ${n.lat.toFixed(6).padStart(10)}  ${n.lon.toFixed(6).padStart(11)}  ${n.id}`,
      );
    });
    if (verdict !== undefined) {
      if (verdict.kind === "insufficient")
        console.log(
          `verdict: insufficient (${verdict.reason}: ${verdict.neighbourCount} neighbours, minimum ${config.minNeighbours})`,
        );
      else
        console.log(
          `verdict: ${verdict.anomalous ? "ANOMALY" : "normal"} — ${verdict.scorer} score ${verdict.score.toFixed(3)} ` +
            `(threshold ${verdict.threshold}), expected ${verdict.expected.toFixed(4)} ± ${verdict.spread.toFixed(4)}`,
        );
    }
  });
  return cmd;
}
