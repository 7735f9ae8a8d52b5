import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { ENVOY_AI_GATEWAY_CONTRACTS } from './envoy-ai-gateway-contracts';
import {
  backendTrafficPolicySpec, checkEnvoyGatewayJwt, envoyGatewayRetry, envoyProxyWorkload, PolicyTarget, renderSecurityPolicy,
} from '../envoy-gateway/envoy-gateway-policies';
import { GATEWAY_GROUP, gatewayDuration, renderGatewayObject } from '../gateway-objects/gateway';
import { InferencePoolRenderer } from '../gateway-objects/inference-pool-refs';
import {
  AiGatewayRoute, AiGatewayRouteSpecLlmRequestCostsType, AiGatewayRouteSpecRules, AiGatewayRouteSpecRulesMatchesHeadersType, AiServiceBackend,
  AiServiceBackendSpecSchemaName, BackendSecurityPolicy, BackendSecurityPolicySpec, BackendSecurityPolicySpecType,
} from '../imports/aigateway.envoyproxy.io';
import {
  Backend as EnvoyGatewayBackend, BackendTrafficPolicy, BackendTrafficPolicySpec, ClientTrafficPolicy,
  ClientTrafficPolicySpecConnectionBufferLimit,
} from '../imports/gateway.envoyproxy.io';
import { ProviderApi } from '../routing/backend';
import type { DataPlaneImpl, GatewayPeer, GatewayRenderer, RenderedRoute, SupportDeclaration } from '../routing/data-plane';
import type { FeatureId } from '../routing/features';
import { ENVOY_GATEWAY_RANKING, GATEWAY_API_RANKING, RouteSpread } from '../routing/precedence';
import { fullyQualifiedHost, normalizeWeights, samePolicy } from '../routing/render-helpers';
import type { DestinationSpec, GatewaySpec, MatchConditions, ProviderSpec, RouteSpec } from '../routing/resolved';
import { SupportLevel } from '../routing/support-level';
import { invalid, requireDnsLabel, requireDnsSubdomain } from '../validate';

/** Options for `DataPlane.envoyAiGateway`. */
export interface EnvoyAiGatewayDataPlaneOptions {
  /** The GatewayClass of Envoy Gateway, such as `eg`. */
  readonly gatewayClassName: string;
  /**
   * The namespace Envoy Gateway runs the Envoy proxies in (for NetworkPolicies).
   * @default 'envoy-gateway-system'
   */
  readonly proxyNamespace?: string;
}

/** The header Envoy AI Gateway fills from the request body's `model` field before routing. */
const MODEL_HEADER = 'x-ai-eg-model';
/** Where Envoy AI Gateway puts token usage after a response, for rate-limit costs. */
const AI_METADATA_NAMESPACE = 'io.envoy.ai_gateway';
const TOKEN_COST_KEY = 'llm_total_token';
/** The per-connection buffer for request bodies (prompts with long contexts, images). */
const REQUEST_BUFFER = '50Mi';
/**
 * An AIGatewayRoute holds at most 15 rules (its generated HTTPRoute adds a route-not-found rule to Gateway API's 16), matches a
 * rule, and headers a match (the model header included). One of the 15 is kept for a catch-all route, which every
 * AIGatewayRoute of a gateway with several must hold (see addRoute).
 */
const MAX_RULES = 15;
/** Matches over the rules of the HTTPRoute Envoy AI Gateway generates, whose route-not-found rule has one. */
const MAX_ROUTE_MATCHES = 128;
/** A rule's matches: 128 in the AIGatewayRoute, but the generated HTTPRoute must also hold its route-not-found match and a catch-all's. */
const MAX_RULE_MATCHES = MAX_ROUTE_MATCHES - 2;
const MAX_MATCH_HEADERS = 16;

const native = (how: string): SupportDeclaration => ({ level: SupportLevel.NATIVE, how });
const policy = (how: string): SupportDeclaration => ({ level: SupportLevel.IMPLEMENTATION_POLICY, how });
const no = (how: string, alternative: string): SupportDeclaration => ({ level: SupportLevel.UNSUPPORTED, how, alternative });
const HEADERS_ONLY = 'an AIGatewayRoute serves the OpenAI API paths and matches on headers only';
const ALT_PATHS = 'match on headers or RouteMatch.model, or route other paths with DataPlane.gatewayApi() on another hostname';

const AFFINITY_HOW = 'pools are reached through their Service address or an InferencePool\'s endpoint picker, so a hash on the gateway cannot pick the replica';
const AFFINITY_ALT = 'use Backend.inferencePool: the picker\'s prefix-cache scorer keeps a conversation on the replica that holds its prefix; '
  + 'or DataPlane.gatewayApi() with Envoy Gateway';

const SUPPORT: Record<FeatureId, SupportDeclaration> = {
  'tls': native('Gateway listener with tls.mode Terminate and certificateRefs'),
  'match.path': no(HEADERS_ONLY, ALT_PATHS),
  'match.header': native('AIGatewayRoute match headers Exact'),
  'match.headerRegex': native('AIGatewayRoute match headers RegularExpression'),
  'match.headerPresent': native('AIGatewayRoute match headers RegularExpression ".*"'),
  'match.method': no(HEADERS_ONLY, ALT_PATHS),
  'match.query': no(HEADERS_ONLY, ALT_PATHS),
  'match.model': native(`AIGatewayRoute match on ${MODEL_HEADER}, which the AI filter fills from the body's model field`),
  'backend.pool': native('AIServiceBackend (OpenAI schema) over an Envoy Gateway Backend for the pool Service'),
  'backend.service': native('AIServiceBackend (OpenAI schema) over an Envoy Gateway Backend for the Service'),
  'backend.inferencePool': native('AIGatewayRoute backendRef to an InferencePool with its endpoint picker (one per rule, not mixed with other backends)'),
  'backend.weighted': native('AIGatewayRoute backendRef weights'),
  'backend.provider': native('AIServiceBackend with the provider\'s API schema over an Envoy Gateway Backend (FQDN, TLS), credentials by BackendSecurityPolicy from a Secret'),
  'backend.fallback': policy('AIGatewayRoute backendRef priorities, with the route\'s RetryPolicy as a BackendTrafficPolicy retry that moves to the next priority '
    + 'on each retry (so it falls back on the policy\'s conditions: connection failures and 503 by default; RetryPolicy.none() is rejected)'),
  'mirror': no('AIGatewayRoute has no request mirroring', 'use DataPlane.gatewayApi() or DataPlane.istio() for mirrored routes'),
  'fault': policy('BackendTrafficPolicy faultInjection'),
  'timeout.request': native('AIGatewayRoute rule timeouts.request (and a ClientTrafficPolicy raising the request buffer to 50Mi for long prompts)'),
  'timeout.streamIdle': native('AIGatewayRoute rule streamIdleTimeout (defaults to the request timeout, never Envoy Gateway\'s short default)'),
  'retry': policy('BackendTrafficPolicy retry (status codes with the retriable-status-codes trigger)'),
  'retry.perTryTimeout': policy('BackendTrafficPolicy retry.perRetry.timeout'),
  'retry.backoff': policy('BackendTrafficPolicy retry.perRetry.backOff'),
  'circuitBreaker.limits': policy('BackendTrafficPolicy circuitBreaker'),
  'circuitBreaker.outlierDetection': policy('BackendTrafficPolicy healthCheck.passive'),
  'sessionAffinity.cookie': no(AFFINITY_HOW, AFFINITY_ALT),
  'sessionAffinity.header': no(AFFINITY_HOW, AFFINITY_ALT),
  'rateLimit.requests': policy('BackendTrafficPolicy rateLimit Local (429; each Envoy replica counts alone)'),
  'rateLimit.requests.global': policy('BackendTrafficPolicy rateLimit Local, one bucket per route rule'),
  'rateLimit.requests.clientIp': policy('BackendTrafficPolicy rateLimit Global, Distinct sourceCIDR (needs the rate limit service with Redis)'),
  'rateLimit.requests.header': policy('BackendTrafficPolicy rateLimit Global, Distinct header (needs the rate limit service with Redis)'),
  'rateLimit.requests.jwtClaim': policy('SecurityPolicy claimToHeaders, then BackendTrafficPolicy rateLimit Global on that header'),
  'rateLimit.tokens': policy('AIGatewayRoute llmRequestCosts (total tokens) and a BackendTrafficPolicy Global rate limit per route rule whose response cost is the '
    + 'token count; charged after the response, needs the rate limit service with Redis'),
  'jwt': policy('SecurityPolicy jwt (and authorization for required claims) attached to the Gateway'),
  'jwt.route': policy('SecurityPolicy jwt attached to the route rule'),
  'networkIsolation': native('NetworkPolicy admitting the Envoy proxies Envoy Gateway runs for this Gateway'),
};

/** @internal */
export function envoyAiGatewayDataPlane(options: EnvoyAiGatewayDataPlaneOptions): DataPlaneImpl {
  const proxyNamespace = options.proxyNamespace ?? 'envoy-gateway-system';
  return {
    name: 'Envoy AI Gateway',
    support: SUPPORT,
    contracts: ENVOY_AI_GATEWAY_CONTRACTS,
    installation: { controller: 'envoy-ai-gateway', gatewayClassName: options.gatewayClassName, gatewayApiChannel: 'standard', gatewayNamespace: proxyNamespace },
    workload: gateway => envoyProxyWorkload(gateway, proxyNamespace),
    bind: (scope, gateway) => {
      requireDnsSubdomain(scope, 'dataPlane.gatewayClassName', options.gatewayClassName);
      requireDnsLabel(scope, 'dataPlane.proxyNamespace', proxyNamespace);
      return new EnvoyAiGateway(scope, gateway, options.gatewayClassName);
    },
  };
}

/** How each provider API authenticates: the BackendSecurityPolicy type and the Secret key it reads. */
const CREDENTIALS: Record<ProviderApi, { readonly type: BackendSecurityPolicySpecType; readonly key: string; readonly what: string }> = {
  [ProviderApi.OPENAI]: { type: BackendSecurityPolicySpecType.API_KEY, key: 'apiKey', what: 'an API key' },
  [ProviderApi.ANTHROPIC]: { type: BackendSecurityPolicySpecType.ANTHROPIC_API_KEY, key: 'apiKey', what: 'an API key' },
  [ProviderApi.AZURE_OPENAI]: { type: BackendSecurityPolicySpecType.AZURE_API_KEY, key: 'apiKey', what: 'an API key' },
  [ProviderApi.AWS_BEDROCK]: { type: BackendSecurityPolicySpecType.AWS_CREDENTIALS, key: 'credentials', what: 'an AWS credentials file' },
  [ProviderApi.GCP_VERTEX_AI]: { type: BackendSecurityPolicySpecType.GCP_CREDENTIALS, key: 'service_account.json', what: 'a service account key file' },
};

/**
 * Renders one AiGateway as a Gateway, AIGatewayRoutes holding a rule per route, backends and policies. The rules fill
 * the first AIGatewayRoute (construct id `AIGatewayRoute`, named like the gateway) and, past its rules or matches,
 * more AIGatewayRoutes attached to the same Gateway (ids `AIGatewayRoute-2`, ..., named `<name>-2`, ...), as
 * RouteSpread places them. Envoy AI Gateway turns each into an HTTPRoute of the same name (v1.1.0
 * internal/controller/ai_gateway_route.go), and Envoy Gateway merges those as Gateway API orders HTTPRoutes.
 */
class EnvoyAiGateway implements GatewayRenderer {
  /** The AIGatewayRoutes, in creation order. */
  private readonly routeObjects: Array<{ readonly rules: AiGatewayRouteSpecRules[]; tokenCosts: boolean; object?: ApiObject }> = [];
  private readonly spread: RouteSpread;
  private readonly serviceBackends = new Map<string, string>();
  private readonly providers = new Map<string, { readonly spec: ProviderSpec; readonly port: number; readonly route: string }>();
  private readonly backendNames = new Set<string>();
  private readonly claimHeaders = new Map<string, string>();
  private readonly inferencePools: InferencePoolRenderer;

  constructor(private readonly scope: Construct, private readonly gateway: GatewaySpec, gatewayClassName: string) {
    renderGatewayObject(scope, gateway, gatewayClassName);
    // One rule of each AIGatewayRoute is kept for a catch-all, and one match of each generated HTTPRoute is its route-not-found rule's.
    this.spread = new RouteSpread({
      dataPlane: 'Envoy AI Gateway',
      kind: 'AIGatewayRoute',
      baseName: gateway.name,
      maxRules: MAX_RULES - 1,
      maxMatches: MAX_ROUTE_MATCHES - 2,
      // Envoy Gateway orders the generated HTTPRoutes' matches its own way too; the order must hold under both.
      rankings: [GATEWAY_API_RANKING, ENVOY_GATEWAY_RANKING],
    });
    this.addAiGatewayRoute();
    // The AI filter buffers the request body to read the model; Envoy Gateway's default 32 KiB per connection
    // rejects long prompts.
    new ClientTrafficPolicy(scope, 'ClientTrafficPolicy', {
      metadata: { name: gateway.name, namespace: gateway.namespace },
      spec: {
        targetRefs: [{ group: GATEWAY_GROUP, kind: 'Gateway', name: gateway.name }],
        connection: { bufferLimit: ClientTrafficPolicySpecConnectionBufferLimit.fromString(REQUEST_BUFFER) },
      },
    });
    this.inferencePools = new InferencePoolRenderer(scope, { pickerDestinationRule: false });
    if (gateway.defaults.jwt !== undefined) {
      checkEnvoyGatewayJwt(scope, 'defaults.jwt', gateway.defaults.jwt, 'Envoy AI Gateway');
      renderSecurityPolicy(scope, 'SecurityPolicy', gateway.name, gateway.namespace, { group: GATEWAY_GROUP, kind: 'Gateway', name: gateway.name },
        gateway.defaults.jwt, () => [...this.claimHeaders].map(([claim, header]) => ({ claim, header })));
    }
  }

  public peersOf(d: DestinationSpec): GatewayPeer[] {
    return this.inferencePools.peersOf(this.scope, d);
  }

  /** The next AIGatewayRoute, with the Gateway as parent and its hostnames. */
  private addAiGatewayRoute() {
    const index = this.routeObjects.length;
    const object: { rules: AiGatewayRouteSpecRules[]; tokenCosts: boolean; object?: ApiObject } = { rules: [], tokenCosts: false };
    this.routeObjects.push(object);
    object.object = new AiGatewayRoute(this.scope, index === 0 ? 'AIGatewayRoute' : `AIGatewayRoute-${index + 1}`, {
      metadata: { name: this.spread.nameOf(index), namespace: this.gateway.namespace },
      spec: {
        parentRefs: [{ group: GATEWAY_GROUP, kind: 'Gateway', name: this.gateway.name }],
        hostnames: [...this.gateway.hostnames],
        rules: Lazy.any({ produce: () => object.rules }),
        // Token usage the AI filter records for each response; token budgets charge it.
        llmRequestCosts: Lazy.any({
          produce: () => object.tokenCosts ? [
            { metadataKey: 'llm_input_token', type: AiGatewayRouteSpecLlmRequestCostsType.INPUT_TOKEN },
            { metadataKey: 'llm_output_token', type: AiGatewayRouteSpecLlmRequestCostsType.OUTPUT_TOKEN },
            { metadataKey: TOKEN_COST_KEY, type: AiGatewayRouteSpecLlmRequestCostsType.TOTAL_TOKEN },
          ] : undefined,
        }),
      },
    });
  }

  /**
   * Adds the route's rule to the AIGatewayRoute RouteSpread chooses. A catch-all goes into every AIGatewayRoute of
   * a gateway with several: each generated HTTPRoute ends with a route-not-found rule (path prefix "/", no headers)
   * exactly as specific as the catch-all, and across HTTPRoutes such ties go to the oldest one (gateway-api v1.6.1
   * HTTPRouteRule.Matches). Holding the catch-all before its route-not-found rule, whichever HTTPRoute wins the tie
   * sends the request to the catch-all.
   */
  public addRoute(route: RouteSpec): RenderedRoute {
    if (route.id === 'route-not-found') {
      throw invalid(route.scope, 'id', route.id, 'is a rule name Envoy AI Gateway reserves', 'choose another route id');
    }
    checkMatchLimits(route);
    const placed = this.spread.place(route);
    const catchAll = route.matches.length === 0;
    // The objects that hold the rule: a catch-all is in every one.
    const indexes = catchAll ? this.spread.objects.map(o => o.index) : [placed];
    const p = route.policies;
    const fallback = route.backend.mode === 'fallback';
    const weights = route.backend.mode === 'weighted' ? normalizeWeights(route.backend.destinations.map(d => d.weight)) : undefined;
    // Everything that can reject the route comes first: a rejected route leaves nothing behind.
    this.requireUnmixed(route);
    route.backend.destinations.forEach((d, i) => this.checkDestination(route, fallback ? `backend[${i}]` : 'backend', d));
    if (p.circuitBreaker?.outlierDetection !== undefined && route.backend.destinations.some(d => d.kind === 'pool' || d.kind === 'service')) {
      throw invalid(route.scope, 'circuitBreaker.outlierDetection', 'outlier detection',
        'would eject the whole pool: Envoy AI Gateway reaches a pool or Service through one Service address, not its replicas',
        'leave outlier detection out (Backend.fallback moves to the next backend on errors), or route to Backend.inferencePool');
    }
    const policies = this.routePolicies(route, indexes.map(i => this.spread.nameOf(i)));
    const rule: AiGatewayRouteSpecRules = {
      name: route.id,
      matches: route.matches.length === 0 ? undefined : route.matches.map(m => ({ headers: renderHeaders(m) })),
      backendRefs: route.backend.destinations.map((d, i) => ({
        ...this.backendRef(route, fallback ? `backend[${i}]` : 'backend', d),
        weight: weights?.[i],
        priority: fallback ? i : undefined,
      })),
      timeouts: {
        request: gatewayDuration(route.scope, 'timeouts.request', p.timeouts.requestSeconds * 1000),
        // The per-try timeout is in the BackendTrafficPolicy: Envoy Gateway would make backendRequest the whole request's timeout.
      },
      // Streamed completions pause between tokens: never Envoy's short default.
      streamIdleTimeout: gatewayDuration(route.scope, 'timeouts.streamIdle', (p.timeouts.streamIdleSeconds ?? (p.timeouts.requestSeconds || 300)) * 1000),
    };
    for (const i of indexes) {
      if (i === this.routeObjects.length) this.addAiGatewayRoute();
      this.routeObjects[i].rules.push(rule);
      if (p.rateLimit?.counts === 'tokens') this.routeObjects[i].tokenCosts = true;
    }
    const policyObjects = policies.render();
    for (const i of indexes) this.spread.commit(route, i);
    return { routeObjects: indexes.map(i => this.routeObjects[i].object!), policyObjects };
  }

  /** Envoy AI Gateway rejects rules that mix an InferencePool with other backends, or hold two InferencePools. */
  private requireUnmixed(route: RouteSpec) {
    const pools = route.backend.destinations.filter(d => d.kind === 'inferencePool');
    if (pools.length > 0 && route.backend.destinations.length > 1) {
      throw invalid(route.scope, 'backend', `Backend.${route.backend.mode}`, 'mixes an InferencePool with other backends in one rule, which Envoy AI Gateway does not allow',
        'for fallback from a GPU pool to a provider use Backend.fallback([Backend.pool(pool), Backend.provider(...)]): the pool then becomes an AIServiceBackend '
        + 'over its Service, without the endpoint picker; or route to the InferencePool alone');
    }
  }

  private backendRef(route: RouteSpec, property: string, d: DestinationSpec) {
    if (d.kind === 'inferencePool') {
      const ref = this.inferencePools.render(route.scope, property, d);
      if (ref.namespace !== this.gateway.namespace) {
        throw invalid(route.scope, property, `${ref.namespace}/${ref.name}`, 'is an InferencePool in another namespace than the gateway',
          'put the pool in the gateway\'s namespace');
      }
      return { group: ref.group, kind: 'InferencePool', name: ref.name };
    }
    const name = d.kind === 'provider' ? this.providerBackend(route, property, d) : this.serviceBackend(route, property, d);
    return { name, modelNameOverride: d.provider?.modelName };
  }

  /** An AIServiceBackend (OpenAI schema) over an Envoy Gateway Backend for an in-cluster Service. */
  private serviceBackend(route: RouteSpec, property: string, d: DestinationSpec): string {
    const host = fullyQualifiedHost(route.scope, property, d, 'Envoy AI Gateway');
    const key = `${host}:${d.port}`;
    const existing = this.serviceBackends.get(key);
    if (existing !== undefined) return existing;
    // The same Service on another port or in another namespace needs its own pair of objects.
    const name = this.uniqueName(`${this.gateway.name}-${d.name}`);
    this.serviceBackends.set(key, name);
    this.backendPair(name, AiServiceBackendSpecSchemaName.OPEN_AI, { hostname: host, port: d.port }, false);
    return name;
  }

  /** A hosted provider: an AIServiceBackend with its API schema, a TLS Backend, and its credentials from a Secret. */
  /** What can reject a destination: a provider's credentials, an InferencePool's namespace and settings. */
  private checkDestination(route: RouteSpec, property: string, d: DestinationSpec) {
    if (d.kind === 'inferencePool') {
      if (d.namespace !== this.gateway.namespace) {
        throw invalid(route.scope, property, `${d.namespace}/${d.name}`, 'is an InferencePool in another namespace than the gateway',
          'put the pool in the gateway\'s namespace');
      }
      if (d.inference!.failureMode === 'FailOpen') {
        throw invalid(route.scope, `${property}.failureMode`, 'PickerFailureMode.FAIL_OPEN', 'is ignored by Envoy AI Gateway, whose extension server always fails closed '
          + 'when the endpoint picker is unavailable (v1.1.0)', 'leave failureMode out (FAIL_CLOSE), and run more than one picker replica (pickerReplicas) for availability');
      }
      this.inferencePools.check(route.scope, property, d);
    } else if (d.kind === 'provider') {
      checkProvider(route, property, d);
      const first = this.providers.get(d.name);
      if (first !== undefined && (!samePolicy(first.spec, d.provider) || first.port !== d.port)) {
        throw invalid(route.scope, `${property}.name`, d.name, `names another provider than route '${first.route}' does (${first.spec.api} ${first.spec.hostname})`,
          'give each provider its own name');
      }
    } else {
      fullyQualifiedHost(route.scope, property, d, 'Envoy AI Gateway');
    }
  }

  private providerBackend(route: RouteSpec, property: string, d: DestinationSpec): string {
    const provider = d.provider!;
    const key = `provider:${d.name}`;
    const existing = this.serviceBackends.get(key);
    if (existing !== undefined) return existing;
    this.providers.set(d.name, { spec: provider, port: d.port, route: route.id });
    const credentials = checkProvider(route, property, d);
    const apiKey = provider.apiKey!;
    const name = this.uniqueName(`${this.gateway.name}-${d.name}`);
    this.serviceBackends.set(key, name);
    this.backendPair(name, provider.api as string as AiServiceBackendSpecSchemaName, { hostname: provider.hostname, port: d.port }, true);
    const secretRef = { name: apiKey.secretName };
    const spec: BackendSecurityPolicySpec = {
      targetRefs: [{ group: 'aigateway.envoyproxy.io', kind: 'AIServiceBackend', name }],
      type: credentials.type,
      apiKey: credentials.type === BackendSecurityPolicySpecType.API_KEY ? { secretRef } : undefined,
      anthropicApiKey: credentials.type === BackendSecurityPolicySpecType.ANTHROPIC_API_KEY ? { secretRef } : undefined,
      azureApiKey: credentials.type === BackendSecurityPolicySpecType.AZURE_API_KEY ? { secretRef } : undefined,
      awsCredentials: credentials.type === BackendSecurityPolicySpecType.AWS_CREDENTIALS
        ? { region: provider.region!, credentialsFile: { secretRef } } : undefined,
      gcpCredentials: credentials.type === BackendSecurityPolicySpecType.GCP_CREDENTIALS
        ? { region: provider.region!, projectName: provider.project!, credentialsFile: { secretRef } } : undefined,
    };
    new BackendSecurityPolicy(this.scope, `BackendSecurityPolicy-${name}`, { metadata: { name, namespace: this.gateway.namespace }, spec });
    return name;
  }

  /** `base`, or `base-2`, `base-3`, ... when another backend of this gateway has it. */
  private uniqueName(base: string): string {
    let name = base;
    for (let n = 2; this.backendNames.has(name); n++) name = `${base}-${n}`;
    this.backendNames.add(name);
    return name;
  }

  private backendPair(name: string, schema: AiServiceBackendSpecSchemaName, endpoint: { hostname: string; port: number }, tls: boolean) {
    const metadata = { name, namespace: this.gateway.namespace };
    new EnvoyGatewayBackend(this.scope, `Backend-${name}`, {
      metadata,
      spec: {
        endpoints: [{ fqdn: endpoint }],
        tls: tls ? { wellKnownCaCertificates: 'System', sni: endpoint.hostname } : undefined,
      },
    });
    new AiServiceBackend(this.scope, `AIServiceBackend-${name}`, {
      metadata,
      spec: { schema: { name: schema }, backendRef: { group: 'gateway.envoyproxy.io', kind: 'Backend', name } },
    });
  }

  /**
   * A BackendTrafficPolicy per rule of the HTTPRoute Envoy AI Gateway generates (named like the
   * AIGatewayRoute, its rules named like ours): the route's retries, balancing, limits and budgets.
   */
  private routePolicies(route: RouteSpec, routeNames: readonly string[]): { render(): ApiObject[] } {
    const p = route.policies;
    // The rule's section of each generated HTTPRoute that holds it (one, or every one for a catch-all).
    const targets: PolicyTarget[] = routeNames.map(name => ({ group: GATEWAY_GROUP, kind: 'HTTPRoute', name, sectionName: route.id }));
    const limit = p.rateLimit;
    if (limit?.key.kind === 'jwtClaim' && p.jwt === undefined) {
      throw invalid(route.scope, 'rateLimit.key', `RateLimitKey.jwtClaim("${limit.key.name}")`, 'needs a validated JWT, and the route has no JwtAuth',
        'set JwtAuth in the gateway defaults or on the route, or key the limit on a header');
    }
    if (route.ownPolicies.has('jwt')) checkEnvoyGatewayJwt(route.scope, 'jwt', p.jwt, 'Envoy AI Gateway');
    if (route.ownPolicies.has('jwt') && p.jwt === undefined) {
      throw invalid(route.scope, 'jwt', 'JwtAuth.none()', 'cannot switch off the Gateway\'s JWT policy for one route with Envoy AI Gateway',
        'give the route its own AiGateway and hostname, or leave JWT out of the gateway defaults and set it per route');
    }
    // The rule itself carries the stream idle timeout; token budgets are charged from the AI filter's metadata.
    const spec: BackendTrafficPolicySpec = backendTrafficPolicySpec(
      { ...route, policies: { ...p, timeouts: { requestSeconds: p.timeouts.requestSeconds } } }, targets, 'Envoy AI Gateway',
      { tokenCost: { namespace: AI_METADATA_NAMESPACE, key: TOKEN_COST_KEY }, claimHeader },
    );
    const retry = route.backend.mode === 'fallback' ? fallbackRetry(route) : spec.retry;
    return {
      render: () => {
        if (limit?.key.kind === 'jwtClaim') this.claimHeaders.set(limit.key.name!, claimHeader(limit.key.name!));
        const objects: ApiObject[] = [new BackendTrafficPolicy(this.scope, `BackendTrafficPolicy-${route.id}`, {
          metadata: { name: `${this.gateway.name}-${route.id}`, namespace: this.gateway.namespace },
          spec: { ...spec, retry },
        })];
        if (route.ownPolicies.has('jwt')) {
          objects.push(renderSecurityPolicy(this.scope, `SecurityPolicy-${route.id}`, `${this.gateway.name}-${route.id}`, this.gateway.namespace, targets, p.jwt!,
            () => [...this.claimHeaders].map(([claim, header]) => ({ claim, header }))));
        }
        return objects;
      },
    };
  }
}

/** The header the SecurityPolicy copies a JWT claim to, for rate limits keyed on the claim. */
function claimHeader(claim: string): string {
  return `x-ai-gateway-claim-${claim.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`;
}

/** A provider's credentials and location: a Secret with the key Envoy AI Gateway reads, region and project where needed. */
function checkProvider(route: RouteSpec, property: string, d: DestinationSpec) {
  const provider = d.provider!;
  const credentials = CREDENTIALS[provider.api];
  if (provider.apiKey === undefined) {
    throw invalid(route.scope, `${property}.apiKey`, undefined, `is missing, and ${provider.api} needs ${credentials.what} to accept requests`,
      `store it in a Secret under the key '${credentials.key}' and pass apiKey: { secretName, key: '${credentials.key}' }`);
  }
  if (provider.apiKey.key !== credentials.key) {
    throw invalid(route.scope, `${property}.apiKey.key`, provider.apiKey.key, `is not the key Envoy AI Gateway reads ${credentials.what} from (${credentials.key})`,
      `store the credential in the Secret under '${credentials.key}'`);
  }
  if ((provider.api === ProviderApi.AWS_BEDROCK || provider.api === ProviderApi.GCP_VERTEX_AI) && provider.region === undefined) {
    throw invalid(route.scope, `${property}.region`, undefined, `is required for ${provider.api}`, 'set the region the models are served from');
  }
  if (provider.api === ProviderApi.GCP_VERTEX_AI && provider.project === undefined) {
    throw invalid(route.scope, `${property}.project`, undefined, 'is required for GCPVertexAI', 'set the GCP project');
  }
  return credentials;
}

/** The model match is a header match on the header the AI filter fills from the body. */
function renderHeaders(m: MatchConditions) {
  const headers = m.headers.map(h => ({
    name: h.name,
    type: h.kind === 'exact' ? AiGatewayRouteSpecRulesMatchesHeadersType.EXACT : AiGatewayRouteSpecRulesMatchesHeadersType.REGULAR_EXPRESSION,
    value: h.kind === 'present' ? '.*' : h.value!,
  }));
  if (m.model !== undefined) headers.unshift({ name: MODEL_HEADER, type: AiGatewayRouteSpecRulesMatchesHeadersType.EXACT, value: m.model });
  return headers;
}

/** AIGatewayRoute's limits (envoyproxy/ai-gateway v1.1.0 aigateway.envoyproxy.io_aigatewayroutes.yaml). */
function checkMatchLimits(route: RouteSpec) {
  if (route.matches.length > MAX_RULE_MATCHES) {
    throw invalid(route.scope, 'matches', `${route.matches.length} matches`, `are more than the ${MAX_RULE_MATCHES} an AIGatewayRoute rule can hold: the HTTPRoute Envoy AI Gateway generates holds ${MAX_ROUTE_MATCHES} matches, `
      + 'one of them its route-not-found rule\'s and one kept for a catch-all route',
    'split the route into several routes, or combine alternatives into a header regex');
  }
  route.matches.forEach((m, i) => {
    const headers = m.headers.length + (m.model === undefined ? 0 : 1);
    if (headers > MAX_MATCH_HEADERS) {
      throw invalid(route.scope, `matches[${i}]`, `${headers} header conditions`, `are more than the ${MAX_MATCH_HEADERS} an AIGatewayRoute match holds (a model match is one)`,
        `match on at most ${MAX_MATCH_HEADERS} headers, or combine several into one header regex`);
    }
  });
}

/**
 * Fallback moves to the next priority by retrying (envoyproxy/ai-gateway v1.1.0 examples/provider_fallback): the
 * route's own RetryPolicy, one attempt per priority. Its conditions are when the route falls back. Without retries
 * the later backends would never be reached, so RetryPolicy.none() is rejected, as are fewer attempts than
 * fallback backends; the library's default policy gets as many attempts as there are fallback backends.
 */
function fallbackRetry(route: RouteSpec): BackendTrafficPolicySpec['retry'] {
  const retry = route.policies.retry;
  const fallbacks = route.backend.destinations.length - 1;
  if (retry === undefined) {
    throw invalid(route.scope, 'retry', 'RetryPolicy.none()', `would leave the ${fallbacks} fallback backend(s) of Backend.fallback unused: Envoy AI Gateway moves `
      + 'to the next backend only by retrying', `leave retry out (the LLM-safe default falls back on connection failures and 503), or give a RetryPolicy with at least ${fallbacks} attempt(s)`);
  }
  const attempts = retry.isDefault ? Math.max(retry.attempts, fallbacks) : retry.attempts;
  if (attempts < fallbacks) {
    throw invalid(route.scope, 'retry.attempts', retry.attempts, `reaches only ${attempts} of the ${fallbacks} fallback backends of Backend.fallback: each retry moves to the next one`,
      `set attempts to at least ${fallbacks}, or list fewer backends`);
  }
  return { ...envoyGatewayRetry(route, { ...retry, attempts }), numAttemptsPerPriority: 1 };
}
