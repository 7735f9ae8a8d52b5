import { ApiObject, Chart, Lazy, Names } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import type { ILlmModelPool } from '../llm-model-pool';
import { Emitter, recordObjects } from '../object-names';
import { invalid, requireArray, requireDnsLabel, requireInstance, requireObject, requireString } from '../validate';
import { Backend } from './backend';
import { DataPlane, DataPlaneImpl, GatewayPeer, GatewayRenderer, RenderedRoute } from './data-plane';
import { FeatureId, featuresOf } from './features';
import { Listener } from './listener';
import { RouteMatch } from './match';
import { CircuitBreaker, FaultInjection, JwtAuth, RateLimit, RequestMirror, RetryPolicy, SessionAffinity, Timeouts } from './policies';
import { AiGatewayRegistry, PendingClaims } from './registry';
import { GatewaySpec, PolicySpec, RouteSpec } from './resolved';
import { SupportLevel } from './support-level';
import { mermaidTopology } from './topology';

/**
 * Traffic policies. In `AiGatewayProps.defaults` they apply to every route; on a route they replace the
 * gateway's value for that route.
 */
export interface RoutePolicies {
  /**
   * How long a request may take.
   * @default Timeouts.llmDefaults() (five minutes)
   */
  readonly timeouts?: Timeouts;
  /**
   * When failed requests are sent again.
   * @default RetryPolicy.llmSafe()
   */
  readonly retry?: RetryPolicy;
  /**
   * Limits per backend and ejection of failing endpoints.
   * @default - none
   */
  readonly circuitBreaker?: CircuitBreaker;
  /**
   * Keep a client on one replica.
   * @default - none: least-request load balancing
   */
  readonly sessionAffinity?: SessionAffinity;
  /**
   * How many requests or tokens are accepted per unit of time.
   * @default - no limit
   */
  readonly rateLimit?: RateLimit;
  /**
   * Require a valid JWT.
   * @default - no authentication
   */
  readonly jwt?: JwtAuth;
}

/** Options for `AiGateway.addRoute`. */
export interface AiGatewayAddRouteOptions extends RoutePolicies {
  /**
   * Which requests the route takes: any one of the matches (OR), each of which requires all its conditions
   * (AND). Without matches the route takes every request: it is the catch-all and must be added last.
   * @default - every request (the catch-all)
   */
  readonly matches?: RouteMatch[];
  /** Where the requests go. */
  readonly backend: Backend;
  /**
   * Copy requests to a second backend.
   * @default - no mirroring
   */
  readonly mirror?: RequestMirror;
  /**
   * Inject delays or errors (resilience testing).
   * @default - none
   */
  readonly fault?: FaultInjection;
}

/** Properties of an `AiGateway`. */
export interface AiGatewayProps {
  /** The data plane that renders the gateway. */
  readonly dataPlane: DataPlane;
  /** The hostnames clients use, such as `llm.example.com` (a leading `*.` for a wildcard). */
  readonly hostnames: string[];
  /**
   * The ports the gateway accepts requests on.
   * @default [Listener.http()] (port 80)
   */
  readonly listeners?: Listener[];
  /**
   * Policies for every route; a route's own value replaces them.
   * @default - the library defaults: five minute timeout, LLM-safe retries
   */
  readonly defaults?: RoutePolicies;
  /**
   * A NetworkPolicy per model pool behind the gateway, so only the gateway's pods (and
   * `allowedNamespaces`) reach the pool's serving port. Pods selected by no other policy stay open.
   * @default true
   */
  readonly networkIsolation?: boolean;
  /**
   * Namespaces whose pods may also reach the model pools' serving port, such as the Prometheus namespace
   * when the pool is scraped on that port.
   * @default - none
   */
  readonly allowedNamespaces?: string[];
  /**
   * The name of the gateway's objects.
   * @default - derived from the construct path
   */
  readonly name?: string;
  /**
   * The namespace of the gateway's objects (the data plane may put some elsewhere, such as Istio's
   * authentication objects in the gateway pods' namespace).
   * @default - the chart's namespace
   */
  readonly namespaceName?: string;
}

/** A route of an `AiGateway`, in the order routes were added. */
export class AiGatewayRoute extends Construct {
  /** @internal */
  public static _create(gateway: AiGateway, id: string, resolve: (scope: Construct) => RouteSpec): AiGatewayRoute {
    return new AiGatewayRoute(gateway, id, resolve);
  }

  /** Whether the route takes every request (it has no matches). */
  public readonly isCatchAll: boolean;

  /** @internal */
  public readonly _spec: RouteSpec;
  private rendered: RenderedRoute = { routeObjects: [], policyObjects: [] };

  private constructor(gateway: AiGateway, id: string, resolve: (scope: Construct) => RouteSpec) {
    super(gateway, id);
    this._spec = resolve(this);
    this.isCatchAll = this._spec.matches.length === 0;
  }

  /**
   * The objects that hold the route's rule, the escape hatch for what the library does not model
   * (`addJsonPatch`). Other routes' rules may share them: a JSON patch path into `spec.http` or `spec.rules` takes the
   * entry's index, which is the route's position among the routes the object holds, in the order they were added (the
   * entry is named after the route id). They are, per data plane:
   *
   * - Istio: the gateway's VirtualService (its `http` entry named `<namespace>-<gateway name>-<route id>`, or
   *   `<gateway name>-<route id>` without a namespace).
   * - Gateway API: the HTTPRoute that holds the route's rule (named like the route id); a gateway with many routes
   *   spreads them over several.
   * - Envoy AI Gateway: the AIGatewayRoute that holds the rule; for a catch-all route, every AIGatewayRoute of the gateway.
   * - ingress-nginx: the route's own Ingress and, for a header or weighted route, its canary Ingress.
   */
  public get routeObjects(): ApiObject[] {
    return [...this.rendered.routeObjects];
  }

  /**
   * The objects that hold the route's policies, the escape hatch for settings the library does not model
   * (`addJsonPatch`).
   *
   * Some are shared: a patch of a host's DestinationRule applies to every route to that host. They are, per data plane:
   *
   * - Istio: the DestinationRule of each backend host (one per host in the App, shared by every route to it), and the
   *   gateway's rate-limit EnvoyFilter when the route sets its own rate limit.
   * - Gateway API with Envoy Gateway, and Envoy AI Gateway: the route's BackendTrafficPolicy, and its SecurityPolicy
   *   when it sets its own JWT. With the Istio implementation: the DestinationRules as on Istio.
   * - ingress-nginx: none; the route's settings are annotations of its Ingresses (`routeObjects`).
   */
  public get policyObjects(): ApiObject[] {
    return [...this.rendered.policyObjects];
  }

  /** @internal */
  public _setRendered(rendered: RenderedRoute): void {
    this.rendered = rendered;
  }
}

/**
 * An AI gateway: hostnames, listeners and ordered routes to model pools, Services or providers, with
 * traffic policies, rendered for the chosen data plane.
 *
 * Routes are evaluated in the order they are added; the first whose matches take a request serves it.
 * Policies in `defaults` apply to every route; a route's own policy replaces the gateway's.
 *
 * @example
 * const gateway = new AiGateway(chart, 'gateway', {
 *   dataPlane: DataPlane.istio(),
 *   hostnames: ['llm.example.com'],
 * });
 * gateway.addRoute('large', { matches: [RouteMatch.header('x-llm-model-type', 'large')], backend: Backend.pool(large) });
 * gateway.addRoute('default', { backend: Backend.pool(small) });
 */
export class AiGateway extends Construct {
  /** The name of the gateway's objects. */
  public readonly name: string;
  /**
   * The namespace of the gateway's objects.
   * @default - the namespace `kubectl` applies to
   */
  public readonly namespaceName?: string;
  /** The hostnames clients use. */
  public readonly hostnames: string[];
  /** The data plane the gateway is rendered for. */
  public readonly dataPlane: DataPlane;

  private readonly impl: DataPlaneImpl;
  private readonly registry: AiGatewayRegistry;
  private readonly spec: GatewaySpec;
  private readonly renderer: GatewayRenderer;
  /** The gateway as the emitter of its objects, whose names the App's registry records. */
  private readonly emitter: Emitter;
  private readonly routeList: AiGatewayRoute[] = [];
  /** The catch-all route, after which no route may come. */
  private catchAll?: AiGatewayRoute;
  private readonly defaults: RoutePolicies;
  private readonly networkIsolation: boolean;
  private readonly allowedNamespaces: string[];
  /** The peers of each pool's NetworkPolicy, by `<namespace>/<Service>` (two imports of one Service are one pool). */
  private readonly isolatedPools = new Map<string, Map<string, GatewayPeer>>();

  constructor(scope: Construct, id: string, props: AiGatewayProps) {
    super(scope, id);
    requireObject(this, 'props', props);
    requireInstance(this, 'dataPlane', props.dataPlane, DataPlane, 'DataPlane.istio(), DataPlane.gatewayApi(...) or another DataPlane factory');
    this.dataPlane = props.dataPlane;
    this.impl = props.dataPlane._impl;
    this.name = props.name ?? Names.toDnsLabel(this);
    requireDnsLabel(this, props.name === undefined ? 'id' : 'name', this.name);
    this.namespaceName = props.namespaceName ?? Chart.of(this).namespace;
    if (this.namespaceName !== undefined) requireDnsLabel(this, 'namespaceName', this.namespaceName);
    this.registry = AiGatewayRegistry.of(this);
    this.registry._registerGateway(this, props.name === undefined ? 'id' : 'name');
    // JavaScript callers get no type check: a missing list is the library's error, not a TypeError.
    if (!Array.isArray(props.hostnames) || props.hostnames.length === 0) {
      throw invalid(this, 'hostnames', [], 'is empty', "give the hostnames clients use, such as ['llm.example.com']");
    }
    this.hostnames = props.hostnames.map((h, i) => requireHostname(this, `hostnames[${i}]`, h));
    if (new Set(this.hostnames).size !== this.hostnames.length) {
      throw invalid(this, 'hostnames', props.hostnames, 'lists a hostname twice', 'list each hostname once');
    }
    const listeners = requireArray(this, 'listeners', props.listeners ?? [Listener.http()])
      .map((l, i) => requireInstance(this, `listeners[${i}]`, l, Listener, 'Listener.http(...) or Listener.https(...)')._resolve(this, `listeners[${i}]`));
    if (listeners.length === 0) throw invalid(this, 'listeners', [], 'is empty', 'give at least one Listener, or leave listeners out for HTTP on port 80');
    const ports = listeners.map(l => l.port);
    if (new Set(ports).size !== ports.length) {
      throw invalid(this, 'listeners', ports, 'use a port twice', 'give each listener its own port');
    }
    this.defaults = requireObject(this, 'defaults', props.defaults ?? {});
    this.networkIsolation = props.networkIsolation ?? true;
    this.allowedNamespaces = requireArray(this, 'allowedNamespaces', props.allowedNamespaces ?? []).map((n, i) => requireDnsLabel(this, `allowedNamespaces[${i}]`, n));

    this.spec = {
      name: this.name,
      namespace: this.namespaceName,
      hostnames: this.hostnames,
      listeners,
      defaults: resolvePolicies(this, 'defaults', this.defaults),
    };
    for (const listener of listeners) {
      if (listener.protocol === 'HTTPS') this.requireSupport('tls', 'listeners', `Listener.https(port ${listener.port})`);
    }
    if (this.networkIsolation) this.requireSupport('networkIsolation', 'networkIsolation', 'true');
    this.renderer = this.impl.bind(this, this.spec);
    this.emitter = { construct: this, description: `gateway ${this.node.path}`, name: this.name };
    recordObjects(this, this.node.children, this.emitter);
    this.node.addValidation({
      validate: () => this.routeList.length === 0
        ? [`${this.node.path}: the gateway has no routes, so it would reject every request; add one with addRoute(id, { backend })`]
        : [],
    });
  }

  /** Whether a route sends traffic through an InferencePool (the controller needs the Inference Extension). */
  public get usesInferencePools(): boolean {
    return this.routeList.some(r => r._spec.backend.destinations.some(d => d.kind === 'inferencePool'));
  }

  /**
   * Whether a route has a global rate limit (keyed per client, header or claim, or a token budget) that needs
   * the controller's rate limit service (Envoy Gateway's, with Redis).
   */
  public get usesGlobalRateLimits(): boolean {
    return this.routeList.some(r => {
      const limit = r._spec.policies.rateLimit;
      return limit !== undefined && (limit.counts === 'tokens' || limit.key.kind !== 'global');
    });
  }

  /**
   * A Mermaid flowchart of the gateway as rendered: clients → gateway → each route's destinations, with the
   * route's matches and policies on the edge. Put it in a markdown file next to the manifests.
   */
  public topology(): string {
    return mermaidTopology(this.spec, this.impl.name, this.routeList.map(r => r._spec), this.impl.retried?.bind(this.impl));
  }

  /**
   * Controller-wide settings the gateway's objects rely on, to set in the controller's Helm values: the data
   * plane's own (`DataPlane.controllerSettings()`) and those that follow the routes of every gateway of the App on
   * the same controller (ingress-nginx's `worker-shutdown-timeout` covers the longest stream). Read it after
   * every route is added. Empty when the data plane needs none.
   */
  public controllerSettings(): Record<string, string> {
    return this.impl.controllerSettings?.(this) ?? {};
  }

  /** The routes, in evaluation order. */
  public get routes(): AiGatewayRoute[] {
    return [...this.routeList];
  }

  /**
   * Adds a route after the existing ones. Fails when the route's settings cannot be expressed by the data
   * plane, when `id` is taken, or when a catch-all route was already added.
   */
  public addRoute(id: string, options: AiGatewayAddRouteOptions): AiGatewayRoute {
    const where = `${this.node.path}/${id}`;
    if (this.node.tryFindChild(id) !== undefined) {
      throw invalid(where, 'id', id, 'is already used by a route of this gateway', 'give each route its own id');
    }
    requireDnsLabel(where, 'id', id);
    const catchAll = this.catchAll;
    if (catchAll !== undefined) {
      throw invalid(where, 'matches', options.matches === undefined ? 'none (catch-all)' : `${options.matches.length} match(es)`,
        `comes after the catch-all route '${catchAll.node.id}', which takes every request, so it would never be used`,
        `add route '${id}' before '${catchAll.node.id}'`);
    }
    let route: AiGatewayRoute | undefined;
    let claims: PendingClaims | undefined;
    // A rejected route leaves nothing behind: whatever was added to the gateway during the call is removed.
    const added = withRollback(this, () => {
      route = AiGatewayRoute._create(this, id, scope => this.resolveRoute(scope, id, options));
      for (const use of featuresOf(route._spec)) this.requireSupport(use.feature, use.property, use.value, route);
      if (this.networkIsolation) this.requireScrapeAllowed(route);
      // Another gateway on the same controller must not claim the same match on an overlapping hostname.
      claims = this.registry._checkRoute(this, this.impl.installation, this.spec.listeners.map(l => l.port), route._spec);
      // Renderers check everything before they render anything; should one still throw, the rollback drops what it added.
      route._setRendered(this.renderer.addRoute(route._spec));
    });
    if (route === undefined || claims === undefined) throw new Error(`${where}: the route was not created`);
    this.registry._commitRoute(claims);
    recordObjects(this, added, this.emitter);
    if (this.networkIsolation) this.isolate(route._spec);
    this.routeList.push(route);
    if (route.isCatchAll) this.catchAll = route;
    return route;
  }

  private resolveRoute(scope: Construct, id: string, options: AiGatewayAddRouteOptions): RouteSpec {
    if (!(options?.backend instanceof Backend)) {
      throw invalid(scope, 'backend', options?.backend, 'is not a Backend', 'pass Backend.pool(...), Backend.service(...) or another Backend factory');
    }
    const notMatch = requireArray(scope, 'matches', options.matches ?? []).findIndex(m => !(m instanceof RouteMatch));
    if (notMatch >= 0) {
      throw invalid(scope, `matches[${notMatch}]`, options.matches![notMatch], 'is not a RouteMatch', 'build matches with RouteMatch.pathPrefix(...), RouteMatch.header(...) and the like');
    }
    if (options.matches !== undefined && options.matches.length === 0) {
      throw invalid(scope, 'matches', [], 'is empty', 'leave matches out for a catch-all route, or give at least one RouteMatch');
    }
    if (options.mirror !== undefined) requireInstance(scope, 'mirror', options.mirror, RequestMirror, 'RequestMirror.to(backend)');
    if (options.fault !== undefined) requireInstance(scope, 'fault', options.fault, FaultInjection, 'FaultInjection.of(...)');
    const policies = resolvePolicies(scope, '', options, this.spec.defaults);
    const own = (Object.keys(policies) as Array<keyof PolicySpec>).filter(k => options[k] !== undefined);
    const ownPolicies = own.length === 0 ? NO_OWN_POLICIES : new Set(own);
    const retry = policies.retry;
    const request = policies.timeouts.requestSeconds;
    if (retry?.perTrySeconds !== undefined && request > 0) {
      const total = retry.perTrySeconds * (retry.attempts + 1);
      if (total > request) {
        throw invalid(scope, 'retry.perTryTimeout', `${retry.perTrySeconds}s`,
          `x ${retry.attempts + 1} tries (1 + retry.attempts ${retry.attempts}) = ${total}s exceeds the request timeout (${request}s), so later tries would be cut off`,
          'lower retry.attempts or retry.perTryTimeout, or raise timeouts.request');
      }
    }
    return {
      id,
      scope,
      matches: (options.matches ?? []).map(m => m._conditions),
      backend: options.backend._resolve(scope, 'backend', this.namespaceName),
      policies,
      ownPolicies,
      mirror: options.mirror?._resolve(scope, 'mirror', this.namespaceName),
      fault: options.fault?._resolve(scope, 'fault'),
    };
  }

  private requireSupport(feature: FeatureId, property: string, value: string, scope: Construct = this) {
    const support = this.impl.support[feature];
    if (support.level === SupportLevel.UNSUPPORTED) {
      throw invalid(scope, property, value, `cannot be expressed by the ${this.impl.name} data plane (${support.how})`,
        support.alternative ?? 'remove the setting');
    }
  }

  /** A monitored pool is scraped on its serving port: the NetworkPolicy must let Prometheus in. */
  private requireScrapeAllowed(route: AiGatewayRoute) {
    const spec = route._spec;
    for (const d of [...spec.backend.destinations, ...(spec.mirror?.backend.destinations ?? [])]) {
      if (d.pool?.scraped && this.allowedNamespaces.length === 0) {
        throw invalid(route, 'backend', d.pool.node.path,
          'is scraped by Prometheus on its serving port, and network isolation would admit only the gateway there, so monitoring and queue-depth autoscaling would stop',
          "add Prometheus' namespace to the gateway's allowedNamespaces (such as ['monitoring']), or set networkIsolation: false");
      }
    }
  }

  /**
   * One NetworkPolicy per pool: only the gateway's pods, the pods the renderer names (an endpoint picker) and
   * the allowed namespaces reach its serving port. Peers are collected over all routes to the pool.
   */
  private isolate(route: RouteSpec) {
    const destinations = [...route.backend.destinations, ...(route.mirror?.backend.destinations ?? [])];
    for (const d of destinations) {
      const pool = d.pool;
      if (pool === undefined) continue;
      const key = `${pool.namespaceName ?? ''}/${pool.serviceName}`;
      let peers = this.isolatedPools.get(key);
      if (peers === undefined) {
        peers = new Map();
        this.isolatedPools.set(key, peers);
        this.addNetworkPolicy(pool, peers);
      }
      for (const peer of this.renderer.peersOf?.(d) ?? []) peers.set(JSON.stringify(peer), peer);
    }
  }

  private addNetworkPolicy(pool: ILlmModelPool, peers: Map<string, GatewayPeer>) {
    const workload = this.impl.workload(this.spec);
    const peer = (p: GatewayPeer): k8s.NetworkPolicyPeer => ({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': p.namespace } },
      podSelector: { matchLabels: p.labels },
    });
    const policy = new k8s.KubeNetworkPolicy(this, `NetworkPolicy-${pool.node.addr}`, {
      metadata: { name: `${this.name}-to-${pool.serviceName}`, namespace: pool.namespaceName },
      spec: {
        podSelector: { matchLabels: pool.selectorLabels },
        policyTypes: ['Ingress'],
        ingress: [{
          from: Lazy.any({
            produce: () => [
              peer(workload),
              ...[...peers.values()].map(peer),
              ...this.allowedNamespaces.map(ns => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } })),
            ],
          }),
          ports: [pool.containerPort, ...workload.extraPorts].map(port => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) })),
        }],
      },
    });
    recordObjects(this, [policy], this.emitter);
  }
}

/**
 * Runs `fn`; if it throws, removes every child it added to `scope` and rethrows; else returns the children it added.
 * The children added are recorded as they are attached (O(1) per child), so a gateway with thousands of routes does
 * not list its children on every addRoute. Where the constructs library does not attach children through
 * Node.addChild (a future major), it falls back to comparing the children before and after.
 */
function withRollback(scope: Construct, fn: () => void): IConstruct[] {
  const node = scope.node as unknown as { addChild?: (child: IConstruct, id: string) => void };
  const attach = node.addChild;
  if (typeof attach !== 'function' || Object.prototype.hasOwnProperty.call(node, 'addChild')) {
    const before = new Set(scope.node.children.map(c => c.node.id));
    try {
      fn();
    } catch (e) {
      for (const child of scope.node.children) if (!before.has(child.node.id)) scope.node.tryRemoveChild(child.node.id);
      throw e;
    }
    return scope.node.children.filter(c => !before.has(c.node.id));
  }
  const added: IConstruct[] = [];
  node.addChild = function (this: unknown, child: IConstruct, id: string) {
    attach.call(this, child, id);
    added.push(child);
  };
  try {
    fn();
  } catch (e) {
    for (const child of added) scope.node.tryRemoveChild(child.node.id);
    throw e;
  } finally {
    delete node.addChild;
  }
  return added;
}

/**
 * Route value, else gateway default (`inherited`, resolved once for all the gateway's routes), else the library default.
 * A route shares the gateway's resolved defaults rather than resolving them again: resolution depends on the value
 * alone (the scope only names the property in errors), and a gateway of a thousand routes keeps one copy.
 */
function resolvePolicies(scope: Construct, prefix: string, own: RoutePolicies, inherited?: PolicySpec): PolicySpec {
  const at = (name: string) => prefix === '' ? name : `${prefix}.${name}`;
  for (const [name, [type, factory]] of Object.entries(POLICY_TYPES)) {
    const value = own[name as keyof RoutePolicies];
    if (value !== undefined) requireInstance(scope, at(name), value, type, factory);
  }
  return {
    timeouts: own.timeouts?._resolve(scope, at('timeouts')) ?? inherited?.timeouts ?? Timeouts.llmDefaults()._resolve(scope, at('timeouts')),
    retry: own.retry !== undefined ? own.retry._resolve(scope, at('retry')) : inherited !== undefined ? inherited.retry : defaultRetry(scope, at('retry')),
    circuitBreaker: own.circuitBreaker !== undefined ? own.circuitBreaker._resolve(scope, at('circuitBreaker')) : inherited?.circuitBreaker,
    sessionAffinity: own.sessionAffinity !== undefined ? own.sessionAffinity._resolve(scope, at('sessionAffinity')) : inherited?.sessionAffinity,
    rateLimit: own.rateLimit !== undefined ? own.rateLimit._resolve(scope, at('rateLimit')) : inherited?.rateLimit,
    jwt: own.jwt !== undefined ? own.jwt._resolve(scope, at('jwt')) : inherited?.jwt,
  };
}

/** The own policies of a route that sets none (most routes of a platform), shared. */
const NO_OWN_POLICIES: ReadonlySet<keyof PolicySpec> = new Set();

/** The value class of each policy, and how to make one: JavaScript callers may pass anything. */
const POLICY_TYPES: Record<keyof RoutePolicies, [{ readonly name: string; readonly prototype: unknown }, string]> = {
  timeouts: [Timeouts, 'Timeouts.of(...) or Timeouts.llmDefaults()'],
  retry: [RetryPolicy, 'RetryPolicy.llmSafe(...), RetryPolicy.custom(...) or RetryPolicy.none()'],
  circuitBreaker: [CircuitBreaker, 'CircuitBreaker.of(...) or CircuitBreaker.none()'],
  sessionAffinity: [SessionAffinity, 'SessionAffinity.cookie(...), SessionAffinity.header(...) or SessionAffinity.none()'],
  rateLimit: [RateLimit, 'RateLimit.requestsPerSecond(...) and the other RateLimit factories'],
  jwt: [JwtAuth, 'JwtAuth.of(...) or JwtAuth.none()'],
};

/**
 * The library's default retries. A data plane that cannot retry leaves them out (they are the library's
 * choice, not the user's); an explicit RetryPolicy there is still rejected.
 */
function defaultRetry(scope: Construct, property: string) {
  const retry = RetryPolicy.llmSafe()._resolve(scope, property)!;
  return { ...retry, isDefault: true };
}

const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function requireHostname(scope: Construct, property: string, host: string): string {
  requireString(scope, property, host);
  if (host.length > 253 || !HOSTNAME.test(host)) {
    throw invalid(scope, property, host, 'is not a hostname', 'use a lowercase DNS name such as llm.example.com, optionally starting with "*."');
  }
  return host;
}
