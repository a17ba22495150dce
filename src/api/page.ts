/**
 * The map page at `/`: its own files from `web/`, and Leaflet, topojson-client and the Natural
 * Earth country outlines (world-atlas) served from their npm packages, never from a CDN.
 */
import { createRequire } from "node:module";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import { REPO_ROOT } from "../servers/paths.js";

/** What the page needs to know about the server, served as /config.json. */
export interface PageConfig {
  /** XYZ tile URL template, or "" for the packaged country outlines. */
  readonly tileUrl: string;
  /** Geohash lengths stored, longest first. */
  readonly storedLengths: readonly number[];
  /** Partition budget of one request (the page explains a refusal with it). */
  readonly maxPartitions: number;
}

const require = createRequire(import.meta.url);

function packageDir(name: string): string {
  return path.dirname(require.resolve(`${name}/package.json`));
}

/** Where the page's assets live, by URL prefix. */
export function pageAssets(): { prefix: string; root: string }[] {
  return [
    { prefix: "/assets/leaflet/", root: path.join(packageDir("leaflet"), "dist") },
    { prefix: "/assets/topojson-client/", root: path.join(packageDir("topojson-client"), "dist") },
    { prefix: "/assets/world-atlas/", root: packageDir("world-atlas") },
    { prefix: "/", root: path.join(REPO_ROOT, "web") },
  ];
}

export async function registerPage(app: FastifyInstance, config: PageConfig): Promise<void> {
  let decorated = false;
  for (const { prefix, root } of pageAssets()) {
    await app.register(fastifyStatic, {
      root,
      prefix,
      decorateReply: !decorated,
      index: ["index.html"],
      schemaHide: true,
      maxAge: prefix === "/" ? 0 : 3_600_000,
    });
    decorated = true;
  }
  app.get("/config.json", { schema: { hide: true } }, () => config);
}
