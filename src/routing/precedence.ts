import { invalid } from '../validate';
import type { MatchConditions, RouteSpec } from './resolved';

/*
 * Gateway API (and the data planes built on it) rank matches by specificity before rule order: exact path,
 * then the longest prefix, then a method, then the number of headers, then the number of query parameters
 * (gateway-api v1.6.1 apis/v1/httproute_types.go, HTTPRouteRule.Matches). A later route whose match outranks an
 * overlapping earlier one would take requests the user's order gives to the earlier route: that is rejected
 * instead of silently changing which backend gets a request.
 *
 * Only equally specific matches fall back to an order, and that order is the rule order within one route object
 * only: across route objects attached to one Gateway, ties go to the oldest object by creation timestamp, then to
 * the first by "{namespace}/{name}" (same source; Envoy Gateway v1.8.1 sorts HTTPRoutes so in
 * internal/gatewayapi/resource/resource.go and then stable-sorts the routes by specificity in
 * internal/gatewayapi/sort.go). Creation timestamps are the API server's, so RouteSpread never lets them decide:
 * two rules with equally specific matches that can take the same request are kept in one route object, in order.
 */

/** How a data plane ranks matches: a key to compare (greater first), and the criteria for error messages. */
export interface MatchRanking {
  /** Who ranks so, such as `Gateway API` or `Envoy Gateway`. */
  readonly by: string;
  readonly criteria: string;
  rank(m: MatchConditions): number[];
}

/** Gateway API's order (gateway-api v1.6.1 apis/v1/httproute_types.go): the model match is a header match where rendered. */
export const GATEWAY_API_RANKING: MatchRanking = {
  by: 'Gateway API',
  criteria: 'exact path, longest prefix, method, number of headers, number of query parameters',
  rank: m => {
    const path = m.path ?? { kind: 'prefix', value: '/' };
    return [path.kind === 'exact' ? 1 : 0, path.value.length, m.method === undefined ? 0 : 1, headerCount(m), m.queryParams.length];
  },
};

/**
 * Envoy Gateway's order (envoyproxy/gateway v1.8.1 internal/gatewayapi/sort.go), which differs from Gateway API's: the
 * method is a header match on ":method" (internal/gatewayapi/route.go) rather than a criterion of its own, a prefix "/"
 * counts as no path, and among as many headers (or query parameters) more exact ones come first. Envoy AI Gateway's
 * generated HTTPRoutes are ordered so too.
 */
export const ENVOY_GATEWAY_RANKING: MatchRanking = {
  by: 'Envoy Gateway',
  criteria: 'exact path, longest path, number of headers (the method is one), number of exact headers, number of query parameters',
  rank: m => {
    const path = m.path ?? { kind: 'prefix', value: '/' };
    const length = path.kind === 'prefix' && path.value === '/' ? 0 : path.value.length;
    const method = m.method === undefined ? 0 : 1;
    const exact = m.headers.filter(h => h.kind === 'exact').length + (m.model === undefined ? 0 : 1) + method;
    return [path.kind === 'exact' ? 1 : 0, length, headerCount(m) + method, exact, m.queryParams.length, m.queryParams.length];
  },
};

/** A match with its rank under each ranking. */
interface RankedMatch {
  readonly m: MatchConditions;
  readonly ranks: ReadonlyArray<readonly number[]>;
}

interface Placed {
  readonly route: RouteSpec;
  readonly object: number;
}

/** One match of a placed route; `seq` orders them as they were placed. */
interface Entry {
  readonly seq: number;
  readonly placed: Placed;
  readonly rm: RankedMatch;
}

/** The name of the model condition among exact header names in the index (no header name has a NUL). */
const MODEL_KEY = '\u0000model';

/** One route object (an HTTPRoute or AIGatewayRoute) that rules are spread over. */
export interface RouteObjectSlot {
  /** 0 for the first object. */
  readonly index: number;
  /** `<gateway name>` for the first, `<gateway name>-2`, `-3`, ... after it. */
  readonly name: string;
  /** Rules placed in it. */
  rules: number;
  /** Matches over its rules (a rule without matches counts one: the default match). */
  matches: number;
}

export interface RouteSpreadOptions {
  /** The data plane, for error messages. */
  readonly dataPlane: string;
  /** The route object kind, for error messages: `HTTPRoute`, `AIGatewayRoute`. */
  readonly kind: string;
  /** The name of the first route object; later ones get `-2`, `-3`, ... */
  readonly baseName: string;
  /** The rules one object holds. */
  readonly maxRules: number;
  /**
   * The matches one object holds over all its rules.
   * @default - no limit
   */
  readonly maxMatches?: number;
  /**
   * How the data plane ranks matches. A later match must rank at most as high as an overlapping earlier one under
   * every ranking, and one that ties under any of them joins the earlier one's object.
   * @default [GATEWAY_API_RANKING]
   */
  readonly rankings?: readonly MatchRanking[];
}

/**
 * Spreads a gateway's rules over as many route objects as needed, in creation order, keeping the user's order
 * wherever two rules can take the same request. A rule goes into the first object with room, unless it ties
 * (equally specific, overlapping) with earlier rules: then into their object, after them. A rule that ties with
 * rules in two objects, or whose tied rules' object is full, is rejected with both routes named.
 *
 * Cost: a match is compared only with earlier matches it may overlap: those that require the same exact value of
 * its model or first exact header, or have no exact condition on that name (an index keyed by name and value). So a
 * route per model or per header value costs O(1) amortized; a match without exact conditions is compared with every
 * earlier match. Choosing the object is O(1) amortized.
 */
export class RouteSpread {
  public readonly objects: RouteObjectSlot[] = [];
  private readonly entries: Entry[] = [];
  /** For each indexed name: the entries by their exact value for it, and those without one (both in placement order). */
  private readonly index = new Map<string, { readonly byValue: Map<string, Entry[]>; readonly lacking: Entry[] }>();
  /** Objects before this one have no free rule. */
  private firstOpen = 0;

  private readonly rankings: readonly MatchRanking[];

  constructor(private readonly options: RouteSpreadOptions) {
    this.rankings = options.rankings ?? [GATEWAY_API_RANKING];
    this.objects.push(this.slot(0));
  }

  /**
   * Checks `route` against the earlier routes and returns the index of the object it goes in (`objects.length`
   * for a new one). Changes nothing: call commit once the route is rendered.
   */
  public place(route: RouteSpec): number {
    const later = this.rankedMatches(route);
    const { dataPlane, kind } = this.options;
    /** The first route in each object that ties with `route`. */
    const tied = new Map<number, RouteSpec>();
    let first: { seq: number; k: number; e: Entry; ranking: MatchRanking } | undefined;
    for (const [k, m] of later.entries()) {
      for (const e of this.candidates(m.m)) {
        if (first !== undefined && e.placed === first.e.placed) continue;
        if (!mayOverlap(e.rm.m, m.m)) continue;
        for (const [r, ranking] of this.rankings.entries()) {
          const c = compareRank(m.ranks[r], e.rm.ranks[r]);
          if (c > 0 && (first === undefined || e.seq < first.seq)) first = { seq: e.seq, k, e, ranking };
          if (c === 0 && !tied.has(e.placed.object)) tied.set(e.placed.object, e.placed.route);
        }
      }
    }
    if (first !== undefined) {
      // The earliest route outranked, as when every earlier route was compared in order.
      const { k, e, ranking } = first;
      const before = e.placed.route;
      const by = ranking === GATEWAY_API_RANKING ? dataPlane : ranking.by;
      throw invalid(route.scope, route.matches.length === 0 ? 'matches' : `matches[${k}]`, describeMatch(later[k].m),
        `outranks the match of earlier route '${before.id}' (${describeMatch(e.rm.m)}): ${by} ranks matches by specificity `
        + `(${ranking.criteria}) before order, so this route would take requests that '${before.id}' gets on other data planes`,
        `add route '${route.id}' before '${before.id}', or make '${before.id}' at least as specific`);
    }
    const weight = Math.max(route.matches.length, 1);
    if (tied.size > 1) {
      const [[a, ra], [b, rb]] = [...tied.entries()].sort((x, y) => x[0] - y[0]);
      throw invalid(route.scope, 'matches', describeMatch(later[0].m),
        `is as specific as, and can take the same requests as, route '${ra.id}' in ${kind} ${this.objects[a].name} and route '${rb.id}' in ${kind} ${this.objects[b].name}: `
        + `${dataPlane} orders equally specific rules of different ${kind}s by creation time and name, not by the order routes were added, `
        + 'so their order cannot be kept',
        `add the routes that can take the same requests one after another, or make '${route.id}' more or less specific than them (exact path, longer prefix, method, more headers or query parameters)`);
    }
    if (tied.size === 1) {
      const [[index, tiedRoute]] = [...tied.entries()];
      if (!this.fits(index, weight)) {
        const o = this.objects[index];
        throw invalid(route.scope, 'matches', describeMatch(later[0].m),
          `is as specific as, and can take the same requests as, route '${tiedRoute.id}' in ${kind} ${o.name}, which is full (${this.capacity(o)}): `
          + `${dataPlane} orders equally specific rules of different ${kind}s by creation time and name, not by the order routes were added, `
          + 'so the route must join that object',
          `add '${route.id}' right after '${tiedRoute.id}' (before unrelated routes fill ${o.name}), merge the two routes' matches into one route, `
          + `or make '${route.id}' more or less specific than '${tiedRoute.id}'`);
      }
      return index;
    }
    let index = this.firstOpen;
    while (index < this.objects.length && !this.fits(index, weight)) index++;
    return index;
  }

  /** Records `route` in object `index` (from place), adding the object when it is new. */
  public commit(route: RouteSpec, index: number): RouteObjectSlot {
    if (index === this.objects.length) this.objects.push(this.slot(index));
    const o = this.objects[index];
    o.rules++;
    o.matches += Math.max(route.matches.length, 1);
    const placed: Placed = { route, object: index };
    for (const rm of this.rankedMatches(route)) {
      const entry: Entry = { seq: this.entries.length, placed, rm };
      this.entries.push(entry);
      for (const [name, idx] of this.index) this.indexEntry(name, idx, entry);
    }
    while (this.firstOpen < this.objects.length && this.objects[this.firstOpen].rules >= this.options.maxRules) this.firstOpen++;
    return o;
  }

  /** The name of object `index`, whether or not it exists yet. */
  public nameOf(index: number): string {
    return index === 0 ? this.options.baseName : `${this.options.baseName}-${index + 1}`;
  }

  private rankedMatches(route: RouteSpec): RankedMatch[] {
    // No matches is the default match: path prefix "/".
    const matches = route.matches.length === 0 ? [{ headers: [], queryParams: [] }] : route.matches;
    return matches.map(m => ({ m, ranks: this.rankings.map(r => r.rank(m)) }));
  }

  /** The earlier entries `m` may overlap, in placement order. */
  private candidates(m: MatchConditions): readonly Entry[] {
    const key = keyOf(m);
    if (key === undefined) return this.entries;
    let idx = this.index.get(key.name);
    if (idx === undefined) {
      idx = { byValue: new Map(), lacking: [] };
      this.index.set(key.name, idx);
      for (const entry of this.entries) this.indexEntry(key.name, idx, entry);
    }
    const same = idx.byValue.get(key.value) ?? [];
    const lacking = idx.lacking;
    if (same.length === 0) return lacking;
    if (lacking.length === 0) return same;
    const merged: Entry[] = [];
    let i = 0;
    let j = 0;
    while (i < same.length || j < lacking.length) {
      merged.push(j >= lacking.length || (i < same.length && same[i].seq < lacking[j].seq) ? same[i++] : lacking[j++]);
    }
    return merged;
  }

  private indexEntry(name: string, idx: { readonly byValue: Map<string, Entry[]>; readonly lacking: Entry[] }, entry: Entry) {
    const value = exactValue(entry.rm.m, name);
    if (value === undefined) {
      idx.lacking.push(entry);
      return;
    }
    const list = idx.byValue.get(value);
    if (list === undefined) idx.byValue.set(value, [entry]);
    else list.push(entry);
  }

  private slot(index: number): RouteObjectSlot {
    return { index, name: this.nameOf(index), rules: 0, matches: 0 };
  }

  private fits(index: number, weight: number): boolean {
    const o = this.objects[index];
    return o.rules < this.options.maxRules && (this.options.maxMatches === undefined || o.matches + weight <= this.options.maxMatches);
  }

  private capacity(o: RouteObjectSlot): string {
    return o.rules >= this.options.maxRules ? `${o.rules} rules, the most it holds` : `${o.matches} matches of the ${this.options.maxMatches} it holds`;
  }
}

/** The condition that indexes `m`: its model, else its first exact header. */
function keyOf(m: MatchConditions): { readonly name: string; readonly value: string } | undefined {
  if (m.model !== undefined) return { name: MODEL_KEY, value: m.model };
  const h = m.headers.find(c => c.kind === 'exact');
  return h === undefined ? undefined : { name: h.name, value: h.value! };
}

/** The exact value `m` requires for the indexed name, if any. */
function exactValue(m: MatchConditions, name: string): string | undefined {
  if (name === MODEL_KEY) return m.model;
  return m.headers.find(c => c.kind === 'exact' && c.name === name)?.value;
}

/** The model match is a header match on the data planes that render it. */
function headerCount(m: MatchConditions): number {
  return m.headers.length + (m.model === undefined ? 0 : 1);
}

function compareRank(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Whether some request could match both (conservative: true unless they clearly exclude each other). */
function mayOverlap(a: MatchConditions, b: MatchConditions): boolean {
  if (a.model !== undefined && b.model !== undefined && a.model !== b.model) return false;
  if (a.method !== undefined && b.method !== undefined && a.method !== b.method) return false;
  if (excludes(a.headers, b.headers) || excludes(a.queryParams, b.queryParams)) return false;
  const pa = a.path ?? { kind: 'prefix', value: '/' };
  const pb = b.path ?? { kind: 'prefix', value: '/' };
  return pa.kind === 'exact' && pb.kind === 'exact' ? pa.value === pb.value
    : pa.kind === 'exact' ? within(pa.value, pb.value)
      : pb.kind === 'exact' ? within(pb.value, pa.value)
        : within(pa.value, pb.value) || within(pb.value, pa.value);
}

function within(path: string, prefix: string): boolean {
  return prefix === '/' || path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

/** Whether x requires an exact value for a name that y requires another exact value for. */
function excludes(x: MatchConditions['headers'], y: MatchConditions['headers']): boolean {
  if (x.length === 0 || y.length === 0) return false;
  for (const c of x) {
    if (c.kind !== 'exact') continue;
    for (const d of y) if (d.kind === 'exact' && d.name === c.name && d.value !== c.value) return true;
  }
  return false;
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
