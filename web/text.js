// Text of the map page for people: HTML escaping, numbers, and the popup of an anomaly marker
// (value, expected ± spread, score, neighbours and the search), shared by the layers of map.js.
/* global window */
"use strict";

(function () {
  const esc = (s) =>
    String(s).replace(
      /[&<>"']/g,
      (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c],
    );
  const fmt = (x, digits = 2) => (typeof x === "number" ? x.toFixed(digits) : "-");

  function popupHtml(a) {
    const rows = [
      ["value", fmt(a.event.value)],
      ["expected", `${fmt(a.expected)} ± ${fmt(a.spread)}`],
      [
        "score",
        `${fmt(a.score)} (${esc(a.scorer)}, threshold ${a.threshold}, ${esc(a.direction)})`,
      ],
      [
        "neighbours",
        `${a.neighbours.count} (median ${fmt(a.neighbours.medianDistanceMeters)} m, farthest ${fmt(a.neighbours.maxDistanceMeters)} m)`,
      ],
      [
        "search length",
        `${a.search.geohashLength} (${esc(a.search.geohash)}, ${a.search.reads} reads, ${a.search.rowsRead} rows)`,
      ],
      ["time", esc(a.event.time)],
    ];
    return (
      `<b>Anomaly ${esc(a.event.id)}</b><table class="popup-table">` +
      rows.map(([k, v]) => `<tr><td>${k}</td><td>${v}</td></tr>`).join("") +
      "</table>"
    );
  }

  window.geoanomalyText = { esc, fmt, popupHtml };
})();
