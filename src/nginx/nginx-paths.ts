import type { MatchConditions, PathMatchKind, RouteSpec } from '../routing/resolved';
import { invalid } from '../validate';

/*
 * ingress-nginx's path precedence. nginx has no route order: it takes an exact location first, then the longest
 * prefix, and ingress-nginx makes a Prefix path element-wise ("/p/" plus "= /p"). Only paths rank here, unlike
 * Gateway API's ranking (routing/precedence.ts), which also counts methods, headers and query parameters: an
 * ingress-nginx header match is a canary of its path, not a rank of its own.
 */

export interface PathRule {
  readonly kind: PathMatchKind;
  readonly value: string;
}

/** Ingress-nginx's strict-validate-path-type (on by default since v1.12) for Prefix and Exact paths. */
export const STRICT_PATH = /^\/[A-Za-z0-9\-._~/]*$/;

/** A match's path as ingress-nginx takes it (a prefix without its trailing slash), checked against strict path validation. */
export function pathOf(route: RouteSpec, property: string, m: MatchConditions): PathRule {
  const path = m.path ?? { kind: 'prefix', value: '/' };
  // A trailing slash makes no difference to an element-wise prefix; one spelling keeps host and path pairs comparable.
  const value = path.kind === 'prefix' && path.value.length > 1 ? path.value.replace(/\/+$/, '') || '/' : path.value;
  if (!STRICT_PATH.test(value)) {
    throw invalid(route.scope, property, path.value,
      'has characters ingress-nginx rejects in Prefix and Exact paths (strict-validate-path-type, on by default since v1.12: letters, digits and - . _ ~ / only)',
      'use a path made of those characters, or use DataPlane.gatewayApi(...)');
  }
  return { kind: path.kind, value };
}

/** One spelling per path, for maps. */
export function pathKey(p: PathRule): string {
  return `${p.kind} ${p.value}`;
}

export function uniquePaths(paths: readonly PathRule[]): PathRule[] {
  return paths.filter((p, i) => paths.findIndex(x => pathKey(x) === pathKey(p)) === i);
}

export function pathText(p: PathRule): string {
  return `path ${p.kind} ${p.value}`;
}

export function describeMatch(m: MatchConditions): string {
  const path = m.path ?? { kind: 'prefix', value: '/' };
  const parts = [`path ${path.kind} ${path.value}`];
  if (m.headers.length > 0) parts.push(`header ${m.headers.map(h => h.name).join(',')}`);
  return parts.join(', ');
}

/** Whether `path` is `prefix` or below it, segment by segment. */
export function within(path: string, prefix: string): boolean {
  return prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);
}

/** Whether every request `inner` takes is also one `outer` takes. */
export function covers(outer: PathRule, inner: PathRule): boolean {
  if (outer.kind === 'exact') return inner.kind === 'exact' && inner.value === outer.value;
  return within(inner.value, outer.value);
}
