/**
 * A dependency-free SVG: throughput over time (checks/s per second, every row) on the left and
 * the end-to-end latency distribution (percentiles, log scale) of the default row on the right.
 */

export interface Series {
  readonly name: string;
  readonly points: readonly { x: number; y: number }[];
}

const COLORS = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf",
];
const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

function panel(
  x0: number,
  title: string,
  xLabel: string,
  yLabel: string,
  series: readonly Series[],
  logY: boolean,
): string {
  const w = 440;
  const h = 300;
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(1, ...all.map((p) => p.x));
  const yVals = all.map((p) => p.y).filter((y) => Number.isFinite(y) && (!logY || y > 0));
  const yMax = Math.max(1, ...yVals);
  const yMin = logY ? Math.max(0.01, Math.min(...yVals, yMax)) : 0;
  const sy = (y: number): number =>
    logY
      ? h -
        ((Math.log10(Math.max(y, yMin)) - Math.log10(yMin)) /
          Math.max(1e-9, Math.log10(yMax) - Math.log10(yMin))) *
          h
      : h - (y / yMax) * h;
  const sx = (x: number): number => (x / xMax) * w;
  const lines = series.map((s, i) => {
    const d = s.points
      .filter((p) => Number.isFinite(p.y))
      .map((p, j) => `${j === 0 ? "M" : "L"}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`)
      .join(" ");
    const color = COLORS[i % COLORS.length] ?? "#000";
    return `<path d="${d}" fill="none" stroke="${color}" stroke-width="1.5"/><text x="${w + 8}" y="${14 + i * 14}" font-size="10" fill="${color}">${esc(s.name)}</text>`;
  });
  const yTicks = logY ? [yMin, Math.sqrt(yMin * yMax), yMax] : [0, yMax / 2, yMax];
  return [
    `<g transform="translate(${x0},40)">`,
    `<text x="0" y="-14" font-size="13" font-weight="bold">${esc(title)}</text>`,
    `<rect x="0" y="0" width="${w}" height="${h}" fill="none" stroke="#999"/>`,
    ...yTicks.map(
      (t) =>
        `<text x="-4" y="${sy(t).toFixed(1)}" font-size="10" text-anchor="end">${t.toFixed(t < 10 ? 1 : 0)}</text>`,
    ),
    `<text x="0" y="${h + 14}" font-size="10">0</text><text x="${w}" y="${h + 14}" font-size="10" text-anchor="end">${xMax.toFixed(0)}</text>`,
    `<text x="${w / 2}" y="${h + 28}" font-size="11" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text x="-40" y="${h / 2}" font-size="11" transform="rotate(-90 -40 ${h / 2})" text-anchor="middle">${esc(yLabel)}</text>`,
    ...lines,
    `</g>`,
  ].join("\n");
}

/** The chart as SVG text. */
export function renderChart(throughput: readonly Series[], latency: readonly Series[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="1300" height="400" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    panel(60, "Throughput over time (max-rate phase)", "seconds", "checks/s", throughput, false),
    panel(760, "End-to-end latency distribution", "percentile", "ms (log)", latency, true),
    `</svg>`,
  ].join("\n");
}
