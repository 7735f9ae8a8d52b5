/*
 * The CEL environment of Kubernetes `x-kubernetes-validations` rules, on top of @bufbuild/cel (the CEL standard
 * library, its strings extension and RE2 `matches`), as the API server builds it
 * (kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/cel: library/ and environment/base.go):
 *
 * - `self` is the value at the schema node that carries the rule, typed by the schema: objects with
 *   `properties` become maps keyed by the CEL-escaped property names (`namespace` is `__namespace__`, `a-b`
 *   is `a__dash__b`, ...), so `has(self.x)` is false for an absent field and `self.x` on one is an error;
 *   `additionalProperties` maps keep their keys; `type: integer` is int, `type: number` is double,
 *   int-or-string and schemaless values are int or string as they come; `format: date-time` strings are
 *   timestamps, `format: duration` strings are durations and `format: byte` strings are bytes.
 * - Kubernetes library functions: lists (isSorted, sum, min, max, indexOf, lastIndexOf), regex (find,
 *   findAll), URLs (url, isURL, getScheme, getHost, getHostname, getPort, getEscapedPath, getQuery), quantity
 *   (quantity, isQuantity, sign, isInteger, asInteger, asApproximateFloat, add, sub, compareTo, isGreaterThan,
 *   isLessThan), besides the strings extension (split, lowerAscii, indexOf, replace, format, ...).
 *
 * Each rule is parsed, checked and planned once per process (compileRule caches by rule text). A rule that
 * calls a function this environment does not define, or names a variable other than `self`, does not compile.
 * A rule naming `oldSelf` is a transition rule: it only runs on updates, so it is reported as such and never
 * evaluated here.
 */
import {
  celEnv, celFunc, celMap, celMethod, CelScalar, isCelError, isCelList, isCelMap, listType, mapType, parse, plan,
} from '@bufbuild/cel';
import type { CelInput, CelList, CelMap, CelValue } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';

export type { CelInput } from '@bufbuild/cel';

/** One entry of `x-kubernetes-validations`. */
export interface ValidationRule {
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly fieldPath?: string;
  readonly reason?: string;
  readonly optionalOldSelf?: boolean;
}

/** The outcome of one rule on one value. */
export type RuleOutcome =
  | { readonly kind: 'passed' }
  | { readonly kind: 'failed' }
  | { readonly kind: 'error'; readonly error: string };

/** A rule ready to run, or the reason it cannot run. */
export interface CompiledRule {
  readonly rule: string;
  /** Why the rule does not compile; undefined when it does. */
  readonly error?: string;
  /** Whether it names `oldSelf`: a transition rule, evaluated on updates only. */
  readonly transition: boolean;
  /** Evaluates the rule with `self` bound to a value from toCelValue. */
  evaluate(self: CelInput): RuleOutcome;
  /** Evaluates a CEL expression that must yield a string (a messageExpression); undefined when it cannot. */
  evaluateString(self: CelInput): string | undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Kubernetes library functions

const { INT, DOUBLE, STRING, BOOL, DYN } = CelScalar;
const LIST_DYN = listType(DYN);
const LIST_STRING = listType(STRING);
const MAP_DYN = mapType(STRING, DYN);

function celCompare(a: CelValue, b: CelValue): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number' || typeof b === 'number' || typeof a === 'bigint' || typeof b === 'bigint') {
    const x = Number(a as number | bigint);
    const y = Number(b as number | bigint);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  throw new Error(`no such overload: cannot compare ${typeof a} and ${typeof b}`);
}

function celEquals(a: CelValue, b: CelValue): boolean {
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
    return Number(a) === Number(b);
  }
  return a === b;
}

function listValues(list: CelList): CelValue[] {
  return [...list];
}

/** kubernetes apiserver/pkg/cel/library/lists.go */
const listFunctions = [
  celMethod('isSorted', LIST_DYN, [], BOOL, function isSorted(this: CelList) {
    const values = listValues(this);
    return values.every((value, i) => i === 0 || celCompare(values[i - 1], value) <= 0);
  }),
  celMethod('sum', LIST_DYN, [], DYN, function sum(this: CelList) {
    const values = listValues(this);
    if (values.length === 0) return 0n;
    if (values.every(v => typeof v === 'bigint')) return (values as bigint[]).reduce((a, b) => a + b, 0n);
    if (values.every(v => typeof v === 'number')) return (values as number[]).reduce((a, b) => a + b, 0);
    throw new Error('no such overload: sum() of a list that is not all int or all double');
  }),
  ...(['min', 'max'] as const).map(name => celMethod(name, LIST_DYN, [], DYN, function extreme(this: CelList) {
    const values = listValues(this);
    if (values.length === 0) throw new Error(`${name}() of an empty list`);
    return values.reduce((best, v) => (name === 'min' ? celCompare(v, best) < 0 : celCompare(v, best) > 0) ? v : best) as CelInput;
  })),
  celMethod('indexOf', LIST_DYN, [DYN], INT, function indexOf(this: CelList, wanted: CelValue) {
    return BigInt(listValues(this).findIndex(v => celEquals(v, wanted)));
  }),
  celMethod('lastIndexOf', LIST_DYN, [DYN], INT, function lastIndexOf(this: CelList, wanted: CelValue) {
    const values = listValues(this);
    for (let i = values.length - 1; i >= 0; i--) if (celEquals(values[i], wanted)) return BigInt(i);
    return -1n;
  }),
];

/** kubernetes apiserver/pkg/cel/library/regex.go (RE2 syntax; JavaScript RegExp here, which agrees on the RE2 subset). */
function jsRegExp(pattern: string, flags: string): RegExp {
  try {
    return new RegExp(pattern, flags);
  } catch (e) {
    throw new Error(`invalid regex ${JSON.stringify(pattern)}: ${(e as Error).message}`);
  }
}
const regexFunctions = [
  celMethod('find', STRING, [STRING], STRING, function find(this: string, pattern: string) {
    return jsRegExp(pattern, 'u').exec(this)?.[0] ?? '';
  }),
  celMethod('findAll', STRING, [STRING], LIST_STRING, function findAll(this: string, pattern: string) {
    return [...this.matchAll(jsRegExp(pattern, 'gu'))].map(m => m[0]);
  }),
  celMethod('findAll', STRING, [STRING, INT], LIST_STRING, function findAllN(this: string, pattern: string, limit: bigint) {
    const all = [...this.matchAll(jsRegExp(pattern, 'gu'))].map(m => m[0]);
    return limit < 0n ? all : all.slice(0, Number(limit));
  }),
];

/**
 * kubernetes apiserver/pkg/cel/library/urls.go: url() accepts what Go's url.ParseRequestURI accepts, an
 * absolute URI or an absolute path. A URL value is a map tagged with URL_TAG.
 */
const URL_TAG = '@k8s.url';

function parseRequestUri(text: string): URL | undefined {
  if (text === '' || /[\s\x00-\x1f\x7f]/.test(text)) return undefined;
  if (text.startsWith('/')) {
    if (text.startsWith('//')) return undefined;
    try {
      return new URL(text, 'relative:///');
    } catch {
      return undefined;
    }
  }
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(text)) return undefined;
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function urlValue(text: string): CelMap {
  const parsed = parseRequestUri(text);
  if (!parsed) throw new Error(`URL parse error during conversion from string: ${JSON.stringify(text)}`);
  const relative = parsed.protocol === 'relative:';
  const hostname = relative ? '' : parsed.hostname;
  const query = new Map<string, string[]>();
  for (const [key, value] of parsed.searchParams) query.set(key, [...query.get(key) ?? [], value]);
  return celMap(new Map<string, CelInput>([
    [URL_TAG, text],
    ['scheme', relative ? '' : parsed.protocol.replace(/:$/, '')],
    ['host', relative ? '' : parsed.host],
    ['hostname', hostname.startsWith('[') ? hostname.slice(1, -1) : hostname],
    ['port', relative ? '' : parsed.port],
    ['path', parsed.pathname],
    ['query', celMap(new Map<string, CelInput>([...query].map(([k, v]) => [k, v])))],
  ]));
}

function urlField(name: string): (this: CelMap) => CelInput {
  return function field(this: CelMap) {
    if (!this.has(URL_TAG)) throw new Error(`no such overload: ${name}() on a value that is not a URL`);
    return this.get(name) as CelInput;
  };
}

const urlFunctions = [
  celFunc('url', [STRING], MAP_DYN, urlValue),
  celFunc('isURL', [STRING], BOOL, (text: string) => parseRequestUri(text) !== undefined),
  celMethod('getScheme', MAP_DYN, [], STRING, urlField('scheme')),
  celMethod('getHost', MAP_DYN, [], STRING, urlField('host')),
  celMethod('getHostname', MAP_DYN, [], STRING, urlField('hostname')),
  celMethod('getPort', MAP_DYN, [], STRING, urlField('port')),
  celMethod('getEscapedPath', MAP_DYN, [], STRING, urlField('path')),
  celMethod('getQuery', MAP_DYN, [], MAP_DYN, urlField('query')),
];

/** kubernetes apiserver/pkg/cel/library/quantity.go; a quantity value is a map tagged with QUANTITY_TAG. */
const QUANTITY_TAG = '@k8s.quantity';
const QUANTITY_GRAMMAR = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;
const QUANTITY_SUFFIX: ReadonlyMap<string, number> = new Map([
  ['n', 1e-9], ['u', 1e-6], ['m', 1e-3], ['', 1], ['k', 1e3], ['M', 1e6], ['G', 1e9], ['T', 1e12], ['P', 1e15], ['E', 1e18],
  ['Ki', 2 ** 10], ['Mi', 2 ** 20], ['Gi', 2 ** 30], ['Ti', 2 ** 40], ['Pi', 2 ** 50], ['Ei', 2 ** 60],
]);

/** The value of a Kubernetes quantity string, or undefined when it is not one. */
export function quantityValue(text: string): number | undefined {
  const match = QUANTITY_GRAMMAR.exec(text);
  if (!match) return undefined;
  const [, sign, digits, suffix = ''] = match;
  const scale = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : QUANTITY_SUFFIX.get(suffix) ?? 1;
  return (sign === '-' ? -1 : 1) * Number(digits) * scale;
}

function quantity(text: string): CelMap {
  const value = quantityValue(text);
  if (value === undefined) throw new Error(`quantities must match the regular expression '${QUANTITY_GRAMMAR.source}'`);
  return celMap(new Map<string, CelInput>([[QUANTITY_TAG, text], ['value', value]]));
}

function quantityOf(v: CelValue): number {
  if (!isCelMap(v) || !v.has(QUANTITY_TAG)) throw new Error('no such overload: not a quantity');
  return v.get('value') as number;
}

function quantityFromNumber(n: number): CelMap {
  return celMap(new Map<string, CelInput>([[QUANTITY_TAG, String(n)], ['value', n]]));
}

const quantityFunctions = [
  celFunc('quantity', [STRING], MAP_DYN, quantity),
  celFunc('isQuantity', [STRING], BOOL, (text: string) => quantityValue(text) !== undefined),
  celMethod('sign', MAP_DYN, [], INT, function sign(this: CelMap) { return BigInt(Math.sign(quantityOf(this))); }),
  celMethod('isInteger', MAP_DYN, [], BOOL, function isInteger(this: CelMap) { return Number.isInteger(quantityOf(this)); }),
  celMethod('asInteger', MAP_DYN, [], INT, function asInteger(this: CelMap) {
    const value = quantityOf(this);
    if (!Number.isInteger(value)) throw new Error('cannot convert value to integer');
    return BigInt(value);
  }),
  celMethod('asApproximateFloat', MAP_DYN, [], DOUBLE, function approx(this: CelMap) { return quantityOf(this); }),
  celMethod('compareTo', MAP_DYN, [MAP_DYN], INT, function compareTo(this: CelMap, other: CelMap) {
    return BigInt(Math.sign(quantityOf(this) - quantityOf(other)));
  }),
  celMethod('isGreaterThan', MAP_DYN, [MAP_DYN], BOOL, function gt(this: CelMap, other: CelMap) { return quantityOf(this) > quantityOf(other); }),
  celMethod('isLessThan', MAP_DYN, [MAP_DYN], BOOL, function lt(this: CelMap, other: CelMap) { return quantityOf(this) < quantityOf(other); }),
  ...(['add', 'sub'] as const).flatMap(name => [
    celMethod(name, MAP_DYN, [MAP_DYN], MAP_DYN, function op(this: CelMap, other: CelMap) {
      return quantityFromNumber(quantityOf(this) + (name === 'add' ? 1 : -1) * quantityOf(other));
    }),
    celMethod(name, MAP_DYN, [INT], MAP_DYN, function opInt(this: CelMap, other: bigint) {
      return quantityFromNumber(quantityOf(this) + (name === 'add' ? 1 : -1) * Number(other));
    }),
  ]),
];

/**
 * `matches` as the standard library defines it (RE2, @bufbuild/re2), remembered per pattern and text: the
 * standard one compiles the pattern on every call, and the same few patterns meet the same texts again and again.
 */
const STANDARD_MATCHES = plan(celEnv(), parse('text.matches(pattern)')) as unknown as (bindings: Record<string, CelInput>) => unknown;
const MATCHES_REMEMBERED = 10_000;
const matchResults = new Map<string, unknown>();
const cachedMatches = celMethod('matches', STRING, [STRING], BOOL, function matches(this: string, pattern: string) {
  const key = `${pattern}\u0000${this}`;
  let result = matchResults.get(key);
  if (result === undefined) {
    result = STANDARD_MATCHES({ text: this, pattern });
    if (isCelError(result)) throw result;
    if (matchResults.size >= MATCHES_REMEMBERED) matchResults.clear();
    matchResults.set(key, result);
  }
  return result as boolean;
});

const ENV = celEnv({ funcs: [...strings, ...listFunctions, ...regexFunctions, ...urlFunctions, ...quantityFunctions, cachedMatches] });

/** Calls the planner handles itself (operators without a function of their own). */
const PLANNER_CALLS = new Set(['_[_]', '_[?_]', '_?._', '_?_:_', '_&&_', '_||_', '@not_strictly_false', '__not_strictly_false__']);

// ---------------------------------------------------------------------------------------------------------
// Compiling rules

type ParsedExpr = ReturnType<typeof parse>['expr'];

/** Every problem a rule's syntax tree shows before it runs: unknown functions, unknown variables. */
function staticProblems(expr: ParsedExpr | undefined, bound: ReadonlySet<string>, found: { problems: string[]; transition: boolean }): void {
  if (!expr) return;
  const kind = expr.exprKind;
  switch (kind.case) {
    case 'identExpr': {
      const name = kind.value.name;
      if (name === 'oldSelf') found.transition = true;
      else if (name !== 'self' && !bound.has(name)) found.problems.push(`undeclared reference to '${name}'`);
      return;
    }
    case 'selectExpr':
      staticProblems(kind.value.operand, bound, found);
      return;
    case 'callExpr': {
      const call = kind.value;
      if (!PLANNER_CALLS.has(call.function)) {
        const group = ENV.funcs.find(call.function);
        const arity = call.args.length;
        const hasTarget = call.target !== undefined;
        const overloads = group ? [...group].filter(f => f.arguments.length === arity && (f.target !== undefined) === hasTarget) : [];
        if (overloads.length === 0) {
          const what = hasTarget ? `method '${call.function}' with ${arity} argument(s)` : `function '${call.function}' with ${arity} argument(s)`;
          found.problems.push(`undeclared reference to ${what}`);
        }
      }
      staticProblems(call.target, bound, found);
      call.args.forEach(arg => staticProblems(arg, bound, found));
      return;
    }
    case 'listExpr':
      kind.value.elements.forEach(e => staticProblems(e, bound, found));
      return;
    case 'structExpr':
      for (const entry of kind.value.entries) {
        if (entry.keyKind.case === 'mapKey') staticProblems(entry.keyKind.value, bound, found);
        staticProblems(entry.value, bound, found);
      }
      return;
    case 'comprehensionExpr': {
      const c = kind.value;
      staticProblems(c.iterRange, bound, found);
      staticProblems(c.accuInit, bound, found);
      const inner = new Set([...bound, c.iterVar, c.iterVar2, c.accuVar].filter(v => v !== ''));
      staticProblems(c.loopCondition, inner, found);
      staticProblems(c.loopStep, inner, found);
      staticProblems(c.result, new Set([...bound, c.accuVar]), found);
      return;
    }
    default:
      return;
  }
}

type Program = (bindings: Record<string, CelInput>) => unknown;

function compileExpression(source: string): { program?: Program; error?: string; transition: boolean } {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(source);
  } catch (e) {
    return { error: `syntax error: ${firstLine((e as Error).message)}`, transition: false };
  }
  const found = { problems: [] as string[], transition: false };
  staticProblems(parsed.expr, new Set(), found);
  if (found.problems.length > 0) return { error: [...new Set(found.problems)].join('; '), transition: found.transition };
  try {
    return { program: plan(ENV, parsed) as unknown as Program, transition: found.transition };
  } catch (e) {
    return { error: `cannot plan: ${firstLine((e as Error).message)}`, transition: found.transition };
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}

const compiledRules = new Map<string, CompiledRule>();

/** The rule compiled once per process. */
export function compileRule(rule: string): CompiledRule {
  let result = compiledRules.get(rule);
  if (!result) {
    const { program, error, transition } = compileExpression(rule);
    result = {
      rule,
      error,
      transition,
      evaluate(self: CelInput): RuleOutcome {
        if (!program) return { kind: 'error', error: error ?? 'not compiled' };
        let value: unknown;
        try {
          value = program({ self });
        } catch (e) {
          return { kind: 'error', error: (e as Error).message };
        }
        if (isCelError(value)) return { kind: 'error', error: value.message };
        if (value === true) return { kind: 'passed' };
        if (value === false) return { kind: 'failed' };
        return { kind: 'error', error: `the rule evaluated to ${describe(value)}, not a bool` };
      },
      evaluateString(self: CelInput): string | undefined {
        if (!program) return undefined;
        try {
          const value = program({ self });
          return typeof value === 'string' ? value : undefined;
        } catch {
          return undefined;
        }
      },
    };
    compiledRules.set(rule, result);
  }
  return result;
}

function describe(value: unknown): string {
  if (isCelList(value)) return 'a list';
  if (isCelMap(value)) return 'a map';
  return `${typeof value} ${String(value)}`;
}

// ---------------------------------------------------------------------------------------------------------
// Values: JSON under a structural schema, as the API server hands it to CEL

/** The schema keywords that decide how a value looks to CEL. */
export interface CelSchema {
  readonly 'type'?: string;
  readonly 'format'?: string;
  readonly 'properties'?: Readonly<Record<string, CelSchema>>;
  readonly 'additionalProperties'?: CelSchema | boolean;
  readonly 'items'?: CelSchema;
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-validations'?: readonly ValidationRule[];
}

const CEL_RESERVED = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import',
  'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while',
]);

/**
 * A property name as CEL sees it (kubernetes apiserver/pkg/cel/escaping.go), or undefined when it cannot be
 * escaped (such a property is not accessible from CEL).
 */
export function escapePropertyName(name: string): string | undefined {
  if (name === '' || /^[0-9]/.test(name)) return undefined;
  if (CEL_RESERVED.has(name)) return `__${name}__`;
  let ok = true;
  const escaped = name.replace(/__|[-./]|[^a-zA-Z0-9\-./_]/g, s => {
    switch (s) {
      case '__': return '__underscores__';
      case '.': return '__dot__';
      case '-': return '__dash__';
      case '/': return '__slash__';
      default: ok = false; return '';
    }
  });
  return ok ? escaped : undefined;
}

const toTimestamp = plan(ENV, parse('timestamp(v)')) as unknown as Program;
const toDuration = plan(ENV, parse('duration(v)')) as unknown as Program;

/** Converts one JSON value for CEL; objects and arrays are converted once per `cache`. */
export function toCelValue(value: unknown, schema: CelSchema | undefined, cache: WeakMap<object, CelInput>): CelInput {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') {
    const cached = cache.get(value);
    if (cached !== undefined) return cached;
    const converted = Array.isArray(value)
      ? value.map(item => toCelValue(item, schema?.items, cache))
      : objectToCel(value as Record<string, unknown>, schema, cache);
    cache.set(value, converted);
    return converted;
  }
  if (typeof value === 'number') {
    if (schema?.type === 'number') return value;
    return Number.isInteger(value) ? BigInt(value) : value;
  }
  if (typeof value === 'string' && schema?.type === 'string') {
    const convert = schema.format === 'date-time' ? toTimestamp : schema.format === 'duration' ? toDuration : undefined;
    if (convert) {
      const result = convert({ v: value });
      if (!isCelError(result)) return result as CelInput;
    }
    if (schema.format === 'byte') return Uint8Array.from(Buffer.from(value, 'base64'));
  }
  return value as CelInput;
}

function objectToCel(value: Record<string, unknown>, schema: CelSchema | undefined, cache: WeakMap<object, CelInput>): CelInput {
  const additional = typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  const entries = new Map<string, CelInput>();
  if (additional && !schema?.properties) {
    for (const [key, child] of Object.entries(value)) entries.set(key, toCelValue(child, additional, cache));
    return entries;
  }
  const properties = schema?.properties;
  for (const [key, child] of Object.entries(value)) {
    if (!properties) {
      entries.set(key, toCelValue(child, undefined, cache));
      continue;
    }
    const name = escapePropertyName(key);
    if (name !== undefined) entries.set(name, toCelValue(child, properties[key], cache));
  }
  return entries;
}

// ---------------------------------------------------------------------------------------------------------
// Rules at one schema node

/** One failed rule: where (the node's path, or the rule's fieldPath under it) and what. */
export interface RuleFinding {
  readonly path: string;
  readonly message: string;
}

/**
 * The rules of one schema node on its value, as the API server reports them: the rule's messageExpression
 * (when it evaluates to a string), else its message, else "failed rule: <rule>"; a `reason` other than the
 * default FieldValueInvalid in brackets; at `fieldPath` under the node when the rule names one. A rule that
 * does not compile or cannot be evaluated is a finding too; transition rules (`oldSelf`) are left out.
 * `cache` holds the values converted for CEL during one document's walk.
 */
export function ruleFindings(value: unknown, schema: CelSchema, at: string, cache: WeakMap<object, CelInput>): RuleFinding[] {
  const findings: RuleFinding[] = [];
  let self: CelInput | undefined;
  for (const rule of schema['x-kubernetes-validations'] ?? []) {
    const compiled = compileRule(rule.rule);
    if (compiled.transition) continue;
    if (compiled.error !== undefined) {
      findings.push({ path: at, message: `CEL rule does not compile (${compiled.error}): ${shortRule(rule.rule)}` });
      continue;
    }
    self ??= toCelValue(value, schema, cache);
    const outcome = compiled.evaluate(self);
    if (outcome.kind === 'passed') continue;
    const shown = shortRule(rule.rule);
    const path = rule.fieldPath ? joinFieldPath(at, rule.fieldPath) : at;
    if (outcome.kind === 'error') {
      findings.push({ path, message: `CEL rule could not be evaluated (${outcome.error}), so the API server rejects the object: ${shown}` });
      continue;
    }
    const custom = rule.messageExpression !== undefined ? compileRule(rule.messageExpression).evaluateString(self) : undefined;
    const message = custom ?? rule.message;
    const reason = rule.reason && rule.reason !== 'FieldValueInvalid' ? ` [${rule.reason}]` : '';
    findings.push({ path, message: message ? `${message}${reason} (CEL rule: ${shown})` : `failed rule${reason}: ${shown}` });
  }
  return findings;
}

/** A rule for messages: whitespace collapsed, at most 160 characters. */
function shortRule(rule: string): string {
  const flat = rule.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
}

/** A rule's `fieldPath` (`.spec.foo`, `['key']`) appended to the path of the node that carries the rule. */
function joinFieldPath(at: string, relative: string): string {
  const joined = `${at}${relative.startsWith('[') || relative.startsWith('.') ? '' : '.'}${relative}`;
  return joined.replace(/^\./, '');
}
