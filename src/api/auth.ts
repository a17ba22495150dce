/**
 * Bearer tokens on the query routes (@fastify/bearer-auth): with a tokens file, a /v1 request
 * without a known token is a 401, one whose token lacks the route's scope a 403. The token is
 * hashed before it is looked up and never logged; the caller's name is bound to the request log.
 */
import fastifyBearerAuth from "@fastify/bearer-auth";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { grants, tokenDigest, type Scope, type TokenHolder, type TokenTable } from "./tokens.js";

/** The scope each route needs, in its route config. */
export interface ScopeConfig {
  readonly scope?: Scope;
}

const MESSAGES: Record<string, string> = {
  FST_BEARER_AUTH_MISSING_AUTHORIZATION_HEADER:
    "this API needs a token: send 'Authorization: Bearer <token>'",
  FST_BEARER_AUTH_INVALID_AUTHORIZATION_HEADER: "the Authorization header must be 'Bearer <token>'",
};

/**
 * Requires a token on every route registered in `app` (an encapsulated context: the page and its
 * assets stay open, they hold no data). Call before registering the routes.
 */
export async function requireTokens(app: FastifyInstance, table: TokenTable): Promise<void> {
  const holders = new WeakMap<FastifyRequest, TokenHolder>();
  await app.register(fastifyBearerAuth, {
    keys: [],
    auth(key, req) {
      const holder = table.byDigest.get(tokenDigest(key));
      if (holder === undefined) return false;
      holders.set(req, holder);
      return true;
    },
    errorResponse(err) {
      const code = (err as { code?: string }).code ?? "";
      return {
        statusCode: 401,
        error: "Unauthorized",
        code: "UNAUTHORIZED",
        message: MESSAGES[code] ?? "the token is not known to this server",
      } as { error: string };
    },
    verifyErrorLogLevel: "info",
  });
  // Registered after the bearer check, so it runs after it: the holder is known here.
  app.addHook("onRequest", async (req, reply) => {
    const holder = holders.get(req);
    const needed = (req.routeOptions.config as ScopeConfig).scope;
    if (holder === undefined || needed === undefined) return;
    req.log = req.log.child({ caller: holder.name });
    if (!grants(holder, needed)) {
      await reply.code(403).send({
        statusCode: 403,
        error: "Forbidden",
        code: "FORBIDDEN",
        message: `token "${holder.name}" has scope ${[...holder.scopes].join(",")}; ${req.routeOptions.url ?? "this route"} needs ${needed}`,
      });
    }
  });
  app.addHook("onSend", async (_req, reply, payload) => {
    if (reply.statusCode === 401) reply.header("WWW-Authenticate", 'Bearer realm="geoanomaly"');
    return payload;
  });
}
