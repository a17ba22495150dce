/**
 * What a V8 CPU profile (`node --cpu-prof`) says in a few lines: the share of sampled time by
 * where the code lives (a package, the product's own modules, Node internals, GC, idle) and the
 * hottest functions by self time. Pure: takes the parsed profile.
 */

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly hitCount?: number;
}

/** The parts of a .cpuprofile file this reads. */
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

export interface ProfileShare {
  readonly name: string;
  /** Share of all samples, 0..1. */
  readonly share: number;
}

export interface ProfileSummary {
  readonly samples: number;
  /** Share of samples that were not idle: how busy the process was. */
  readonly busy: number;
  /** Busy time by where the code lives, largest first. */
  readonly byOwner: readonly ProfileShare[];
  /** Hottest functions by self time (share of busy time), largest first. */
  readonly topFunctions: readonly ProfileShare[];
}

/** Where a frame's code lives: a package name, `src/<folder>`, `node:internal`, or a V8 pseudo-frame. */
export function ownerOf(url: string, functionName: string): string {
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1] !== undefined) return pkg[1];
  if (url.startsWith("node:")) return "node:internal";
  // The product runs from dist/ (its src/ folders compiled one to one).
  const own = /\/(src|bench|dist)\/([^/]+)\//.exec(url);
  if (own?.[1] !== undefined && own[2] !== undefined) {
    return `${own[1] === "dist" ? "src" : own[1]}/${own[2]}`;
  }
  return "(other)";
}

function ranked(map: Map<string, number>, total: number, limit: number): ProfileShare[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, n]) => ({ name, share: total === 0 ? 0 : n / total }));
}

export function summarizeProfile(profile: CpuProfile, topN = 12): ProfileSummary {
  const hits = new Map<number, number>();
  if (profile.samples !== undefined && profile.samples.length > 0) {
    for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  } else {
    for (const n of profile.nodes) hits.set(n.id, n.hitCount ?? 0);
  }
  let samples = 0;
  let idle = 0;
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const n = hits.get(node.id) ?? 0;
    if (n === 0) continue;
    samples += n;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === "(idle)") {
      idle += n;
      continue;
    }
    const owner = ownerOf(url, functionName);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + n);
    const file = url.split("/").slice(-1)[0] ?? "";
    const fn =
      `${functionName === "" ? "(anonymous)" : functionName} ${file === "" ? "" : `${file}:${lineNumber + 1}`}`.trim();
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + n);
  }
  const busy = samples - idle;
  return {
    samples,
    busy: samples === 0 ? 0 : busy / samples,
    byOwner: ranked(byOwner, busy, topN),
    topFunctions: ranked(byFunction, busy, topN),
  };
}
