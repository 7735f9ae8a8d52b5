/*
 * fast-check arbitraries for random AiGateways on the Istio data plane.
 *
 * A scenario is plain data (strings, numbers, arrays, records), so a shrunk counterexample prints as
 * something one can read and paste into a test; `buildScenario` turns it into a cdk8s Chart through the
 * public API only.
 *
 * Scenarios come in two intents:
 * - 'valid': only values the API documents as valid for Istio, combined so the gateway as a whole is valid too
 *   (unique names and ids, a catch-all only at the end, retries that fit the timeout, one circuit breaker and
 *   session affinity per backend host). The library must synthesize every one of them.
 * - 'mixed': the same values plus, now and then, invalid ones and settings Istio cannot express (a rejected
 *   value, a catch-all in the middle, duplicate ids, conflicting matches, provider and fallback backends,
 *   token budgets, per-route JWT, ...). Most are rejected, some get through.
 * `gatewayScenario()` draws each intent half of the time, so both the synthesis and the rejection paths run.
 */
import { Chart, Duration, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import {
  Accelerator, AiGateway, AiGatewayAddRouteOptions, AiGatewayErrors, Backend, CircuitBreaker, DataPlane, FaultInjection, HttpMethod, JwtAuth,
  Listener, LlmModelPool, MeshEnrollment, ModelServer, ProviderApi, RateLimit, RateLimitKey, RequestMirror, RetryCondition, RetryPolicy,
  RouteMatch, RoutePolicies, SessionAffinity, Timeouts, PickerFailureMode, InferencePool, InferencePoolProps,
} from '../src';

// ---------------------------------------------------------------------------------------------------------
// Scenario data

/** What the generator meant: only valid values, or valid and invalid ones mixed. */
export type ScenarioIntent = 'valid' | 'mixed';

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

/** DataPlane.istio options. */
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

/** A chart with 1 to 3 pools and one AiGateway on Istio with 0 to 6 routes. */
export interface GatewayScenario {
  readonly intent: ScenarioIntent;
  /** The chart's namespace; none means the objects have none. */
  readonly namespace?: string;
  readonly pools: readonly PoolScenario[];
  readonly gateway: GatewayPropsScenario;
  readonly routes: readonly RouteScenario[];
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
// Arbitraries

/** Options for `gatewayScenario`. */
export interface GatewayScenarioOptions {
  /**
   * Only one intent.
   * @default - 'valid' and 'mixed', each half of the time
   */
  readonly intent?: ScenarioIntent;
}

/** Random gateway scenarios: about half valid by construction, half mixed (mostly rejected). */
export function gatewayScenario(options: GatewayScenarioOptions = {}): fc.Arbitrary<GatewayScenario> {
  if (options.intent !== undefined) return scenario(options.intent);
  return fc.oneof(scenario('valid'), scenario('mixed'));
}

function scenario(intent: ScenarioIntent): fc.Arbitrary<GatewayScenario> {
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
  constructor(private readonly intent: ScenarioIntent) {}

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
    const of = fc.record({
      kind: fc.constant<'of'>('of'),
      maxConnections: limit,
      maxPendingRequests: limit,
      maxRequests: limit,
      maxRetries: limit,
      outlierDetection: this.optional(outlier, 2),
    }).map(compact).map(cb => Object.keys(cb).length === 1 ? { ...cb, maxConnections: 100 } : cb);
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
      name: this.pick(fc.constantFrom('legacy-llm', 'embeddings', 'small', '1st-llm'), fc.constantFrom('Legacy', '', 'svc.x')),
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
   * Render for this data plane instead of the scenario's Istio options.
   * @default - DataPlane.istio with the scenario's options
   */
  readonly dataPlane?: () => DataPlane;
}

/** Builds the scenario's chart through the public API. Errors the library throws propagate (see options). */
export function buildScenario(s: GatewayScenario, options: BuildScenarioOptions = {}): Chart {
  const chart = new Chart(Testing.app(), 'test', { namespace: s.namespace });
  const pools = s.pools.map(p => new LlmModelPool(chart, p.id, {
    name: p.name,
    namespaceName: p.namespace,
    modelName: p.modelName,
    server: p.server === 'demo' ? ModelServer.demo() : ModelServer.vllm({ model: 'meta-llama/Llama-3.1-8B-Instruct' }),
    accelerator: p.gpus === 0 ? Accelerator.none() : Accelerator.nvidiaGpu({ count: p.gpus }),
    replicas: p.replicas,
  }));
  const g = s.gateway;
  const gateway = new AiGateway(chart, 'gateway', {
    dataPlane: options.dataPlane?.() ?? DataPlane.istio({
      gatewayNamespace: g.istio.gatewayNamespace,
      gatewaySelector: g.istio.gatewaySelector === undefined ? undefined : { ...g.istio.gatewaySelector },
      meshEnrollment: g.istio.mesh === undefined ? undefined : g.istio.mesh === 'sidecar' ? MeshEnrollment.sidecar() : MeshEnrollment.ambient(),
    }),
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
    inferencePool = new InferencePool(pool, `InferencePool-${pool.node.children.length}`, { pool, ...settings });
    made.set(key, inferencePool);
  }
  return inferencePool;
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
    case 'inferencePool': return Backend.inferencePool(inferencePoolOf(pools[b.pool % pools.length], {
      pickerReplicas: b.pickerReplicas,
      failureMode: b.failOpen === undefined ? undefined : b.failOpen ? PickerFailureMode.FAIL_OPEN : PickerFailureMode.FAIL_CLOSE,
      objectives: b.objectives?.map((name, i) => ({ name, priority: i })),
    }));
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
