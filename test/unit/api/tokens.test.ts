import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { exposureWarning, isLoopbackHost } from "../../../src/api/exposure.js";
import {
  grants,
  loadTokensFile,
  newToken,
  parseTokens,
  tokenDigest,
  tokenLine,
} from "../../../src/api/tokens.js";

describe("API tokens file", () => {
  it("stores the SHA-256 of a token, never the token", () => {
    expect(tokenDigest("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    const token = newToken();
    expect(token).toMatch(/^gat_[A-Za-z0-9_-]{43}$/);
    expect(newToken()).not.toBe(token);
    const line = tokenLine("alice", ["read"], token);
    expect(line).not.toContain(token);
    const parsed = parseTokens(`# who may read\n\n${line}\nbob map ${tokenDigest("b")}\n`);
    expect("table" in parsed).toBe(true);
    if (!("table" in parsed)) return;
    const alice = parsed.table.byDigest.get(tokenDigest(token));
    expect(alice?.name).toBe("alice");
    const bob = parsed.table.byDigest.get(tokenDigest("b"));
    expect(bob !== undefined && grants(bob, "map")).toBe(true);
    expect(bob !== undefined && grants(bob, "read")).toBe(false);
    expect(alice !== undefined && grants(alice, "map")).toBe(true);
  });

  it("names every bad line and what is wrong with it", () => {
    const d = tokenDigest("x");
    const parsed = parseTokens(
      [
        `alice read ${d}`,
        "bob read",
        `carol write ${tokenDigest("c")}`,
        `dave read ${d.toUpperCase()}`,
        `alice map ${tokenDigest("a2")}`,
        `erin read ${d}`,
      ].join("\n"),
    );
    expect("problems" in parsed && parsed.problems).toEqual([
      "line 2: expected '<name> <scope> <sha256-hex>', got 2 field(s)",
      'line 3: scope "write" must be one or more of read, map separated by commas',
      "line 4: the hash must be 64 lower-case hex digits (SHA-256 of the token)",
      'line 5: name "alice" is used twice',
      "line 6: the same token hash is listed twice",
    ]);
    expect(parseTokens("# nothing\n")).toEqual({ problems: ["no token in the file"] });
  });

  it("fails at start naming API_TOKENS_FILE for a missing or bad file", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "geoanomaly-tokens-"));
    expect(() => loadTokensFile(path.join(dir, "none"))).toThrow(
      /API_TOKENS_FILE \(--api-tokens-file\) = ".*none": no readable file there/,
    );
    const bad = path.join(dir, "bad");
    writeFileSync(bad, "alice read nothex\n");
    expect(() => loadTokensFile(bad)).toThrow(/API_TOKENS_FILE.*line 1: the hash must be/);
    const good = path.join(dir, "good");
    writeFileSync(good, `${tokenLine("alice", ["read"], "t")}\n`);
    expect(loadTokensFile(good).byDigest.size).toBe(1);
  });
});

describe("exposure of a bound address", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.0.0.41", true],
    ["localhost", true],
    ["::1", true],
    ["[::1]", true],
    ["0.0.0.0", false],
    ["::", false],
    ["10.1.2.3", false],
    ["api.example", false],
  ])("%s is loopback: %s", (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });

  it("warns only for a non-loopback address without tokens", () => {
    expect(exposureWarning("127.0.0.1", "")).toBeUndefined();
    expect(exposureWarning("0.0.0.0", "/run/secrets/tokens")).toBeUndefined();
    expect(exposureWarning("0.0.0.0", "")).toMatch(/binds 0\.0\.0\.0 without API_TOKENS_FILE/);
  });
});
