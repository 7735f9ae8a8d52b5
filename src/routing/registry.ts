import { Construct, IConstruct } from 'constructs';
import type { AiGateway } from './ai-gateway';
import type { DataPlaneInstallation } from './data-plane';
import type { MatchConditions, ValueCondition } from './resolved';
import { invalid } from '../validate';

/*
 * The App-wide view: what the cluster shares between gateways, held by one construct at the App root, so that
 * DataPlane values and policies stay immutable and reusable, and conflicts between gateways are seen whatever
 * data plane values they were built with.
 */

/** A gateway as the registry sees it (structural, so this file does not import the AiGateway module). @internal */
export interface RegisteredGateway extends IConstruct {
  readonly name: string;
  readonly namespaceName?: string;
  readonly hostnames: string[];
}

/** One claim of a host and match: the gateway and route that made it. */
interface Claim {
  readonly gateway: RegisteredGateway;
  readonly route: string;
  readonly host: string;
  readonly describe: string;
}

/** A claim that `_checkRoute` found free, to record with `_commitRoute` once the route is rendered. @internal */
export interface PendingClaims {
  readonly claims: ReadonlyArray<{ readonly key: string; readonly covers: readonly string[]; readonly claim: Claim }>;
}

/**
 * The App-wide view of every `AiGateway` in an App: what must agree across gateways, because the cluster keeps
 * it once. It holds
 * - the gateways by namespace and name (two gateways of one name in a namespace would emit the same objects);
 * - which gateway owns each hostname and match on one controller entry point (the same IngressClass, the same
 *   Istio gateway pods, the same GatewayClass; and the same listener port): a second gateway claiming the same
 *   match on an overlapping hostname is rejected, naming both;
 * - what a data plane's controller keeps once for all gateways, such as one Istio DestinationRule per backend
 *   host, one Namespace object per namespace enrolled in the mesh, and one ingress-nginx upstream per Service port;
 * - the names of the objects gateways, model pools and InferencePools emit, per kind and namespace: two of one kind
 *   and name in one namespace fail synthesis (or, for pools and InferencePools, their constructor), naming both.
 *
 * It is created on first use (the first gateway, pool or InferencePool) as a child of the App (the construct
 * tree's root) with the id `AiGatewayRegistry.ID`, and emits no objects. Find it with `AiGatewayRegistry.of(scope)`.
 */
export class AiGatewayRegistry extends Construct {
  /** The id of the registry under the App root. */
  public static readonly ID = 'AiGatewayRegistry';

  /** The registry of the App `scope` belongs to, created at the App root on first use. */
  public static of(scope: IConstruct): AiGatewayRegistry {
    const root = scope.node.root;
    const existing = root.node.tryFindChild(AiGatewayRegistry.ID);
    if (existing instanceof AiGatewayRegistry) return existing;
    if (existing !== undefined) {
      throw invalid(existing, 'id', AiGatewayRegistry.ID, 'is reserved for the App\'s AiGatewayRegistry, which the gateways of the App share',
        `give the construct at ${existing.node.path} another id`);
    }
    return new AiGatewayRegistry(root as Construct, AiGatewayRegistry.ID);
  }

  private readonly gatewaysByName = new Map<string, RegisteredGateway>();
  /** `<entry point>|<host>|<match>` → the first claim. */
  private readonly claims = new Map<string, Claim>();
  /**
   * `<entry point>|*.<suffix>|<match>` → the first claim of a hostname under that wildcard, and the first claim of
   * another gateway (so a gateway finds any other gateway's claim in O(1)).
   */
  private readonly covered = new Map<string, { readonly first: Claim; other?: Claim }>();
  private readonly states = new Map<string, unknown>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /** The gateways of the App, in the order they were created. */
  public get gateways(): AiGateway[] {
    return [...this.gatewaysByName.values()] as AiGateway[];
  }

  /**
   * The gateway named `name` in namespace `namespaceName`.
   * @param namespaceName the namespace (an empty string for gateways without one)
   * @param name the gateway's name
   * @returns the gateway, or undefined when the App has none of that name
   */
  public findGateway(namespaceName: string, name: string): AiGateway | undefined {
    return this.gatewaysByName.get(`${namespaceName}/${name}`) as AiGateway | undefined;
  }

  /**
   * The hostnames and matches the App's gateways claim, as `<hostname> <match> → <gateway path>/<route>`, sorted.
   * The match is `*` for a catch-all.
   */
  public get claimedRoutes(): string[] {
    return [...this.claims.values()].map(c => `${c.host} ${c.describe} → ${c.gateway.node.path}/${c.route}`).sort();
  }

  /** Two gateways with one name in one namespace would emit the same objects, and `kubectl apply` keeps the last. @internal */
  public _registerGateway(gateway: RegisteredGateway, property: string): void {
    const key = `${gateway.namespaceName ?? ''}/${gateway.name}`;
    const twin = this.gatewaysByName.get(key);
    if (twin !== undefined) {
      const where = gateway.namespaceName === undefined ? 'without a namespace' : `in namespace ${gateway.namespaceName}`;
      throw invalid(gateway, property, gateway.name,
        `is already the name of gateway ${twin.node.path} ${where}, and the two would emit objects of the same names, of which kubectl apply keeps only the last`,
        'give each AiGateway in a namespace its own name');
    }
    this.gatewaysByName.set(key, gateway);
  }

  /**
   * Checks that no other gateway on the same entry point claims one of the route's matches on an overlapping
   * hostname; changes nothing. Costs O(hostnames × ports × matches × labels per hostname). @internal
   */
  public _checkRoute(gateway: RegisteredGateway, installation: DataPlaneInstallation, ports: readonly number[],
    route: { readonly id: string; readonly scope: IConstruct; readonly matches: readonly MatchConditions[] }): PendingClaims {
    const entry = entryPoint(installation);
    const matches = route.matches.length === 0 ? [undefined] : route.matches;
    const pending: Array<PendingClaims['claims'][number]> = [];
    for (const port of ports) {
      for (const host of gateway.hostnames) {
        for (const [i, m] of matches.entries()) {
          const match = matchKey(m);
          const at = (h: string) => `${entry}:${port}|${h}|${match}`;
          const parents = wildcardsCovering(host);
          const other = [this.claims.get(at(host)), ...parents.map(p => this.claims.get(at(p))),
            host.startsWith('*.') ? this.coveredOther(at(host), gateway) : undefined].find(c => c !== undefined && c.gateway !== gateway);
          const describe = m === undefined ? 'every request (the catch-all)' : describeMatch(m);
          if (other !== undefined) {
            const hosts = other.host === host ? `hostname ${host}` : `hostname ${host} (overlapping ${other.host})`;
            throw invalid(route.scope, m === undefined ? 'matches' : `matches[${i}]`, describe,
              `is also the match of route '${other.route}' of gateway ${other.gateway.node.path} on ${hosts}, port ${port}, and the same controller `
              + `(${describeEntry(installation)}) cannot route one request to two gateways`,
              'give the gateways different hostnames, or route this match on one gateway only');
          }
          pending.push({ key: at(host), covers: parents.map(at), claim: { gateway, route: route.id, host, describe } });
        }
      }
    }
    return { claims: pending };
  }

  /** Records the claims `_checkRoute` found free. @internal */
  public _commitRoute(pending: PendingClaims): void {
    for (const { key, covers, claim } of pending.claims) {
      if (!this.claims.has(key)) this.claims.set(key, claim);
      for (const c of covers) {
        const existing = this.covered.get(c);
        if (existing === undefined) this.covered.set(c, { first: claim });
        else if (existing.other === undefined && existing.first.gateway !== claim.gateway) existing.other = claim;
      }
    }
  }

  private coveredOther(key: string, gateway: RegisteredGateway): Claim | undefined {
    const c = this.covered.get(key);
    return c === undefined ? undefined : c.first.gateway !== gateway ? c.first : c.other;
  }

  /**
   * The App-wide state a data plane keeps for what its controller holds once, such as ingress-nginx's upstreams
   * per Service port, created on first use. `key` names the data plane and its controller. @internal
   */
  public _state<T>(key: string, create: () => T): T {
    let state = this.states.get(key) as T | undefined;
    if (state === undefined) {
      state = create();
      this.states.set(key, state);
    }
    return state;
  }
}

/** The wildcard hostnames that cover `host`: `a.b.example.com` → `*.b.example.com`, `*.example.com`, `*.com`. */
function wildcardsCovering(host: string): string[] {
  const labels = (host.startsWith('*.') ? host.slice(2) : host).split('.');
  const out: string[] = [];
  for (let i = 1; i < labels.length; i++) out.push(`*.${labels.slice(i).join('.')}`);
  return out;
}

/** Where one controller takes requests: its controller, class or pods. */
function entryPoint(i: DataPlaneInstallation): string {
  const selector = i.gatewaySelector === undefined ? '' : Object.entries(i.gatewaySelector).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(',');
  return [i.controller, i.ingressClassName ?? '', i.gatewayClassName ?? '', i.gatewayNamespace ?? '', selector].join('/');
}

function describeEntry(i: DataPlaneInstallation): string {
  if (i.ingressClassName !== undefined) return `${i.controller}, IngressClass ${i.ingressClassName}`;
  if (i.gatewayClassName !== undefined) return `${i.controller}, GatewayClass ${i.gatewayClassName}`;
  if (i.gatewaySelector !== undefined) {
    return `${i.controller}, gateway pods ${Object.entries(i.gatewaySelector).map(([k, v]) => `${k}=${v}`).join(',')} in ${i.gatewayNamespace}`;
  }
  return i.controller;
}

/**
 * The match as a key: equal keys take the same requests. A match of the path prefix `/` alone is the catch-all;
 * header and query conditions are sorted by name.
 */
function matchKey(m: MatchConditions | undefined): string {
  if (m === undefined || isCatchAll(m)) return '*';
  const sorted = (xs: readonly ValueCondition[], fold: boolean) => xs.map(x => [fold ? x.name.toLowerCase() : x.name, x.kind, x.value ?? ''])
    .sort((a, b) => a.join('\u0000').localeCompare(b.join('\u0000')));
  return JSON.stringify([m.path?.kind, m.path?.value, m.method, m.model,
    sorted(m.headers, true), sorted(m.queryParams, false)]);
}

function isCatchAll(m: MatchConditions): boolean {
  return m.headers.length === 0 && m.queryParams.length === 0 && m.method === undefined && m.model === undefined
    && (m.path === undefined || (m.path.kind === 'prefix' && m.path.value === '/'));
}

function describeMatch(m: MatchConditions): string {
  if (isCatchAll(m)) return 'every request (the catch-all)';
  const parts: string[] = [];
  if (m.path !== undefined) parts.push(`path ${m.path.kind} ${m.path.value}`);
  if (m.method !== undefined) parts.push(`method ${m.method}`);
  if (m.model !== undefined) parts.push(`model ${m.model}`);
  for (const h of m.headers) parts.push(h.kind === 'present' ? `header ${h.name} present` : `header ${h.name} ${h.kind} ${h.value}`);
  for (const q of m.queryParams) parts.push(`query ${q.name} ${q.kind} ${q.value}`);
  return parts.join(', ');
}
