// The live map: clusters per zoom from /v1/clusters, refreshed by polling; anomalies from
// /v1/anomalies when the view changes, then live from the alert stream (/v1/alerts/stream, read by
// alert-stream.js), which resumes after a dropped connection without losing one. Leaflet and the country outlines
// are served by the same server from their npm packages. A server with API tokens is opened
// once as /?token=<token>: the page keeps the token in this tab's sessionStorage, removes it from
// the address bar at once (so it lands in no history, bookmark or Referer) and sends it as
// `Authorization: Bearer` with every API request.
// Opened without a view in its address, it first reads the world's clusters and opens over the
// busiest region (initial-view.js).
/* global L, topojson, document, window, fetch, location, history, sessionStorage, URLSearchParams, setInterval */
"use strict";

(async function main() {
  const statusEl = document.getElementById("status");
  const errorEl = document.getElementById("error");
  const windowEl = document.getElementById("window");
  const CLUSTER_POLL_MS = 15000;
  // The world's clusters are read at this zoom to find where to open. The view opens no closer
  // than zoom 5, so a busy region is shown with its surroundings: zoom 6 is the first of
  // geohash precision 4, and a large screen of it with the last hour is over the default
  // API_MAX_PARTITIONS (13,122 partitions at 1280 x 800).
  const OVERVIEW_ZOOM = 2;
  const INITIAL_MAX_ZOOM = 5;

  const TOKEN_KEY = "geoanomaly-token";
  const query = new URLSearchParams(location.search);
  if (query.has("token")) {
    sessionStorage.setItem(TOKEN_KEY, query.get("token"));
    query.delete("token");
    const rest = query.toString();
    history.replaceState(null, "", `${location.pathname}${rest ? `?${rest}` : ""}${location.hash}`);
  }
  const token = sessionStorage.getItem(TOKEN_KEY);
  const apiHeaders = token ? { Authorization: `Bearer ${token}` } : {};

  const config = await (await fetch("/config.json")).json();
  const fromHash = location.hash.replace(/^#/, "").split("/").map(Number);
  const map = L.map("map", { worldCopyJump: true, minZoom: 1, maxZoom: 20, zoomSnap: 1 });
  window.geoMap = map;
  // The view the address names; else the busiest region of the world's clusters; else the world.
  let initialView = { source: "address" };
  if (fromHash.length === 3 && fromHash.every(Number.isFinite)) {
    map.setView([fromHash[1], fromHash[2]], fromHash[0]);
  } else {
    const region = await busiestRegion();
    if (region === null) {
      initialView = { source: "world" };
      map.setView([30, 10], 2);
    } else {
      initialView = { source: "busiest", region };
      map.fitBounds(
        [
          [region.south, region.west],
          [region.north, region.east],
        ],
        { maxZoom: INITIAL_MAX_ZOOM, animate: false },
      );
    }
  }

  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { maxZoom: 20 }).addTo(map);
  } else {
    const topo = await (await fetch("/assets/world-atlas/countries-50m.json")).json();
    const countries = topojson.feature(topo, topo.objects.countries);
    for (const f of countries.features) unwrapGeometry(f.geometry);
    L.geoJSON(countries, {
      interactive: false,
      style: { color: "#6b7d8c", weight: 0.8, fillColor: "#f3efe4", fillOpacity: 1 },
    }).addTo(map);
  }
  // Outlines crossing lon ±180 (Russia, Fiji) would be drawn as lines across the whole map:
  // continue their longitudes past ±180 instead. Rings around the south pole are left as they are.
  function unwrapGeometry(g) {
    if (g === null) return;
    const polygons =
      g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
    for (const polygon of polygons) {
      for (let r = 0; r < polygon.length; r++) {
        const ring = polygon[r];
        if (ring.some((p) => p[1] <= -89.9)) continue;
        let offset = 0;
        let prev = ring[0][0];
        polygon[r] = ring.map(([lon, lat]) => {
          if (lon - prev > 180) offset -= 360;
          else if (lon - prev < -180) offset += 360;
          prev = lon;
          return [lon + offset, lat];
        });
      }
    }
  }

  const clusterLayer = L.layerGroup().addTo(map);
  const anomalyLayer = L.layerGroup().addTo(map);
  let anomalyMarkers = new Map();
  const state = {
    clusterDraws: 0,
    anomalyDraws: 0,
    lastClusters: null,
    initialView,
    stream: { state: "closed", alerts: 0, bbox: null },
  };
  window.mapState = state;

  const wrapLon = (lon) => ((((lon + 180) % 360) + 360) % 360) - 180;
  // Longitude copy nearest the view's centre, so markers show on the world copy being looked at.
  const nearView = (lon) => {
    const c = map.getCenter().lng;
    return lon + 360 * Math.round((c - lon) / 360);
  };
  const { esc, fmt, popupHtml } = window.geoanomalyText;

  function bbox() {
    const b = map.getBounds();
    let west = b.getWest();
    let east = b.getEast();
    if (east - west >= 360) {
      west = -180;
      east = 180;
    } else {
      west = wrapLon(west);
      east = wrapLon(east);
      if (east === -180) east = 180;
    }
    const south = Math.max(-90, b.getSouth());
    const north = Math.min(90, b.getNorth());
    return [west, south, east, north].map((v) => v.toFixed(5)).join(",");
  }

  function windowParams() {
    const to = Date.now();
    return `from=${to - Number(windowEl.value)}&to=${to}`;
  }

  async function getJson(path) {
    const res = await fetch(path, { headers: apiHeaders });
    const body = await res.json();
    if (res.status === 401) {
      throw new Error(`${body.message}: open this page as /?token=<your token>`);
    }
    if (!res.ok) throw new Error(body.message || `HTTP ${res.status}`);
    return body;
  }

  // The busiest region of the last window's events, or null when there are none or the server
  // refuses the world view (the first refresh then shows why).
  async function busiestRegion() {
    try {
      const body = await getJson(
        `/v1/clusters?bbox=-180,-90,180,90&zoom=${OVERVIEW_ZOOM}&${windowParams()}&limit=1`,
      );
      return body.mode === "clusters" ? window.geoanomalyView.busiestRegion(body.clusters) : null;
    } catch {
      return null;
    }
  }

  function showError(err) {
    errorEl.hidden = err === undefined;
    errorEl.textContent = err === undefined ? "" : String(err.message || err);
  }

  function clusterColour(share) {
    const t = Math.min(1, share / 0.05);
    return `hsl(${Math.round(140 * (1 - t))}, ${70 + 10 * t}%, ${42 + 8 * t}%)`;
  }

  let clusterRequest = 0;
  async function refreshClusters() {
    const mine = ++clusterRequest;
    const zoom = map.getZoom();
    try {
      const body = await getJson(
        `/v1/clusters?bbox=${bbox()}&zoom=${zoom}&${windowParams()}&limit=2000`,
      );
      if (mine !== clusterRequest) return;
      clusterLayer.clearLayers();
      if (body.mode === "events") {
        for (const e of body.events) {
          L.circleMarker([e.lat, nearView(e.lon)], {
            radius: 4,
            className: "event",
            color: "#1f4e79",
            weight: 1,
            fillOpacity: 0.7,
          })
            .bindTooltip(`${esc(e.id)}: ${fmt(e.value)} at ${esc(e.time)}`)
            .addTo(clusterLayer);
        }
      } else {
        const max = Math.max(1, ...body.clusters.map((c) => c.count));
        for (const c of body.clusters) {
          const colour = clusterColour(c.anomalies / c.count);
          L.circleMarker([c.lat, nearView(c.lon)], {
            radius: 5 + 25 * Math.sqrt(c.count / max),
            className: "cluster",
            color: colour,
            weight: 1.5,
            fillColor: colour,
            fillOpacity: 0.55,
          })
            .bindTooltip(`${c.count} events, ${c.anomalies} anomalies (geohash ${esc(c.geohash)})`)
            .addTo(clusterLayer);
        }
      }
      state.lastClusters = body;
      state.clusterDraws++;
      const what =
        body.mode === "events"
          ? `${body.events.length} events${body.truncated ? " (newest only)" : ""} from length ${body.length}`
          : `${body.clusters.length} clusters, precision ${body.precision}` +
            (body.length === body.precision ? "" : ` rolled up from length ${body.length}`);
      statusEl.textContent =
        `zoom ${zoom}: ${what}\n${body.from.slice(11, 19)}–${body.to.slice(11, 19)} UTC, ` +
        `${body.partitions} partitions read\nlive: updated ${new Date().toLocaleTimeString()}`;
      showError(undefined);
    } catch (err) {
      if (mine !== clusterRequest) return;
      clusterLayer.clearLayers();
      state.clusterDraws++;
      showError(err);
    }
  }

  function anomalyMarker(a, fresh) {
    return L.marker([a.event.lat, nearView(a.event.lon)], {
      icon: L.divIcon({
        className: `anomaly-marker${fresh ? " fresh" : ""}`,
        html: "!",
        iconSize: [18, 18],
      }),
      title: `anomaly ${a.event.id}`,
      riseOnHover: true,
    }).bindPopup(popupHtml(a));
  }

  // The window's alerts in the view, read once per view; the stream adds the new ones.
  let anomalyRequest = 0;
  async function loadAnomalies() {
    const mine = ++anomalyRequest;
    try {
      const body = await getJson(`/v1/anomalies?bbox=${bbox()}&${windowParams()}&limit=500`);
      if (mine !== anomalyRequest) return;
      for (const a of body.anomalies) {
        if (anomalyMarkers.has(a.event.id)) continue;
        const marker = anomalyMarker(a, false).addTo(anomalyLayer);
        anomalyMarkers.set(a.event.id, marker);
      }
      state.anomalyDraws++;
    } catch (err) {
      if (mine === anomalyRequest) showError(err);
    }
  }

  // One stream for the view's box, reopened when the view changes (it resumes by itself).
  let stream = null;
  function followAlerts() {
    if (stream !== null) stream.close();
    const box = bbox();
    state.stream = { state: "connecting", alerts: state.stream.alerts, bbox: box };
    stream = window.geoanomalyAlertStream.open(
      `/v1/alerts/stream?bbox=${box}`,
      apiHeaders,
      (a) => {
        state.stream.alerts++;
        if (anomalyMarkers.has(a.event.id)) return;
        anomalyMarkers.set(a.event.id, anomalyMarker(a, true).addTo(anomalyLayer));
        state.anomalyDraws++;
      },
      (s, detail) => {
        state.stream.state = s;
        if (s !== "failed") return;
        showError(
          new Error(
            detail.status === 401
              ? `${detail.message}: open this page as /?token=<your token>`
              : `live alerts stopped: ${detail.message}`,
          ),
        );
      },
    );
  }

  function resetAnomalies() {
    anomalyLayer.clearLayers();
    anomalyMarkers = new Map();
    followAlerts();
    void loadAnomalies();
  }

  function refreshAll() {
    location.replace(
      `#${map.getZoom()}/${map.getCenter().lat.toFixed(4)}/${map.getCenter().lng.toFixed(4)}`,
    );
    void refreshClusters();
    resetAnomalies();
  }
  map.on("moveend", refreshAll);
  windowEl.addEventListener("change", refreshAll);
  setInterval(() => void refreshClusters(), CLUSTER_POLL_MS);
  refreshAll();
})().catch((err) => {
  const el = document.getElementById("error");
  el.hidden = false;
  el.textContent = `the map failed to start: ${err.message || err}`;
});
