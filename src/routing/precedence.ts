import { invalid } from '../validate';
import type { MatchConditions, RouteSpec } from './resolved';

/*
 * Gateway API (and the data planes built on it) rank matches by specificity before rule order: exact path,
 * then the longest prefix, then a method, then the number of headers, then the number of query parameters.
 * A later route whose match outranks an overlapping earlier one would take requests the user's order gives to
 * the earlier route. Renderers that rank this way call checkRouteOrder to reject that instead of silently
 * changing which backend gets a request.
 */

/** Throws when `route` would outrank an overlapping route in `earlier` on `dataPlane`. */
export function checkRouteOrder(route: RouteSpec, earlier: readonly RouteSpec[], dataPlane: string): void {
  const later = matchesOf(route);
  for (const before of earlier) {
    for (const [k, m] of later.entries()) {
      for (const e of matchesOf(before)) {
        if (mayOverlap(e, m) && compareRank(rank(m), rank(e)) > 0) {
          throw invalid(route.scope, route.matches.length === 0 ? 'matches' : `matches[${k}]`, describeMatch(m),
            `outranks the match of earlier route '${before.id}' (${describeMatch(e)}): ${dataPlane} ranks matches by specificity `
            + '(exact path, longest prefix, method, number of headers, number of query parameters) before order, so this route would take '
            + `requests that '${before.id}' gets on other data planes`,
            `add route '${route.id}' before '${before.id}', or make '${before.id}' at least as specific`);
        }
      }
    }
  }
}

function matchesOf(route: RouteSpec): MatchConditions[] {
  // No matches is the default match: path prefix "/".
  return route.matches.length === 0 ? [{ headers: [], queryParams: [] }] : [...route.matches];
}

/** The model match is a header match on the data planes that render it. */
function headerCount(m: MatchConditions): number {
  return m.headers.length + (m.model === undefined ? 0 : 1);
}

function rank(m: MatchConditions): number[] {
  const path = m.path ?? { kind: 'prefix', value: '/' };
  return [path.kind === 'exact' ? 1 : 0, path.value.length, m.method === undefined ? 0 : 1, headerCount(m), m.queryParams.length];
}

function compareRank(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Whether some request could match both (conservative: true unless they clearly exclude each other). */
function mayOverlap(a: MatchConditions, b: MatchConditions): boolean {
  const pa = a.path ?? { kind: 'prefix', value: '/' };
  const pb = b.path ?? { kind: 'prefix', value: '/' };
  const within = (path: string, prefix: string) => prefix === '/' || path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
  const pathsOverlap = pa.kind === 'exact' && pb.kind === 'exact' ? pa.value === pb.value
    : pa.kind === 'exact' ? within(pa.value, pb.value)
      : pb.kind === 'exact' ? within(pb.value, pa.value)
        : within(pa.value, pb.value) || within(pb.value, pa.value);
  if (!pathsOverlap) return false;
  if (a.method !== undefined && b.method !== undefined && a.method !== b.method) return false;
  if (a.model !== undefined && b.model !== undefined && a.model !== b.model) return false;
  const excludes = (x: MatchConditions['headers'], y: MatchConditions['headers']) => x.some(c => c.kind === 'exact'
    && y.some(d => d.kind === 'exact' && d.name === c.name && d.value !== c.value));
  return !excludes(a.headers, b.headers) && !excludes(a.queryParams, b.queryParams);
}

function describeMatch(m: MatchConditions): string {
  const path = m.path ?? { kind: 'prefix', value: '/' };
  const parts = [`path ${path.kind} ${path.value}`];
  if (m.method) parts.push(`method ${m.method}`);
  if (m.model !== undefined) parts.push(`model ${m.model}`);
  if (m.headers.length > 0) parts.push(`headers ${m.headers.map(h => h.name).join(',')}`);
  if (m.queryParams.length > 0) parts.push(`query ${m.queryParams.map(q => q.name).join(',')}`);
  return parts.join(', ');
}
