import { expect } from "vitest";

/**
 * Checks that `text` (a rendered report, a properties file) holds every one of `parts`; a failure
 * names the missing part, so a table of expected lines reads as well as one assertion per line.
 */
export function expectToContainAll(text: string, parts: readonly string[]): void {
  for (const part of parts) expect(text, `holds ${part}`).toContain(part);
}
