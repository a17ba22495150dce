/**
 * Who can reach a server from where it binds: a loopback address only this host; anything else
 * (0.0.0.0, ::, a real interface) the network. The query API warns at start when it is reachable
 * from the network without tokens, since its routes return every event's position and value.
 */
import { isIP } from "node:net";

/** Whether binding `host` keeps the server reachable from this host only. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, "");
  if (h === "localhost" || h === "::1") return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  return h.startsWith("::ffff:127.");
}

/** The start-up warning for an API reachable from the network without tokens, if it is. */
export function exposureWarning(host: string, tokensFile: string): string | undefined {
  if (tokensFile !== "" || isLoopbackHost(host)) return undefined;
  return (
    `the query API binds ${host} without API_TOKENS_FILE: anyone who can reach it reads every ` +
    "stored event's id, position, value and time. Set API_TOKENS_FILE (geoanomaly token create) " +
    "or bind a loopback address behind a proxy that authenticates"
  );
}
