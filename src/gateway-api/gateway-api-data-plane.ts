import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { gatewayApiContracts } from './gateway-api-contracts';
import {
  BoundImplementation, envoyGatewayImplementation, genericImplementation, HttpRouteImplementation, istioImplementation,
} from './gateway-api-implementations';
import { GATEWAY_GROUP, gatewayDuration, MAX_HTTPROUTE_RULES, renderGatewayObject } from '../gateway-objects/gateway';
import { GatewayApiImplementationKind, InferencePoolRenderer } from '../gateway-objects/inference-pool-refs';
import { HttpRoute as ExperimentalHttpRoute, HttpRouteSpecRules as ExperimentalRule } from '../imports/experimental-gateway.networking.k8s.io';
import {
  HttpRoute, HttpRouteSpecRulesFiltersType,
  HttpRouteSpecRulesMatches, HttpRouteSpecRulesMatchesHeadersType, HttpRouteSpecRulesMatchesMethod, HttpRouteSpecRulesMatchesPathType,
  HttpRouteSpecRulesMatchesQueryParamsType, ReferenceGrant,
} from '../imports/gateway.networking.k8s.io';
import type { DataPlaneImpl, GatewayRenderer, RenderedRoute, SupportDeclaration } from '../routing/data-plane';
import type { FeatureId } from '../routing/features';
import { RouteSpread } from '../routing/precedence';
import { normalizeWeights } from '../routing/render-helpers';
import type { DestinationSpec, GatewaySpec, MatchConditions, RouteSpec } from '../routing/resolved';
import { SupportLevel } from '../routing/support-level';
import { invalid, requireDnsLabel, requireDnsSubdomain } from '../validate';

/** Which Gateway API release channel's CRDs the cluster has. */
export enum GatewayApiChannel {
  /** The standard channel: stable fields only. */
  STANDARD = 'standard',
  /** The experimental channel: adds HTTPRoute `retry` and `sessionPersistence`, among others. */
  EXPERIMENTAL = 'experimental',
}

/** Options for `GatewayImplementation.envoyGateway`. */
export interface EnvoyGatewayImplementationOptions {
  /**
   * The namespace Envoy Gateway runs the Envoy proxies in (for NetworkPolicies).
   * @default 'envoy-gateway-system'
   */
  readonly proxyNamespace?: string;
}

/**
 * The Gateway API implementation in the cluster. It decides which implementation policies fill the gaps of
 * Gateway API itself (retries, circuit breaking, rate limits, JWT).
 */
export class GatewayImplementation {
  /**
   * Envoy Gateway: `BackendTrafficPolicy` (retries, circuit breaking, outlier detection, load balancing,
   * affinity, rate limits, timeouts, faults) and `SecurityPolicy` (JWT), attached per route rule.
   */
  public static envoyGateway(options: EnvoyGatewayImplementationOptions = {}): GatewayImplementation {
    const proxyNamespace = options.proxyNamespace ?? 'envoy-gateway-system';
    return new GatewayImplementation('envoy-gateway', 'Envoy Gateway', proxyNamespace, envoyGatewayImplementation(proxyNamespace));
  }

  /**
   * Istio's Gateway API implementation: DestinationRules for circuit breaking and affinity, and
   * RequestAuthentication plus AuthorizationPolicy attached to the Gateway for JWT.
   */
  public static istio(): GatewayImplementation {
    return new GatewayImplementation('istio', 'Istio', undefined, istioImplementation());
  }

  /**
   * Any conformant implementation, such as NGINX Gateway Fabric: only what Gateway API itself expresses
   * (experimental-channel fields when that channel is chosen); everything else is rejected.
   */
  public static generic(): GatewayImplementation {
    return new GatewayImplementation('generic', 'generic', undefined, genericImplementation());
  }

  private constructor(
    /** `envoy-gateway`, `istio` or `generic`. */
    public readonly kind: string,
    /** The name error messages use. */
    public readonly displayName: string,
    private readonly proxyNamespace: string | undefined,
    private readonly strategy: HttpRouteImplementation,
  ) {}

  /** @internal */
  public get _proxyNamespace(): string | undefined {
    return this.proxyNamespace;
  }

  /** What the implementation adds to Gateway API, for the renderer. @internal */
  public get _strategy(): HttpRouteImplementation {
    return this.strategy;
  }
}

/** Options for `DataPlane.gatewayApi`. */
export interface GatewayApiDataPlaneOptions {
  /** The GatewayClass the Gateway uses, such as `eg` (Envoy Gateway), `istio` or `nginx`. */
  readonly gatewayClassName: string;
  /**
   * The implementation behind the GatewayClass.
   * @default GatewayImplementation.generic()
   */
  readonly implementation?: GatewayImplementation;
  /**
   * The Gateway API channel installed in the cluster.
   * @default GatewayApiChannel.STANDARD
   */
  readonly channel?: GatewayApiChannel;
}

const ALT_ENVOY_AI = 'use the Envoy AI Gateway data plane';
/** HTTPRoute's limits: matches of a rule, matches of the whole route, headers or query parameters of a match. */
const MAX_RULE_MATCHES = 64;
const MAX_ROUTE_MATCHES = 128;
const MAX_MATCH_CONDITIONS = 16;

/** What Gateway API with `implementation` on `channel` can express. */
function support(impl: GatewayApiImplementationKind, channel: GatewayApiChannel): Record<FeatureId, SupportDeclaration> {
  const eg = impl === 'envoy-gateway';
  const istio = impl === 'istio';
  const experimental = channel === GatewayApiChannel.EXPERIMENTAL;
  const native = (how: string): SupportDeclaration => ({ level: SupportLevel.NATIVE, how });
  const policy = (how: string): SupportDeclaration => ({ level: SupportLevel.IMPLEMENTATION_POLICY, how });
  const no = (how: string, alternative: string): SupportDeclaration => ({ level: SupportLevel.UNSUPPORTED, how, alternative });
  const exp = (how: string, alternative: string): SupportDeclaration => experimental
    ? { level: SupportLevel.EXPERIMENTAL, how }
    : no(`${how} is in the experimental channel only`, `opt in with channel: GatewayApiChannel.EXPERIMENTAL (the cluster needs the experimental CRDs), or ${alternative}`);
  const egOr = (egHow: string, otherwise: SupportDeclaration) => eg ? policy(egHow) : otherwise;
  const egIstioOr = (egHow: string, istioHow: string, otherwise: SupportDeclaration) => eg ? policy(egHow) : istio ? policy(istioHow) : otherwise;
  const needsEg = 'use GatewayImplementation.envoyGateway()';
  return {
    'tls': native('Gateway listener with tls.mode Terminate and certificateRefs'),
    'match.path': native('HTTPRoute match path PathPrefix/Exact'),
    'match.header': native('HTTPRoute match headers Exact'),
    'match.headerRegex': native('HTTPRoute match headers RegularExpression (implementation-specific regex dialect)'),
    'match.headerPresent': native('HTTPRoute match headers RegularExpression ".*"'),
    'match.method': native('HTTPRoute match method'),
    'match.query': native('HTTPRoute match queryParams Exact'),
    'match.model': no('HTTPRoute matches headers and paths, never the JSON body', `${ALT_ENVOY_AI}, or have clients send the model in a header`),
    'backend.pool': native('HTTPRoute backendRef to the pool Service'),
    'backend.service': native('HTTPRoute backendRef, with a ReferenceGrant across namespaces'),
    'backend.inferencePool': native('HTTPRoute backendRef to an InferencePool with its endpoint picker (the implementation must support the Inference Extension)'),
    'backend.weighted': native('HTTPRoute backendRef weights'),
    'backend.provider': no('Gateway API has no notion of hosted LLM providers and their credentials', ALT_ENVOY_AI),
    'backend.fallback': no('HTTPRoute has no ordered fallback between backends', ALT_ENVOY_AI),
    'mirror': native('HTTPRoute RequestMirror filter with percent'),
    'fault': egOr('BackendTrafficPolicy faultInjection', no('Gateway API has no fault injection', `${needsEg}, or DataPlane.istio()`)),
    'timeout.request': native('HTTPRoute rule timeouts.request'),
    'timeout.streamIdle': egOr('BackendTrafficPolicy timeout.http.streamIdleTimeout', no('Gateway API has only request timeouts', `${needsEg}, or raise timeouts.request`)),
    'retry': egOr('BackendTrafficPolicy retry (status codes with the retriable-status-codes trigger)', exp(istio
      ? 'HTTPRoute retry (Istio retries connect-failure, refused-stream and the listed status codes, never reset-before-request: '
        + 'RetryPolicy.llmSafe() retries without it, a custom policy listing it is rejected)'
      : 'HTTPRoute retry (status codes only; connection errors as the implementation decides)', needsEg)),
    // A per-try timeout is part of a RetryPolicy: without HTTPRoute retry (standard channel) no route can carry one.
    'retry.perTryTimeout': egOr('BackendTrafficPolicy retry.perRetry.timeout', experimental
      ? native('HTTPRoute rule timeouts.backendRequest')
      : no('a per-try timeout is part of a RetryPolicy, and HTTPRoute retry is in the experimental channel only',
        `opt in with channel: GatewayApiChannel.EXPERIMENTAL (the cluster needs the experimental CRDs), or ${needsEg}`)),
    'retry.backoff': egOr('BackendTrafficPolicy retry.perRetry.backOff', exp('HTTPRoute retry backoff', needsEg)),
    'circuitBreaker.limits': egIstioOr('BackendTrafficPolicy circuitBreaker', 'DestinationRule connectionPool',
      no('Gateway API has no connection limits', `${needsEg} or GatewayImplementation.istio()`)),
    'circuitBreaker.outlierDetection': egIstioOr('BackendTrafficPolicy healthCheck.passive', 'DestinationRule outlierDetection',
      no('Gateway API has no outlier detection', `${needsEg} or GatewayImplementation.istio()`)),
    'sessionAffinity.cookie': egIstioOr('BackendTrafficPolicy loadBalancer ConsistentHash cookie', 'DestinationRule consistentHash httpCookie',
      exp('HTTPRoute sessionPersistence (Cookie)', `${needsEg} or GatewayImplementation.istio()`)),
    'sessionAffinity.header': egIstioOr('BackendTrafficPolicy loadBalancer ConsistentHash header', 'DestinationRule consistentHash httpHeaderName',
      exp('HTTPRoute sessionPersistence (Header)', `${needsEg} or GatewayImplementation.istio()`)),
    'rateLimit.requests': egOr('BackendTrafficPolicy rateLimit Local (429; per route, each Envoy replica counts alone)',
      no('Gateway API has no rate limits', `${needsEg}, or DataPlane.istio()`)),
    'rateLimit.requests.global': egOr('BackendTrafficPolicy rateLimit Local, one bucket per route rule', no('Gateway API has no rate limits', needsEg)),
    'rateLimit.requests.clientIp': egOr('BackendTrafficPolicy rateLimit Global with a Distinct sourceCIDR selector (needs Envoy Gateway\'s rate limit service)',
      no('Gateway API has no rate limits', needsEg)),
    'rateLimit.requests.header': egOr('BackendTrafficPolicy rateLimit Global with a Distinct header selector (needs Envoy Gateway\'s rate limit service)',
      no('Gateway API has no rate limits', needsEg)),
    'rateLimit.requests.jwtClaim': no('the rate limits this library renders key on client IP or headers', 'key the limit on a header that carries the tenant (RateLimitKey.header)'),
    'rateLimit.tokens': no('Gateway API implementations do not count the model tokens in responses', ALT_ENVOY_AI),
    'jwt': egIstioOr('SecurityPolicy jwt (and authorization for required claims) attached to the Gateway',
      'RequestAuthentication plus a DENY AuthorizationPolicy attached to the Gateway',
      no('Gateway API has no authentication', `${needsEg} or GatewayImplementation.istio()`)),
    'jwt.route': egOr('SecurityPolicy jwt attached to the route rule',
      no(istio ? 'Istio attaches RequestAuthentication to the whole Gateway' : 'Gateway API has no authentication',
        `set JwtAuth in the gateway's defaults, or ${needsEg}`)),
    'networkIsolation': native(eg ? 'NetworkPolicy admitting the Envoy proxies Envoy Gateway runs for this Gateway'
      : 'NetworkPolicy admitting the pods labelled gateway.networking.k8s.io/gateway-name in the Gateway\'s namespace'),
  };
}

/** @internal */
export function gatewayApiDataPlane(options: GatewayApiDataPlaneOptions): DataPlaneImpl {
  const implementation = options.implementation ?? GatewayImplementation.generic();
  const strategy = implementation._strategy;
  const kind = strategy.kind;
  const channel = options.channel ?? GatewayApiChannel.STANDARD;
  const experimental = channel === GatewayApiChannel.EXPERIMENTAL;
  const supported = support(kind, channel);
  return {
    name: `Gateway API (${implementation.displayName}, ${channel} channel)`,
    installation: {
      controller: kind === 'generic' ? 'gateway-api' : kind,
      gatewayClassName: options.gatewayClassName,
      gatewayApiChannel: channel,
      gatewayNamespace: implementation._proxyNamespace,
    },
    support: supported,
    contracts: Object.fromEntries(Object.entries(gatewayApiContracts(kind, experimental))
      .filter(([feature]) => supported[feature as FeatureId].level !== SupportLevel.UNSUPPORTED)),
    workload: gateway => strategy.workload(gateway),
    retried: retry => strategy.retried(experimental, retry),
    bind: (scope, gateway) => {
      requireDnsSubdomain(scope, 'dataPlane.gatewayClassName', options.gatewayClassName);
      return new GatewayApiGateway(scope, gateway, options.gatewayClassName, strategy, experimental);
    },
  };
}


/**
 * Renders one AiGateway as a Gateway, HTTPRoutes holding a rule per route, and implementation policies. The rules
 * fill the first HTTPRoute (construct id `HTTPRoute`, named like the gateway) and, past the 16 rules or 128 matches
 * one holds, more HTTPRoutes attached to the same Gateway (ids `HTTPRoute-2`, `HTTPRoute-3`, ..., named `<name>-2`,
 * ...), as RouteSpread places them.
 */
class GatewayApiGateway implements GatewayRenderer {
  /** The rules of each HTTPRoute, in creation order. */
  private readonly rules: ExperimentalRule[][] = [];
  /** The HTTPRoutes, in creation order. */
  private readonly httpRoutes: ApiObject[] = [];
  private readonly spread: RouteSpread;
  private readonly grants = new Set<string>();
  private readonly inferencePools: InferencePoolRenderer;
  /** The implementation's part of this gateway: its gateway-wide objects are rendered, its rule fields and policies come per route. */
  private readonly implementation: BoundImplementation;

  constructor(
    private readonly scope: Construct,
    private readonly gateway: GatewaySpec,
    gatewayClassName: string,
    strategy: HttpRouteImplementation,
    private readonly experimental: boolean,
  ) {
    renderGatewayObject(scope, gateway, gatewayClassName);
    this.spread = new RouteSpread({
      dataPlane: 'Gateway API',
      kind: 'HTTPRoute',
      baseName: gateway.name,
      maxRules: MAX_HTTPROUTE_RULES,
      maxMatches: MAX_ROUTE_MATCHES,
      rankings: strategy.rankings,
    });
    this.addHttpRoute();
    this.inferencePools = new InferencePoolRenderer(scope, { pickerDestinationRule: strategy.pickerDestinationRule });
    this.implementation = strategy.bind(scope, gateway, experimental);
  }

  public peersOf(d: DestinationSpec) {
    return this.inferencePools.peersOf(this.scope, d);
  }

  /** The next HTTPRoute, with the Gateway as parent and its hostnames. */
  private addHttpRoute() {
    const index = this.rules.length;
    const rules: ExperimentalRule[] = [];
    this.rules.push(rules);
    const metadata = { name: this.spread.nameOf(index), namespace: this.gateway.namespace };
    const spec = {
      parentRefs: [{ group: GATEWAY_GROUP, kind: 'Gateway', name: this.gateway.name }],
      hostnames: [...this.gateway.hostnames],
      rules: Lazy.any({ produce: () => rules }),
    };
    const id = index === 0 ? 'HTTPRoute' : `HTTPRoute-${index + 1}`;
    this.httpRoutes.push(this.experimental
      ? new ExperimentalHttpRoute(this.scope, id, { metadata, spec })
      : new HttpRoute(this.scope, id, { metadata, spec }));
  }

  public addRoute(route: RouteSpec): RenderedRoute {
    // Everything that can reject the route comes first: a rejected route leaves nothing behind.
    const index = this.spread.place(route);
    const routeName = this.spread.nameOf(index);
    this.checkMatchLimits(route);
    this.checkAffinityTarget(route);
    // HTTPRoute retry is experimental: on the standard channel only the library's default retries reach here
    // (an explicit policy fails the capability check), and implementations leave them out.
    const { retry, backendRequest, sessionPersistence } = this.implementation.ruleFields(route);
    const policies = this.implementation.rulePolicies(route, routeName);
    [...route.backend.destinations, ...(route.mirror?.backend.destinations ?? [])]
      .filter(d => d.kind === 'inferencePool').forEach(d => this.inferencePools.check(route.scope, 'backend', d));

    const rule: ExperimentalRule = {
      name: route.id,
      matches: route.matches.length === 0 ? undefined : route.matches.map(renderMatch),
      backendRefs: route.backend.destinations.map((d, i) => ({
        ...this.backendRef(route, 'backend', d),
        weight: route.backend.mode === 'weighted' ? normalizeWeights(route.backend.destinations.map(x => x.weight))[i] : undefined,
      })),
      filters: route.mirror === undefined ? undefined : route.mirror.backend.destinations.map(d => ({
        type: HttpRouteSpecRulesFiltersType.REQUEST_MIRROR as any,
        requestMirror: { backendRef: this.backendRef(route, 'mirror.backend', d), ...mirrorShare(route.mirror!.percent) },
      })),
      timeouts: {
        request: gatewayDuration(route.scope, 'timeouts.request', route.policies.timeouts.requestSeconds * 1000),
        backendRequest,
      },
      retry,
      sessionPersistence,
    };
    if (index === this.rules.length) this.addHttpRoute();
    const policyObjects = policies.render();
    this.rules[index].push(rule);
    this.spread.commit(route, index);
    return { routeObjects: [this.httpRoutes[index]], policyObjects };
  }

  /**
   * HTTPRoute's limits (gateway-api v1.6.1 config/crd/standard/gateway.networking.k8s.io_httproutes.yaml): at most 64
   * matches a rule, 16 headers and 16 query parameters a match. The 128 matches over a route are RouteSpread's to keep.
   */
  private checkMatchLimits(route: RouteSpec) {
    if (route.matches.length > MAX_RULE_MATCHES) {
      throw invalid(route.scope, 'matches', `${route.matches.length} matches`, `are more than the ${MAX_RULE_MATCHES} an HTTPRoute rule holds`,
        'split the route into several routes, or combine alternatives into a header regex');
    }
    route.matches.forEach((m, i) => {
      for (const [what, list] of [['headers', m.headers], ['query parameters', m.queryParams]] as const) {
        if (list.length > MAX_MATCH_CONDITIONS) {
          throw invalid(route.scope, `matches[${i}]`, `${list.length} ${what}`, `are more than the ${MAX_MATCH_CONDITIONS} ${what} an HTTPRoute match holds`,
            `match on at most ${MAX_MATCH_CONDITIONS} ${what}, or combine several into one header regex`);
        }
      }
    });
  }

  /** Affinity would have no effect on an InferencePool: rejected, not dropped (what the implementations reject is theirs). */
  private checkAffinityTarget(route: RouteSpec) {
    const affinity = route.policies.sessionAffinity;
    if (affinity !== undefined && route.backend.destinations.some(d => d.kind === 'inferencePool')) {
      throw invalid(route.scope, 'sessionAffinity', `SessionAffinity.${affinity.kind}`, 'has no effect on an InferencePool, whose endpoint picker chooses the replica',
        'leave affinity out: the picker\'s prefix-cache scorer keeps a conversation on the replica that holds its prefix; or use Backend.pool()');
    }
  }

  /** A backendRef to a Service or an InferencePool, with a ReferenceGrant when it is in another namespace. */
  private backendRef(route: RouteSpec, property: string, d: DestinationSpec) {
    const namespace = d.namespace ?? this.gateway.namespace;
    if (d.kind === 'inferencePool') {
      const ref = this.inferencePools.render(route.scope, property, d);
      this.grant(ref.group, 'InferencePool', ref.namespace);
      return { group: ref.group, kind: 'InferencePool', name: ref.name, namespace: this.crossNamespace(ref.namespace) };
    }
    if (namespace !== undefined) this.grant('', 'Service', namespace);
    return { name: d.name, namespace: namespace === undefined ? undefined : this.crossNamespace(namespace), port: d.port };
  }

  private crossNamespace(namespace: string): string | undefined {
    return namespace === this.gateway.namespace ? undefined : namespace;
  }

  /** Lets the HTTPRoute reference `kind` objects in another namespace. */
  private grant(group: string, kind: string, namespace: string) {
    if (namespace === this.gateway.namespace || this.gateway.namespace === undefined) return;
    const key = `${namespace}/${group}/${kind}`;
    if (this.grants.has(key)) return;
    this.grants.add(key);
    requireDnsLabel(this.scope, 'backend.namespace', namespace);
    new ReferenceGrant(this.scope, `ReferenceGrant-${key}`, {
      metadata: { name: `${this.gateway.name}-${this.gateway.namespace}-${kind.toLowerCase()}`, namespace },
      spec: {
        from: [{ group: GATEWAY_GROUP, kind: 'HTTPRoute', namespace: this.gateway.namespace }],
        to: [{ group, kind }],
      },
    });
  }

}

function renderMatch(m: MatchConditions): HttpRouteSpecRulesMatches {
  return {
    path: m.path === undefined ? undefined : {
      type: m.path.kind === 'exact' ? HttpRouteSpecRulesMatchesPathType.EXACT : HttpRouteSpecRulesMatchesPathType.PATH_PREFIX,
      value: m.path.value,
    },
    method: m.method === undefined ? undefined : m.method as string as HttpRouteSpecRulesMatchesMethod,
    headers: m.headers.length === 0 ? undefined : m.headers.map(h => ({
      name: h.name,
      type: h.kind === 'exact' ? HttpRouteSpecRulesMatchesHeadersType.EXACT : HttpRouteSpecRulesMatchesHeadersType.REGULAR_EXPRESSION,
      value: h.kind === 'present' ? '.*' : h.value!,
    })),
    queryParams: m.queryParams.length === 0 ? undefined
      : m.queryParams.map(q => ({ name: q.name, type: HttpRouteSpecRulesMatchesQueryParamsType.EXACT, value: q.value! })),
  };
}

function mirrorShare(percent: number) {
  return Number.isInteger(percent) ? { percent } : { fraction: { numerator: Math.round(percent * 10000), denominator: 1_000_000 } };
}
