import { describe, expect, it } from "vitest";
import { readRepoFile } from "./markdown.js";

/** The README is the front door: it fits on a few screens and the rest lives in docs/. */
const MAX_LINES = 300;
const MAX_LINE_LENGTH = 200;

describe("README.md", () => {
  const lines = readRepoFile("README.md").replace(/\n$/, "").split("\n");

  it(`has at most ${MAX_LINES} lines`, () => {
    expect(lines.length).toBeLessThanOrEqual(MAX_LINES);
  });

  it(`has no line over ${MAX_LINE_LENGTH} characters outside tables`, () => {
    const long = lines
      .map((line, i) => ({ line: i + 1, length: [...line].length, table: line.startsWith("|") }))
      .filter((l) => !l.table && l.length > MAX_LINE_LENGTH);
    expect(long).toEqual([]);
  });
});
