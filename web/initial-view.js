// Where the map opens when its address names no view: over the busiest region of the world's
// clusters (the page asks for them at a low zoom first), not over a fixed point that may be
// empty ocean. Pure arithmetic on the clusters, loaded before map.js and unit-tested on its own.
"use strict";

(function define(root) {
  const EARTH_RADIUS_KM = 6371.0088;
  const RAD = Math.PI / 180;

  function distanceKm(a, b) {
    const dLat = (b.lat - a.lat) * RAD;
    const dLon = (b.lon - a.lon) * RAD;
    const h =
      Math.sin(dLat / 2) ** 2 +
      Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLon / 2) ** 2;
    return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  /**
   * The region with the most events: the cluster whose surroundings (clusters within
   * `radiusKm` of it) hold the most events, and the box around those clusters, padded by
   * `padDeg` and at least `minHalfDeg` either side of the busiest one. Longitudes are continued
   * past ±180 from the busiest cluster, so a region across the antimeridian is one box. Returns
   * null when there are no events.
   */
  function busiestRegion(clusters, options) {
    const opts = options || {};
    const radiusKm = opts.radiusKm === undefined ? 1000 : opts.radiusKm;
    const padDeg = opts.padDeg === undefined ? 1 : opts.padDeg;
    const minHalfDeg = opts.minHalfDeg === undefined ? 3 : opts.minHalfDeg;
    const live = (clusters || []).filter((c) => c.count > 0);
    if (live.length === 0) return null;
    let best = null;
    for (const c of live) {
      let around = 0;
      for (const d of live) if (distanceKm(c, d) <= radiusKm) around += d.count;
      if (
        best === null ||
        around > best.around ||
        (around === best.around && c.count > best.c.count)
      )
        best = { c, around };
    }
    const centre = best.c;
    let south = centre.lat - minHalfDeg;
    let north = centre.lat + minHalfDeg;
    let west = centre.lon - minHalfDeg;
    let east = centre.lon + minHalfDeg;
    for (const d of live) {
      if (distanceKm(centre, d) > radiusKm) continue;
      const lon = d.lon + 360 * Math.round((centre.lon - d.lon) / 360);
      south = Math.min(south, d.lat - padDeg);
      north = Math.max(north, d.lat + padDeg);
      west = Math.min(west, lon - padDeg);
      east = Math.max(east, lon + padDeg);
    }
    return {
      south: Math.max(-85, south),
      west,
      north: Math.min(85, north),
      east,
      lat: centre.lat,
      lon: centre.lon,
      events: best.around,
    };
  }

  root.geoanomalyView = { busiestRegion, distanceKm };
})(globalThis);
