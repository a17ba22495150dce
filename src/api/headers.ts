/**
 * Response headers of every answer (@fastify/helmet): a Content-Security-Policy that lets the map
 * page load only its own scripts, styles and data (plus the tile server, when one is configured)
 * and be framed by nobody, `X-Content-Type-Options: nosniff`, no Referer leaving the page. CORS
 * (@fastify/cors) only for the origins listed; without a list a browser page from another origin
 * cannot read the API.
 */
import fastifyCors from "@fastify/cors";
import fastifyHelmet from "@fastify/helmet";
import type { FastifyInstance } from "fastify";

/** The origin (scheme and host) a tile URL template loads images from, as a CSP source. */
export function tileSource(tileUrl: string): string | undefined {
  const m = /^(https?:\/\/[^/]+)/.exec(tileUrl);
  // Leaflet's {s} picks a subdomain: allow them all.
  return m?.[1]?.replace("{s}", "*");
}

/** Registers the security headers and, when `corsOrigins` is not empty, CORS for those origins. */
export async function registerHeaders(
  app: FastifyInstance,
  opts: { readonly tileUrl: string; readonly corsOrigins: readonly string[] },
): Promise<void> {
  const tiles = tileSource(opts.tileUrl);
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // index.html's legend uses style attributes; Leaflet positions everything with inline styles.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:", ...(tiles === undefined ? [] : [tiles])],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: "deny" },
    // The server speaks plain HTTP; HSTS belongs to whatever terminates TLS in front of it.
    strictTransportSecurity: false,
    referrerPolicy: { policy: "no-referrer" },
  });
  if (opts.corsOrigins.length > 0) {
    await app.register(fastifyCors, {
      origin: [...opts.corsOrigins],
      methods: ["GET", "HEAD"],
      allowedHeaders: ["Authorization"],
      maxAge: 600,
    });
  }
}
