/**
 * API tokens, hashed at rest: the tokens file holds one `<name> <scopes> <sha256-hex>` line per
 * token (`#` comments and blank lines allowed), never a token itself, so a leaked file or backup
 * grants nothing. A request's bearer token is hashed and looked up; the name says who called, the
 * scopes what it may read.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { GeoAnomalyError } from "../errors.js";

/** What a token may read: `read` every query route; `map` only the aggregates the map draws. */
export const SCOPES = ["read", "map"] as const;
export type Scope = (typeof SCOPES)[number];

/** Who a token belongs to and what it may read. */
export interface TokenHolder {
  readonly name: string;
  readonly scopes: ReadonlySet<Scope>;
}

/** The tokens a server accepts, by the SHA-256 of the token. */
export interface TokenTable {
  readonly byDigest: ReadonlyMap<string, TokenHolder>;
}

const NAME = /^[A-Za-z0-9._@-]{1,64}$/;
const DIGEST = /^[0-9a-f]{64}$/;

/** The SHA-256 of a token as lower-case hex: what the tokens file stores. */
export function tokenDigest(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** A new random token (256 bits, base64url), prefixed so it is recognisable in a secret store. */
export function newToken(): string {
  return `gat_${randomBytes(32).toString("base64url")}`;
}

/** The tokens-file line for a token (its hash, never the token). */
export function tokenLine(name: string, scopes: readonly Scope[], token: string): string {
  return `${name} ${scopes.join(",")} ${tokenDigest(token)}`;
}

/** Checks a name and a scope list as the file needs them; a message saying what is wrong, or undefined. */
export function tokenFieldProblem(name: string, scopes: string): string | undefined {
  if (!NAME.test(name)) return `name "${name}" must be 1-64 of A-Z a-z 0-9 . _ @ -`;
  const unknown = scopes.split(",").filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (scopes === "" || unknown.length > 0) {
    return `scope "${scopes}" must be one or more of ${SCOPES.join(", ")} separated by commas`;
  }
  return undefined;
}

/**
 * Parses a tokens file: every problem with its line number, or the table. Names and hashes must
 * be unique, so a line cannot silently shadow another.
 */
export function parseTokens(text: string): { table: TokenTable } | { problems: string[] } {
  const byDigest = new Map<string, TokenHolder>();
  const names = new Set<string>();
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const at = `line ${i + 1}`;
    const fields = line.split(/\s+/);
    if (fields.length !== 3) {
      problems.push(`${at}: expected '<name> <scope> <sha256-hex>', got ${fields.length} field(s)`);
      return;
    }
    const [name, scopes, digest] = fields as [string, string, string];
    const problem = tokenFieldProblem(name, scopes);
    if (problem !== undefined) problems.push(`${at}: ${problem}`);
    else if (!DIGEST.test(digest))
      problems.push(`${at}: the hash must be 64 lower-case hex digits (SHA-256 of the token)`);
    else if (names.has(name)) problems.push(`${at}: name "${name}" is used twice`);
    else if (byDigest.has(digest)) problems.push(`${at}: the same token hash is listed twice`);
    else {
      names.add(name);
      byDigest.set(digest, { name, scopes: new Set(scopes.split(",") as Scope[]) });
    }
  });
  if (problems.length === 0 && byDigest.size === 0) problems.push("no token in the file");
  return problems.length > 0 ? { problems } : { table: { byDigest } };
}

/** Whether a holder's scopes grant `needed`: `read` grants everything `map` does. */
export function grants(holder: TokenHolder, needed: Scope): boolean {
  return holder.scopes.has(needed) || (needed === "map" && holder.scopes.has("read"));
}

/** Reads and parses API_TOKENS_FILE; a bad file stops the start, naming the setting and the lines. */
export function loadTokensFile(file: string): TokenTable {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new GeoAnomalyError(
      "CONFIG_INVALID",
      `API_TOKENS_FILE (--api-tokens-file) = ${JSON.stringify(file)}: no readable file there`,
      { cause: err },
    );
  }
  const parsed = parseTokens(text);
  if ("problems" in parsed) {
    throw new GeoAnomalyError(
      "CONFIG_INVALID",
      `API_TOKENS_FILE (--api-tokens-file) = ${JSON.stringify(file)}: ${parsed.problems.join("; ")}`,
    );
  }
  return parsed.table;
}
