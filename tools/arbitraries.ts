/*
 * fast-check arbitraries for random AiGateways on every data plane, shared by the property tests
 * (test/ai-gateway.property.test.ts), the fuzzer (npm run fuzz, scripts/fuzz.ts) and the benchmark.
 *
 * A scenario is plain data (strings, numbers, arrays, records), so a shrunk counterexample prints as
 * something one can read and paste into a test; `buildScenario` turns it into a cdk8s Chart through the
 * public API only.
 *
 * Scenarios come in three intents, generated per data plane (`DATA_PLANES`):
 * - 'valid': only features the data plane declares (`DataPlane.capabilities()`, level other than
 *   unsupported), with values the API documents as valid, combined so the gateway as a whole is valid on that
 *   data plane too (route order its precedence keeps, one circuit breaker per Istio host, ingress-nginx canary
 *   pairs, ...). The library must synthesize every one of them.
 * - 'unsupported': a valid scenario with one feature the data plane declares unsupported put into one route
 *   (or the gateway's defaults). The library must reject it with its own error, naming the data plane.
 * - 'mixed': valid and invalid values mixed (rejected values, a catch-all in the middle, duplicate ids,
 *   conflicting matches, unsupported features, ...). Most are rejected, some get through; none may crash.
 * `gatewayScenario({ dataPlane })` draws valid half of the time and each other intent a quarter of the time.
 */
import { createHash } from 'crypto';
import { isDeepStrictEqual } from 'util';
import { Chart, Duration, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import {
  Accelerator, AiGateway, AiGatewayAddRouteOptions, AiGatewayErrors, Backend, CircuitBreaker, DataPlane, FaultInjection, GatewayApiChannel,
  GatewayImplementation, HttpMethod, InferencePool, InferencePoolProps, JwtAuth, Listener, LlmModelPool, MeshEnrollment, ModelServer,
  PickerFailureMode, ProviderApi, RateLimit, RateLimitKey, RequestMirror, RetryCondition, RetryPolicy, RouteMatch, RoutePolicies, SessionAffinity,
  SupportLevel, Timeouts,
} from '../src';
import { formatIssues, validateManifests } from './validator';
import { FeatureId, featuresOf } from '../src/routing/features';

// ---------------------------------------------------------------------------------------------------------
// Scenario data

/** What the generator meant (see the file comment). */
export type ScenarioIntent = 'valid' | 'unsupported' | 'mixed';

/** An LlmModelPool. */
export interface PoolScenario {
  /** The construct id (unique within the scenario). */
  readonly id: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly modelName: string;
  readonly server: 'demo' | 'vllm';
  /** GPUs per replica: 0 means `Accelerator.none()`, anything else `Accelerator.nvidiaGpu({ count: gpus })`. */
  readonly gpus: number;
  readonly replicas?: number;
}

/** A RouteMatch factory call; `all` combines leaf matches with `RouteMatch.all`. */
export type MatchScenario =
  | { readonly kind: 'pathPrefix'; readonly path: string }
  | { readonly kind: 'pathExact'; readonly path: string }
  | { readonly kind: 'header'; readonly name: string; readonly value: string }
  | { readonly kind: 'headerRegex'; readonly name: string; readonly regex: string }
  | { readonly kind: 'headerPresent'; readonly name: string }
  | { readonly kind: 'method'; readonly method: string }
  | { readonly kind: 'queryParam'; readonly name: string; readonly value: string }
  | { readonly kind: 'model'; readonly name: string }
  | { readonly kind: 'all'; readonly of: readonly MatchScenario[] };

/** A Backend factory call; `pool` is an index into the scenario's pools (taken modulo their number). */
export type BackendScenario =
  | { readonly kind: 'pool'; readonly pool: number; readonly port?: number }
  | { readonly kind: 'service'; readonly name: string; readonly port: number; readonly namespace?: string }
  | { readonly kind: 'weighted'; readonly targets: ReadonlyArray<{ readonly backend: BackendScenario; readonly weight: number }> }
  | {
    readonly kind: 'provider';
    readonly name: string;
    readonly api: string;
    readonly hostname: string;
    readonly port?: number;
    readonly apiKey?: string;
    readonly region?: string;
    readonly project?: string;
    readonly modelName?: string;
  }
  | { readonly kind: 'inferencePool'; readonly pool: number; readonly pickerReplicas?: number; readonly failOpen?: boolean; readonly objectives?: readonly string[] }
  | { readonly kind: 'fallback'; readonly backends: readonly BackendScenario[] };

/** Durations are in seconds (`requestSeconds: 1.5` is `Duration.seconds(1.5)`). */
export type TimeoutsScenario =
  | { readonly kind: 'llmDefaults' }
  | { readonly kind: 'of'; readonly requestSeconds?: number; readonly streamIdleSeconds?: number };

/** `conditions` are RetryCondition constants by name, or numbers for `RetryCondition.httpStatus(n)`. */
export type RetryScenario =
  | { readonly kind: 'none' }
  | { readonly kind: 'llmSafe'; readonly attempts?: number; readonly backoffMillis?: number }
  | {
    readonly kind: 'custom';
    readonly attempts: number;
    readonly conditions: ReadonlyArray<string | number>;
    readonly perTryTimeoutSeconds?: number;
    readonly backoffMillis?: number;
  };

export interface OutlierDetectionScenario {
  readonly consecutiveErrors?: number;
  readonly intervalSeconds?: number;
  readonly baseEjectionSeconds?: number;
  readonly maxEjectionPercent?: number;
}

export type CircuitBreakerScenario =
  | { readonly kind: 'none' }
  | {
    readonly kind: 'of';
    readonly maxConnections?: number;
    readonly maxPendingRequests?: number;
    readonly maxRequests?: number;
    readonly maxRetries?: number;
    readonly outlierDetection?: OutlierDetectionScenario;
  };

export type SessionAffinityScenario =
  | { readonly kind: 'none' }
  | { readonly kind: 'cookie'; readonly name: string; readonly ttlSeconds: number; readonly path?: string }
  | { readonly kind: 'header'; readonly name: string };

export type RateLimitKeyScenario =
  | { readonly kind: 'global' }
  | { readonly kind: 'clientIp' }
  | { readonly kind: 'header'; readonly name: string }
  | { readonly kind: 'jwtClaim'; readonly claim: string };

export type RateLimitScenario =
  | { readonly kind: 'none' }
  | { readonly kind: 'requests'; readonly per: 'second' | 'minute'; readonly limit: number; readonly burst?: number; readonly key?: RateLimitKeyScenario }
  | { readonly kind: 'tokens'; readonly per: 'minute' | 'hour' | 'day'; readonly limit: number; readonly key?: RateLimitKeyScenario };

export type JwtScenario =
  | { readonly kind: 'none' }
  | {
    readonly kind: 'of';
    readonly issuer?: string;
    readonly jwksUri?: string;
    readonly jwks?: string;
    readonly audiences?: readonly string[];
    readonly requiredClaims?: ReadonlyArray<{ readonly claim: string; readonly values: readonly string[] }>;
    readonly forwardToken?: boolean;
  };

/** RoutePolicies, in the gateway's defaults or on a route. */
export interface PoliciesScenario {
  readonly timeouts?: TimeoutsScenario;
  readonly retry?: RetryScenario;
  readonly circuitBreaker?: CircuitBreakerScenario;
  readonly sessionAffinity?: SessionAffinityScenario;
  readonly rateLimit?: RateLimitScenario;
  readonly jwt?: JwtScenario;
}

export interface MirrorScenario {
  readonly backend: BackendScenario;
  readonly percent?: number;
}

/** FaultInjection.of; `delayMillis` is `Duration.millis(delayMillis)`. */
export interface FaultScenario {
  readonly delayMillis?: number;
  readonly delayPercent?: number;
  readonly abortHttpStatus?: number;
  readonly abortPercent?: number;
}

/** One `gateway.addRoute(id, options)`; no `matches` makes it a catch-all. */
export interface RouteScenario extends PoliciesScenario {
  readonly id: string;
  readonly matches?: readonly MatchScenario[];
  readonly backend: BackendScenario;
  readonly mirror?: MirrorScenario;
  readonly fault?: FaultScenario;
}

export type ListenerScenario =
  | { readonly protocol: 'http'; readonly port?: number }
  | { readonly protocol: 'https'; readonly port?: number; readonly tlsSecret: string };

/** DataPlane.istio options (used only when the scenario's data plane is Istio). */
export interface IstioScenario {
  readonly gatewayNamespace?: string;
  readonly gatewaySelector?: Readonly<Record<string, string>>;
  readonly mesh?: 'sidecar' | 'ambient';
}

/** AiGatewayProps, minus the data plane's construction. */
export interface GatewayPropsScenario {
  readonly name?: string;
  readonly namespace?: string;
  readonly hostnames: readonly string[];
  readonly listeners?: readonly ListenerScenario[];
  readonly defaults?: PoliciesScenario;
  readonly networkIsolation?: boolean;
  readonly allowedNamespaces?: readonly string[];
  readonly istio: IstioScenario;
}

/** A chart with 1 to 3 pools and one AiGateway with 0 to 8 routes. */
export interface GatewayScenario {
  readonly intent: ScenarioIntent;
  /** The data plane the gateway is rendered for (Istio's options come from `gateway.istio`). */
  readonly dataPlane: DataPlaneId;
  /** For 'unsupported' scenarios: the unsupported feature put into the gateway. */
  readonly unsupported?: FeatureId;
  /** The chart's namespace; none means the objects have none. */
  readonly namespace?: string;
  readonly pools: readonly PoolScenario[];
  readonly gateway: GatewayPropsScenario;
  readonly routes: readonly RouteScenario[];
}

// ---------------------------------------------------------------------------------------------------------
// Data planes

/** Every data plane variant the properties run on. */
export type DataPlaneId =
  | 'istio'
  | 'gatewayApi-envoyGateway' | 'gatewayApi-envoyGateway-experimental'
  | 'gatewayApi-istio' | 'gatewayApi-istio-experimental'
  | 'gatewayApi-generic' | 'gatewayApi-generic-experimental'
  | 'envoyAiGateway'
  | 'nginxIngress';

/** A data plane variant: how to make it, and the shape rules its generator follows beyond the capability declarations. */
export interface DataPlaneProfile {
  readonly id: DataPlaneId;
  readonly family: 'istio' | 'gatewayApi' | 'envoyAiGateway' | 'nginx';
  /** Gateway API implementation. */
  readonly implementation?: 'envoyGateway' | 'istio' | 'generic';
  /** The Gateway API channel whose CRDs the validator checks against. */
  readonly channel: 'standard' | 'experimental';
  /** A new DataPlane value (some hold state per value, so each scenario gets its own). */
  readonly make: () => DataPlane;
  /**
   * Whether the data plane spreads a gateway's rules over several route objects once one is full (an HTTPRoute
   * holds 16 rules, an AIGatewayRoute 15): its valid scenarios are sometimes that wide.
   */
  readonly spreads: boolean;
}

function gatewayApiProfile(implementation: 'envoyGateway' | 'istio' | 'generic', channel: 'standard' | 'experimental'): DataPlaneProfile {
  const className = { envoyGateway: 'eg', istio: 'istio', generic: 'nginx' }[implementation];
  return {
    id: `gatewayApi-${implementation}${channel === 'experimental' ? '-experimental' : ''}` as DataPlaneId,
    family: 'gatewayApi',
    implementation,
    channel,
    spreads: true,
    make: () => DataPlane.gatewayApi({
      gatewayClassName: className,
      implementation: GatewayImplementation[implementation](),
      channel: channel === 'experimental' ? GatewayApiChannel.EXPERIMENTAL : GatewayApiChannel.STANDARD,
    }),
  };
}

/** The data planes, in the order reports list them. */
export const DATA_PLANES: readonly DataPlaneProfile[] = [
  { id: 'istio', family: 'istio', channel: 'standard', spreads: false, make: () => DataPlane.istio() },
  gatewayApiProfile('envoyGateway', 'standard'),
  gatewayApiProfile('envoyGateway', 'experimental'),
  gatewayApiProfile('istio', 'standard'),
  gatewayApiProfile('istio', 'experimental'),
  gatewayApiProfile('generic', 'standard'),
  gatewayApiProfile('generic', 'experimental'),
  { id: 'envoyAiGateway', family: 'envoyAiGateway', channel: 'standard', spreads: true, make: () => DataPlane.envoyAiGateway({ gatewayClassName: 'eg' }) },
  { id: 'nginxIngress', family: 'nginx', channel: 'standard', spreads: false, make: () => DataPlane.nginxIngress({ ingressClassName: 'nginx' }) },
];

export function profile(id: DataPlaneId): DataPlaneProfile {
  const p = DATA_PLANES.find(x => x.id === id);
  if (p === undefined) throw new Error(`unknown data plane ${id}; one of ${DATA_PLANES.map(x => x.id).join(', ')}`);
  return p;
}

const declared = new Map<DataPlaneId, { supported: Set<FeatureId>; unsupported: FeatureId[] }>();

function declarations(id: DataPlaneId) {
  let d = declared.get(id);
  if (d === undefined) {
    const capabilities = profile(id).make().capabilities();
    d = {
      supported: new Set(capabilities.filter(c => c.level !== SupportLevel.UNSUPPORTED).map(c => c.feature as FeatureId)),
      unsupported: capabilities.filter(c => c.level === SupportLevel.UNSUPPORTED).map(c => c.feature as FeatureId),
    };
    declared.set(id, d);
  }
  return d;
}

/** The features the data plane declares it expresses (natively, on its channel, or by an implementation policy). */
export function supportedFeatures(id: DataPlaneId): ReadonlySet<FeatureId> {
  return declarations(id).supported;
}

/** Features that only come with another one: a per-try timeout or backoff is part of a RetryPolicy, a key of a request limit. */
const PREREQUISITES: Partial<Record<FeatureId, FeatureId>> = {
  'retry.perTryTimeout': 'retry',
  'retry.backoff': 'retry',
  'rateLimit.requests.global': 'rateLimit.requests',
  'rateLimit.requests.clientIp': 'rateLimit.requests',
  'rateLimit.requests.header': 'rateLimit.requests',
  'rateLimit.requests.jwtClaim': 'rateLimit.requests',
};

/**
 * The declared features a user can reach: supported, and so is what they come with. A feature declared supported
 * whose prerequisite is not (say `retry.perTryTimeout` without `retry`) could not be used through the API; no
 * declaration does that today, and the property tests would name one that did (see fuzz.ts).
 */
export function reachableFeatures(id: DataPlaneId): FeatureId[] {
  const supported = supportedFeatures(id);
  return [...supported].filter(f => PREREQUISITES[f] === undefined || supported.has(PREREQUISITES[f]!)).sort();
}

/** The features the data plane declares it cannot express. */
export function unsupportedFeatures(id: DataPlaneId): readonly FeatureId[] {
  return declarations(id).unsupported;
}

// ---------------------------------------------------------------------------------------------------------
// Arbitraries

/** Options for `gatewayScenario`. */
export interface GatewayScenarioOptions {
  /**
   * The data plane.
   * @default 'istio'
   */
  readonly dataPlane?: DataPlaneId;
  /**
   * Only one intent.
   * @default - 'valid' half of the time, 'unsupported' and 'mixed' a quarter each ('valid' and 'mixed' when
   * the data plane supports every feature)
   */
  readonly intent?: ScenarioIntent;
}

/** Random gateway scenarios for one data plane. */
export function gatewayScenario(options: GatewayScenarioOptions = {}): fc.Arbitrary<GatewayScenario> {
  const p = profile(options.dataPlane ?? 'istio');
  switch (options.intent) {
    case 'valid': return validScenario(p);
    case 'unsupported': return unsupportedScenario(p);
    case 'mixed': return mixedScenario(p);
    case undefined: {
      const others = [{ arbitrary: mixedScenario(p), weight: 1 }];
      if (unsupportedFeatures(p.id).length > 0) others.push({ arbitrary: unsupportedScenario(p), weight: 1 });
      return fc.oneof({ arbitrary: validScenario(p), weight: others.length }, ...others);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Valid scenarios, per data plane

const PATHS = ['/v1/chat/completions', '/v1/completions', '/v1/embeddings', '/v1/models', '/v1', '/'];
const MODELS = ['llama-3-8b', 'mistral-7b', 'qwen-2-5-7b', 'gpt-4o-mini'];
const POOL_NAMES = ['small', 'large', 'canary', 'llama'];
/** The Secret key each provider API's credentials are under (Envoy AI Gateway reads that key). */
interface ProviderValues {
  readonly name: string;
  readonly hostname: string;
  readonly key: string;
  readonly region?: string;
  readonly project?: string;
  readonly modelName?: string;
}
const PROVIDERS: Record<ProviderApi, ProviderValues> = {
  [ProviderApi.OPENAI]: { name: 'openai', hostname: 'api.openai.com', key: 'apiKey', modelName: 'gpt-4o-mini' },
  [ProviderApi.ANTHROPIC]: { name: 'anthropic', hostname: 'api.anthropic.com', key: 'apiKey' },
  [ProviderApi.AZURE_OPENAI]: { name: 'azure', hostname: 'acme.openai.azure.com', key: 'apiKey' },
  [ProviderApi.AWS_BEDROCK]: { name: 'bedrock', hostname: 'bedrock-runtime.us-east-1.amazonaws.com', key: 'credentials', region: 'us-east-1', modelName: 'meta.llama3-1-70b-instruct-v1:0' },
  [ProviderApi.GCP_VERTEX_AI]: { name: 'vertex', hostname: 'europe-west4-aiplatform.googleapis.com', key: 'service_account.json', region: 'europe-west4', project: 'acme' },
};
/** ingress-nginx retries a completion (a POST) only on these conditions (proxy-next-upstream before sending). */
const NGINX_RETRY_CONDITIONS = ['CONNECT_FAILURE', 'REFUSED_STREAM', 'RESET_BEFORE_REQUEST'];

/** `arb`, or absent 1 time in `freq`. */
/**
 * A `CircuitBreaker.of(...)` scenario: one limit source for the four limits, and the outlier detection. The valid and
 * the valid-or-invalid generators share this shape and differ in the values they draw.
 */
function circuitBreakerOf(limit: fc.Arbitrary<number | undefined>, outlierDetection: fc.Arbitrary<OutlierDetectionScenario | undefined>)
  : fc.Arbitrary<Extract<CircuitBreakerScenario, { kind: 'of' }>> {
  return fc.record({
    kind: fc.constant<'of'>('of'),
    maxConnections: limit,
    maxPendingRequests: limit,
    maxRequests: limit,
    maxRetries: limit,
    outlierDetection,
  }).map(compact);
}

function optional<T>(arb: fc.Arbitrary<T>, freq = 2): fc.Arbitrary<T | undefined> {
  return fc.option(arb, { nil: undefined, freq });
}

/** `arb` present 1 time in `freq`, absent otherwise. */
function sometimes<T>(arb: fc.Arbitrary<T>, freq: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: arb, weight: 1 }, { arbitrary: fc.constant(undefined), weight: freq - 1 });
}

/** Valid values, restricted to what one data plane declares. */
class Valid {
  private readonly has: (f: FeatureId) => boolean;
  private readonly nginx: boolean;

  /** Envoy Gateway's rate limits have no burst allowance. */
  private readonly burst: boolean;
  /** An HTTPRoute retry (Gateway API other than Envoy Gateway) lists status codes, connection errors implied. */
  private readonly httpRouteRetry: boolean;

  constructor(private readonly p: DataPlaneProfile) {
    const supported = supportedFeatures(p.id);
    this.has = f => supported.has(f);
    this.nginx = p.family === 'nginx';
    this.burst = p.family !== 'envoyAiGateway' && p.implementation !== 'envoyGateway';
    this.httpRouteRetry = p.family === 'gatewayApi' && p.implementation !== 'envoyGateway';
  }

  public pools(): fc.Arbitrary<PoolScenario[]> {
    // ingress-nginx reaches Services in the Ingress namespace only.
    const otherNamespace = this.nginx ? fc.constant(false)
      : fc.oneof({ arbitrary: fc.constant(false), weight: 3 }, { arbitrary: fc.constant(true), weight: 1 });
    return fc.uniqueArray(fc.record({
      name: fc.constantFrom(...POOL_NAMES),
      otherNamespace,
      modelName: fc.constantFrom('llama-3-8b', 'mistral-7b', 'demo', 'Qwen2.5-7B-Instruct', 'm'),
      gpus: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 4 }), weight: 3 }, { arbitrary: fc.constant(0), weight: 1 }),
      replicas: optional(fc.integer({ min: 0, max: 5 })),
    }), { minLength: 1, maxLength: 3, selector: p => p.name }).map(pools => pools.map((p, i) => compact({
      id: `pool-${i}`,
      name: p.name,
      namespace: p.otherNamespace ? 'models' : undefined,
      modelName: p.modelName,
      server: p.gpus === 0 ? 'demo' as const : 'vllm' as const,
      gpus: p.gpus,
      replicas: p.replicas,
    })));
  }

  public gatewayProps(): fc.Arbitrary<GatewayPropsScenario> {
    return fc.record({
      name: optional(fc.constantFrom('llm-gateway', 'gw', 'g' + 'w'.repeat(40))),
      hostnames: fc.uniqueArray(fc.constantFrom('llm.example.com', '*.example.com', 'api.example.org', 'llm', 'a-b.c-d.example.net'), { minLength: 1, maxLength: 3 }),
      listeners: optional(this.listeners(), 4),
      defaults: optional(this.policies('defaults'), 4),
      networkIsolation: optional(fc.boolean()),
      allowedNamespaces: optional(fc.uniqueArray(fc.constantFrom('monitoring', 'prometheus'), { minLength: 1, maxLength: 2 }), 3),
      istio: fc.record({
        gatewayNamespace: optional(fc.constantFrom('istio-ingress', 'istio-system'), 3),
        gatewaySelector: optional(fc.constantFrom<Record<string, string>>({ istio: 'ingress' }, { app: 'istio-ingressgateway', istio: 'ingressgateway' }), 3),
        mesh: optional(fc.constantFrom<'sidecar' | 'ambient'>('sidecar', 'ambient')),
      }).map(compact),
    }).map(compact);
  }

  private listeners(): fc.Arbitrary<ListenerScenario[]> {
    const tls = this.has('tls');
    if (this.nginx) {
      // The controller serves every Ingress on 80 and 443.
      const http = fc.constant<ListenerScenario>({ protocol: 'http' });
      const https = fc.record({ protocol: fc.constant<'https'>('https'), tlsSecret: fc.constantFrom('llm-tls', 'tls.example.com') });
      return tls ? fc.oneof(fc.tuple(http).map(l => [...l]), fc.tuple(https).map(l => [...l]), fc.tuple(http, https).map(l => [...l])) : fc.constant([{ protocol: 'http' }]);
    }
    const port = optional(fc.oneof(fc.constantFrom(80, 443, 8080, 8443, 1, 65535), fc.integer({ min: 1, max: 65535 })));
    const listener: fc.Arbitrary<ListenerScenario> = tls
      ? fc.oneof(
        fc.record({ protocol: fc.constant<'http'>('http'), port }).map(compact),
        fc.record({ protocol: fc.constant<'https'>('https'), port, tlsSecret: fc.constantFrom('llm-tls', 'tls.example.com') }).map(compact))
      : fc.record({ protocol: fc.constant<'http'>('http'), port }).map(compact);
    return fc.uniqueArray(listener, { minLength: 1, maxLength: 2, selector: l => l.port ?? (l.protocol === 'http' ? 80 : 443) });
  }

  /** Policies for the gateway's defaults or a route. */
  public policies(where: 'defaults' | 'route'): fc.Arbitrary<PoliciesScenario> {
    const jwt = where === 'defaults' ? (this.has('jwt') ? optional(this.jwt(), 3) : fc.constant(undefined))
      : (this.has('jwt.route') ? sometimes(this.jwt(), 6) : fc.constant(undefined));
    const circuitBreaker = this.has('circuitBreaker.limits') || this.has('circuitBreaker.outlierDetection')
      ? optional(this.circuitBreaker(), 3) : fc.constant(undefined);
    const sessionAffinity = this.has('sessionAffinity.cookie') || this.has('sessionAffinity.header') ? optional(this.sessionAffinity(), 3) : fc.constant(undefined);
    const rateLimit = this.has('rateLimit.requests') || this.has('rateLimit.tokens') ? optional(this.rateLimit(), 4) : fc.constant(undefined);
    return fc.record({
      timeouts: optional(this.timeouts(), 2),
      retry: optional(this.retry(), 2),
      circuitBreaker,
      sessionAffinity,
      rateLimit,
      jwt,
    }).map(compact);
  }

  private timeouts(): fc.Arbitrary<TimeoutsScenario> {
    // Requests are 0 (no limit) or at least 60 s, and per-try timeouts at most 5 s with at most 10 retries,
    // so every valid retry fits every valid timeout.
    const request = fc.oneof(fc.constantFrom(0, 60, 300, 3600), fc.integer({ min: 60, max: 7200 }));
    const streamIdle = this.has('timeout.streamIdle') ? optional(fc.constantFrom(30, 60, 300), 2) : fc.constant(undefined);
    return fc.oneof(
      { arbitrary: fc.constant<TimeoutsScenario>({ kind: 'llmDefaults' }), weight: 1 },
      { arbitrary: fc.record({ kind: fc.constant<'of'>('of'), requestSeconds: optional(request, 4), streamIdleSeconds: streamIdle }).map(compact), weight: 3 },
    );
  }

  private retry(): fc.Arbitrary<RetryScenario> {
    if (!this.has('retry')) return fc.constant({ kind: 'none' });
    const attempts = fc.integer({ min: 1, max: 10 });
    const backoffMillis = this.has('retry.backoff') ? optional(fc.integer({ min: 1, max: 2000 }), 2) : fc.constant(undefined);
    // ingress-nginx sends a POST again only while no replica has it: only conditions before sending (without retryNonIdempotent).
    const condition = this.nginx
      ? fc.constantFrom<string | number>(...NGINX_RETRY_CONDITIONS)
      // Istio's HTTPRoute retry retries connect-failure and refused-stream only, besides the status codes.
      : this.httpRouteRetry ? fc.oneof(
        fc.constantFrom<string | number>('CONNECT_FAILURE', 'REFUSED_STREAM', 'GATEWAY_ERROR', 'FIVE_XX',
          ...(this.p.implementation === 'istio' ? [] : ['RESET_BEFORE_REQUEST'])),
        fc.constantFrom<string | number>(503, 429, 400, 599))
        : fc.oneof(
          fc.constantFrom<string | number>('CONNECT_FAILURE', 'REFUSED_STREAM', 'RESET_BEFORE_REQUEST', 'RESET', 'GATEWAY_ERROR', 'FIVE_XX', 'RETRIABLE_4XX'),
          fc.constantFrom<string | number>(503, 429, 400, 599));
    const perTryTimeoutSeconds = this.has('retry.perTryTimeout') ? optional(fc.integer({ min: 1, max: 5 }), 2) : fc.constant(undefined);
    return fc.oneof(
      { arbitrary: fc.constant<RetryScenario>({ kind: 'none' }), weight: 1 },
      { arbitrary: fc.record({ kind: fc.constant<'llmSafe'>('llmSafe'), attempts: optional(attempts), backoffMillis }).map(compact), weight: 1 },
      {
        arbitrary: fc.record({
          kind: fc.constant<'custom'>('custom'),
          attempts,
          conditions: fc.uniqueArray(condition, { minLength: 1, maxLength: 3 }),
          perTryTimeoutSeconds,
          backoffMillis,
        }).map(compact),
        weight: 2,
      },
    );
  }

  private circuitBreaker(): fc.Arbitrary<CircuitBreakerScenario> {
    const limit = this.has('circuitBreaker.limits') ? optional(fc.integer({ min: 1, max: 100_000 }), 2) : fc.constant(undefined);
    const outlier = fc.record({
      consecutiveErrors: optional(fc.integer({ min: 1, max: 100 })),
      intervalSeconds: optional(fc.integer({ min: 1, max: 60 })),
      baseEjectionSeconds: optional(fc.integer({ min: 1, max: 300 })),
      maxEjectionPercent: optional(fc.integer({ min: 1, max: 100 })),
    }).map(compact);
    const of = circuitBreakerOf(limit, this.has('circuitBreaker.outlierDetection') ? optional(outlier, 2) : fc.constant(undefined)).map(cb => {
      if (Object.keys(cb).length > 1) return cb;
      return this.has('circuitBreaker.limits') ? { ...cb, maxConnections: 100 } : { ...cb, outlierDetection: {} };
    });
    return fc.oneof({ arbitrary: fc.constant<CircuitBreakerScenario>({ kind: 'none' }), weight: 1 }, { arbitrary: of, weight: 4 });
  }

  private sessionAffinity(): fc.Arbitrary<SessionAffinityScenario> {
    const options: Array<fc.Arbitrary<SessionAffinityScenario>> = [fc.constant({ kind: 'none' })];
    if (this.has('sessionAffinity.cookie')) {
      options.push(fc.record({
        kind: fc.constant<'cookie'>('cookie'),
        name: fc.constantFrom('llm-session', 'SESSION'),
        ttlSeconds: fc.integer({ min: 1, max: 86_400 }),
        // HTTPRoute sessionPersistence has no cookie path.
        path: this.p.implementation === 'generic' ? fc.constant(undefined) : optional(fc.constantFrom('/', '/v1')),
      }).map(compact));
    }
    if (this.has('sessionAffinity.header')) {
      options.push(fc.record({ kind: fc.constant<'header'>('header'), name: fc.constantFrom('x-session-id', 'X-User') }));
    }
    return fc.oneof(...options);
  }

  private rateLimitKeys(): Array<fc.Arbitrary<RateLimitKeyScenario | undefined>> {
    const keys: Array<fc.Arbitrary<RateLimitKeyScenario | undefined>> = [];
    if (this.has('rateLimit.requests.global')) keys.push(fc.constantFrom<RateLimitKeyScenario | undefined>(undefined, { kind: 'global' }));
    if (this.has('rateLimit.requests.clientIp')) keys.push(fc.constant({ kind: 'clientIp' }));
    if (this.has('rateLimit.requests.header')) keys.push(fc.record({ kind: fc.constant<'header'>('header'), name: fc.constantFrom('x-tenant', 'x-api-key') }));
    // Where no JwtAuth applies, the route (or the defaults) gets one: see makeValidFor.
    if (this.has('rateLimit.requests.jwtClaim')) keys.push(fc.record({ kind: fc.constant<'jwtClaim'>('jwtClaim'), claim: fc.constantFrom('sub', 'tenant') }));
    return keys;
  }

  private rateLimit(): fc.Arbitrary<RateLimitScenario> {
    const options: Array<fc.Arbitrary<RateLimitScenario>> = [fc.constant({ kind: 'none' })];
    const keys = this.rateLimitKeys();
    if (this.has('rateLimit.requests') && keys.length > 0) {
      // ingress-nginx admits a whole multiple of the limit at once: burst 0, 1 or 2 times the limit.
      // A burst is the requests admitted at once (1 or more); ingress-nginx admits the limit times a whole multiplier, plus 1.
      const burst = (limit: number) => this.nginx ? optional(fc.integer({ min: 1, max: 2 }).map(m => m * limit + 1))
        // Istio's local rate limit refills the whole limit into a bucket of burst tokens: a burst of at least the limit.
        : this.burst ? optional(fc.integer({ min: 0, max: 1000 }).map(extra => limit + extra)) : fc.constant(undefined);
      options.push(fc.integer({ min: 1, max: 100_000 }).chain(limit => fc.record({
        kind: fc.constant<'requests'>('requests'),
        per: fc.constantFrom<'second' | 'minute'>('second', 'minute'),
        limit: fc.constant(limit),
        burst: burst(limit),
        key: fc.oneof(...keys),
      }).map(compact)));
    }
    if (this.has('rateLimit.tokens')) {
      options.push(fc.record({
        kind: fc.constant<'tokens'>('tokens'),
        per: fc.constantFrom<'minute' | 'hour' | 'day'>('minute', 'hour', 'day'),
        limit: fc.integer({ min: 1, max: 10_000_000 }),
        key: keys.length > 0 ? fc.oneof(...keys) : fc.constant(undefined),
      }).map(compact));
    }
    return fc.oneof(...options);
  }

  private jwt(): fc.Arbitrary<JwtScenario> {
    const keySource = fc.oneof(
      fc.record({ jwksUri: fc.constantFrom('https://auth.example.com/.well-known/jwks.json', 'http://idp/jwks') }),
      fc.record({ jwks: fc.constantFrom('{"keys":[]}', '{"keys":[{"kty":"RSA","e":"AQAB","n":"abc"}]}') }));
    const claim = fc.record({
      claim: fc.constantFrom('tier', 'groups'),
      values: fc.uniqueArray(fc.constantFrom('gold', 'silver', 'admin'), { minLength: 1, maxLength: 2 }),
    });
    // Envoy Gateway's SecurityPolicy cannot forward the token: only Istio's RequestAuthentication can.
    const forwards = this.p.family === 'istio' || this.p.implementation === 'istio';
    return fc.record({
      kind: fc.constant<'of'>('of'),
      issuer: fc.constantFrom('https://auth.example.com', 'auth.example.com'),
      keySource,
      audiences: optional(fc.uniqueArray(fc.constantFrom('llm', 'api'), { minLength: 1, maxLength: 2 })),
      requiredClaims: optional(fc.uniqueArray(claim, { minLength: 1, maxLength: 2, selector: c => c.claim })),
      forwardToken: forwards ? optional(fc.boolean()) : fc.constant(undefined),
    }).map(({ keySource: source, ...rest }) => compact({ ...rest, ...source }));
  }

  public match(): fc.Arbitrary<MatchScenario> {
    const path = fc.constantFrom(...PATHS);
    const headerName = fc.constantFrom('x-llm-model-type', 'x-tenant', 'X-Priority', 'x-priority-class');
    const value = fc.oneof(
      { arbitrary: fc.constantFrom('large', 'small', 'gold tier'), weight: 6 },
      { arbitrary: fc.constantFrom('yes', 'off', 'null', '~', '1:20', '0x1F', '1e3', '.inf', '- x', '#x', '*a', '!tag', "'", '"', ': x'), weight: 1 },
      { arbitrary: fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.:/=+*~!'), minLength: 1, maxLength: 6 }), weight: 1 });
    const leaves: Array<[FeatureId, fc.Arbitrary<MatchScenario>]> = [
      ['match.path', fc.record({ kind: fc.constant<'pathPrefix'>('pathPrefix'), path })],
      ['match.path', fc.record({ kind: fc.constant<'pathExact'>('pathExact'), path })],
      ['match.header', fc.record({ kind: fc.constant<'header'>('header'), name: headerName, value })],
      ['match.headerRegex', fc.record({ kind: fc.constant<'headerRegex'>('headerRegex'), name: headerName, regex: fc.constantFrom('llama-.*', '(a|b)', '[0-9]+') })],
      ['match.headerPresent', fc.record({ kind: fc.constant<'headerPresent'>('headerPresent'), name: headerName })],
      ['match.method', fc.record({ kind: fc.constant<'method'>('method'), method: fc.constantFrom(...Object.values(HttpMethod)) })],
      ['match.query', fc.record({ kind: fc.constant<'queryParam'>('queryParam'), name: fc.constantFrom('model', 'tier', 'Tier'), value })],
      ['match.model', fc.record({ kind: fc.constant<'model'>('model'), name: fc.constantFrom(...MODELS) })],
    ];
    const usable = leaves.filter(([f]) => this.has(f)).map(([, arb]) => arb);
    const leaf = fc.oneof(...usable);
    // RouteMatch.all of at most one path, method and model, and distinct header and query names.
    const all = fc.array(leaf, { minLength: 2, maxLength: 4 }).map(of => {
      const seen = new Set<string>();
      return of.filter(m => {
        const key = m.kind === 'header' || m.kind === 'headerRegex' || m.kind === 'headerPresent' ? `h:${m.name.toLowerCase()}`
          : m.kind === 'queryParam' ? `q:${m.name}` : m.kind.startsWith('path') ? 'path' : m.kind;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    }).map(of => of.length === 1 ? of[0] : { kind: 'all' as const, of });
    return fc.oneof({ arbitrary: leaf, weight: 3 }, { arbitrary: all, weight: 1 });
  }

  /** A pool or Service, what splits, fallbacks and mirrors take. */
  public singleBackend(): fc.Arbitrary<BackendScenario> {
    const port = fc.oneof(fc.constantFrom(80, 8000, 8080), fc.integer({ min: 1, max: 65535 }));
    const options: Array<fc.WeightedArbitrary<BackendScenario>> = [];
    if (this.has('backend.pool')) {
      options.push({ arbitrary: fc.record({ kind: fc.constant<'pool'>('pool'), pool: fc.nat({ max: 2 }), port: sometimes(port, 6) }).map(compact), weight: 3 });
    }
    if (this.has('backend.service')) {
      options.push({
        arbitrary: fc.record({
          kind: fc.constant<'service'>('service'),
          name: fc.constantFrom('legacy-llm', 'embeddings', 'small', 'llm1'),
          port,
          namespace: this.nginx ? fc.constant(undefined) : optional(fc.constant('other'), 3),
        }).map(compact),
        weight: 1,
      });
    }
    return fc.oneof(...options);
  }

  public provider(): fc.Arbitrary<BackendScenario> {
    return fc.record({ api: fc.constantFrom(...Object.values(ProviderApi)), override: fc.boolean() }).map(({ api, override }) => {
      const p = PROVIDERS[api];
      // One name, one provider: the model name override is part of the name.
      return compact({
        kind: 'provider' as const,
        name: override && p.modelName !== undefined ? `${p.name}-override` : p.name,
        api,
        hostname: p.hostname,
        apiKey: p.key,
        region: p.region,
        project: p.project,
        modelName: override ? p.modelName : undefined,
      });
    });
  }

  public backend(): fc.Arbitrary<BackendScenario> {
    const single = this.singleBackend();
    const options: Array<fc.WeightedArbitrary<BackendScenario>> = [{ arbitrary: single, weight: 6 }];
    const provider = this.provider();
    const splitTarget = this.has('backend.provider') ? fc.oneof({ arbitrary: single, weight: 3 }, { arbitrary: provider, weight: 1 }) : single;
    if (this.has('backend.weighted')) {
      // ingress-nginx splits between one main and one canary Ingress.
      const weight = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 100 }), weight: 4 },
        { arbitrary: fc.integer({ min: 0, max: 1_000_000 }), weight: 1 });
      const targets = fc.array(fc.record({ backend: splitTarget, weight }),
        { minLength: 2, maxLength: this.nginx ? 2 : 3 })
        .map(ts => ts.every(t => t.weight === 0) ? [{ ...ts[0], weight: 1 }, ...ts.slice(1)] : ts);
      options.push({ arbitrary: targets.map(ts => ({ kind: 'weighted' as const, targets: ts })), weight: 2 });
    }
    if (this.has('backend.inferencePool')) {
      options.push({
        arbitrary: fc.record({
          kind: fc.constant<'inferencePool'>('inferencePool'),
          pool: fc.nat({ max: 2 }),
          pickerReplicas: optional(fc.integer({ min: 1, max: 3 })),
          // Envoy Gateway's InferencePools (Envoy AI Gateway's extension server) always fail closed.
          failOpen: this.p.implementation === 'envoyGateway' || this.p.family === 'envoyAiGateway' ? optional(fc.constant(false)) : optional(fc.boolean()),
          objectives: optional(fc.uniqueArray(fc.constantFrom('interactive', 'batch'), { maxLength: 2 })),
        }).map(compact),
        weight: 2,
      });
    }
    if (this.has('backend.provider')) options.push({ arbitrary: provider, weight: 2 });
    if (this.has('backend.fallback')) {
      options.push({ arbitrary: fc.array(splitTarget, { minLength: 2, maxLength: 3 }).map(backends => ({ kind: 'fallback' as const, backends })), weight: 2 });
    }
    return fc.oneof(...options);
  }

  public mirror(): fc.Arbitrary<MirrorScenario> {
    // ingress-nginx mirrors every request.
    const percent = this.nginx ? optional(fc.constant(100)) : optional(fc.constantFrom(0, 0.5, 10, 12.5, 100));
    return fc.record({ backend: this.singleBackend(), percent }).map(compact);
  }

  public fault(): fc.Arbitrary<FaultScenario> {
    const percent = fc.constantFrom(0, 5, 50, 100, 0.1);
    const delay = fc.record({ delayMillis: fc.integer({ min: 1, max: 10_000 }), delayPercent: optional(percent) }).map(compact);
    const abort = fc.record({ abortHttpStatus: fc.constantFrom(200, 429, 500, 503, 599), abortPercent: optional(percent) }).map(compact);
    return fc.oneof(delay, abort, fc.record({ delay, abort }).map(({ delay: d, abort: a }) => ({ ...d, ...a })));
  }

  /** A route with matches (the scenario may make the last one the catch-all). */
  public route(): fc.Arbitrary<Omit<RouteScenario, 'id'>> {
    return fc.record({
      matches: fc.array(this.match(), { minLength: 1, maxLength: 2 }),
      backend: this.backend(),
      policies: this.policies('route'),
      mirror: this.has('mirror') ? sometimes(this.mirror(), 5) : fc.constant(undefined),
      fault: this.has('fault') ? sometimes(this.fault(), 6) : fc.constant(undefined),
    }).map(({ policies, ...route }) => compact({ ...route, ...policies }));
  }
}

const ROUTE_IDS = ['chat', 'embeddings', 'large', 'small', 'canary', 'default', 'r-1', 'r'.repeat(63), 'tenant-a', 'tenant-b', 'batch', 'models'];

function validScenario(p: DataPlaneProfile): fc.Arbitrary<GatewayScenario> {
  const v = new Valid(p);
  if (p.family === 'nginx') return nginxScenario(v);
  return fc.record({
    pools: v.pools(),
    gateway: v.gatewayProps(),
    routes: fc.array(v.route(), { minLength: 1, maxLength: 8 }),
    ids: fc.shuffledSubarray(ROUTE_IDS, { minLength: ROUTE_IDS.length, maxLength: ROUTE_IDS.length }),
    lastIsCatchAll: fc.boolean(),
    // One gateway in five on a data plane that spreads first routes 16 to 18 tenants: with the random routes after
    // them, more rules than one route object holds (random matches overlap too often to get that wide).
    tenants: p.spreads
      ? fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 16, max: 18 }) })
      : fc.constant(0),
  }).map(({ pools, gateway, routes, ids, lastIsCatchAll, tenants }) => {
    const tenantRoutes: RouteScenario[] = Array.from({ length: tenants }, (_, i) => ({
      id: `wide-${i}`, matches: [tenantMatch(p, i)], backend: { kind: 'pool', pool: i % pools.length },
    }));
    let s: GatewayScenario = {
      intent: 'valid',
      dataPlane: p.id,
      namespace: 'llm',
      pools,
      gateway,
      routes: [...tenantRoutes, ...routes.map((r, i) => ({ ...r, id: ids[i] }))],
    };
    if (lastIsCatchAll) {
      const { matches: _, ...last } = s.routes[s.routes.length - 1];
      s = { ...s, routes: [...s.routes.slice(0, -1), last] };
    }
    // The tenants first, as generated: the most specific routes, while makeValidFor may have moved routes of the same
    // specificity among them, which would split ties over two route objects.
    const valid = makeValidFor(p, s);
    const tenant = (r: RouteScenario) => r.id.startsWith('wide-');
    return { ...valid, routes: [...valid.routes.filter(tenant), ...valid.routes.filter(r => !tenant(r))] };
  });
}

/**
 * Tenant `i`'s match in a wide gateway: more specific than any random match, so whichever route object the spread
 * puts it in, no later route ties with it (a tie across two route objects is rejected: RouteSpread). On Gateway API
 * an exact path of its own; on Envoy AI Gateway, which matches no paths, its model and four exact headers (random
 * matches have at most four conditions).
 */
function tenantMatch(p: DataPlaneProfile, i: number): MatchScenario {
  const header = (name: string): MatchScenario => ({ kind: 'header', name, value: `t${i}` });
  return p.family === 'envoyAiGateway'
    ? { kind: 'all', of: [{ kind: 'model', name: `tenant-model-${i}` }, header('x-tenant'), header('x-tenant-team'), header('x-tenant-tier'), header('x-tenant-region')] }
    : { kind: 'all', of: [{ kind: 'pathExact', path: `/tenants/t${i}` }, header('x-tenant')] };
}

/** The shape rules of each data plane that capability declarations do not carry. */
function makeValidFor(p: DataPlaneProfile, input: GatewayScenario): GatewayScenario {
  let s = input;
  const gpuPool = (i: number) => {
    const pool = s.pools[i % s.pools.length];
    return pool.gpus > 0 && pool.server === 'vllm';
  };
  // An endpoint picker needs a GPU pool serving vLLM metrics; on Envoy AI Gateway it must be in the gateway's
  // namespace; one pool has one picker, so every route to it asks for the same settings.
  const pickerOf = new Map<number, BackendScenario>();
  const fixBackend = (b: BackendScenario): BackendScenario => {
    if (b.kind === 'inferencePool') {
      const index = b.pool % s.pools.length;
      const pool = s.pools[index];
      if (!gpuPool(index) || (p.family === 'envoyAiGateway' && pool.namespace !== undefined)) return { kind: 'pool', pool: b.pool };
      if (!pickerOf.has(index)) {
        // Objective names are unique per namespace: prefix them with the pool's name.
        pickerOf.set(index, { ...b, objectives: b.objectives?.map(o => `${pool.name}-${o}`) });
      }
      return pickerOf.get(index)!;
    }
    if (b.kind === 'weighted') return { ...b, targets: b.targets.map(t => ({ ...t, backend: fixBackend(t.backend) })) };
    if (b.kind === 'fallback') return { ...b, backends: b.backends.map(fixBackend) };
    return b;
  };
  s = { ...s, routes: s.routes.map(r => ({ ...r, backend: fixBackend(r.backend) })) };

  // A JWT claim can key a rate limit only where a JwtAuth applies: a limit keyed on a claim brings one along
  // (valid routes never turn JWT off, so one in the defaults covers every route).
  const byClaim = (rl: RateLimitScenario | undefined) => rl !== undefined && rl.kind !== 'none' && rl.key?.kind === 'jwtClaim';
  const defaults = s.gateway.defaults;
  if (defaults !== undefined && byClaim(defaults.rateLimit) && defaults.jwt?.kind !== 'of') {
    s = { ...s, gateway: { ...s.gateway, defaults: { ...defaults, jwt: JWT } } };
  }
  const defaultsJwt = s.gateway.defaults?.jwt?.kind === 'of';
  s = {
    ...s,
    routes: s.routes.map(r => byClaim(r.rateLimit ?? s.gateway.defaults?.rateLimit) && !defaultsJwt && r.jwt?.kind !== 'of' ? { ...r, jwt: JWT } : r),
  };

  if (p.family === 'envoyAiGateway') {
    // Outlier detection would eject a whole pool or Service (one address): only for InferencePools and providers.
    const noOutlier = (cb: CircuitBreakerScenario | undefined): CircuitBreakerScenario | undefined => {
      if (cb === undefined || cb.kind === 'none' || cb.outlierDetection === undefined) return cb;
      const { outlierDetection: _, ...rest } = cb;
      return Object.keys(rest).length > 1 ? rest : undefined;
    };
    const own = s.gateway.defaults;
    if (own?.circuitBreaker !== undefined) {
      s = { ...s, gateway: { ...s.gateway, defaults: compact({ ...own, circuitBreaker: noOutlier(own.circuitBreaker) }) } };
    }
    s = {
      ...s,
      routes: s.routes.map(r => {
        const addresses = backendKinds(r.backend).some(k => k === 'pool' || k === 'service');
        return addresses ? compact({ ...r, circuitBreaker: noOutlier(r.circuitBreaker) }) : r;
      }),
    };
    // An InferencePool is alone in its rule.
    s = { ...s, routes: s.routes.map(r => ({ ...r, backend: unmixInferencePool(r.backend) })) };
    // Fallback moves to the next backend by retrying: at least one retry per fallback backend.
    const inherited = s.gateway.defaults?.retry;
    s = {
      ...s,
      routes: s.routes.map(r => {
        if (r.backend.kind !== 'fallback') return r;
        const retry = r.retry ?? inherited;
        const attempts = retry === undefined ? 2 : retry.kind === 'none' ? 0 : retry.attempts ?? 2;
        return attempts >= r.backend.backends.length - 1 ? r : { ...r, retry: { kind: 'llmSafe' as const } };
      }),
    };
  }
  if (p.family === 'gatewayApi') {
    // An endpoint picker chooses the replica: no affinity on routes to InferencePools; and with the Istio
    // implementation no circuit breaker either (no DestinationRule to hold it).
    const gatewayDefaults = s.gateway.defaults ?? {};
    s = {
      ...s,
      routes: s.routes.map(r => {
        if (!backendKinds(r.backend).includes('inferencePool')) return r;
        const affinity = effective(r.sessionAffinity ?? gatewayDefaults.sessionAffinity) === undefined ? r.sessionAffinity : { kind: 'none' as const };
        const breaker = p.implementation !== 'istio' || effective(r.circuitBreaker ?? gatewayDefaults.circuitBreaker) === undefined ? r.circuitBreaker : { kind: 'none' as const };
        return compact({ ...r, sessionAffinity: affinity, circuitBreaker: breaker });
      }),
    };
  }
  if (p.family === 'istio' || p.implementation === 'istio') {
    s = { ...s, routes: consistentPolicies(s) };
  }
  if (p.family === 'gatewayApi' || p.family === 'envoyAiGateway') {
    s = { ...s, routes: specificityOrder(s.routes, p.family === 'envoyAiGateway' || p.implementation === 'envoyGateway') };
  }
  return s;
}

function backendKinds(b: BackendScenario): string[] {
  if (b.kind === 'weighted') return b.targets.flatMap(t => backendKinds(t.backend));
  if (b.kind === 'fallback') return b.backends.flatMap(backendKinds);
  return [b.kind];
}

function unmixInferencePool(b: BackendScenario): BackendScenario {
  if (b.kind === 'weighted' && b.targets.some(t => t.backend.kind === 'inferencePool')) {
    return { ...b, targets: b.targets.map(t => t.backend.kind === 'inferencePool' ? { ...t, backend: { kind: 'pool', pool: t.backend.pool } } : t) };
  }
  return b;
}

/*
 * Gateway API (and Envoy AI Gateway) rank matches by specificity before rule order (Gateway API v1.6.1
 * apis/v1/httproute_types.go, HTTPRouteRule "Precedence"): exact path, longest prefix, method, number of
 * headers, number of query parameters. A valid route list keeps the user's order wherever two matches may
 * take the same request: routes are sorted by their most specific match, and a route that would still outrank
 * an earlier one whose paths overlap is left out. Overlap is judged by path alone (more conservative than the
 * library), so the generator never relies on the library's own analysis.
 */
interface Rank { readonly exact: number; readonly length: number; readonly method: number; readonly headers: number; readonly queries: number }

function leafMatches(m: MatchScenario): MatchScenario[] {
  return m.kind === 'all' ? m.of.flatMap(leafMatches) : [m];
}

function rankOf(m: MatchScenario | undefined): { rank: number[]; envoy: number[]; path: { exact: boolean; value: string } } {
  const leaves = m === undefined ? [] : leafMatches(m);
  const path = leaves.find((l): l is Extract<MatchScenario, { kind: 'pathPrefix' | 'pathExact' }> => l.kind === 'pathPrefix' || l.kind === 'pathExact');
  const exact = path?.kind === 'pathExact';
  const value = path?.path ?? '/';
  const headers = leaves.filter(l => l.kind === 'header' || l.kind === 'headerRegex' || l.kind === 'headerPresent' || l.kind === 'model').length;
  const r: Rank = {
    exact: exact ? 1 : 0,
    length: value.length,
    method: leaves.some(l => l.kind === 'method') ? 1 : 0,
    headers,
    queries: leaves.filter(l => l.kind === 'queryParam').length,
  };
  // Envoy Gateway's own order (envoyproxy/gateway v1.8.1 internal/gatewayapi/sort.go): the method is one more header,
  // a prefix "/" is no path, and among as many headers the more exact ones first.
  const exactHeaders = leaves.filter(l => l.kind === 'header' || l.kind === 'model').length + r.method;
  const envoy = [r.exact, exact || value !== '/' ? r.length : 0, r.headers + r.method, exactHeaders, r.queries];
  return { rank: [r.exact, r.length, r.method, r.headers, r.queries], envoy, path: { exact, value } };
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

function pathsOverlap(a: { exact: boolean; value: string }, b: { exact: boolean; value: string }): boolean {
  const within = (path: string, prefix: string) => prefix === '/' || path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
  if (a.exact && b.exact) return a.value === b.value;
  if (a.exact) return within(a.value, b.value);
  if (b.exact) return within(b.value, a.value);
  return within(a.value, b.value) || within(b.value, a.value);
}

/** `envoy`: the order must also hold under Envoy Gateway's ranking (Envoy Gateway implementation, Envoy AI Gateway). */
function specificityOrder(routes: readonly RouteScenario[], envoy = false): RouteScenario[] {
  const ranks = (r: RouteScenario) => (r.matches ?? [undefined as MatchScenario | undefined]).map(rankOf);
  const best = (r: RouteScenario) => ranks(r).map(x => x.rank).sort((a, b) => compareRanks(b, a))[0];
  const sorted = [...routes].sort((a, b) => compareRanks(best(b), best(a)));
  const kept: RouteScenario[] = [];
  for (const route of sorted) {
    const outranks = kept.some(earlier => ranks(route).some(m => ranks(earlier)
      .some(e => pathsOverlap(m.path, e.path) && (compareRanks(m.rank, e.rank) > 0 || (envoy && compareRanks(m.envoy, e.envoy) > 0)))));
    if (!outranks) kept.push(route);
  }
  return kept;
}

/*
 * ingress-nginx: one Ingress per route and a canary Ingress per header route or split, so a valid gateway is a
 * list of disjoint paths (and "/" last), each served either by one route (one backend or a split of two) or by
 * a header route (the canary) followed by a route without headers on the same path (its main Ingress). A
 * canary runs with its main Ingress's location settings, so both routes take timeouts, retries, rate limits and
 * mirrors from the gateway's defaults; its Service serves no other Ingress (ingress-nginx keeps one upstream per
 * Service port); affinity comes from the defaults, and a cookie only when no route is a canary.
 */
function nginxScenario(v: Valid): fc.Arbitrary<GatewayScenario> {
  const group = fc.record({
    canary: fc.oneof({ arbitrary: fc.constant(true), weight: 2 }, { arbitrary: fc.constant(false), weight: 1 }),
    exact: fc.boolean(),
    header: fc.oneof(
      fc.record({ kind: fc.constant<'header'>('header'), name: fc.constantFrom('x-llm-model-type', 'x-canary'), value: fc.constantFrom('large', 'always', 'gold tier', 'a:b/c') }),
      fc.record({ kind: fc.constant<'headerRegex'>('headerRegex'), name: fc.constantFrom('x-llm-model-type', 'x-canary'), regex: fc.constantFrom('llama-.*', '(a|b)', '[0-9]+') }),
      fc.record({ kind: fc.constant<'headerPresent'>('headerPresent'), name: fc.constantFrom('x-llm-model-type', 'x-canary') })),
    main: v.backend(),
    own: v.policies('route'),
    mirror: sometimes(v.mirror(), 4),
  });
  const paths = fc.uniqueArray(fc.constantFrom('/v1/chat/completions', '/v1/completions', '/v1/embeddings', '/v1/models', '/api'), { minLength: 1, maxLength: 4 });
  return fc.record({
    pools: v.pools(),
    gateway: v.gatewayProps(),
    paths,
    groups: fc.array(group, { minLength: 5, maxLength: 5 }),
    rootGroup: fc.boolean(),
    // Half the gateways have no header canary, so a cookie affinity (which a canary cannot take) comes up too.
    noCanary: fc.boolean(),
    affinity: fc.oneof(
      { arbitrary: fc.constant<SessionAffinityScenario>({ kind: 'cookie', name: 'llm-session', ttlSeconds: 3600, path: '/v1' }), weight: 2 },
      { arbitrary: fc.constant<SessionAffinityScenario>({ kind: 'header', name: 'x-session-id' }), weight: 1 },
      { arbitrary: fc.constant(undefined), weight: 1 }),
    ids: fc.shuffledSubarray(ROUTE_IDS, { minLength: ROUTE_IDS.length, maxLength: ROUTE_IDS.length }),
  }).map(({ pools, gateway, paths: ps, groups: drawn, rootGroup, noCanary, affinity: noCanaryAffinity, ids }) => {
    const all = rootGroup ? [...ps, '/'] : ps;
    const groups = noCanary ? drawn.map(g => ({ ...g, canary: false })) : drawn;
    const anyCanary = all.some((_, i) => groups[i].canary);
    const defaults = gateway.defaults ?? {};
    // Affinity per Service port, so in the defaults only; a cookie cannot be on a canary or its main route.
    const affinity = noCanary ? noCanaryAffinity : defaults.sessionAffinity?.kind === 'cookie' && anyCanary ? undefined : defaults.sessionAffinity;
    const gatewayProps = { ...gateway, defaults: compact({ ...defaults, sessionAffinity: affinity }) };
    const routes: RouteScenario[] = [];
    let exclusive = 0;
    // A canary's Service is its own.
    const ownService = (): BackendScenario => ({ kind: 'service', name: `canary-${exclusive++}`, port: 8000 });
    all.forEach((path, i) => {
      const g = groups[i];
      const pathMatch: MatchScenario = path === '/' ? { kind: 'pathPrefix', path } : { kind: g.exact ? 'pathExact' : 'pathPrefix', path };
      const weighted = g.main.kind === 'weighted';
      const main: BackendScenario = g.main.kind === 'weighted'
        ? { ...g.main, targets: [g.main.targets[0], { ...g.main.targets[1], backend: ownService() }] }
        : g.main;
      if (g.canary && !weighted) {
        routes.push({ id: '', matches: [{ kind: 'all', of: [pathMatch, g.header] }], backend: ownService() });
        routes.push({ id: '', matches: [pathMatch], backend: main });
      } else {
        const { sessionAffinity: _, jwt: _j, ...own } = g.own;
        routes.push(compact({ id: '', matches: [pathMatch], backend: main, ...own, mirror: g.mirror }));
      }
    });
    return {
      intent: 'valid' as const,
      dataPlane: 'nginxIngress' as const,
      namespace: 'llm',
      pools: pools.map(p => compact({ ...p, namespace: undefined })),
      gateway: gatewayProps,
      routes: routes.map((r, i) => ({ ...r, id: ids[i] })),
    };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Unsupported features

/** A valid scenario with one unsupported feature in one route (or in the gateway's defaults). */
function unsupportedScenario(p: DataPlaneProfile): fc.Arbitrary<GatewayScenario> {
  const features = unsupportedFeatures(p.id);
  if (features.length === 0) return validScenario(p);
  return fc.record({ s: validScenario(p), feature: fc.constantFrom(...features), at: fc.nat() })
    .map(({ s, feature, at }) => withFeature({ ...s, intent: 'unsupported', unsupported: feature }, feature, at % s.routes.length));
}

const JWT: JwtScenario = { kind: 'of', issuer: 'https://auth.example.com', jwksUri: 'https://auth.example.com/.well-known/jwks.json' };

/** The scenario with `feature` used by route `index` (values valid on a data plane that supports it). */
function withFeature(s: GatewayScenario, feature: FeatureId, index: number): GatewayScenario {
  const set = (change: Partial<RouteScenario>): GatewayScenario => ({ ...s, routes: s.routes.map((r, i) => i === index ? { ...r, ...change } : r) });
  const match = (m: MatchScenario) => set({ matches: [m] });
  // A GPU pool serving vLLM metrics, in the chart's namespace, for an InferencePool. Moved there, its Service may take the
  // name of a Service backend in that namespace (one host, whose policies the routes then share): that backend is renamed.
  const gpuPools = (): GatewayScenario => {
    const moved = s.pools[0];
    const rename = (b: BackendScenario): BackendScenario => b.kind === 'service' && b.namespace === undefined && b.name === (moved.name ?? moved.id)
      ? { ...b, name: `${b.name}-direct` }
      : b.kind === 'weighted' ? { ...b, targets: b.targets.map(t => ({ ...t, backend: rename(t.backend) })) }
        : b.kind === 'fallback' ? { ...b, backends: b.backends.map(rename) } : b;
    return {
      ...s,
      pools: s.pools.map((pool, i) => i === 0 ? { ...pool, gpus: 1, server: 'vllm', namespace: undefined } : pool),
      routes: moved.namespace === undefined ? s.routes : s.routes.map(r => compact({
        ...r, backend: rename(r.backend), mirror: r.mirror === undefined ? undefined : { ...r.mirror, backend: rename(r.mirror.backend) },
      })),
    };
  };
  switch (feature) {
    case 'tls': return { ...s, gateway: { ...s.gateway, listeners: [{ protocol: 'https', tlsSecret: 'llm-tls' }] } };
    case 'networkIsolation': return { ...s, gateway: { ...s.gateway, networkIsolation: true } };
    case 'match.path': return match({ kind: 'pathPrefix', path: '/v1' });
    case 'match.header': return match({ kind: 'header', name: 'x-tenant', value: 'gold' });
    case 'match.headerRegex': return match({ kind: 'headerRegex', name: 'x-tenant', regex: 'gold|silver' });
    case 'match.headerPresent': return match({ kind: 'headerPresent', name: 'x-tenant' });
    case 'match.method': return match({ kind: 'method', method: 'POST' });
    case 'match.query': return match({ kind: 'queryParam', name: 'tier', value: 'gold' });
    case 'match.model': return match({ kind: 'model', name: 'llama-3-8b' });
    case 'backend.pool': return set({ backend: { kind: 'pool', pool: 0 } });
    case 'backend.service': return set({ backend: { kind: 'service', name: 'legacy-llm', port: 8080 } });
    case 'backend.inferencePool': return { ...gpuPools(), routes: gpuPools().routes.map((r, i) => i === index ? { ...r, backend: { kind: 'inferencePool', pool: 0 } } : r) };
    case 'backend.weighted': return set({ backend: { kind: 'weighted', targets: [{ backend: { kind: 'pool', pool: 0 }, weight: 9 }, { backend: { kind: 'service', name: 'legacy-llm', port: 8080 }, weight: 1 }] } });
    case 'backend.provider': return set({ backend: { kind: 'provider', name: 'openai', api: ProviderApi.OPENAI, hostname: 'api.openai.com', apiKey: 'apiKey' } });
    case 'backend.fallback': return set({ backend: { kind: 'fallback', backends: [{ kind: 'pool', pool: 0 }, { kind: 'service', name: 'legacy-llm', port: 8080 }] } });
    case 'mirror': return set({ mirror: { backend: { kind: 'pool', pool: 0 } } });
    case 'fault': return set({ fault: { abortHttpStatus: 503 } });
    case 'timeout.request': return set({ timeouts: { kind: 'of', requestSeconds: 300 } });
    case 'timeout.streamIdle': return set({ timeouts: { kind: 'of', streamIdleSeconds: 30 } });
    case 'retry': return set({ retry: { kind: 'custom', attempts: 2, conditions: ['CONNECT_FAILURE'] } });
    case 'retry.perTryTimeout': return set({ retry: { kind: 'custom', attempts: 2, conditions: ['CONNECT_FAILURE'], perTryTimeoutSeconds: 1 } });
    case 'retry.backoff': return set({ retry: { kind: 'llmSafe', backoffMillis: 100 } });
    case 'circuitBreaker.limits': return set({ circuitBreaker: { kind: 'of', maxConnections: 100 } });
    case 'circuitBreaker.outlierDetection': return set({ circuitBreaker: { kind: 'of', outlierDetection: { consecutiveErrors: 5 } } });
    case 'sessionAffinity.cookie': return set({ sessionAffinity: { kind: 'cookie', name: 'llm-session', ttlSeconds: 3600 } });
    case 'sessionAffinity.header': return set({ sessionAffinity: { kind: 'header', name: 'x-session-id' } });
    case 'rateLimit.requests': return set({ rateLimit: { kind: 'requests', per: 'second', limit: 10, key: { kind: 'clientIp' } } });
    case 'rateLimit.requests.global': return set({ rateLimit: { kind: 'requests', per: 'second', limit: 10, key: { kind: 'global' } } });
    case 'rateLimit.requests.clientIp': return set({ rateLimit: { kind: 'requests', per: 'second', limit: 10, key: { kind: 'clientIp' } } });
    case 'rateLimit.requests.header': return set({ rateLimit: { kind: 'requests', per: 'second', limit: 10, key: { kind: 'header', name: 'x-tenant' } } });
    case 'rateLimit.requests.jwtClaim': return set({ rateLimit: { kind: 'requests', per: 'second', limit: 10, key: { kind: 'jwtClaim', claim: 'sub' } }, jwt: JWT });
    case 'rateLimit.tokens': return set({ rateLimit: { kind: 'tokens', per: 'hour', limit: 100_000, key: { kind: 'header', name: 'x-tenant' } } });
    case 'jwt': return { ...s, gateway: { ...s.gateway, defaults: { ...s.gateway.defaults, jwt: JWT } } };
    case 'jwt.route': return set({ jwt: JWT });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Mixed scenarios

function mixedScenario(p: DataPlaneProfile): fc.Arbitrary<GatewayScenario> {
  return scenario('mixed').map(s => ({ ...s, dataPlane: p.id }));
}

// ---------------------------------------------------------------------------------------------------------
// Bugs the property found, all fixed; the flags stay so a regression can be isolated by turning one back on.
// - sub-millisecond Durations threw a plain Error from cdk8s instead of an AiGatewayError;
// - two pools with one name and namespace collided in construct ids instead of being rejected;
// - CircuitBreaker limits above int32 passed the library and failed the schema;
// - a route the renderer rejected left DestinationRules and its own construct behind;
// - a huge weight normalized to Infinity.
const AVOID_SUB_MILLISECOND_DURATIONS = false;
const AVOID_DUPLICATE_POOL_NAMES = false;
const AVOID_INT32_OVERFLOW = false;
const AVOID_DESTINATION_RULE_LEAK = false;
const AVOID_ROUTE_LEFT_BEHIND = false;
const AVOID_NON_FINITE_WEIGHTS = false;

/** Invalid durations in seconds, without the sub-millisecond ones while that bug stands. */
function invalidSeconds(...amounts: number[]): fc.Arbitrary<number> {
  return fc.constantFrom(...amounts.filter(a => !AVOID_SUB_MILLISECOND_DURATIONS || Number.isInteger(a * 1000)));
}

/** Invalid durations in milliseconds, without the sub-millisecond ones while that bug stands. */
function invalidMillis(...amounts: number[]): fc.Arbitrary<number> {
  return fc.constantFrom(...amounts.filter(a => !AVOID_SUB_MILLISECOND_DURATIONS || Number.isInteger(a)));
}

// ---------------------------------------------------------------------------------------------------------
// The mixed generator

/*
 * The mixed generator (built for Istio first, used on every data plane): the valid values of the first
 * version of these tests plus invalid ones and features some data plane cannot express.
 */
function scenario(intent: 'valid' | 'mixed'): fc.Arbitrary<GatewayScenario> {
  const g = new Generator(intent);
  return fc.record({
    namespace: g.pick(fc.constantFrom('llm', 'default'), fc.constantFrom(undefined, undefined, 'LLM', 'llm_ns')),
    pools: fc.array(g.pool(), { minLength: 1, maxLength: 3 }),
    gateway: g.gatewayProps(),
    routes: g.routes(),
    lastIsCatchAll: fc.boolean(),
  }).map(({ namespace, pools, gateway, routes, lastIsCatchAll }) => {
    const s: GatewayScenario = compact({
      intent,
      dataPlane: 'istio' as const,
      namespace,
      pools: pools.map((p, i) => compact({ ...p, id: `pool-${i}` })),
      gateway,
      routes,
    });
    if (intent === 'valid') return makeValid(s, lastIsCatchAll);
    // BUG: see AVOID_DUPLICATE_POOL_NAMES, AVOID_DESTINATION_RULE_LEAK and AVOID_ROUTE_LEFT_BEHIND.
    let mixed = AVOID_DUPLICATE_POOL_NAMES ? { ...s, pools: uniquePoolNames(s.pools) } : s;
    if (AVOID_DESTINATION_RULE_LEAK) mixed = { ...mixed, routes: sharedHostsUseDefaults(mixed) };
    if (AVOID_ROUTE_LEFT_BEHIND) mixed = { ...mixed, routes: noReuseAfterRendererRejection(mixed) };
    return mixed;
  });
}

/*
 * How often a mixed scenario takes the invalid branch at one place: 1 time in (weight + 1). A scenario has
 * dozens of such places, and one invalid value rejects it, so the odds are low; places checked early (pools,
 * gateway props) get lower odds still, or the routes and the renderer behind them would rarely run.
 */
const EARLY = 60;
const OFTEN = 40;

/** Builds the arbitraries for one intent. */
class Generator {
  constructor(private readonly intent: 'valid' | 'mixed') {}

  /** `valid`; in mixed scenarios sometimes (1 in validWeight + 1) `invalid`. */
  public pick<T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>, validWeight = OFTEN): fc.Arbitrary<T> {
    if (this.intent === 'valid') return valid;
    return fc.oneof({ arbitrary: valid, weight: validWeight }, { arbitrary: invalid, weight: 1 });
  }

  /** `arb` or absent, absent 1 time in `freq`. */
  public optional<T>(arb: fc.Arbitrary<T>, freq = 2): fc.Arbitrary<T | undefined> {
    return fc.option(arb, { nil: undefined, freq });
  }

  public pool(): fc.Arbitrary<Omit<PoolScenario, 'id'>> {
    return fc.record({
      name: this.optional(this.pick(
        fc.constantFrom('small', 'large', 'canary', 'llama', 'p' + 'o'.repeat(62)),
        fc.constantFrom('Large', '1pool', 'pool_a', '-pool', 'p'.repeat(64), ''), EARLY), 3),
      namespace: this.optional(this.pick(fc.constant('models'), fc.constantFrom('Models', 'models_'), EARLY), 4),
      modelName: this.pick(
        fc.constantFrom('llama-3-8b', 'mistral-7b', 'demo', 'Qwen2.5-7B-Instruct', 'm'),
        fc.constantFrom('', 'meta-llama/Llama-3.1-8B', '-x', 'x'.repeat(64)), EARLY),
      server: fc.constantFrom<'demo' | 'vllm'>('demo', 'vllm'),
      gpus: this.pick(fc.integer({ min: 0, max: 4 }), fc.constantFrom(-1, 1.5), EARLY),
      replicas: this.optional(this.pick(fc.integer({ min: 0, max: 5 }), fc.constantFrom(-1, 2.5, Number.NaN), EARLY)),
    }).map(compact);
  }

  public gatewayProps(): fc.Arbitrary<GatewayPropsScenario> {
    return fc.record({
      name: this.optional(this.pick(
        fc.constantFrom('llm-gateway', 'gw', 'g' + 'w'.repeat(62)),
        fc.constantFrom('LLM_Gateway', 'g'.repeat(64), '-gw'), EARLY)),
      namespace: this.optional(this.pick(fc.constant('gateways'), fc.constantFrom('Gateways', 'gw_ns'), EARLY), 4),
      hostnames: this.hostnames(),
      listeners: this.optional(this.listeners()),
      defaults: this.optional(this.policies('defaults')),
      networkIsolation: this.optional(fc.boolean()),
      allowedNamespaces: this.optional(fc.array(this.pick(fc.constantFrom('monitoring', 'prometheus'), fc.constantFrom('Monitoring', ''), EARLY), {
        minLength: 1, maxLength: 2,
      }), 3),
      istio: fc.record({
        gatewayNamespace: this.optional(this.pick(fc.constantFrom('istio-ingress', 'istio-system'), fc.constantFrom('Istio', ''), EARLY), 3),
        gatewaySelector: this.optional(this.pick(
          fc.constantFrom<Record<string, string>>({ istio: 'ingress' }, { app: 'istio-ingressgateway', istio: 'ingressgateway' }),
          fc.constantFrom<Record<string, string>>({}, { istio: 'bad value!' }), EARLY), 3),
        mesh: this.optional(fc.constantFrom<'sidecar' | 'ambient'>('sidecar', 'ambient')),
      }).map(compact),
    }).map(compact);
  }

  private hostnames(): fc.Arbitrary<string[]> {
    const valid = fc.constantFrom('llm.example.com', '*.example.com', 'api.example.org', 'llm', 'a-b.c-d.example.net', 'h'.repeat(63) + '.example.com');
    const invalid = fc.constantFrom('', 'LLM.example.com', 'llm.example.com.', '-llm.example.com', 'llm_x.example.com', '*', 'a.*.example.com');
    // Any list: invalid hostnames, one listed twice, none.
    const anyList = fc.array(fc.oneof(valid, invalid), { minLength: 0, maxLength: 3 });
    return this.pick(fc.uniqueArray(valid, { minLength: 1, maxLength: 3 }), anyList, EARLY);
  }

  private listeners(): fc.Arbitrary<ListenerScenario[]> {
    const port = this.optional(this.pick(
      fc.oneof(fc.constantFrom(80, 443, 8080, 8443, 1, 65535), fc.integer({ min: 1, max: 65535 })),
      fc.constantFrom(0, 65536, 80.5, -1), EARLY));
    const tlsSecret = this.pick(fc.constantFrom('llm-tls', 'tls.example.com'), fc.constantFrom('TLS_secret', ''), EARLY);
    const listener: fc.Arbitrary<ListenerScenario> = fc.oneof(
      fc.record({ protocol: fc.constant<'http'>('http'), port }).map(compact),
      fc.record({ protocol: fc.constant<'https'>('https'), port, tlsSecret }).map(compact),
    );
    const distinct = fc.uniqueArray(listener, { minLength: 1, maxLength: 2, selector: l => l.port ?? (l.protocol === 'http' ? 80 : 443) });
    // Any list, so a port used twice and no listener at all come up.
    return this.pick(distinct, fc.array(listener, { minLength: 0, maxLength: 3 }), EARLY);
  }

  /** Policies for the gateway's defaults or a route. Valid routes never set JWT (Istio: gateway-wide only). */
  public policies(where: 'defaults' | 'route'): fc.Arbitrary<PoliciesScenario> {
    const jwt = where === 'defaults' ? this.optional(this.jwt(), 2) : this.pick(fc.constant(undefined), this.jwt());
    return fc.record({
      timeouts: this.optional(this.timeouts(), 2),
      retry: this.optional(this.retry(), 2),
      circuitBreaker: this.optional(this.circuitBreaker(), 3),
      sessionAffinity: this.optional(this.sessionAffinity(), 3),
      rateLimit: this.optional(this.rateLimit(), 3),
      jwt,
    }).map(compact);
  }

  private timeouts(): fc.Arbitrary<TimeoutsScenario> {
    // Valid requests are 0 (no limit) or at least 60 s, and valid per-try timeouts at most 5 s with at most
    // 10 retries, so every valid retry fits every valid timeout.
    const request = this.pick(
      fc.oneof(fc.constantFrom(0, 60, 300, 3600), fc.integer({ min: 60, max: 7200 })),
      fc.oneof(invalidSeconds(1.5, 0.0005), fc.integer({ min: 1, max: 59 })), 3);
    return fc.oneof(
      { arbitrary: fc.constant<TimeoutsScenario>({ kind: 'llmDefaults' }), weight: 1 },
      {
        arbitrary: fc.record({
          kind: fc.constant<'of'>('of'),
          requestSeconds: this.optional(request, 4),
          streamIdleSeconds: this.pick(fc.constant(undefined), fc.oneof(fc.constant(30), invalidSeconds(0, 1.5, 0.0005))),
        }).map(compact),
        weight: 3,
      },
    );
  }

  private retry(): fc.Arbitrary<RetryScenario> {
    const attempts = this.pick(fc.integer({ min: 1, max: 10 }), fc.constantFrom(0, 11, 2.5));
    const backoffMillis = this.optional(this.pick(fc.integer({ min: 1, max: 2000 }), invalidMillis(0, 0.5)), 2);
    const condition = this.pick<string | number>(
      fc.oneof(
        fc.constantFrom('CONNECT_FAILURE', 'REFUSED_STREAM', 'RESET_BEFORE_REQUEST', 'RESET', 'GATEWAY_ERROR', 'FIVE_XX', 'RETRIABLE_4XX'),
        fc.constantFrom(503, 429, 400, 599)),
      fc.constantFrom(200, 600, 503.5));
    const conditions = this.pick(fc.uniqueArray(condition, { minLength: 1, maxLength: 3 }), fc.array(condition, { minLength: 0, maxLength: 3 }));
    const perTryTimeoutSeconds = this.optional(this.pick(
      fc.integer({ min: 1, max: 5 }),
      fc.oneof(fc.integer({ min: 30, max: 600 }), invalidSeconds(0, 1.5, 0.0005)), 2));
    return fc.oneof(
      fc.constant<RetryScenario>({ kind: 'none' }),
      fc.record({ kind: fc.constant<'llmSafe'>('llmSafe'), attempts: this.optional(attempts), backoffMillis }).map(compact),
      fc.record({ kind: fc.constant<'custom'>('custom'), attempts, conditions, perTryTimeoutSeconds, backoffMillis }).map(compact),
    );
  }

  private circuitBreaker(): fc.Arbitrary<CircuitBreakerScenario> {
    // BUG: see AVOID_INT32_OVERFLOW.
    const overInt32 = AVOID_INT32_OVERFLOW ? [] : [2 ** 31];
    const overUint32 = AVOID_INT32_OVERFLOW ? [] : [2 ** 32];
    const limit = this.optional(this.pick(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom(0, -5, 1.5, ...overInt32)), 2);
    const outlier = fc.record({
      consecutiveErrors: this.optional(this.pick(fc.integer({ min: 1, max: 100 }), fc.constantFrom(0, ...overUint32))),
      intervalSeconds: this.optional(this.pick(fc.integer({ min: 1, max: 60 }), invalidSeconds(0, 0.5, 0.0005))),
      baseEjectionSeconds: this.optional(this.pick(fc.integer({ min: 1, max: 300 }), invalidSeconds(0, 2.5))),
      maxEjectionPercent: this.optional(this.pick(fc.integer({ min: 1, max: 100 }), fc.constantFrom(0, 101))),
    }).map(compact);
    const of = circuitBreakerOf(limit, this.optional(outlier, 2)).map(cb => Object.keys(cb).length === 1 ? { ...cb, maxConnections: 100 } : cb);
    // CircuitBreaker.of({}) sets nothing and is rejected.
    const empty = fc.constant<CircuitBreakerScenario>({ kind: 'of' });
    return fc.oneof({ arbitrary: fc.constant<CircuitBreakerScenario>({ kind: 'none' }), weight: 1 }, { arbitrary: this.pick(of, empty), weight: 3 });
  }

  private sessionAffinity(): fc.Arbitrary<SessionAffinityScenario> {
    return fc.oneof(
      fc.constant<SessionAffinityScenario>({ kind: 'none' }),
      fc.record({
        kind: fc.constant<'cookie'>('cookie'),
        name: this.pick(fc.constantFrom('llm-session', 'SESSION'), fc.constantFrom('', '  ')),
        ttlSeconds: this.pick(fc.integer({ min: 1, max: 86_400 }), invalidSeconds(0, 0.5, 0.0005)),
        path: this.optional(this.pick(fc.constantFrom('/', '/v1'), fc.constantFrom('v1', '/a b'))),
      }).map(compact),
      fc.record({
        kind: fc.constant<'header'>('header'),
        name: this.pick(fc.constantFrom('x-session-id', 'X-User'), fc.constantFrom('x session', '')),
      }),
    );
  }

  private rateLimit(): fc.Arbitrary<RateLimitScenario> {
    const limit = this.pick(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom(0, -1, 1.5));
    const key: fc.Arbitrary<RateLimitKeyScenario | undefined> = this.pick(
      this.optional(fc.constant<RateLimitKeyScenario>({ kind: 'global' })),
      fc.oneof(
        fc.constant<RateLimitKeyScenario>({ kind: 'clientIp' }),
        fc.record({ kind: fc.constant<'header'>('header'), name: fc.constantFrom('x-tenant', 'x tenant') }),
        fc.record({ kind: fc.constant<'jwtClaim'>('jwtClaim'), claim: fc.constantFrom('sub', '') }),
      ));
    const requests = fc.record({
      kind: fc.constant<'requests'>('requests'),
      per: fc.constantFrom<'second' | 'minute'>('second', 'minute'),
      limit,
      burst: this.optional(this.pick(fc.integer({ min: 0, max: 1000 }), fc.constantFrom(-1, 0, 0.5))),
      key,
    }).map(r => {
      // A valid burst holds at least the limit (the requests admitted at once): the draw is what it adds to the limit.
      if (this.intent !== 'valid' || r.burst === undefined) return compact(r);
      return compact({ ...r, burst: r.limit + r.burst });
    });
    const tokens = fc.record({
      kind: fc.constant<'tokens'>('tokens'),
      per: fc.constantFrom<'minute' | 'hour' | 'day'>('minute', 'hour', 'day'),
      limit,
      key,
    }).map(compact);
    return fc.oneof(
      { arbitrary: fc.constant<RateLimitScenario>({ kind: 'none' }), weight: 1 },
      { arbitrary: this.pick<RateLimitScenario>(requests, tokens), weight: 3 },
    );
  }

  private jwt(): fc.Arbitrary<JwtScenario> {
    const issuer = this.pick(fc.constantFrom('https://auth.example.com', 'auth.example.com'), fc.constantFrom(undefined, '', '  '));
    const uri = fc.constantFrom('https://auth.example.com/.well-known/jwks.json', 'http://idp/jwks');
    const keys = fc.constantFrom('{"keys":[]}', '{"keys":[{"kty":"RSA","e":"AQAB","n":"abc"}]}');
    const keySource = this.pick(
      fc.oneof(fc.record({ jwksUri: uri }), fc.record({ jwks: keys })),
      fc.oneof(
        fc.constant({}),
        fc.record({ jwksUri: uri, jwks: keys }),
        fc.record({ jwksUri: fc.constantFrom('ftp://idp/jwks', 'https://idp/a b', '') }),
        fc.record({ jwks: fc.constantFrom('not json', '{"keys":{}}', 'null', '[]') }),
      ));
    const claim = fc.record({
      claim: this.pick(fc.constantFrom('tier', 'groups'), fc.constant('')),
      values: this.pick(
        fc.uniqueArray(fc.constantFrom('gold', 'silver', 'admin'), { minLength: 1, maxLength: 2 }),
        fc.array(fc.constantFrom('gold', 'silver', 'admin'), { minLength: 0, maxLength: 2 })),
    });
    const of = fc.record({
      kind: fc.constant<'of'>('of'),
      issuer,
      keySource,
      audiences: this.optional(fc.uniqueArray(fc.constantFrom('llm', 'api'), { minLength: 1, maxLength: 2 })),
      requiredClaims: this.optional(fc.array(claim, { minLength: 1, maxLength: 2 })),
      forwardToken: this.optional(fc.boolean()),
    }).map(({ keySource: source, ...rest }) => compact({ ...rest, ...source }));
    return fc.oneof({ arbitrary: fc.constant<JwtScenario>({ kind: 'none' }), weight: 1 }, { arbitrary: of, weight: 4 });
  }

  public routes(): fc.Arbitrary<RouteScenario[]> {
    const validIds = fc.oneof(
      fc.constantFrom('chat', 'embeddings', 'large', 'small', 'canary', 'default', 'r-1', 'r'.repeat(63)),
      fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/));
    if (this.intent === 'valid') {
      // Every route has matches; the scenario's map may turn the last one into the catch-all.
      return fc.uniqueArray(this.route(validIds, false), { minLength: 1, maxLength: 6, selector: r => r.id });
    }
    // Now and then an id from a small set, or the previous route's id (as when a rejected route is fixed and
    // added again), so duplicates come up; a catch-all may land anywhere.
    const ids = this.pick(
      fc.oneof({ arbitrary: validIds, weight: 6 }, { arbitrary: fc.constantFrom('chat', 'default'), weight: 1 }),
      fc.constantFrom('Chat', 'r_1', '', 'r'.repeat(64)));
    const reusePreviousId = fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, { arbitrary: fc.constant(true), weight: 1 });
    const routes = fc.array(fc.tuple(this.route(ids, true), reusePreviousId), { minLength: 1, maxLength: 6 }).map(items => {
      const result: RouteScenario[] = [];
      for (const [route, reuse] of items) result.push(reuse && result.length > 0 ? { ...route, id: result[result.length - 1].id } : route);
      return result;
    });
    return this.pick(routes, fc.constant([]), 12);
  }

  private route(id: fc.Arbitrary<string>, maybeCatchAll: boolean): fc.Arbitrary<RouteScenario> {
    const matches = fc.array(this.match(), { minLength: 1, maxLength: 3 });
    return fc.record({
      id,
      matches: maybeCatchAll
        ? fc.oneof({ arbitrary: matches, weight: 30 }, { arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.constant([]), weight: 1 })
        : matches,
      backend: this.backend(),
      policies: this.policies('route'),
      mirror: this.optional(this.mirror(), 5),
      fault: this.optional(this.fault(), 5),
    }).map(({ policies, ...route }) => compact({ ...route, ...policies }));
  }

  private match(): fc.Arbitrary<MatchScenario> {
    const path = this.pick(
      fc.constantFrom('/', '/v1', '/v1/chat/completions', '/v1/models', '/v1/completions', '/v1/embeddings'),
      fc.constantFrom('v1', '/v1 chat', '/v1?x=1', '', '/a#b'));
    const headerName = this.pick(
      fc.constantFrom('x-llm-model-type', 'x-tenant', 'X-Tenant', 'authorization', 'x-priority'),
      fc.constantFrom('x tenant', '', 'x:y', 'ümlaut'));
    // Valid header and query values are visible ASCII with single inner spaces (what Gateway API can match),
    // including ones YAML could read as something else; empty, padded and non-ASCII values are rejected.
    const value = this.pick(fc.oneof(
      { arbitrary: fc.constantFrom('large', 'small', 'gold tier'), weight: 6 },
      { arbitrary: fc.constantFrom('yes', 'off', 'null', '~', '1:20', '0x1F', '1e3', '.inf', '- x', '#x', '*a', '!tag', "'", '"', ': x'), weight: 1 },
      { arbitrary: fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.:/=+*~!'), minLength: 1, maxLength: 6 }), weight: 1 }),
    fc.oneof(fc.constantFrom('', ' ', ' x', 'x ', 'a  b'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }).filter(v => !/^[!-~]+([\t ]?[!-~]+)*$/.test(v))));
    const regex = this.pick(fc.constantFrom('llama-.*', '(a|b)', '[0-9]+'), fc.constantFrom('', '   '));
    const queryName = this.pick(fc.constantFrom('model', 'tier', 'Tier'), fc.constantFrom('', ' '));
    const leaves: Array<fc.Arbitrary<MatchScenario>> = [
      fc.record({ kind: fc.constant<'pathPrefix'>('pathPrefix'), path }),
      fc.record({ kind: fc.constant<'pathExact'>('pathExact'), path }),
      fc.record({ kind: fc.constant<'header'>('header'), name: headerName, value }),
      fc.record({ kind: fc.constant<'headerRegex'>('headerRegex'), name: headerName, regex }),
      fc.record({ kind: fc.constant<'headerPresent'>('headerPresent'), name: headerName }),
      fc.record({ kind: fc.constant<'method'>('method'), method: fc.constantFrom(...Object.values(HttpMethod)) }),
      fc.record({ kind: fc.constant<'queryParam'>('queryParam'), name: queryName, value }),
    ];
    const leaf = this.pick(fc.oneof(...leaves), fc.record({ kind: fc.constant<'model'>('model'), name: fc.constantFrom('llama-3-8b', '') }));
    // RouteMatch.all of at most one path and one method, and distinct header and query names.
    const all = fc.record({
      path: this.optional(fc.oneof(leaves[0], leaves[1])),
      method: this.optional(leaves[5]),
      headers: fc.uniqueArray(fc.oneof(leaves[2], leaves[3], leaves[4]), {
        maxLength: 2, selector: h => (h as { name: string }).name.toLowerCase(),
      }),
      queries: fc.uniqueArray(leaves[6], { maxLength: 2, selector: q => (q as { name: string }).name }),
    }).map(({ path: p, method, headers, queries }) => [p, method, ...headers, ...queries].filter((m): m is MatchScenario => m !== undefined))
      .filter(of => of.length >= 2)
      .map(of => ({ kind: 'all' as const, of }));
    // Any combination: conflicting ones (two paths, a header twice, ...) and RouteMatch.all([]) come up.
    const anyAll = fc.array(leaf, { minLength: 0, maxLength: 4 }).map(of => ({ kind: 'all' as const, of }));
    return fc.oneof({ arbitrary: leaf, weight: 3 }, { arbitrary: this.pick<MatchScenario>(all, anyAll, 6), weight: 1 });
  }

  /** A pool or Service (what weighted splits and mirrors take), or in mixed scenarios anything. */
  private singleBackend(): fc.Arbitrary<BackendScenario> {
    const port = this.pick(fc.oneof(fc.constantFrom(80, 8000, 8080), fc.integer({ min: 1, max: 65535 })), fc.constantFrom(0, 70_000, 80.5));
    const pool = fc.record({
      kind: fc.constant<'pool'>('pool'),
      pool: fc.nat({ max: 2 }),
      port: this.optional(port, 5),
    }).map(compact);
    const service = fc.record({
      kind: fc.constant<'service'>('service'),
      name: this.pick(fc.constantFrom('legacy-llm', 'embeddings', 'small', 'llm-1st'), fc.constantFrom('Legacy', '', 'svc.x')),
      port,
      namespace: this.optional(this.pick(fc.constant('other'), fc.constantFrom('Other', '')), 3),
    }).map(compact);
    return fc.oneof({ arbitrary: pool, weight: 3 }, { arbitrary: service, weight: 1 });
  }

  private backend(): fc.Arbitrary<BackendScenario> {
    const single = this.singleBackend();
    const weight = this.pick(
      fc.oneof({ arbitrary: fc.integer({ min: 0, max: 100 }), weight: 4 }, { arbitrary: fc.integer({ min: 0, max: 1_000_000 }), weight: 1 }),
      // BUG: see AVOID_NON_FINITE_WEIGHTS.
      fc.constantFrom(-1, 1.5, 2 ** 53, ...(AVOID_NON_FINITE_WEIGHTS ? [] : [1e308])), 12);
    const weighted = fc.array(fc.record({ backend: single, weight }), { minLength: 2, maxLength: 3 })
      .map(targets => targets.every(t => t.weight === 0) ? [{ ...targets[0], weight: 1 }, ...targets.slice(1)] : targets)
      .map(targets => ({ kind: 'weighted' as const, targets }));
    if (this.intent === 'valid') return fc.oneof({ arbitrary: single, weight: 3 }, { arbitrary: weighted, weight: 1 });
    const provider = fc.record({
      kind: fc.constant<'provider'>('provider'),
      name: fc.constantFrom('openai', 'Open AI'),
      api: fc.constantFrom(...Object.values(ProviderApi)),
      hostname: fc.constantFrom('api.openai.com', ''),
      port: this.optional(fc.constantFrom(443, 0)),
      // The Secret key the provider's credentials are under (Envoy AI Gateway checks it per API).
      apiKey: this.optional(fc.constantFrom('apiKey', 'credentials', 'service_account.json', 'token'), 2),
      region: this.optional(fc.constantFrom('us-east-1', 'europe-west4')),
      project: this.optional(fc.constant('acme')),
      modelName: this.optional(fc.constantFrom('gpt-4o-mini', 'meta.llama3-1-70b-instruct-v1:0', '')),
    }).map(compact);
    const inferencePool = fc.record({
      kind: fc.constant<'inferencePool'>('inferencePool'),
      pool: fc.nat({ max: 2 }),
      pickerReplicas: this.optional(fc.constantFrom(1, 2, 0, 11)),
      failOpen: this.optional(fc.boolean()),
      objectives: this.optional(fc.array(fc.constantFrom('interactive', 'batch', 'Batch'), { maxLength: 2 })),
    }).map(compact);
    const fallback = fc.array(fc.oneof(single, provider), { minLength: 0, maxLength: 3 }).map(backends => ({ kind: 'fallback' as const, backends }));
    // Any split: fewer than two targets, splits and fallbacks nested in it, all weights zero.
    const target = fc.oneof({ arbitrary: single, weight: 8 }, { arbitrary: provider, weight: 1 }, { arbitrary: fallback, weight: 1 });
    const anyWeighted = fc.array(fc.record({ backend: target, weight }), { minLength: 0, maxLength: 3 }).map(targets => ({ kind: 'weighted' as const, targets }));
    return fc.oneof(
      { arbitrary: single, weight: 3 * OFTEN },
      { arbitrary: weighted, weight: OFTEN },
      { arbitrary: fc.oneof(anyWeighted, provider, fallback, inferencePool), weight: OFTEN },
    );
  }

  private mirror(): fc.Arbitrary<MirrorScenario> {
    const backend = this.pick(this.singleBackend(), this.backend());
    const percent = this.optional(this.pick(fc.constantFrom(0, 0.5, 10, 12.5, 100), fc.constantFrom(-1, 101, Number.NaN, Infinity)));
    return fc.record({ backend, percent }).map(compact);
  }

  private fault(): fc.Arbitrary<FaultScenario> {
    const percent = this.pick(fc.constantFrom(0, 5, 50, 100, 0.1), fc.constantFrom(-1, 101));
    const delay = fc.record({
      delayMillis: this.pick(fc.integer({ min: 1, max: 10_000 }), invalidMillis(0, 0.5)),
      delayPercent: this.optional(percent),
    }).map(compact);
    const abort = fc.record({
      abortHttpStatus: this.pick(fc.constantFrom(200, 429, 500, 503, 599), fc.constantFrom(100, 600, 503.5)),
      abortPercent: this.optional(percent),
    }).map(compact);
    const valid = fc.oneof(
      delay,
      abort,
      fc.record({ delay, abort }).map(({ delay: d, abort: a }) => ({ ...d, ...a })),
    );
    // FaultInjection.of({}), and a percentage without what it applies to.
    const invalid = fc.oneof(
      fc.constant<FaultScenario>({}),
      fc.record({ delayPercent: fc.constant(50) }),
      fc.record({ abortPercent: fc.constant(50) }),
    );
    return this.pick<FaultScenario>(valid, invalid);
  }
}

/**
 * Makes a 'valid' scenario valid as a whole: unique pool names, one circuit breaker and session affinity per
 * backend host (Istio keeps them in one DestinationRule per host), and at most one catch-all, last.
 */
function makeValid(s: GatewayScenario, lastIsCatchAll: boolean): GatewayScenario {
  const withPools = { ...s, pools: uniquePoolNames(s.pools) };
  const routes = consistentPolicies(withPools);
  if (lastIsCatchAll) {
    const { matches: _, ...last } = routes[routes.length - 1];
    routes[routes.length - 1] = last;
  }
  return { ...withPools, routes };
}

/**
 * The routes, changed so that every backend host gets one circuit breaker and session affinity: a route that
 * disagrees with an earlier one on a host loses its own two policies, or is dropped when the gateway's would
 * disagree too.
 */
function consistentPolicies(s: GatewayScenario): RouteScenario[] {
  const defaults = s.gateway.defaults ?? {};
  const policyOf = (r: RouteScenario) => JSON.stringify({
    circuitBreaker: effective(r.circuitBreaker ?? defaults.circuitBreaker),
    sessionAffinity: effective(r.sessionAffinity ?? defaults.sessionAffinity),
  });
  const byHost = new Map<string, string>();
  const routes: RouteScenario[] = [];
  for (const original of s.routes) {
    let route = original;
    const hosts = backendHosts(s, route.backend);
    const conflicts = (r: RouteScenario) => hosts.some(h => byHost.has(h) && byHost.get(h) !== policyOf(r));
    if (conflicts(route)) {
      const { circuitBreaker: _cb, sessionAffinity: _sa, ...rest } = route;
      route = rest;
      if (conflicts(route)) continue;
    }
    for (const h of hosts) if (!byHost.has(h)) byHost.set(h, policyOf(route));
    routes.push(route);
  }
  return routes;
}

/** The pools, with the name dropped (derived from the construct path instead) where an earlier pool has it. */
function uniquePoolNames(pools: readonly PoolScenario[]): PoolScenario[] {
  const names = new Set<string>();
  return pools.map(p => {
    if (p.name === undefined || !names.has(p.name)) {
      if (p.name !== undefined) names.add(p.name);
      return p;
    }
    const { name: _, ...rest } = p;
    return rest;
  });
}

/**
 * The routes, without their own circuit breaker and session affinity where a route to several hosts sends to
 * one of their hosts: those hosts all get the gateway's, so only single-host routes can disagree (and are then
 * rejected before anything is rendered).
 */
function sharedHostsUseDefaults(s: GatewayScenario): RouteScenario[] {
  const shared = new Set(s.routes.map(r => backendHosts(s, r.backend)).filter(hosts => new Set(hosts).size > 1).flat());
  return s.routes.map(r => {
    if (!backendHosts(s, r.backend).some(h => shared.has(h))) return r;
    const { circuitBreaker: _cb, sessionAffinity: _sa, ...rest } = r;
    return rest;
  });
}

/**
 * The routes, with a new id for each route that reuses the id of an earlier route the renderer might reject: one
 * with a destination without a namespace, or to a host that a route with its own circuit breaker or session
 * affinity sends to.
 */
function noReuseAfterRendererRejection(s: GatewayScenario): RouteScenario[] {
  const riskyIds = new Set<string>();
  const hostsWithOwnPolicy = new Set<string>();
  return s.routes.map((r, i) => {
    const route = riskyIds.has(r.id) ? { ...r, id: `${r.id.slice(0, 60)}-${i}` } : r;
    const hosts = backendHosts(s, r.backend);
    const mirrorHosts = r.mirror === undefined ? [] : backendHosts(s, r.mirror.backend);
    if (r.circuitBreaker !== undefined || r.sessionAffinity !== undefined) hosts.forEach(h => hostsWithOwnPolicy.add(h));
    if ([...hosts, ...mirrorHosts].some(h => h.endsWith('.undefined') || hostsWithOwnPolicy.has(h))) riskyIds.add(route.id);
    return route;
  });
}

function effective<T extends { kind: string }>(policy: T | undefined): T | undefined {
  return policy === undefined || policy.kind === 'none' ? undefined : policy;
}

/** The Service hosts a backend sends to, as the Istio renderer names them (derived pool names stand for themselves). */
function backendHosts(s: GatewayScenario, b: BackendScenario): string[] {
  const gatewayNamespace = s.gateway.namespace ?? s.namespace;
  switch (b.kind) {
    case 'pool': {
      const p = s.pools[b.pool % s.pools.length];
      return [`${p.name ?? `#${p.id}`}.${p.namespace ?? s.namespace}`];
    }
    case 'service': return [`${b.name}.${b.namespace ?? gatewayNamespace}`];
    case 'weighted': return b.targets.flatMap(t => backendHosts(s, t.backend));
    case 'fallback': return b.backends.flatMap(x => backendHosts(s, x));
    case 'provider':
    case 'inferencePool': return [];
  }
}

// ---------------------------------------------------------------------------------------------------------
// Building

/** A route `buildScenario` skipped. */
export interface RejectedRoute {
  /** Its index in the scenario's routes. */
  readonly index: number;
  /** The AiGatewayError's message. */
  readonly message: string;
}

/** Options for `buildScenario`. */
export interface BuildScenarioOptions {
  /**
   * When given, a route whose options or `addRoute` throw an AiGatewayError is skipped and recorded here, and
   * the next route is added to the same gateway.
   * @default - the error propagates
   */
  readonly rejectedRoutes?: RejectedRoute[];
  /**
   * Create the InferencePools these routes' backends name before the gateway, as a user creates them next to
   * their pools: an InferencePool is the user's construct, so it stays when a route to it is rejected.
   * @default - each InferencePool is created when the first route to it is added
   */
  readonly inferencePoolsOf?: readonly RouteScenario[];
  /**
   * Render for this data plane instead of the scenario's.
   * @default - the scenario's data plane (Istio with the scenario's options)
   */
  readonly dataPlane?: () => DataPlane;
  /**
   * The App to add the chart to, and the chart's id in it.
   * @default - a new App, chart 'test'
   */
  readonly app?: { readonly app: Construct; readonly chartId: string };
}

/** Builds the scenario's chart through the public API. Errors the library throws propagate (see options). */
export function buildScenario(s: GatewayScenario, options: BuildScenarioOptions = {}): Chart {
  const chart = new Chart(options.app?.app ?? Testing.app(), options.app?.chartId ?? 'test', { namespace: s.namespace });
  const pools = s.pools.map(p => new LlmModelPool(chart, p.id, {
    name: p.name,
    namespaceName: p.namespace,
    modelName: p.modelName,
    server: p.server === 'demo' ? ModelServer.demo() : ModelServer.vllm({ model: 'meta-llama/Llama-3.1-8B-Instruct' }),
    accelerator: p.gpus === 0 ? Accelerator.none() : Accelerator.nvidiaGpu({ count: p.gpus }),
    replicas: p.replicas,
  }));
  for (const r of options.inferencePoolsOf ?? []) {
    inferencePoolsIn(r.backend, pools);
    if (r.mirror !== undefined) inferencePoolsIn(r.mirror.backend, pools);
  }
  const g = s.gateway;
  const gateway = new AiGateway(chart, 'gateway', {
    dataPlane: options.dataPlane?.() ?? (s.dataPlane !== undefined && s.dataPlane !== 'istio' ? profile(s.dataPlane).make() : DataPlane.istio({
      gatewayNamespace: g.istio.gatewayNamespace,
      gatewaySelector: g.istio.gatewaySelector === undefined ? undefined : { ...g.istio.gatewaySelector },
      meshEnrollment: g.istio.mesh === undefined ? undefined : g.istio.mesh === 'sidecar' ? MeshEnrollment.sidecar() : MeshEnrollment.ambient(),
    })),
    hostnames: [...g.hostnames],
    listeners: g.listeners?.map(toListener),
    defaults: g.defaults === undefined ? undefined : toPolicies(g.defaults),
    networkIsolation: g.networkIsolation,
    allowedNamespaces: g.allowedNamespaces === undefined ? undefined : [...g.allowedNamespaces],
    name: g.name,
    namespaceName: g.namespace,
  });
  s.routes.forEach((r, i) => {
    try {
      gateway.addRoute(r.id, routeOptions(r, pools));
    } catch (e) {
      if (options.rejectedRoutes === undefined || !AiGatewayErrors.isAiGatewayError(e)) throw e;
      options.rejectedRoutes.push({ index: i, message: (e as Error).message });
    }
  });
  return chart;
}

function routeOptions(r: RouteScenario, pools: LlmModelPool[]): AiGatewayAddRouteOptions {
  return {
    ...toPolicies(r),
    matches: r.matches?.map(toMatch),
    backend: toBackend(r.backend, pools),
    mirror: r.mirror === undefined ? undefined : RequestMirror.to(toBackend(r.mirror.backend, pools), { percent: r.mirror.percent }),
    fault: r.fault === undefined ? undefined : FaultInjection.of({
      delay: r.fault.delayMillis === undefined ? undefined : Duration.millis(r.fault.delayMillis),
      delayPercent: r.fault.delayPercent,
      abortHttpStatus: r.fault.abortHttpStatus,
      abortPercent: r.fault.abortPercent,
    }),
  };
}

function toListener(l: ListenerScenario): Listener {
  return l.protocol === 'http' ? Listener.http({ port: l.port }) : Listener.https({ port: l.port, tlsSecret: l.tlsSecret });
}

function toMatch(m: MatchScenario): RouteMatch {
  switch (m.kind) {
    case 'pathPrefix': return RouteMatch.pathPrefix(m.path);
    case 'pathExact': return RouteMatch.pathExact(m.path);
    case 'header': return RouteMatch.header(m.name, m.value);
    case 'headerRegex': return RouteMatch.headerRegex(m.name, m.regex);
    case 'headerPresent': return RouteMatch.headerPresent(m.name);
    case 'method': return RouteMatch.method(m.method as HttpMethod);
    case 'queryParam': return RouteMatch.queryParam(m.name, m.value);
    case 'model': return RouteMatch.model(m.name);
    case 'all': return RouteMatch.all(m.of.map(toMatch));
  }
}

/** The InferencePools made so far, per pool and settings: routes with the same settings share one. */
const inferencePools = new WeakMap<LlmModelPool, Map<string, InferencePool>>();

/**
 * The pool's InferencePool with these settings, created next to the pool on first use. Other settings for the same
 * pool make a second InferencePool of the same name, which the library rejects (as it did routes that asked for
 * other picker settings than an earlier route to the pool).
 */
function inferencePoolOf(pool: LlmModelPool, settings: Omit<InferencePoolProps, 'pool'>): InferencePool {
  let made = inferencePools.get(pool);
  if (made === undefined) {
    made = new Map();
    inferencePools.set(pool, made);
  }
  const key = JSON.stringify(settings);
  let inferencePool = made.get(key);
  if (inferencePool === undefined) {
    // The id follows from the settings alone, so an error naming it reads the same whichever routes came first.
    const id = `InferencePool-${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
    try {
      inferencePool = new InferencePool(pool, id, { pool, ...settings });
    } catch (e) {
      // A constructor that throws has already attached the construct: take it off, as a caller that goes on would.
      pool.node.tryRemoveChild(id);
      throw e;
    }
    made.set(key, inferencePool);
  }
  return inferencePool;
}

function inferencePoolFor(b: Extract<BackendScenario, { kind: 'inferencePool' }>, pools: LlmModelPool[]): InferencePool {
  return inferencePoolOf(pools[b.pool % pools.length], {
    pickerReplicas: b.pickerReplicas,
    failureMode: b.failOpen === undefined ? undefined : b.failOpen ? PickerFailureMode.FAIL_OPEN : PickerFailureMode.FAIL_CLOSE,
    objectives: b.objectives?.map((name, i) => ({ name, priority: i })),
  });
}

/** Creates the InferencePools a backend names (see BuildScenarioOptions.inferencePoolsOf); settings the library rejects are left to the route. */
function inferencePoolsIn(b: BackendScenario, pools: LlmModelPool[]): void {
  if (b.kind === 'weighted') b.targets.forEach(t => inferencePoolsIn(t.backend, pools));
  if (b.kind === 'fallback') b.backends.forEach(x => inferencePoolsIn(x, pools));
  if (b.kind !== 'inferencePool') return;
  try {
    inferencePoolFor(b, pools);
  } catch (e) {
    if (!AiGatewayErrors.isAiGatewayError(e)) throw e;
  }
}

function toBackend(b: BackendScenario, pools: LlmModelPool[]): Backend {
  switch (b.kind) {
    case 'pool': return Backend.pool(pools[b.pool % pools.length], { port: b.port });
    case 'service': return Backend.service({ name: b.name, port: b.port, namespaceName: b.namespace });
    case 'weighted': return Backend.weighted(b.targets.map(t => ({ backend: toBackend(t.backend, pools), weight: t.weight })));
    case 'provider': return Backend.provider({
      name: b.name,
      api: b.api as ProviderApi,
      hostname: b.hostname,
      port: b.port,
      region: b.region,
      project: b.project,
      modelName: b.modelName,
      apiKey: b.apiKey === undefined ? undefined : { secretName: 'provider-credentials', key: b.apiKey },
    });
    case 'inferencePool': return Backend.inferencePool(inferencePoolFor(b, pools));
    case 'fallback': return Backend.fallback(b.backends.map(x => toBackend(x, pools)));
  }
}

function toPolicies(p: PoliciesScenario): RoutePolicies {
  return {
    timeouts: p.timeouts === undefined ? undefined : toTimeouts(p.timeouts),
    retry: p.retry === undefined ? undefined : toRetry(p.retry),
    circuitBreaker: p.circuitBreaker === undefined ? undefined : toCircuitBreaker(p.circuitBreaker),
    sessionAffinity: p.sessionAffinity === undefined ? undefined : toSessionAffinity(p.sessionAffinity),
    rateLimit: p.rateLimit === undefined ? undefined : toRateLimit(p.rateLimit),
    jwt: p.jwt === undefined ? undefined : toJwt(p.jwt),
  };
}

const seconds = (value: number | undefined) => value === undefined ? undefined : Duration.seconds(value);
const millis = (value: number | undefined) => value === undefined ? undefined : Duration.millis(value);

function toTimeouts(t: TimeoutsScenario): Timeouts {
  if (t.kind === 'llmDefaults') return Timeouts.llmDefaults();
  return Timeouts.of({ request: seconds(t.requestSeconds), streamIdle: seconds(t.streamIdleSeconds) });
}

function toRetry(r: RetryScenario): RetryPolicy {
  switch (r.kind) {
    case 'none': return RetryPolicy.none();
    case 'llmSafe': return RetryPolicy.llmSafe({ attempts: r.attempts, backoff: millis(r.backoffMillis) });
    case 'custom': return RetryPolicy.custom({
      attempts: r.attempts,
      conditions: r.conditions.map(c => typeof c === 'number' ? RetryCondition.httpStatus(c) : (RetryCondition as any)[c] as RetryCondition),
      perTryTimeout: seconds(r.perTryTimeoutSeconds),
      backoff: millis(r.backoffMillis),
    });
  }
}

function toCircuitBreaker(c: CircuitBreakerScenario): CircuitBreaker {
  if (c.kind === 'none') return CircuitBreaker.none();
  const od = c.outlierDetection;
  return CircuitBreaker.of({
    maxConnections: c.maxConnections,
    maxPendingRequests: c.maxPendingRequests,
    maxRequests: c.maxRequests,
    maxRetries: c.maxRetries,
    outlierDetection: od === undefined ? undefined : {
      consecutiveErrors: od.consecutiveErrors,
      interval: seconds(od.intervalSeconds),
      baseEjectionTime: seconds(od.baseEjectionSeconds),
      maxEjectionPercent: od.maxEjectionPercent,
    },
  });
}

function toSessionAffinity(a: SessionAffinityScenario): SessionAffinity {
  switch (a.kind) {
    case 'none': return SessionAffinity.none();
    case 'cookie': return SessionAffinity.cookie({ name: a.name, ttl: Duration.seconds(a.ttlSeconds), path: a.path });
    case 'header': return SessionAffinity.header(a.name);
  }
}

function toRateLimitKey(k: RateLimitKeyScenario | undefined): RateLimitKey | undefined {
  switch (k?.kind) {
    case undefined: return undefined;
    case 'global': return RateLimitKey.allClients();
    case 'clientIp': return RateLimitKey.clientIp();
    case 'header': return RateLimitKey.header(k.name);
    case 'jwtClaim': return RateLimitKey.jwtClaim(k.claim);
  }
}

function toRateLimit(r: RateLimitScenario): RateLimit {
  switch (r.kind) {
    case 'none': return RateLimit.none();
    case 'requests': {
      const options = { burst: r.burst, key: toRateLimitKey(r.key) };
      return r.per === 'second' ? RateLimit.requestsPerSecond(r.limit, options) : RateLimit.requestsPerMinute(r.limit, options);
    }
    case 'tokens': {
      const options = { key: toRateLimitKey(r.key) };
      if (r.per === 'minute') return RateLimit.tokensPerMinute(r.limit, options);
      return r.per === 'hour' ? RateLimit.tokensPerHour(r.limit, options) : RateLimit.tokensPerDay(r.limit, options);
    }
  }
}

function toJwt(j: JwtScenario): JwtAuth {
  if (j.kind === 'none') return JwtAuth.none();
  return JwtAuth.of({
    // A missing issuer is what a JavaScript or Python caller can pass; the library must reject it.
    issuer: j.issuer as string,
    jwksUri: j.jwksUri,
    jwks: j.jwks,
    audiences: j.audiences === undefined ? undefined : [...j.audiences],
    requiredClaims: j.requiredClaims?.map(c => ({ claim: c.claim, values: [...c.values] })),
    forwardToken: j.forwardToken,
  });
}

/** The object without its undefined properties, so scenarios print without `key: undefined` noise. */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

// ---------------------------------------------------------------------------------------------------------
// Checks, shared by the property tests and the fuzzer: each throws on a failure.

/** A synthesized Kubernetes document, loosely typed. */
export type Doc = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [key: string]: any }; [key: string]: any };

/** What building and synthesizing a scenario gave. */
export type Outcome =
  | { readonly kind: 'synthesized'; readonly docs: Doc[]; readonly features: FeatureId[] }
  | { readonly kind: 'rejected'; readonly message: string };

/**
 * What the library reports at synth (node.addValidation) rather than by throwing in a constructor: a gateway
 * without routes, and (ingress-nginx) a canary route no later route pairs with.
 */
const SYNTH_VALIDATIONS = ['the gateway has no routes', 'ingress-nginx drops a canary'];

/** Whether `e` is a rejection of the input, as opposed to a bug. */
export function isRejection(e: unknown): boolean {
  return AiGatewayErrors.isAiGatewayError(e)
    || (e instanceof Error && e.message.startsWith('Validation failed') && SYNTH_VALIDATIONS.some(m => e.message.includes(m)));
}

/** Builds and synthesizes the scenario; rethrows anything that is not a rejection. */
export function outcome(s: GatewayScenario, options: BuildScenarioOptions = {}): Outcome {
  try {
    const chart = buildScenario(s, options);
    const docs = Testing.synth(chart) as Doc[];
    return { kind: 'synthesized', docs, features: gatewayFeatures(chart) };
  } catch (e) {
    if (isRejection(e)) return { kind: 'rejected', message: (e as Error).message };
    throw e;
  }
}

/** The features the gateway's routes use, as the library resolved them (`featuresOf`), and TLS and isolation. */
function gatewayFeatures(chart: Chart): FeatureId[] {
  const gateway = chart.node.tryFindChild('gateway') as AiGateway | undefined;
  if (gateway === undefined) return [];
  const features = new Set<FeatureId>(gateway.routes.flatMap(r => featuresOf(r._spec).map(u => u.feature)));
  const spec = (gateway as unknown as { spec: { listeners: Array<{ protocol: string }> } }).spec;
  if (spec.listeners.some(l => l.protocol === 'HTTPS')) features.add('tls');
  if ((gateway as unknown as { networkIsolation: boolean }).networkIsolation) features.add('networkIsolation');
  return [...features].sort();
}

/** Shapes of output the issue asks the generators to reach, recognised in the synthesized documents. */
export const OUTPUT_MARKERS = {
  'canary Ingress': (docs: Doc[]) => docs.some(d => d.kind === 'Ingress' && d.metadata.annotations?.['nginx.ingress.kubernetes.io/canary'] === 'true'),
  'several route objects': (docs: Doc[]) => ['VirtualService', 'HTTPRoute', 'AIGatewayRoute', 'Ingress'].some(kind => docs.filter(d => d.kind === kind).length > 1),
  'InferencePool': (docs: Doc[]) => docs.some(d => d.kind === 'InferencePool'),
  'fallback chain': (docs: Doc[]) => docs.some(d => d.kind === 'AIGatewayRoute' && (d.spec.rules ?? []).some((r: any) => (r.backendRefs ?? []).some((b: any) => (b.priority ?? 0) > 0))),
  'token budget': (docs: Doc[]) => docs.some(d => d.kind === 'AIGatewayRoute' && d.spec.llmRequestCosts !== undefined),
  'JWT': (docs: Doc[]) => docs.some(d => d.kind === 'RequestAuthentication' || (d.kind === 'SecurityPolicy' && d.spec.jwt !== undefined)),
  'mirror': (docs: Doc[]) => docs.some(d => /"mirrors?"|RequestMirror|mirror-target/.test(JSON.stringify(d))),
  'cross-namespace backend': (docs: Doc[]) => docs.some(d => d.kind === 'ReferenceGrant' || /\.(models|other)\.svc\.cluster\.local/.test(JSON.stringify(d))),
} as const;

export type OutputMarker = keyof typeof OUTPUT_MARKERS;

/** The markers a data plane's valid scenarios must reach, from its declarations (and what it renders today). */
export function expectedMarkers(id: DataPlaneId): OutputMarker[] {
  const has = (f: FeatureId) => supportedFeatures(id).has(f);
  const p = profile(id);
  const markers: OutputMarker[] = [];
  // ingress-nginx renders a header route or a split as a canary Ingress, and one Ingress per route; Gateway API
  // and Envoy AI Gateway spread a wide gateway over several HTTPRoutes or AIGatewayRoutes; Istio keeps one
  // VirtualService per gateway.
  if (p.family === 'nginx') markers.push('canary Ingress');
  if (p.spreads || p.family === 'nginx') markers.push('several route objects');
  if (has('backend.inferencePool')) markers.push('InferencePool');
  if (has('backend.fallback')) markers.push('fallback chain');
  if (has('rateLimit.tokens')) markers.push('token budget');
  if (has('jwt') || has('jwt.route')) markers.push('JWT');
  if (has('mirror')) markers.push('mirror');
  if (p.family !== 'nginx') markers.push('cross-namespace backend');
  return markers;
}

/** What a valid scenario reached. */
export interface Reached {
  readonly features: FeatureId[];
  readonly markers: OutputMarker[];
  readonly docs: Doc[];
}

/**
 * A valid scenario: synthesizes (never rejected), every document passes the validator, and the same input
 * twice gives identical YAML.
 */
export function checkValid(s: GatewayScenario): Reached {
  const first = outcome(s);
  if (first.kind === 'rejected') throw new Error(`rejected a valid scenario on ${s.dataPlane}: ${first.message}`);
  const issues = validateManifests(first.docs, { gatewayApiChannel: profile(s.dataPlane).channel });
  if (issues.length > 0) throw new Error(`${issues.length} validation issue(s) on ${s.dataPlane}:\n${formatIssues(issues)}`);
  // cdk8s writes the YAML from these documents, in this order and key order: the same JSON gives the same YAML.
  const second = outcome(s);
  const text = (o: Outcome) => o.kind === 'synthesized' ? JSON.stringify(o.docs) : o.message;
  if (text(second) !== text(first)) throw new Error(`the same scenario gave different YAML on ${s.dataPlane}`);
  const markers = (Object.keys(OUTPUT_MARKERS) as OutputMarker[]).filter(m => OUTPUT_MARKERS[m](first.docs));
  return { features: first.features, markers, docs: first.docs };
}

/** A scenario with an unsupported feature: rejected with the library's error, which names the data plane. */
export function checkUnsupported(s: GatewayScenario): void {
  const result = outcome(s);
  if (result.kind === 'synthesized') throw new Error(`synthesized ${s.unsupported}, which ${s.dataPlane} declares unsupported`);
  const name = profile(s.dataPlane).make().name;
  if (!result.message.includes(`cannot be expressed by the ${name} data plane`)) {
    throw new Error(`rejected ${s.unsupported} on ${s.dataPlane} without naming the data plane: ${result.message}`);
  }
}

/**
 * Any scenario: synthesizes to valid manifests or is rejected with the library's error (never another
 * exception); and a rejected route leaves no trace: adding every route to one gateway, going on after each
 * rejected one, gives the same output as adding only the accepted routes, and each rejected route is
 * rejected for the same reason by a gateway that never saw the ones after it.
 */
export function checkAny(s: GatewayScenario): Outcome {
  const rejectedRoutes: RejectedRoute[] = [];
  // The user's InferencePools exist whichever routes are accepted.
  const inferencePoolsOf = s.routes;
  const skipping = outcome(s, { rejectedRoutes, inferencePoolsOf });
  if (skipping.kind === 'synthesized') {
    const issues = validateManifests(skipping.docs, { gatewayApiChannel: profile(s.dataPlane).channel });
    if (issues.length > 0) throw new Error(`${issues.length} validation issue(s) on ${s.dataPlane}:\n${formatIssues(issues)}`);
  }
  const rejected = new Set(rejectedRoutes.map(r => r.index));
  const acceptedBefore = (index: number) => s.routes.filter((_, i) => i < index && !rejected.has(i));
  const only = outcome({ ...s, routes: acceptedBefore(s.routes.length) }, { inferencePoolsOf });
  if (!isDeepStrictEqual(only, skipping)) {
    throw new Error(`a rejected route left a trace on ${s.dataPlane}: rejected ${[...rejected].join(', ')}; output differs from adding only the accepted routes`);
  }
  for (const { index, message } of rejectedRoutes) {
    const alone = outcome({ ...s, routes: [...acceptedBefore(index), s.routes[index]] }, { inferencePoolsOf });
    if (alone.kind !== 'rejected' || alone.message !== message) {
      throw new Error(`route ${index} was rejected after the others (${message}) but ${alone.kind === 'rejected' ? `for another reason (${alone.message})` : 'accepted'} without them`);
    }
  }
  return skipping;
}

/**
 * Two copies of a valid gateway in one App (in two charts, the second gateway named differently): the same
 * hostnames and routes, so every route conflicts with its twin. Returns how the library took it.
 */
export function twoGatewaysOutcome(s: GatewayScenario): Outcome {
  const app = Testing.app();
  try {
    buildScenario(s, { app: { app, chartId: 'first' } });
    // Its own pools (and InferenceObjectives, which are named by the header value clients send): only the routes conflict.
    const own = (b: BackendScenario): BackendScenario => b.kind === 'inferencePool' ? compact({ ...b, objectives: b.objectives?.map(o => `${o}-twin`) })
      : b.kind === 'weighted' ? { ...b, targets: b.targets.map(t => ({ ...t, backend: own(t.backend) })) }
        : b.kind === 'fallback' ? { ...b, backends: b.backends.map(own) } : b;
    const twin: GatewayScenario = {
      ...s,
      routes: s.routes.map(r => ({ ...r, backend: own(r.backend) })),
      pools: s.pools.map(p => compact({ ...p, name: `${p.name ?? p.id}-twin` })),
      gateway: { ...s.gateway, name: `${s.gateway.name ?? 'gateway'}-twin` },
    };
    buildScenario(twin, { app: { app, chartId: 'second' } });
    return { kind: 'synthesized', docs: app.charts.flatMap(c => Testing.synth(c)) as Doc[], features: [] };
  } catch (e) {
    if (isRejection(e)) return { kind: 'rejected', message: (e as Error).message };
    throw e;
  }
}
