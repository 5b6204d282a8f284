/**
 * Safe evaluation of a switch branch's condition, e.g. `${region} == "eu" && ${n} > 3`.
 *
 * User text is never handed to `eval` or `new Function`: jsep parses it into an AST and this module
 * walks the AST, accepting only literals, `${param}` references, comparison, arithmetic, logical and
 * conditional operators. Calls, property access (`constructor.constructor(...)`), `this`, arrays and
 * bare identifiers are refused with a message naming what is not allowed.
 *
 * Semantics, shaped for params (which are strings): `${name}` is the param's value; two operands that
 * both look like numbers compare (and add) as numbers, otherwise as strings; `==` and `===` are the same
 * (no JS coercion surprises). A value is false when it is `false`, `0`, `""`, `"false"`, `"0"` or null.
 * A `${name}` inside a quoted string is spliced into that string (DolphinScheduler writes
 * `"${region}" == "eu"`); the value is escaped, so it cannot end the string.
 */
import jsep from "jsep";
import type { Result } from "../errors";

export type ExprValue = string | number | boolean | null;

/** Longest condition accepted. */
export const MAX_EXPRESSION_LENGTH = 2000;

const PARAM_REF = /\$\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}/y;
const PLACEHOLDER = "__shoal_param_";

const ALLOWED_BINARY = new Set([
  "==",
  "!=",
  "===",
  "!==",
  "<",
  "<=",
  ">",
  ">=",
  "&&",
  "||",
  "+",
  "-",
  "*",
  "/",
  "%",
]);
const ALLOWED_UNARY = new Set(["!", "-", "+"]);

class ExpressionError extends Error {}

/** Evaluates `expression` against `params`; never throws. The error says what is wrong in the text. */
export function evaluateExpression(
  expression: string,
  params: Readonly<Record<string, string>>,
): Result<ExprValue, string> {
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    return {
      ok: false,
      error: `the expression is longer than ${MAX_EXPRESSION_LENGTH} characters`,
    };
  }
  try {
    const { source, refs } = substitute(expression, params);
    let ast: jsep.Expression;
    try {
      ast = jsep(source);
    } catch (err) {
      throw new ExpressionError(`syntax error: ${(err as Error).message}`);
    }
    return { ok: true, value: evaluate(ast, refs) };
  } catch (err) {
    if (err instanceof ExpressionError) return { ok: false, error: err.message };
    throw err;
  }
}

/** Evaluates a condition to a boolean (see the module comment for what counts as false). */
export function evaluateCondition(
  expression: string,
  params: Readonly<Record<string, string>>,
): Result<boolean, string> {
  const r = evaluateExpression(expression, params);
  return r.ok ? { ok: true, value: truthy(r.value) } : r;
}

export function truthy(v: ExprValue): boolean {
  if (typeof v === "string") return v !== "" && v !== "false" && v !== "0";
  if (typeof v === "number") return v !== 0 && !Number.isNaN(v);
  return v === true;
}

/**
 * Replaces `${name}` outside string literals by a placeholder identifier bound to the value, and inside
 * string literals by the escaped value itself.
 */
function substitute(
  text: string,
  params: Readonly<Record<string, string>>,
): { source: string; refs: Map<string, string> } {
  const refs = new Map<string, string>();
  const lookup = (name: string): string => {
    if (!Object.hasOwn(params, name)) throw new ExpressionError(`unknown param \${${name}}`);
    return params[name]!;
  };
  let out = "";
  let quote: string | null = null;
  for (let i = 0; i < text.length;) {
    const c = text[i]!;
    if (c === "$" && text[i + 1] === "{") {
      PARAM_REF.lastIndex = i;
      const m = PARAM_REF.exec(text);
      if (!m) throw new ExpressionError(`bad param reference at position ${i + 1}: write \${name}`);
      const value = lookup(m[1]!);
      if (quote) {
        out += value
          .replace(/[\\'"]/g, (ch) => `\\${ch}`)
          .replace(/\n/g, "\\n")
          .replace(/\r/g, "\\r");
      } else {
        const id = `${PLACEHOLDER}${refs.size}`;
        refs.set(id, value);
        out += ` ${id} `;
      }
      i += m[0].length;
      continue;
    }
    if (quote) {
      if (c === "\\") {
        out += text.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    out += c;
    i++;
  }
  return { source: out, refs };
}

const isNumeric = (v: ExprValue): v is number | string =>
  typeof v === "number" ||
  (typeof v === "string" && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v));

function compare(a: ExprValue, b: ExprValue): number {
  if (isNumeric(a) && isNumeric(b)) return Number(a) - Number(b);
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function evaluate(node: jsep.Expression, refs: ReadonlyMap<string, string>): ExprValue {
  switch (node.type) {
    case "Literal": {
      const v = (node as jsep.Literal).value;
      if (v instanceof RegExp) throw new ExpressionError("regular expressions are not allowed");
      return v;
    }
    case "Identifier": {
      const name = (node as jsep.Identifier).name;
      const ref = refs.get(name);
      if (ref !== undefined) return ref;
      throw new ExpressionError(
        `unknown name "${name}": reference params as \${${name}} and quote strings`,
      );
    }
    case "UnaryExpression": {
      const u = node as jsep.UnaryExpression;
      if (!ALLOWED_UNARY.has(u.operator))
        throw new ExpressionError(`operator ${u.operator} is not allowed`);
      const v = evaluate(u.argument, refs);
      if (u.operator === "!") return !truthy(v);
      if (!isNumeric(v))
        throw new ExpressionError(`${u.operator} needs a number, got ${JSON.stringify(v)}`);
      return u.operator === "-" ? -Number(v) : Number(v);
    }
    case "BinaryExpression": {
      const b = node as jsep.BinaryExpression;
      if (!ALLOWED_BINARY.has(b.operator))
        throw new ExpressionError(`operator ${b.operator} is not allowed`);
      const left = evaluate(b.left, refs);
      if (b.operator === "&&") return truthy(left) ? truthy(evaluate(b.right, refs)) : false;
      if (b.operator === "||") return truthy(left) ? true : truthy(evaluate(b.right, refs));
      const right = evaluate(b.right, refs);
      return binary(b.operator, left, right);
    }
    case "ConditionalExpression": {
      const c = node as jsep.ConditionalExpression;
      return truthy(evaluate(c.test, refs))
        ? evaluate(c.consequent, refs)
        : evaluate(c.alternate, refs);
    }
    case "CallExpression":
      throw new ExpressionError("function calls are not allowed");
    case "MemberExpression":
      throw new ExpressionError("property access is not allowed");
    case "ThisExpression":
      throw new ExpressionError("`this` is not allowed");
    case "ArrayExpression":
      throw new ExpressionError("arrays are not allowed");
    case "Compound":
    case "SequenceExpression":
      throw new ExpressionError("write a single expression (no `;` or `,`)");
    default:
      throw new ExpressionError(`${node.type} is not allowed`);
  }
}

function binary(op: string, a: ExprValue, b: ExprValue): ExprValue {
  switch (op) {
    case "==":
    case "===":
      return compare(a, b) === 0;
    case "!=":
    case "!==":
      return compare(a, b) !== 0;
    case "<":
      return compare(a, b) < 0;
    case "<=":
      return compare(a, b) <= 0;
    case ">":
      return compare(a, b) > 0;
    case ">=":
      return compare(a, b) >= 0;
    case "+":
      return isNumeric(a) && isNumeric(b) ? Number(a) + Number(b) : String(a) + String(b);
  }
  if (!isNumeric(a) || !isNumeric(b))
    throw new ExpressionError(
      `${op} needs numbers, got ${JSON.stringify(a)} and ${JSON.stringify(b)}`,
    );
  const x = Number(a);
  const y = Number(b);
  if (op === "-") return x - y;
  if (op === "*") return x * y;
  if (op === "/") return x / y;
  return x % y;
}
