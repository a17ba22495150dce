import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { REPO, readRepoFile } from "./markdown.js";

/**
 * The README's contract examples, each with the schema its section names: a section (### heading)
 * whose prose names one `schema/….schema.json` before its first JSON block.
 */
function examples(markdown: string): { heading: string; schema: string; json: string }[] {
  return markdown
    .split(/^### /m)
    .slice(1)
    .flatMap((section) => {
      const heading = section.split("\n")[0] ?? "";
      const block = /```json\n([\s\S]*?)\n```/.exec(section);
      if (block === null) return [];
      const before = section.slice(0, block.index);
      const schemas = [...new Set(before.match(/schema\/[\w.-]+\.schema\.json/g) ?? [])];
      if (schemas.length !== 1) return [];
      return [{ heading, schema: schemas[0] ?? "", json: block[1] ?? "" }];
    });
}

function validator(schemaFile: string) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  return ajv.compile(JSON.parse(readFileSync(path.join(REPO, schemaFile), "utf8")) as object);
}

describe("README contract examples", () => {
  const found = examples(readRepoFile("README.md"));

  it("shows an input event and an alert, each under the schema it follows", () => {
    expect(found.map((e) => e.schema).sort()).toEqual([
      "schema/anomaly-alert.v2.schema.json",
      "schema/geo-event.v1.schema.json",
    ]);
  });

  for (const example of found) {
    it(`${example.heading}: the example is valid against ${example.schema}`, () => {
      const validate = validator(example.schema);
      const valid = validate(JSON.parse(example.json));
      expect(validate.errors ?? [], example.heading).toEqual([]);
      expect(valid).toBe(true);
    });
  }
});
