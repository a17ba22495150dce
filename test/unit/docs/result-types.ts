/**
 * The fields an API answer really has, read from its TypeScript result type with the compiler:
 * nested objects and array items included, unions merged (a field of any member counts). What
 * the route serialises is that type, so a renamed or added field shows here without a fixture.
 */
import ts from "typescript";
import { fileExporting } from "./source-index.js";

/** Field name → the fields inside it (empty for a number, string, boolean or literal). */
export type FieldTree = ReadonlyMap<string, FieldTree>;

const LEAF =
  ts.TypeFlags.StringLike |
  ts.TypeFlags.NumberLike |
  ts.TypeFlags.BooleanLike |
  ts.TypeFlags.BigIntLike |
  ts.TypeFlags.EnumLike |
  ts.TypeFlags.Null |
  ts.TypeFlags.Undefined |
  ts.TypeFlags.Void |
  ts.TypeFlags.Never |
  ts.TypeFlags.Unknown |
  ts.TypeFlags.Any;

/** The field trees of the named exported types, from one compilation of the files declaring them. */
export function resultFields(typeNames: readonly string[]): Map<string, FieldTree> {
  const files = typeNames.map(fileExporting);
  const program = ts.createProgram([...new Set(files)], {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    noEmit: true,
    types: [],
  });
  const checker = program.getTypeChecker();

  const itemsOf = (type: ts.Type): readonly ts.Type[] | undefined => {
    if (checker.isArrayType(type) || checker.isTupleType(type))
      return checker.getTypeArguments(type as ts.TypeReference);
    return undefined;
  };

  const fieldsOf = (type: ts.Type, at: ts.Node, depth: number): FieldTree => {
    const out = new Map<string, FieldTree>();
    if (depth > 6) return out;
    const members = type.isUnion() ? type.types : [type];
    for (const member of members) {
      const items = itemsOf(member);
      if (items !== undefined) {
        for (const item of items) merge(out, fieldsOf(item, at, depth + 1));
        continue;
      }
      if ((member.flags & LEAF) !== 0) continue;
      for (const prop of checker.getPropertiesOfType(member)) {
        const inner = fieldsOf(checker.getTypeOfSymbolAtLocation(prop, at), at, depth + 1);
        merge(out, new Map([[prop.name, inner]]));
      }
    }
    return out;
  };

  const trees = new Map<string, FieldTree>();
  typeNames.forEach((name, i) => {
    const source = program.getSourceFile(files[i] ?? "");
    const declaration = source?.statements.find(
      (s): s is ts.InterfaceDeclaration | ts.TypeAliasDeclaration =>
        (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) && s.name.text === name,
    );
    if (declaration === undefined) throw new Error(`${name} is not an interface or type alias`);
    const symbol = checker.getSymbolAtLocation(declaration.name);
    if (symbol === undefined) throw new Error(`no symbol for ${name}`);
    trees.set(name, fieldsOf(checker.getDeclaredTypeOfSymbol(symbol), declaration, 0));
  });
  return trees;
}

function merge(into: Map<string, FieldTree>, from: FieldTree): void {
  for (const [name, inner] of from) {
    const known = into.get(name);
    if (known === undefined) into.set(name, inner);
    else {
      const both = new Map(known);
      merge(both, inner);
      into.set(name, both);
    }
  }
}
