/**
 * The "Response fields:" lists of docs/api.md: under a route's heading, a bulleted list whose
 * items start with the backticked names they describe and a colon (`a`, `b`: ...), with
 * sub-items, indented, for the fields inside a field.
 */

export interface DocumentedField {
  readonly names: readonly string[];
  readonly line: number;
  readonly children: DocumentedField[];
}

const ITEM = /^( *)- (.*)$/;
const NAMES = /^`[^`]+`(?:(?:, | and )`[^`]+`)*$/;

/** The section of `markdown` under the heading that names `route` (e.g. "GET /v1/near"). */
function section(markdown: string, route: string): { lines: string[]; start: number } {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => /^#{2,4} /.test(l) && l.includes(`\`${route}`));
  if (start < 0) throw new Error(`no heading names ${route}`);
  const end = lines.findIndex((l, i) => i > start && /^#{1,4} /.test(l));
  return { lines: lines.slice(start + 1, end < 0 ? undefined : end), start: start + 1 };
}

/** The documented response fields of `route`; throws when its list is missing or malformed. */
export function responseFields(markdown: string, route: string): DocumentedField[] {
  const { lines, start } = section(markdown, route);
  const intro = lines.findIndex((l) => l.trim() === "Response fields:");
  if (intro < 0) throw new Error(`${route}: no "Response fields:" list`);
  const top: DocumentedField[] = [];
  const open: { indent: number; field: DocumentedField }[] = [];
  for (let i = intro + 1; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const item = ITEM.exec(line);
    if (item === null) {
      if (line.trim() === "" && top.length === 0) continue;
      if (line.startsWith("  ") && top.length > 0) continue; // an item's continuation
      if (line.trim() === "" && ITEM.test(lines[i + 1] ?? "")) continue;
      break;
    }
    const indent = (item[1] ?? "").length;
    const text = item[2] ?? "";
    const head = text.split(": ")[0] ?? "";
    if (!NAMES.test(head)) {
      throw new Error(`${route}, line ${start + i + 1}: an item must start with \`field\`: ...`);
    }
    const field: DocumentedField = {
      names: [...head.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? ""),
      line: start + i + 1,
      children: [],
    };
    while (open.length > 0 && (open.at(-1)?.indent ?? 0) >= indent) open.pop();
    const parent = open.at(-1);
    if (parent === undefined) top.push(field);
    else parent.field.children.push(field);
    open.push({ indent, field });
  }
  if (top.length === 0) throw new Error(`${route}: the "Response fields:" list is empty`);
  return top;
}
