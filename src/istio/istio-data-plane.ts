import { ApiObject, JsonPatch, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { ISTIO_CONTRACTS } from './istio-contracts';
import { DestinationRules, renderJwtPair } from './istio-policies';
import { EnvoyFilter, Gateway, GatewaySpecServersTlsMode, VirtualService, VirtualServiceSpecHttp, VirtualServiceSpecHttpMatch } from '../imports/networking.istio.io';
import type { DataPlaneImpl, GatewayRenderer, RenderedRoute, SupportDeclaration } from '../routing/data-plane';
import type { FeatureId } from '../routing/features';
import { AiGatewayRegistry } from '../routing/registry';
import { fullyQualifiedHost, normalizeWeights } from '../routing/render-helpers';
import type { DestinationSpec, GatewaySpec, MatchConditions, RateLimitSpec, RouteSpec } from '../routing/resolved';
import { SupportLevel } from '../routing/support-level';
import { invalid, requireDnsLabel, requireLabelKeys, requireLabelValue } from '../validate';

/** How the model pods join the Istio mesh. */
export class MeshEnrollment {
  /** Sidecar injection: label the pools' namespaces `istio-injection: enabled`. */
  public static sidecar(): MeshEnrollment {
    return new MeshEnrollment('sidecar', { 'istio-injection': 'enabled' });
  }

  /** Ambient mode: label the pools' namespaces `istio.io/dataplane-mode: ambient` (ztunnel, HBONE port 15008). */
  public static ambient(): MeshEnrollment {
    return new MeshEnrollment('ambient', { 'istio.io/dataplane-mode': 'ambient' });
  }

  private constructor(
    /** `sidecar` or `ambient`. */
    public readonly mode: string,
    private readonly labels: Record<string, string>,
  ) {}

  /** @internal */
  public get _labels(): Record<string, string> {
    return { ...this.labels };
  }
}

/** Options for `DataPlane.istio`. */
export interface IstioDataPlaneOptions {
  /**
   * The labels of the Istio ingress gateway pods the `Gateway` binds to. The Istio `gateway` Helm chart
   * labels its pods `istio: <release name without "istio-">`: release `istio-ingress` gives `istio: ingress`.
   * @default { istio: 'ingress' }
   */
  readonly gatewaySelector?: Record<string, string>;
  /**
   * The namespace the gateway pods run in. Istio's authentication objects and the rate-limit EnvoyFilter go
   * there, HTTPS listeners' TLS Secrets must live there, and NetworkPolicies admit traffic from there.
   * @default 'istio-ingress'
   */
  readonly gatewayNamespace?: string;
  /**
   * Enroll the model pools' namespaces in the mesh (emits Namespace objects with the label).
   * @default - the namespaces are left as they are
   */
  readonly meshEnrollment?: MeshEnrollment;
}

const ALT_ENVOY_AI = 'use the Envoy AI Gateway data plane';
const SUPPORT: Record<FeatureId, SupportDeclaration> = {
  'tls': native('Gateway server with tls.mode SIMPLE and credentialName'),
  'match.path': native('VirtualService match uri prefix/exact'),
  'match.header': native('VirtualService match headers exact'),
  'match.headerRegex': native('VirtualService match headers regex (RE2)'),
  'match.headerPresent': native('VirtualService match headers with an empty condition'),
  'match.method': native('VirtualService match method'),
  'match.query': native('VirtualService match queryParams exact'),
  'match.model': unsupported('VirtualService matches headers and paths, never the JSON body',
    `${ALT_ENVOY_AI}, or have clients send the model in a header and match it with RouteMatch.header`),
  'backend.pool': native('VirtualService destination with the fully qualified Service host'),
  'backend.service': native('VirtualService destination with the fully qualified Service host'),
  'backend.inferencePool': unsupported('Istio routes to InferencePools only through Gateway API HTTPRoutes, never through a VirtualService',
    'use DataPlane.gatewayApi() with the Istio implementation, or Backend.pool()'),
  'backend.weighted': native('VirtualService route weights, normalized to 100'),
  'backend.provider': unsupported('Istio has no notion of hosted LLM providers and their credentials', ALT_ENVOY_AI),
  'backend.fallback': unsupported('VirtualService has no ordered fallback between destinations',
    `${ALT_ENVOY_AI}, or use Backend.weighted with CircuitBreaker outlierDetection to eject a failing pool`),
  'mirror': native('VirtualService mirrors with percentage'),
  'fault': native('VirtualService fault delay/abort'),
  'timeout.request': native('VirtualService timeout'),
  'timeout.streamIdle': unsupported('VirtualService has only a whole-request timeout',
    'raise timeouts.request instead, or use a Gateway API data plane with Envoy Gateway or Envoy AI Gateway'),
  'retry': native('VirtualService retries attempts/retryOn'),
  'retry.perTryTimeout': native('VirtualService retries perTryTimeout (until response headers)'),
  'retry.backoff': native('VirtualService retries backoff'),
  'circuitBreaker.limits': native('DestinationRule connectionPool'),
  'circuitBreaker.outlierDetection': native('DestinationRule outlierDetection'),
  'sessionAffinity.cookie': native('DestinationRule loadBalancer consistentHash httpCookie'),
  'sessionAffinity.header': native('DestinationRule loadBalancer consistentHash httpHeaderName'),
  'rateLimit.requests': native('EnvoyFilter with envoy.filters.http.local_ratelimit at the gateway: a token bucket of burst tokens (default: '
    + 'the limit) refilled with the limit every second or minute (429; each gateway replica counts alone)'),
  'rateLimit.requests.global': native('one token bucket per virtual host (gateway defaults) or route'),
  'rateLimit.requests.clientIp': unsupported('the local rate limit this library renders has one bucket per route',
    'use RateLimitKey.allClients(), or a Gateway API data plane with Envoy Gateway (BackendTrafficPolicy)'),
  'rateLimit.requests.header': unsupported('the local rate limit this library renders has one bucket per route',
    'use RateLimitKey.allClients(), or a Gateway API data plane with Envoy Gateway (BackendTrafficPolicy)'),
  'rateLimit.requests.jwtClaim': unsupported('the local rate limit this library renders has one bucket per route',
    'use RateLimitKey.allClients(), or a Gateway API data plane with Envoy Gateway (BackendTrafficPolicy)'),
  'rateLimit.tokens': unsupported('Envoy in Istio does not count the model tokens in responses', ALT_ENVOY_AI),
  'jwt': native('RequestAuthentication plus a DENY AuthorizationPolicy for requests without a valid token'),
  'jwt.route': unsupported('RequestAuthentication applies to the whole gateway workload',
    "set JwtAuth in the gateway's defaults, or give the routes that differ their own AiGateway and hostname"),
  'networkIsolation': native('NetworkPolicy admitting the gateway pods\' namespace and labels'),
};

/** @internal */
export function istioDataPlane(options: IstioDataPlaneOptions): DataPlaneImpl {
  const selector = options.gatewaySelector ?? { istio: 'ingress' };
  const gatewayNamespace = options.gatewayNamespace ?? 'istio-ingress';
  return {
    name: 'Istio',
    support: SUPPORT,
    contracts: ISTIO_CONTRACTS,
    installation: { controller: 'istio', gatewaySelector: { ...selector }, gatewayNamespace },
    workload: () => ({
      namespace: gatewayNamespace,
      labels: selector,
      extraPorts: options.meshEnrollment?.mode === 'ambient' ? [15008] : [],
    }),
    bind: (scope, gateway) => {
      requireDnsLabel(scope, 'dataPlane.gatewayNamespace', gatewayNamespace);
      requireLabelKeys(scope, 'dataPlane.gatewaySelector', selector);
      for (const [key, value] of Object.entries(selector)) requireLabelValue(scope, `dataPlane.gatewaySelector.${key}`, value);
      if (Object.keys(selector).length === 0) {
        throw invalid(scope, 'dataPlane.gatewaySelector', {}, 'is empty and would bind every Envoy in the mesh', 'give the gateway pods\' labels, such as { istio: \'ingress\' }');
      }
      return new IstioGateway(scope, gateway, selector, gatewayNamespace, options.meshEnrollment);
    },
  };
}

function native(how: string): SupportDeclaration {
  return { level: SupportLevel.NATIVE, how };
}

function unsupported(how: string, alternative: string): SupportDeclaration {
  return { level: SupportLevel.UNSUPPORTED, how, alternative };
}

const LOCAL_RATE_LIMIT = 'envoy.filters.http.local_ratelimit';
const LOCAL_RATE_LIMIT_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit';

/** Renders one AiGateway as Istio objects. */
class IstioGateway implements GatewayRenderer {
  private readonly http: VirtualServiceSpecHttp[] = [];
  private readonly destinationRules: DestinationRules;
  private readonly rateLimitPatches: unknown[] = [];
  private rateLimitFilter?: EnvoyFilter;
  /** The namespaces enrolled in the mesh in the whole App (one Namespace object each), and by which gateway and mode. */
  private readonly enrolled: Map<string, { readonly gateway: string; readonly mode: string }>;
  private readonly sharedName: string;
  private readonly filterName: string;
  private readonly virtualService: ApiObject;

  constructor(
    private readonly scope: Construct,
    gateway: GatewaySpec,
    private readonly selector: Record<string, string>,
    private readonly gatewayNamespace: string,
    private readonly mesh: MeshEnrollment | undefined,
  ) {
    // Objects in the gateway pods' namespace (and Envoy route names) are shared by every AiGateway on those pods:
    // qualify them with the gateway's namespace, so two teams' gateways with the same name do not collide.
    this.sharedName = gateway.namespace === undefined ? gateway.name : `${gateway.namespace}-${gateway.name}`;
    // Each AiGateway inserts its own filter instance, and its routes configure only that instance by name: two
    // gateways on the same pods must not both count every request.
    this.filterName = `${LOCAL_RATE_LIMIT}.${this.sharedName}`;
    this.destinationRules = new DestinationRules(scope, gateway.name);
    this.enrolled = AiGatewayRegistry.of(scope)._state('istio/enrolled-namespaces', () => new Map<string, { readonly gateway: string; readonly mode: string }>());
    const metadata = { name: gateway.name, namespace: gateway.namespace };
    new Gateway(scope, 'Resource', {
      metadata,
      spec: {
        selector,
        servers: gateway.listeners.map(l => ({
          port: { number: l.port, name: `${l.protocol.toLowerCase()}-${l.port}`, protocol: l.protocol },
          hosts: [...gateway.hostnames],
          tls: l.tlsSecret === undefined ? undefined : { mode: GatewaySpecServersTlsMode.SIMPLE, credentialName: l.tlsSecret },
        })),
      },
    });
    this.virtualService = new VirtualService(scope, 'VirtualService', {
      metadata,
      spec: {
        hosts: [...gateway.hostnames],
        gateways: [gateway.namespace === undefined ? gateway.name : `${gateway.namespace}/${gateway.name}`],
        http: Lazy.any({ produce: () => this.http }),
      },
    });
    if (gateway.defaults.jwt) {
      renderJwtPair(scope, gateway.defaults.jwt, {
        name: this.sharedName, namespace: gatewayNamespace, hostnames: gateway.hostnames, attach: { selector },
      });
    }
    if (gateway.defaults.rateLimit) {
      // The gateway-wide limit: one bucket per virtual host (hostname and port) of this gateway.
      for (const host of gateway.hostnames) {
        for (const listener of gateway.listeners) {
          this.addRateLimitPatch({
            applyTo: 'VIRTUAL_HOST',
            match: { context: 'GATEWAY', routeConfiguration: { vhost: { name: `${host}:${listener.port}` } } },
            patch: {
              operation: 'MERGE',
              value: { typed_per_filter_config: { [this.filterName]: localRateLimit(scope, 'defaults.rateLimit', gateway.defaults.rateLimit, this.statPrefix(`vhost_${host}_${listener.port}`)) } },
            },
          });
        }
      }
    }
  }

  public addRoute(route: RouteSpec): RenderedRoute {
    const destinations = route.backend.destinations.map(d => ({ d, host: fullyQualifiedHost(route.scope, 'backend', d, 'Istio') }));
    const weights = route.backend.mode === 'weighted' ? normalizeWeights(destinations.map(x => x.d.weight)) : [undefined];
    const p = route.policies;
    const http: VirtualServiceSpecHttp = {
      name: this.routeName(route),
      match: route.matches.length === 0 ? undefined : route.matches.flatMap(renderMatch),
      route: destinations.map((x, i) => ({ destination: { host: x.host, port: { number: x.d.port } }, weight: weights[i] })),
      // No timeout field is no limit (istiod renders route timeout 0, which Envoy reads as disabled); the CRD rejects 0s.
      timeout: p.timeouts.requestSeconds === 0 ? undefined : `${p.timeouts.requestSeconds}s`,
      // Istio retries twice on its own conditions when `retries` is absent: always say what is meant.
      retries: p.retry === undefined ? { attempts: 0 } : {
        attempts: p.retry.attempts,
        retryOn: p.retry.conditions.map(c => c.token).join(','),
        perTryTimeout: p.retry.perTrySeconds === undefined ? undefined : `${p.retry.perTrySeconds}s`,
        backoff: p.retry.backoffMillis === undefined ? undefined : `${p.retry.backoffMillis}ms`,
      },
      mirrors: route.mirror === undefined ? undefined : route.mirror.backend.destinations.map(d => ({
        destination: { host: fullyQualifiedHost(route.scope, 'mirror.backend', d, 'Istio'), port: { number: d.port } },
        percentage: { value: route.mirror!.percent },
      })),
      fault: route.fault === undefined ? undefined : {
        delay: route.fault.delayMillis === undefined ? undefined
          : { fixedDelay: `${route.fault.delayMillis}ms`, percentage: { value: route.fault.delayPercent } },
        abort: route.fault.abortStatus === undefined ? undefined
          : { httpStatus: route.fault.abortStatus, percentage: { value: route.fault.abortPercent } },
      },
    };
    // Check everything before rendering anything: a rejected route leaves nothing behind.
    const rateLimit = !route.ownPolicies.has('rateLimit') ? undefined
      : p.rateLimit ? localRateLimit(route.scope, 'rateLimit', p.rateLimit, this.statPrefix(route.id)) : disabledRateLimit(this.statPrefix(route.id));
    for (const x of destinations) this.destinationRules.check(route, x.host);
    const enrolled = [...route.backend.destinations, ...(route.mirror?.backend.destinations ?? [])];
    for (const d of enrolled) this.requireEnrollable(route, d);
    const policyObjects = [...new Set(destinations.map(x => this.destinationRules.add(route, x.d, x.host)))];
    if (rateLimit !== undefined) {
      policyObjects.push(this.addRateLimitPatch({
        applyTo: 'HTTP_ROUTE',
        match: { context: 'GATEWAY', routeConfiguration: { vhost: { route: { name: this.routeName(route) } } } },
        patch: { operation: 'MERGE', value: { typed_per_filter_config: { [this.filterName]: rateLimit } } },
      }));
    }
    for (const d of enrolled) this.enroll(d);
    this.http.push(http);
    return { routeObjects: [this.virtualService], policyObjects };
  }

  /**
   * The stat_prefix of one local rate-limit configuration: Envoy counts each configuration's requests under
   * `<stat_prefix>.http_local_rate_limit.*`, so every filter instance, virtual host and route gets its own. They all
   * start with `http_local_rate_limiter` (one inclusion prefix for the proxy's stats), and use only letters, digits,
   * `-` and `_`: a `.` would nest the stat names.
   */
  private statPrefix(part?: string): string {
    const name = part === undefined ? this.sharedName : `${this.sharedName}_${part}`;
    return `http_local_rate_limiter_${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  }

  /** The Envoy route name: unique on a gateway that other VirtualServices share. */
  private routeName(route: RouteSpec): string {
    return `${this.sharedName}-${route.id}`;
  }

  /** Adds a patch to the gateway's rate-limit EnvoyFilter (created with the first patch); returns the EnvoyFilter. */
  private addRateLimitPatch(patch: unknown): EnvoyFilter {
    if (this.rateLimitFilter === undefined) {
      // The filter itself limits nothing; virtual hosts and routes carry the token buckets.
      this.rateLimitPatches.push({
        applyTo: 'HTTP_FILTER',
        match: {
          context: 'GATEWAY',
          listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager', subFilter: { name: 'envoy.filters.http.router' } } } },
        },
        patch: { operation: 'INSERT_BEFORE', value: { name: this.filterName, typed_config: { '@type': LOCAL_RATE_LIMIT_TYPE, 'stat_prefix': this.statPrefix() } } },
      });
      this.rateLimitFilter = new EnvoyFilter(this.scope, 'RateLimit', {
        metadata: { name: `${this.sharedName}-local-ratelimit`, namespace: this.gatewayNamespace },
        spec: {
          workloadSelector: { labels: this.selector },
          configPatches: Lazy.any({ produce: () => this.rateLimitPatches }),
        },
      });
    }
    this.rateLimitPatches.push(patch);
    return this.rateLimitFilter;
  }

  private requireEnrollable(route: RouteSpec, d: DestinationSpec) {
    if (this.mesh === undefined || d.kind !== 'pool') return;
    if (d.namespace === undefined) {
      throw invalid(route.scope, 'backend', d.name, 'has no namespace to enroll in the mesh', 'set namespace on the pool or its chart');
    }
    const other = this.enrolled.get(d.namespace);
    if (other !== undefined && other.mode !== this.mesh.mode) {
      throw invalid(this.scope, 'dataPlane.meshEnrollment', this.mesh.mode,
        `enrolls namespace ${d.namespace} (of pool ${d.name}), which gateway ${other.gateway} enrolls in ${other.mode} mode, and a namespace has one mode`,
        'give both gateways the same MeshEnrollment, or put the pools in different namespaces');
    }
  }

  private enroll(d: DestinationSpec) {
    if (this.mesh === undefined || d.kind !== 'pool' || d.namespace === undefined) return;
    if (this.enrolled.has(d.namespace)) return;
    this.enrolled.set(d.namespace, { gateway: this.scope.node.path, mode: this.mesh.mode });
    const namespace = new k8s.KubeNamespace(this.scope, `Namespace-${d.namespace}`, { metadata: { name: d.namespace, labels: this.mesh._labels } });
    // Namespaces are cluster-scoped: drop the metadata.namespace a namespaced chart gives every object.
    if (namespace.metadata.namespace !== undefined) namespace.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
}

/**
 * A match's entries. A path prefix matches segment by segment (`/v1` takes `/v1` and `/v1/models`, not `/v10`), but
 * istiod turns `uri.prefix` of a VirtualService bound to an Istio Gateway into Envoy's plain string prefix (it uses
 * a segment-wise prefix for Gateway API and Ingress only): so a prefix other than "/" becomes two entries, the path
 * itself exactly and the path with "/" as a string prefix, each with the match's other conditions.
 */
function renderMatch(m: MatchConditions): VirtualServiceSpecHttpMatch[] {
  const record = <T>(entries: Array<[string, T]>) => entries.length === 0 ? undefined : Object.fromEntries(entries);
  const entry = (uri?: { exact: string } | { prefix: string }): VirtualServiceSpecHttpMatch => ({
    uri,
    method: m.method === undefined ? undefined : { exact: m.method },
    headers: record(m.headers.map(h => [h.name, h.kind === 'present' ? {} : { [h.kind]: h.value }])),
    queryParams: record(m.queryParams.map(q => [q.name, { [q.kind]: q.value }])),
  });
  const path = m.path;
  if (path === undefined) return [entry()];
  if (path.kind === 'exact') return [entry({ exact: path.value })];
  const segments = path.value.replace(/\/+$/, '');
  return segments === '' ? [entry({ prefix: '/' })] : [entry({ exact: segments }), entry({ prefix: `${segments}/` })];
}

/**
 * A token bucket that holds `burst` tokens (default: the limit) and gets `limit` tokens back every second or
 * minute; Envoy starts it full, so `burst` requests pass at once.
 */
function localRateLimit(scope: IConstruct, property: string, limit: RateLimitSpec, statPrefix: string) {
  const seconds = { second: 1, minute: 60, hour: 3600, day: 86400 }[limit.unit];
  const burst = limit.burst ?? limit.limit;
  if (burst < limit.limit) {
    throw invalid(scope, `${property}.burst`, burst,
      `cannot be expressed by Istio, whose local rate limit refills the whole limit (${limit.limit}) every ${limit.unit} into a bucket of burst tokens, `
      + 'so a smaller bucket would lower the limit to the burst',
      `use a burst of at least ${limit.limit}, or a per-second limit (RateLimit.requestsPerSecond) for a smaller burst`);
  }
  return {
    '@type': LOCAL_RATE_LIMIT_TYPE,
    'stat_prefix': statPrefix,
    'token_bucket': { max_tokens: burst, tokens_per_fill: limit.limit, fill_interval: `${seconds}s` },
    'filter_enabled': { runtime_key: 'local_rate_limit_enabled', default_value: { numerator: 100, denominator: 'HUNDRED' } },
    'filter_enforced': { runtime_key: 'local_rate_limit_enforced', default_value: { numerator: 100, denominator: 'HUNDRED' } },
    'response_headers_to_add': [{ append_action: 'OVERWRITE_IF_EXISTS_OR_ADD', header: { key: 'x-local-rate-limit', value: 'true' } }],
  };
}

/**
 * Switches a gateway-wide limit off for one route. Envoy rejects a per-route configuration without a token bucket
 * (and with it the whole route configuration), so the switched-off configuration carries one it never uses.
 */
function disabledRateLimit(statPrefix: string) {
  return {
    '@type': LOCAL_RATE_LIMIT_TYPE,
    'stat_prefix': statPrefix,
    'token_bucket': { max_tokens: 1, tokens_per_fill: 1, fill_interval: '1s' },
    'filter_enabled': { runtime_key: 'local_rate_limit_enabled', default_value: { numerator: 0, denominator: 'HUNDRED' } },
  };
}

