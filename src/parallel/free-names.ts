/**
 * Which names a function's source uses without defining them — the names a worker could not
 * resolve. A real parser (acorn) and a real scope analyser (eslint-scope, the one ESLint's
 * `no-undef` rule runs on) do the work: hoisting, destructuring, shadowing, labels, class
 * bodies and `arguments` are all handled the way the language defines them, which a regex
 * never could.
 */
import { parse } from "acorn";
import { ancestor } from "acorn-walk";
import { analyze } from "eslint-scope";
import type * as ESTree from "estree";

// The names a CommonJS wrapper gives a module's code; a function compiled in a worker gets none.
const COMMONJS_WRAPPER = new Set(["require", "module", "exports", "__dirname", "__filename"]);

/**
 * Names every worker (thread or child process) has on its `globalThis`: ECMAScript's built-ins
 * and Node's web-platform and process globals. Read from this thread's own `globalThis` when the
 * module loads, so it always matches the running Node (a worker thread and a child process of
 * the same Node have exactly the main thread's globals), never a list that ages with new versions.
 */
export const WORKER_GLOBALS: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(globalThis).filter((name) => !COMMONJS_WRAPPER.has(name)),
  // Not a global, but defined by the worker's compile wrapper (see run-batch.ts): esbuild, and
  // so tsx, wraps inner functions in `__name(fn, "name")` to keep their names.
  "__name",
]);

/**
 * Where a missing name comes from, as far as the compiled source tells:
 * - `"outside"`: a plain free name (`x * rate`);
 * - `"cell"`: tslab compiles a reference to an earlier cell's name `rate` into `exports.rate`;
 * - `"import"`: TypeScript compiles a call of an imported `timeIt` into `(0, mod_1.timeIt)(…)`.
 */
export type MissingNameOrigin = "outside" | "cell" | "import";

/** A name the function uses but does not define (see {@link findMissingNames}). */
export interface MissingName {
  readonly name: string;
  readonly origin: MissingNameOrigin;
}

/** What {@link parseFunctionSource} found. */
export interface ParsedFunction {
  /** The source to compile in a worker: an expression whose value is the function. */
  readonly expression: string;
  readonly isClass: boolean;
  readonly program: ESTree.Program;
}

/**
 * Parse the text of `fn.toString()` as an expression. Function declarations, function
 * expressions and arrows parse as `(source)`; a method written with the shorthand syntax
 * (`{ m(x) { … } }.m.toString()` is `m(x) { … }`) parses as the value of `({ source })`.
 * @returns `undefined` when neither parses (e.g. `[native code]`).
 */
export function parseFunctionSource(source: string): ParsedFunction | undefined {
  for (const [prefix, suffix, isMethod] of [["(", "\n)", false], ["({", "\n})", true]] as const) {
    const text = prefix + source + suffix;
    let program: ESTree.Program;
    try {
      program = parse(text, { ecmaVersion: "latest", sourceType: "script", ranges: true }) as unknown as ESTree.Program;
    } catch {
      continue;
    }
    const statement = program.body[0];
    if (program.body.length !== 1 || statement?.type !== "ExpressionStatement") continue;
    const value = isMethod ? methodValue(statement.expression) : statement.expression;
    if (value === undefined) continue;
    if (value.type === "ClassExpression") return { expression: text, isClass: true, program };
    if (value.type !== "FunctionExpression" && value.type !== "ArrowFunctionExpression") continue;
    return { expression: isMethod ? `${text}[${JSON.stringify(methodKey(statement.expression))}]` : text, isClass: false, program };
  }
  return undefined;
}

function methodValue(expression: ESTree.Expression): ESTree.Expression | undefined {
  if (expression.type !== "ObjectExpression" || expression.properties.length !== 1) return undefined;
  const property = expression.properties[0];
  if (property?.type !== "Property" || property.kind !== "init" || !property.method) return undefined;
  return property.value as ESTree.Expression;
}

function methodKey(expression: ESTree.Expression): string {
  const property = (expression as ESTree.ObjectExpression).properties[0] as ESTree.Property;
  if (property.computed) return "";
  return property.key.type === "Identifier" ? property.key.name : String((property.key as ESTree.Literal).value);
}

/**
 * The names `program` (a parsed function) uses without defining them and that a worker does
 * not have as globals, in order of first use, each once.
 */
export function findMissingNames(program: ESTree.Program): MissingName[] {
  const manager = analyze(program, { ecmaVersion: 2022, sourceType: "script" });
  const parents = parentMap(program);
  const found = new Map<string, MissingName>();
  for (const reference of manager.globalScope?.through ?? []) {
    const id = reference.identifier;
    if (id.type !== "Identifier") continue;
    if (WORKER_GLOBALS.has(id.name)) continue;
    const missing = describeMissing(id, parents.get(id));
    if (!found.has(missing.name)) found.set(missing.name, missing);
  }
  return [...found.values()];
}

// `exports.rate` → `rate` from a cell; `concurrency_lab_1.timeIt` → `timeIt` from an import.
function describeMissing(id: ESTree.Identifier, parent: ESTree.Node | undefined): MissingName {
  if (parent?.type === "MemberExpression" && parent.object === id && !parent.computed && parent.property.type === "Identifier") {
    if (id.name === "exports") return { name: parent.property.name, origin: "cell" };
    if (/^[A-Za-z_$][\w$]*_\d+$/.test(id.name)) return { name: parent.property.name, origin: "import" };
  }
  return { name: id.name, origin: "outside" };
}

// The parent of every identifier read as a value: acorn-walk's ancestor walk hands each one
// over with the path of nodes above it.
function parentMap(root: ESTree.Node): Map<ESTree.Node, ESTree.Node> {
  const parents = new Map<ESTree.Node, ESTree.Node>();
  ancestor(root as unknown as import("acorn").Node, {
    Identifier(node, _state, ancestors) {
      const parent = ancestors[ancestors.length - 2];
      if (parent !== undefined) parents.set(node as unknown as ESTree.Node, parent as unknown as ESTree.Node);
    },
  });
  return parents;
}
