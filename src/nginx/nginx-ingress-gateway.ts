import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AnnotationName, Annotations, gatewayAnnotations, idleSeconds, LocationAnnotations, LocationGroup, locationAnnotations, PREFIX, upstreamAnnotations,
} from './nginx-annotations';
import { CanaryCondition, canaryCondition } from './nginx-headers';
import { covers, describeMatch, PathRule, pathKey, pathOf, pathText, uniquePaths } from './nginx-paths';
import type { Settings, Shared, Upstream } from './nginx-settings';
import { plainApiObject } from '../plain-object';
import type { GatewayRenderer, RenderedRoute } from '../routing/data-plane';
import { normalizeWeights, samePolicy } from '../routing/render-helpers';
import type { DestinationSpec, GatewaySpec, MatchConditions, RouteSpec } from '../routing/resolved';
import { invalid } from '../validate';

/*
 * The Ingress objects of one AiGateway: a main Ingress per route and canary Ingresses, paired by host and path
 * the way ingress-nginx pairs them, in an order nginx's precedence keeps (see the data plane's header comment).
 */

/** One path of a route, in the role its Ingress gives it. */
interface Entry {
  readonly route: RouteSpec;
  /** `matches[i]`, or `matches` for the catch-all. */
  readonly property: string;
  /** The match as the user wrote it, for messages. */
  readonly describe: string;
  readonly path: PathRule;
  /** main: a main Ingress path; header: a header canary; weight: the canary of a weighted split. */
  readonly role: 'main' | 'header' | 'weight';
}

/** A host and path: at most one main Ingress and one canary Ingress. */
interface Slot {
  main?: Entry;
  canary?: Entry;
}

/** Renders one AiGateway as an Ingress per route and canary Ingresses. */
export class NginxIngressGateway implements GatewayRenderer {
  /** Every recorded path entry, in the order recorded. */
  private readonly entries: Entry[] = [];
  /** The position in `entries` of the first Prefix entry of each path value: what a later path can outrank. */
  private readonly firstPrefix = new Map<string, number>();
  private readonly slots = new Map<string, Slot>();
  /** The slots with a canary and no main Ingress yet, in the order of `slots`. */
  private readonly openCanaries = new Map<string, Slot>();
  private readonly names = new Map<string, string>();
  /** The gateway's construct path, which names it in errors about another gateway's routes. */
  private readonly gatewayPath: string;

  constructor(
    private readonly scope: Construct,
    private readonly gateway: GatewaySpec,
    private readonly settings: Settings,
    private readonly shared: Shared,
  ) {
    this.gatewayPath = scope.node.path;
    gateway.listeners.forEach((l, i) => {
      const port = l.protocol === 'HTTP' ? 80 : 443;
      if (l.port !== port) {
        throw invalid(scope, `listeners[${i}].port`, l.port,
          `cannot be expressed by ingress-nginx, whose controller serves every Ingress on port ${port} for ${l.protocol} (an Ingress cannot choose its port)`,
          `use Listener.${l.protocol === 'HTTP' ? 'http()' : 'https({ tlsSecret })'} with the default port, or DataPlane.gatewayApi(...), whose listeners choose their ports`);
      }
    });
    scope.node.addValidation({
      validate: () => [...this.slots.values()].filter(s => s.main === undefined && s.canary !== undefined).map(s => {
        const c = s.canary!;
        return invalid(c.route.scope, c.property, c.describe,
          `makes route '${c.route.id}' a canary Ingress for ${pathText(c.path)}, and ingress-nginx drops a canary whose host and path have no main Ingress`,
          `add a route after '${c.route.id}' without header matches that takes the other requests to ${pathText(c.path)}, such as a catch-all`).message;
      }),
    });
  }

  public addRoute(route: RouteSpec): RenderedRoute {
    // Everything is checked before anything is recorded: a rejected route leaves the renderer as it was.
    const weighted = route.backend.mode === 'weighted';
    route.backend.destinations.forEach((d, i) => this.requireIngressNamespace(route, weighted ? `backend[${i}]` : 'backend', d));
    if (weighted && route.backend.destinations.length > 2) {
      throw invalid(route.scope, 'backend', `${route.backend.destinations.length} backends`,
        'is a weighted split of more than two backends, and ingress-nginx splits a host and path between one main Ingress and one canary Ingress',
        'split between two backends, or use DataPlane.gatewayApi(...), whose HTTPRoute weights any number of backends');
    }
    const { entries, condition } = this.entriesOf(route, weighted);
    const location = locationAnnotations(route, this.settings);
    const upstream = upstreamAnnotations(route, this.settings);
    if (condition !== undefined && route.policies.sessionAffinity?.kind === 'cookie') {
      throw invalid(route.scope, 'sessionAffinity', `SessionAffinity.cookie("${route.policies.sessionAffinity.name}")`,
        'cannot be expressed on a header canary: ingress-nginx replaces the cookie affinity of a canary Ingress with that of the main Ingress for its path',
        'use SessionAffinity.header(...) (consistent hashing), or DataPlane.gatewayApi(...)');
    }
    const pairings = this.order(route, entries, weighted);
    for (const p of pairings) this.checkPairing(route, location, p.canary);

    const base = `${this.gateway.name}-${route.id}`;
    const mainPaths = uniquePaths([...entries.filter(e => e.role === 'main').map(e => e.path), ...pairings.filter(p => p.widened).map(p => p.canary.path)]);
    const canaryPaths = weighted ? mainPaths : uniquePaths(entries.filter(e => e.role === 'header').map(e => e.path));
    const mainName = mainPaths.length > 0 ? base : undefined;
    const canaryName = canaryPaths.length > 0 ? `${base}-canary` : undefined;
    const [first, second] = route.backend.destinations;
    const upstreams: Array<[string, DestinationSpec, string, boolean]> = [];
    if (mainName !== undefined) upstreams.push([weighted ? 'backend[0]' : 'backend', first, mainName, false]);
    if (canaryName !== undefined) upstreams.push(weighted ? ['backend[1]', second, canaryName, true] : ['backend', first, canaryName, true]);
    this.checkUpstreams(route, upstreams);
    for (const name of [mainName, canaryName]) {
      const other = name === undefined ? undefined : this.names.get(name);
      if (other !== undefined) {
        throw invalid(route.scope, 'id', route.id, `gives the Ingress name ${name}, which route '${other}' already uses`, 'rename the route');
      }
    }

    // Record.
    for (const e of entries) this.record(e);
    for (const e of entries) {
      const slot = this.slot(e.path);
      if (e.role === 'header') {
        slot.canary = e;
      } else {
        slot.main = e;
        if (weighted) slot.canary = { ...e, role: 'weight' };
      }
      this.trackCanary(e.path, slot);
    }
    for (const p of pairings) {
      if (!p.widened) continue;
      const main: Entry = { ...p.main, path: p.canary.path };
      this.record(main);
      const slot = this.slot(main.path);
      slot.main = main;
      this.trackCanary(main.path, slot);
    }
    for (const [, d, ingress, canary] of upstreams) {
      const key = upstreamKey(d);
      if (!this.shared.upstreams.has(key)) {
        this.shared.upstreams.set(key, { gateway: this.gatewayPath, route: route.id, ingress, canary, affinity: route.policies.sessionAffinity });
      }
    }
    for (const name of [mainName, canaryName]) if (name !== undefined) this.names.set(name, route.id);
    this.shared.longestIdleSeconds = Math.max(this.shared.longestIdleSeconds, idleSeconds(route));

    // Render.
    const routeObjects: k8s.KubeIngress[] = [];
    if (mainName !== undefined) {
      routeObjects.push(this.ingress(`Ingress-${route.id}`, mainName, {
        ...location.timeouts,
        ...location.retry,
        ...location.rateLimit,
        ...location.mirror,
        ...gatewayAnnotations(this.gateway, this.settings),
        ...upstream,
      }, mainPaths, first, true));
    }
    if (canaryName !== undefined) {
      const weights = weighted ? normalizeWeights([first.weight, second.weight]) : [];
      const canary: Annotations = weighted
        ? { 'canary': 'true', 'canary-weight': String(weights[1]) }
        : { 'canary': 'true', 'canary-by-header': condition!.header, 'canary-by-header-value': condition!.value, 'canary-by-header-pattern': condition!.pattern };
      // A canary's cookie affinity is its main Ingress's (copied by the controller): only its own balancing is written.
      const own: Annotations = upstream.affinity === undefined ? upstream : {};
      routeObjects.push(this.ingress(`CanaryIngress-${route.id}`, canaryName, { ...canary, ...own }, canaryPaths, weighted ? second : first, false));
    }
    // Every setting is an annotation of the Ingresses: no policy objects.
    return { routeObjects, policyObjects: [] };
  }

  /** The paths of a route and their roles, and the header condition of its canary. */
  private entriesOf(route: RouteSpec, weighted: boolean): { entries: Entry[]; condition?: CanaryCondition } {
    const matches: Array<{ property: string; m: MatchConditions }> = route.matches.length === 0
      ? [{ property: 'matches', m: { headers: [], queryParams: [] } }]
      : route.matches.map((m, i) => ({ property: `matches[${i}]`, m }));
    const entries: Entry[] = [];
    let condition: { readonly c: CanaryCondition; readonly property: string; readonly describe: string } | undefined;
    for (const { property, m } of matches) {
      const path = pathOf(route, property, m);
      const describe = describeMatch(m);
      if (m.headers.length === 0) {
        entries.push({ route, property, describe, path, role: 'main' });
        continue;
      }
      if (weighted) {
        throw invalid(route.scope, property, describe,
          'combines a header match with Backend.weighted, and the one canary Ingress ingress-nginx allows per host and path is either the header route or the weighted split',
          'match paths only on the weighted route, or use DataPlane.gatewayApi(...)');
      }
      if (m.headers.length > 1) {
        throw invalid(route.scope, property, describe, 'has more than one header condition, and an ingress-nginx canary matches one header',
          'match one header, or use DataPlane.gatewayApi(...)');
      }
      const c = canaryCondition(route, property, m.headers[0]);
      if (condition !== undefined && !samePolicy(condition.c, c)) {
        throw invalid(route.scope, property, describe,
          `has another header condition than ${condition.property} (${condition.describe}), and a route becomes one canary Ingress with one header condition`,
          'split the route into one route per header condition');
      }
      condition ??= { c, property, describe };
      entries.push({ route, property, describe, path, role: 'header' });
    }
    // A header match on a path the route takes anyway adds nothing (matches are ORed).
    const mains = entries.filter(e => e.role === 'main');
    const kept = entries.filter(e => e.role === 'main' || !mains.some(m => covers(m.path, e.path)));
    const deduped = kept.filter((e, i) => kept.findIndex(x => x.role === e.role && pathKey(x.path) === pathKey(e.path)) === i);
    return { entries: deduped, condition: deduped.some(e => e.role === 'header') ? condition?.c : undefined };
  }

  /**
   * Checks the route against the earlier ones where ingress-nginx's path precedence and canary rules differ
   * from the route order, and returns the earlier canaries this route becomes the main Ingress for.
   */
  private order(route: RouteSpec, entries: readonly Entry[], weighted: boolean): Array<{ canary: Entry; main: Entry; widened: boolean }> {
    for (const r of entries) {
      const e = this.firstOutranked(r.path);
      if (e !== undefined) {
        throw invalid(route.scope, r.property, r.describe,
          `outranks the match of earlier route '${e.route.id}' (${e.describe}): ingress-nginx has no route order and sends a request to the Ingress path `
          + `that matches it most specifically (exact path, then longest prefix), so this route would take requests that '${e.route.id}' gets on other data planes`,
          `add route '${route.id}' before '${e.route.id}', or make '${e.route.id}' at least as specific`);
      }
    }
    const pairings: Array<{ canary: Entry; main: Entry; widened: boolean }> = [];
    const secondCanary = (r: Entry, c: Entry) => invalid(route.scope, r.property, r.describe,
      `would ${r.role === 'header' ? 'be a second canary' : 'add a second canary (the weighted split)'} for ${pathText(c.path)}, where route '${c.route.id}' `
      + `(${c.describe}) already is the canary, and ingress-nginx allows one canary Ingress per host and path`,
      'merge the two routes into one, or use DataPlane.gatewayApi(...), whose HTTPRoute takes any number of header and weighted rules');
    for (const r of entries) {
      const slot = this.slots.get(pathKey(r.path));
      if (slot?.main !== undefined) {
        const m = slot.main;
        throw invalid(route.scope, r.property, r.describe,
          `would never be used: earlier route '${m.route.id}' (${m.describe}) takes every request to ${pathText(r.path)}, and ingress-nginx would `
          + (r.role === 'header' ? 'send the requests with the header to this route\'s canary Ingress instead' : 'pick one of the two Ingresses for it'),
          r.role === 'header' ? `add route '${route.id}' before '${m.route.id}'` : `remove route '${route.id}', or give it a header match and add it before '${m.route.id}'`);
      }
      if (slot?.canary !== undefined) {
        if (r.role === 'header' || weighted) throw secondCanary(r, slot.canary);
        if (!pairings.some(p => p.canary === slot.canary)) pairings.push({ canary: slot.canary, main: r, widened: false });
      }
    }
    // An earlier canary on a narrower path: this route takes the other requests to that path, so its Ingress gets the path too.
    for (const slot of this.openCanaries.values()) {
      const c = slot.canary;
      if (slot.main !== undefined || c === undefined || pairings.some(p => p.canary === c)) continue;
      const cover = entries.find(r => covers(r.path, c.path));
      if (cover === undefined) continue;
      if (cover.role === 'header') {
        throw invalid(route.scope, cover.property, cover.describe,
          `cannot apply to requests for ${pathText(c.path)}: ingress-nginx sends them to the Ingresses for that path, where route '${c.route.id}' (${c.describe}) is the one canary`,
          `add a route for ${pathText(c.path)} without header matches before '${route.id}', or use DataPlane.gatewayApi(...)`);
      }
      if (weighted) throw secondCanary(cover, c);
      pairings.push({ canary: c, main: cover, widened: true });
    }
    return pairings;
  }

  /** A canary Ingress runs with its main Ingress's location settings: both routes must ask for the same. */
  private checkPairing(route: RouteSpec, location: LocationAnnotations, canary: Entry) {
    const a = route.policies.sessionAffinity;
    if (a?.kind === 'cookie') {
      throw invalid(route.scope, 'sessionAffinity', `SessionAffinity.cookie("${a.name}")`,
        `cannot be combined with the header canary of route '${canary.route.id}' for ${pathText(canary.path)}: ingress-nginx keeps a client that holds `
        + 'this route\'s affinity cookie on this backend even when the header asks for the canary',
        'use SessionAffinity.header(...) (consistent hashing), or DataPlane.gatewayApi(...)');
    }
    const theirs = locationAnnotations(canary.route, this.settings);
    for (const group of ['timeouts', 'retry', 'rateLimit', 'mirror'] as LocationGroup[]) {
      if (samePolicy(location[group], theirs[group])) continue;
      const keys = [...new Set([...Object.keys(location[group]), ...Object.keys(theirs[group])])].sort() as AnnotationName[];
      const differing = keys.filter(k => location[group][k] !== theirs[group][k]);
      const pick = (x: Annotations) => Object.fromEntries(differing.map(k => [k, x[k] ?? 'not set']));
      throw invalid(route.scope, group, pick(location[group]),
        `differs from route '${canary.route.id}' (${JSON.stringify(pick(theirs[group]))}), whose canary Ingress for ${pathText(canary.path)} runs with this `
        + 'route\'s Ingress settings: ingress-nginx applies the main Ingress\'s annotations to canary traffic',
        `give both routes the same ${group}${group === 'mirror' ? '' : ' (set it in the gateway defaults)'}, or use DataPlane.gatewayApi(...)`);
    }
  }

  /** ingress-nginx keeps one upstream per Service port: balancing, affinity and the canary role belong to it. */
  private checkUpstreams(route: RouteSpec, upstreams: ReadonlyArray<[string, DestinationSpec, string, boolean]>) {
    // The route's own upstreams over the App's (no copy of the App's map: a route has at most two).
    const seen = new Map<string, Upstream>();
    for (const [property, d, ingress, canary] of upstreams) {
      const key = upstreamKey(d);
      const other = seen.get(key) ?? this.shared.upstreams.get(key);
      if (other === undefined) {
        seen.set(key, { gateway: this.gatewayPath, route: route.id, ingress, canary, affinity: route.policies.sessionAffinity });
        continue;
      }
      if (other.ingress !== ingress && (other.canary || canary)) {
        throw invalid(route.scope, property, `${d.name}:${d.port}`,
          `is also the backend of Ingress ${other.ingress} (${this.routeOf(other)}), and ingress-nginx keeps one upstream per Service port, `
          + 'so the Service of a canary Ingress cannot serve another Ingress',
          'give the canary its own Service, or use DataPlane.gatewayApi(...)');
      }
      if (!samePolicy(other.affinity ?? null, route.policies.sessionAffinity ?? null)) {
        throw invalid(route.scope, 'sessionAffinity', `${d.name}:${d.port}`,
          `differs from ${this.routeOf(other)}, which sends to the same Service port, and ingress-nginx keeps load balancing and affinity per Service port (the first Ingress wins)`,
          'give every route to this backend the same sessionAffinity (set it in the gateway defaults)');
      }
    }
  }

  /** `route 'id'`, with its gateway's path when the route is another gateway's. */
  private routeOf(u: Upstream): string {
    return u.gateway === this.gatewayPath ? `route '${u.route}'` : `route '${u.route}' of gateway ${u.gateway}`;
  }

  private requireIngressNamespace(route: RouteSpec, property: string, d: DestinationSpec) {
    const namespace = d.namespace ?? this.gateway.namespace;
    if (namespace !== this.gateway.namespace) {
      throw invalid(route.scope, property, `${d.name} in namespace ${namespace}`,
        `is not in the namespace of the gateway's Ingresses (${this.gateway.namespace ?? 'none set'}), and an Ingress reaches Services in its own namespace only`,
        `put the gateway in namespace ${namespace} (AiGatewayProps.namespace), or use DataPlane.gatewayApi(...), whose HTTPRoutes reach other namespaces through a ReferenceGrant`);
    }
  }

  /** Records an entry, indexing its path when it is a Prefix. */
  private record(e: Entry) {
    if (e.path.kind === 'prefix' && !this.firstPrefix.has(e.path.value)) this.firstPrefix.set(e.path.value, this.entries.length);
    this.entries.push(e);
  }

  /** Keeps `openCanaries` in step with a slot just changed. */
  private trackCanary(path: PathRule, slot: Slot) {
    if (slot.main === undefined && slot.canary !== undefined) this.openCanaries.set(pathKey(path), slot);
    else this.openCanaries.delete(pathKey(path));
  }

  /**
   * The earliest recorded entry whose path `path` overlaps and outranks (exact path, then longest prefix), if any. Only
   * a Prefix entry at `path` or above it qualifies: an exact `path` outranks the Prefix of its own value and of every
   * prefix above it, a Prefix only those strictly above it; nothing outranks an exact entry it overlaps (the same
   * path) or a Prefix below it. So it looks up the path's prefixes instead of every earlier entry: O(path segments).
   */
  private firstOutranked(path: PathRule): Entry | undefined {
    let first: number | undefined;
    const consider = (value: string) => {
      const i = this.firstPrefix.get(value);
      if (i !== undefined && (first === undefined || i < first)) first = i;
    };
    if (path.value !== '/') consider('/');
    for (let i = 1; i < path.value.length; i++) if (path.value[i] === '/') consider(path.value.slice(0, i));
    if (path.kind === 'exact') consider(path.value);
    return first === undefined ? undefined : this.entries[first];
  }

  private slot(path: PathRule): Slot {
    const key = pathKey(path);
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = {};
      this.slots.set(key, slot);
    }
    return slot;
  }

  private ingress(id: string, name: string, annotations: Annotations, paths: readonly PathRule[], d: DestinationSpec,
    main: boolean): ApiObject {
    const tls = this.gateway.listeners.find(l => l.protocol === 'HTTPS');
    const written = Object.entries(annotations).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b));
    // Written once as a manifest (plain-object.ts): a platform gateway has thousands of Ingresses.
    return plainApiObject(this.scope, id, k8s.KubeIngress.GVK, {
      metadata: {
        name,
        namespace: this.gateway.namespace,
        annotations: Object.fromEntries(written.map(([k, v]) => [`${PREFIX}${k}`, v!])),
      },
      spec: {
        ingressClassName: this.settings.ingressClassName,
        // The controller takes TLS from the main Ingresses of a host; a canary's would be ignored.
        tls: main && tls !== undefined ? [{ hosts: [...this.gateway.hostnames], secretName: tls.tlsSecret }] : undefined,
        rules: this.gateway.hostnames.map(host => ({
          host,
          http: {
            paths: paths.map(p => ({
              path: p.value,
              pathType: p.kind === 'exact' ? 'Exact' : 'Prefix',
              backend: { service: { name: d.name, port: { number: d.port } } },
            })),
          },
        })),
      },
    } satisfies k8s.KubeIngressProps);
  }
}

function upstreamKey(d: DestinationSpec): string {
  return `${d.namespace ?? ''}/${d.name}:${d.port}`;
}
