import { Duration } from 'cdk8s';
import type { IConstruct } from 'constructs';
import {
  INT32_MAX, invalid, requireArray, requireHeaderName, requireHttpPath, requireInstance, requireNonEmpty, requireObject, requireString,
  requireWholeNumber, wholeMillis, wholeSeconds,
} from '../validate';
import { Backend } from './backend';
import {
  CircuitBreakerSpec, FaultSpec, JwtSpec, MirrorSpec, RateLimitKeySpec, RateLimitSpec, RateLimitUnit, RetryConditionSpec, RetrySpec,
  SessionAffinitySpec, TimeoutSpec,
} from './resolved';

/*
 * Traffic policies. Each is a value object usable in a gateway's `defaults` and on a route; a route's own
 * value replaces the gateway's. Values are checked when a route resolves them, so errors name the route.
 */

/** Options for `Timeouts.of`. */
export interface TimeoutsOptions {
  /**
   * The whole request, from the first byte sent to the last byte of the response, retries included.
   * Streamed completions last minutes. `Duration.seconds(0)` removes the limit.
   * @default Duration.minutes(5)
   */
  readonly request?: Duration;
  /**
   * The longest pause allowed between two chunks of a streamed response (time to first token included).
   * Only some data planes have it; the others reject it with an alternative.
   * @default - the data plane's own idle timeout
   */
  readonly streamIdle?: Duration;
}

/**
 * How long a request may take.
 *
 * The default, `Timeouts.llmDefaults()`, allows five minutes per request: long enough for a streamed
 * completion from a loaded GPU, short enough to free a stuck connection. Tutorials often show seconds,
 * which cuts streamed answers off mid-sentence.
 */
export class Timeouts {
  /** Five minutes per request (a common choice for LLM routes; Envoy AI Gateway defaults to 60 s, llm-d to none). */
  public static llmDefaults(): Timeouts {
    return new Timeouts({});
  }

  /** Explicit timeouts. */
  public static of(options: TimeoutsOptions): Timeouts {
    return new Timeouts(requireObject('Timeouts.of', 'options', options));
  }

  private constructor(private readonly options: TimeoutsOptions) {}

  /** @internal */
  public _resolve(scope: IConstruct, property: string): TimeoutSpec {
    const request = wholeSeconds(scope, `${property}.request`, this.options.request ?? Duration.minutes(5), 0);
    const streamIdle = this.options.streamIdle === undefined ? undefined : wholeSeconds(scope, `${property}.streamIdle`, this.options.streamIdle, 1);
    return { requestSeconds: request, streamIdleSeconds: streamIdle };
  }
}

/**
 * A reason to retry a request.
 *
 * Completions are POSTs that cost GPU time: retry only when the model cannot have started work
 * (`CONNECT_FAILURE`, `REFUSED_STREAM`, `RESET_BEFORE_REQUEST`, `httpStatus(503)`). `FIVE_XX`, `RESET` and
 * `GATEWAY_ERROR` may repeat a request that a model already worked on; `RETRIABLE_4XX` means only 409.
 */
export class RetryCondition {
  /** The connection to the backend could not be opened. */
  public static readonly CONNECT_FAILURE = new RetryCondition('connect-failure');
  /** The backend refused the HTTP/2 stream (REFUSED_STREAM): it did not process the request. */
  public static readonly REFUSED_STREAM = new RetryCondition('refused-stream');
  /** The connection was reset before the request was sent (Istio 1.23 and later). */
  public static readonly RESET_BEFORE_REQUEST = new RetryCondition('reset-before-request');
  /** The connection was reset at any time, possibly after the model started work. */
  public static readonly RESET = new RetryCondition('reset');
  /** 502, 503 or 504, possibly after the model started work. */
  public static readonly GATEWAY_ERROR = new RetryCondition('gateway-error');
  /** Any 5xx response (includes GATEWAY_ERROR), possibly after the model did work. */
  public static readonly FIVE_XX = new RetryCondition('5xx');
  /** 409 Conflict only. */
  public static readonly RETRIABLE_4XX = new RetryCondition('retriable-4xx');

  /** A response status, such as 503 (overloaded before work began) or 429 (rate limited upstream). */
  public static httpStatus(code: number): RetryCondition {
    return new RetryCondition(String(code), code);
  }

  private constructor(private readonly token: string, private readonly status?: number) {}

  /** @internal */
  public _resolve(scope: IConstruct, property: string): RetryConditionSpec {
    if (this.status !== undefined) requireWholeNumber(scope, property, this.status, 400, 599);
    return { token: this.token, status: this.status };
  }
}

/** Options for `RetryPolicy.llmSafe`. */
export interface LlmSafeRetryOptions {
  /**
   * Retries after the first attempt.
   * @default 2
   */
  readonly attempts?: number;
  /**
   * The pause before the first retry; later ones back off exponentially from it. Data planes that cannot
   * pause between retries (ingress-nginx) leave the default out, and reject an explicit value.
   * @default Duration.millis(250)
   */
  readonly backoff?: Duration;
}

/** Options for `RetryPolicy.custom`. */
export interface CustomRetryOptions {
  /** Retries after the first attempt (1 to 10). */
  readonly attempts: number;
  /** When to retry. */
  readonly conditions: RetryCondition[];
  /**
   * How long each attempt may take until the response headers arrive. Must leave room for every attempt
   * within the route's request timeout.
   * @default - no per-attempt limit: the route's request timeout applies
   */
  readonly perTryTimeout?: Duration;
  /**
   * The pause before the first retry; later ones back off exponentially from it.
   * @default - the data plane's default backoff (Envoy: 25 ms base)
   */
  readonly backoff?: Duration;
}

/**
 * When and how often a failed request is sent again.
 *
 * The default, `RetryPolicy.llmSafe()`, retries twice with backoff, only on conditions where the model did no
 * work: connect failure, refused stream, reset before request, and 503. It has no per-try timeout, so a
 * long completion is never cut off and sent again. Never `retriable-4xx` or a bare `5xx` by default.
 *
 * @example
 * RetryPolicy.llmSafe({ attempts: 1 });
 * RetryPolicy.custom({ attempts: 3, conditions: [RetryCondition.CONNECT_FAILURE, RetryCondition.httpStatus(503)] });
 */
export class RetryPolicy {
  /**
   * Retries only what cannot have reached the model, with backoff. Where a data plane cannot express one of these
   * conditions it retries on the others (Gateway API with Istio retries no `reset-before-request`); the
   * capability table says so.
   */
  public static llmSafe(options: LlmSafeRetryOptions = {}): RetryPolicy {
    requireObject('RetryPolicy.llmSafe', 'options', options);
    return new RetryPolicy(options.backoff !== undefined, {
      attempts: options.attempts ?? 2,
      conditions: [
        RetryCondition.CONNECT_FAILURE, RetryCondition.REFUSED_STREAM, RetryCondition.RESET_BEFORE_REQUEST, RetryCondition.httpStatus(503),
      ],
      backoff: options.backoff ?? Duration.millis(250),
    }, true);
  }

  /** Your own conditions, attempts and timeouts (for example a tutorial's `5xx` with a 2 s per-try timeout). */
  public static custom(options: CustomRetryOptions): RetryPolicy {
    requireObject('RetryPolicy.custom', 'options', options);
    return new RetryPolicy(options.backoff !== undefined, options);
  }

  /** No retries (replaces a gateway default on one route). */
  public static none(): RetryPolicy {
    return new RetryPolicy(false, undefined);
  }

  private constructor(
    private readonly explicitBackoff: boolean,
    private readonly options: CustomRetryOptions | undefined,
    private readonly llmSafe = false,
  ) {}

  /** @internal */
  public _resolve(scope: IConstruct, property: string): RetrySpec | undefined {
    const o = this.options;
    if (o === undefined) return undefined;
    const attempts = requireWholeNumber(scope, `${property}.attempts`, o.attempts, 1, 10);
    requireArray(scope, `${property}.conditions`, o.conditions).forEach((c, i) => requireInstance(scope, `${property}.conditions[${i}]`, c, RetryCondition,
      'RetryCondition.CONNECT_FAILURE, RetryCondition.httpStatus(503) and the other RetryCondition values'));
    if (o.conditions.length === 0) {
      throw invalid(scope, `${property}.conditions`, [], 'is empty, so nothing would be retried', 'list the conditions to retry on, or use RetryPolicy.none()');
    }
    const conditions = o.conditions.map((c, i) => c._resolve(scope, `${property}.conditions[${i}]`));
    const perTry = o.perTryTimeout === undefined ? undefined : wholeSeconds(scope, `${property}.perTryTimeout`, o.perTryTimeout, 1);
    const backoffMillis = o.backoff === undefined ? undefined : wholeMillis(scope, `${property}.backoff`, o.backoff);
    return { attempts, perTrySeconds: perTry, conditions, backoffMillis, backoffExplicit: this.explicitBackoff, llmSafe: this.llmSafe || undefined };
  }
}

/** Options for outlier detection: eject a backend endpoint that keeps failing. */
export interface OutlierDetectionOptions {
  /**
   * Consecutive 5xx responses (or connection failures) before an endpoint is ejected.
   * @default 5
   */
  readonly consecutiveErrors?: number;
  /**
   * How often endpoints are evaluated.
   * @default Duration.seconds(10)
   */
  readonly interval?: Duration;
  /**
   * How long an ejected endpoint stays out (multiplied by the number of times it was ejected).
   * @default Duration.seconds(30)
   */
  readonly baseEjectionTime?: Duration;
  /**
   * The most endpoints, in percent, that may be ejected at once.
   * @default 50
   */
  readonly maxEjectionPercent?: number;
}

/** Options for `CircuitBreaker.of`. */
export interface CircuitBreakerOptions {
  /**
   * The most connections to the backend (per gateway replica).
   * @default - the data plane's default
   */
  readonly maxConnections?: number;
  /**
   * The most requests waiting for a connection.
   * @default - the data plane's default
   */
  readonly maxPendingRequests?: number;
  /**
   * The most requests in flight to the backend.
   * @default - the data plane's default
   */
  readonly maxRequests?: number;
  /**
   * The most retries in flight to the backend.
   * @default - the data plane's default
   */
  readonly maxRetries?: number;
  /**
   * Eject endpoints that keep failing.
   * @default - no outlier detection
   */
  readonly outlierDetection?: OutlierDetectionOptions;
}

/**
 * Limits that keep an overloaded backend from being buried in requests, and ejection of failing endpoints.
 * Limits apply per backend (a data plane may need every route to that backend to agree).
 *
 * @example
 * CircuitBreaker.of({ maxConnections: 100, maxPendingRequests: 50, outlierDetection: { consecutiveErrors: 5 } });
 */
export class CircuitBreaker {
  /** Connection-pool limits and optional outlier detection. */
  public static of(options: CircuitBreakerOptions): CircuitBreaker {
    return new CircuitBreaker(requireObject('CircuitBreaker.of', 'options', options));
  }

  /** No circuit breaking (replaces a gateway default on one route). */
  public static none(): CircuitBreaker {
    return new CircuitBreaker(undefined);
  }

  private constructor(private readonly options: CircuitBreakerOptions | undefined) {}

  /** @internal */
  public _resolve(scope: IConstruct, property: string): CircuitBreakerSpec | undefined {
    const o = this.options;
    if (o === undefined) return undefined;
    const limit = (name: keyof CircuitBreakerOptions) => {
      const value = o[name] as number | undefined;
      return value === undefined ? undefined : requireWholeNumber(scope, `${property}.${name}`, value, 1, INT32_MAX);
    };
    const od = o.outlierDetection;
    const spec: CircuitBreakerSpec = {
      maxConnections: limit('maxConnections'),
      maxPendingRequests: limit('maxPendingRequests'),
      maxRequests: limit('maxRequests'),
      maxRetries: limit('maxRetries'),
      outlierDetection: od === undefined ? undefined : {
        consecutiveErrors: requireWholeNumber(scope, `${property}.outlierDetection.consecutiveErrors`, od.consecutiveErrors ?? 5, 1, INT32_MAX),
        intervalSeconds: wholeSeconds(scope, `${property}.outlierDetection.interval`, od.interval ?? Duration.seconds(10), 1),
        baseEjectionSeconds: wholeSeconds(scope, `${property}.outlierDetection.baseEjectionTime`, od.baseEjectionTime ?? Duration.seconds(30), 1),
        maxEjectionPercent: requireWholeNumber(scope, `${property}.outlierDetection.maxEjectionPercent`, od.maxEjectionPercent ?? 50, 1, 100),
      },
    };
    if (Object.values(spec).every(v => v === undefined)) {
      throw invalid(scope, property, 'CircuitBreaker.of({})', 'sets no limit and no outlier detection', 'set at least one limit or outlierDetection, or use CircuitBreaker.none()');
    }
    return spec;
  }
}

/** Options for `SessionAffinity.cookie`. */
export interface CookieAffinityOptions {
  /** The cookie's name. */
  readonly name: string;
  /** How long the cookie keeps a client on one replica (whole seconds). */
  readonly ttl: Duration;
  /**
   * The cookie's path.
   * @default - no path attribute
   */
  readonly path?: string;
}

/**
 * Keeps a client on one replica, so its conversation's prefix stays in that replica's KV cache.
 * Replaces least-request load balancing for that backend.
 */
export class SessionAffinity {
  /** By a cookie the gateway sets. */
  public static cookie(options: CookieAffinityOptions): SessionAffinity {
    requireObject('SessionAffinity.cookie', 'options', options);
    return new SessionAffinity((scope, property) => {
      requireNonEmpty(scope, `${property}.name`, options.name);
      if (options.path !== undefined) requireHttpPath(scope, `${property}.path`, options.path);
      return { kind: 'cookie', name: options.name, ttlSeconds: wholeSeconds(scope, `${property}.ttl`, options.ttl, 1), path: options.path };
    });
  }

  /** By the value of a request header, such as a session or user id. */
  public static header(name: string): SessionAffinity {
    return new SessionAffinity((scope, property) => ({ kind: 'header', name: requireHeaderName(scope, `${property}.name`, name) }));
  }

  /** No affinity (replaces a gateway default on one route). */
  public static none(): SessionAffinity {
    return new SessionAffinity(() => undefined);
  }

  private constructor(private readonly resolver: (scope: IConstruct, property: string) => SessionAffinitySpec | undefined) {}

  /** @internal */
  public _resolve(scope: IConstruct, property: string): SessionAffinitySpec | undefined {
    return this.resolver(scope, property);
  }
}

/** Who a rate limit counts separately. */
export class RateLimitKey {
  /** One budget shared by everyone. */
  public static allClients(): RateLimitKey {
    return new RateLimitKey({ kind: 'global' });
  }

  /** A budget per client IP address. */
  public static clientIp(): RateLimitKey {
    return new RateLimitKey({ kind: 'clientIp' });
  }

  /** A budget per value of a request header (a tenant or API-key header). */
  public static header(name: string): RateLimitKey {
    return new RateLimitKey({ kind: 'header', name });
  }

  /** A budget per value of a claim of the validated JWT (needs `JwtAuth`). */
  public static jwtClaim(claim: string): RateLimitKey {
    return new RateLimitKey({ kind: 'jwtClaim', name: claim });
  }

  private constructor(private readonly spec: RateLimitKeySpec) {}

  /** @internal */
  public _resolve(scope: IConstruct, property: string): RateLimitKeySpec {
    if (this.spec.kind === 'header') requireHeaderName(scope, `${property}.name`, this.spec.name!);
    if (this.spec.kind === 'jwtClaim') requireNonEmpty(scope, `${property}.claim`, this.spec.name!);
    return this.spec;
  }
}

/** Options for request rate limits. */
export interface RequestRateLimitOptions {
  /**
   * The most requests admitted at once: a client (or, for `RateLimitKey.allClients()`, everyone) that has been
   * quiet may send this many together; after that, requests are admitted at the steady rate. "1 a second with
   * bursts of up to 5 requests" is `RateLimit.requestsPerSecond(1, { burst: 5 })`. Data planes that refill the
   * whole limit each second or minute (Istio, Envoy Gateway) need a burst of at least the limit; Envoy Gateway
   * admits exactly the limit at once, and rejects any other burst.
   * @default - the limit: a whole second's (minute's) requests at once (ingress-nginx admits one more, as nginx
   * lets the first request through outside its burst allowance)
   */
  readonly burst?: number;
  /**
   * Who is counted separately.
   * @default RateLimitKey.allClients()
   */
  readonly key?: RateLimitKey;
}

/** Options for token budgets. */
export interface TokenBudgetOptions {
  /**
   * Who gets a budget: usually a tenant header or a JWT claim.
   * @default RateLimitKey.allClients()
   */
  readonly key?: RateLimitKey;
}

/**
 * How many requests (or model tokens) a route accepts per unit of time. Rejected requests get 429.
 *
 * Request limits are enforced by the gateway replicas; token budgets count the tokens the model reports
 * and need a data plane that reads responses (Envoy AI Gateway).
 *
 * @example
 * RateLimit.requestsPerSecond(1, { burst: 5, key: RateLimitKey.clientIp() });
 * RateLimit.tokensPerHour(1_000_000, { key: RateLimitKey.header('x-tenant-id') });
 */
export class RateLimit {
  /** Requests per second. */
  public static requestsPerSecond(requests: number, options: RequestRateLimitOptions = {}): RateLimit {
    return new RateLimit('requests', requests, 'second', options.burst, options.key);
  }

  /** Requests per minute. */
  public static requestsPerMinute(requests: number, options: RequestRateLimitOptions = {}): RateLimit {
    return new RateLimit('requests', requests, 'minute', options.burst, options.key);
  }

  /** A budget of model tokens (prompt and completion) per minute. */
  public static tokensPerMinute(tokens: number, options: TokenBudgetOptions = {}): RateLimit {
    return new RateLimit('tokens', tokens, 'minute', undefined, options.key);
  }

  /** A budget of model tokens per hour. */
  public static tokensPerHour(tokens: number, options: TokenBudgetOptions = {}): RateLimit {
    return new RateLimit('tokens', tokens, 'hour', undefined, options.key);
  }

  /** A budget of model tokens per day. */
  public static tokensPerDay(tokens: number, options: TokenBudgetOptions = {}): RateLimit {
    return new RateLimit('tokens', tokens, 'day', undefined, options.key);
  }

  /** No rate limit (replaces a gateway default on one route). */
  public static none(): RateLimit {
    return new RateLimit('requests', 0, 'second', undefined, undefined, true);
  }

  private constructor(
    private readonly counts: 'requests' | 'tokens',
    private readonly limit: number,
    private readonly unit: RateLimitUnit,
    private readonly burst: number | undefined,
    private readonly key: RateLimitKey | undefined,
    private readonly disabled = false,
  ) {}

  /** @internal */
  public _resolve(scope: IConstruct, property: string): RateLimitSpec | undefined {
    if (this.disabled) return undefined;
    if (!Number.isInteger(this.limit) || this.limit < 1 || this.limit > INT32_MAX) {
      throw invalid(scope, `${property}.limit`, this.limit, `must be a whole number of ${this.counts} per ${this.unit}, 1 or more`,
        'a limit of 0 would reject every request: use RateLimit.none() for no limit, or a positive limit');
    }
    const burst = this.burst === undefined ? undefined : requireWholeNumber(scope, `${property}.burst`, this.burst, 1, INT32_MAX);
    if (this.key !== undefined) requireInstance(scope, `${property}.key`, this.key, RateLimitKey, 'RateLimitKey.clientIp(), RateLimitKey.header(name) and the like');
    const key = (this.key ?? RateLimitKey.allClients())._resolve(scope, `${property}.key`);
    return { counts: this.counts, limit: this.limit, unit: this.unit, burst, key };
  }
}

/** A claim the validated JWT must carry, with one of the allowed values. */
export interface JwtClaimRequirement {
  /** The claim's name, such as `groups` or `tier`. */
  readonly claim: string;
  /** Accepted values: the claim (or one element of a list claim) must equal one of them. */
  readonly values: string[];
}

/** Options for `JwtAuth.of`. */
export interface JwtAuthOptions {
  /** The `iss` the tokens must carry. */
  readonly issuer: string;
  /**
   * Where the issuer publishes its signing keys. Give this or `jwks`.
   * @default - none
   */
  readonly jwksUri?: string;
  /**
   * The signing keys inline, as a JWKS JSON document. Give this or `jwksUri`.
   * @default - none
   */
  readonly jwks?: string;
  /**
   * Accepted `aud` values.
   * @default - any audience
   */
  readonly audiences?: string[];
  /**
   * Claims that must be present with an allowed value.
   * @default - none
   */
  readonly requiredClaims?: JwtClaimRequirement[];
  /**
   * Pass the token on to the model server.
   * @default false
   */
  readonly forwardToken?: boolean;
}

/**
 * Requires a valid JWT (bearer token) from the given issuer on every request. Requests without a token are
 * rejected, not let through.
 *
 * @example
 * JwtAuth.of({ issuer: 'https://auth.example.com', jwksUri: 'https://auth.example.com/.well-known/jwks.json', audiences: ['llm'] });
 */
export class JwtAuth {
  /** Validate tokens from one issuer. */
  public static of(options: JwtAuthOptions): JwtAuth {
    return new JwtAuth(requireObject('JwtAuth.of', 'options', options));
  }

  /** No JWT validation (replaces a gateway default on one route, where the data plane can). */
  public static none(): JwtAuth {
    return new JwtAuth(undefined);
  }

  private constructor(private readonly options: JwtAuthOptions | undefined) {}

  /** @internal */
  public _resolve(scope: IConstruct, property: string): JwtSpec | undefined {
    const o = this.options;
    if (o === undefined) return undefined;
    if (o.issuer !== undefined) requireString(scope, `${property}.issuer`, o.issuer);
    if (o.issuer === undefined || o.issuer.trim() === '') {
      throw invalid(scope, `${property}.issuer`, o.issuer, 'is missing, so any issuer would be trusted', "set 'issuer' to the iss of your identity provider");
    }
    if ((o.jwksUri === undefined) === (o.jwks === undefined)) {
      throw invalid(scope, `${property}.jwksUri`, o.jwksUri ?? 'not set', o.jwksUri === undefined
        ? 'and jwks are both missing, so no token could be verified'
        : 'and jwks are both set', "give exactly one of 'jwksUri' (the issuer's key URL) and 'jwks' (the keys inline)");
    }
    if (o.jwksUri !== undefined && !/^https?:\/\/\S+$/.test(o.jwksUri)) {
      throw invalid(scope, `${property}.jwksUri`, o.jwksUri, 'is not an http(s) URL', 'use the issuer\'s JWKS URL, such as https://idp.example.com/.well-known/jwks.json');
    }
    if (o.jwks !== undefined) {
      let keys: unknown;
      try {
        keys = JSON.parse(o.jwks);
      } catch {
        keys = undefined;
      }
      if (typeof keys !== 'object' || keys === null || !Array.isArray((keys as { keys?: unknown }).keys)) {
        throw invalid(scope, `${property}.jwks`, o.jwks, 'is not a JWKS document (JSON with a "keys" list)', 'paste the issuer\'s JWKS JSON, or use jwksUri');
      }
    }
    requireArray(scope, `${property}.audiences`, o.audiences ?? []).forEach((a, i) => {
      if (typeof a !== 'string' || a.trim() === '') {
        throw invalid(scope, `${property}.audiences[${i}]`, a, 'is empty, and no token carries an empty audience', 'give the aud value your tokens carry, or leave audiences out to accept any');
      }
    });
    const requiredClaims = requireArray(scope, `${property}.requiredClaims`, o.requiredClaims ?? []).map((c, i) => {
      requireObject(scope, `${property}.requiredClaims[${i}]`, c);
      requireNonEmpty(scope, `${property}.requiredClaims[${i}].claim`, c.claim);
      if (requireArray(scope, `${property}.requiredClaims[${i}].values`, c.values).length === 0) {
        throw invalid(scope, `${property}.requiredClaims[${i}].values`, [], 'is empty, so no token could pass', 'list the accepted values');
      }
      return { claim: c.claim, values: [...c.values] };
    });
    return {
      issuer: o.issuer, jwksUri: o.jwksUri, jwks: o.jwks, audiences: [...(o.audiences ?? [])], requiredClaims, forwardToken: o.forwardToken ?? false,
    };
  }
}

/** Options for `RequestMirror.to`. */
export interface RequestMirrorOptions {
  /**
   * The share of requests copied, in percent (0 to 100, fractions allowed).
   * @default 100
   */
  readonly percent?: number;
}

/**
 * Copies requests to a second backend and discards its responses: try a new model on real traffic
 * without affecting users. Mirrored completions cost GPU time on the mirror.
 */
export class RequestMirror {
  /** Mirror to `backend`. */
  public static to(backend: Backend, options: RequestMirrorOptions = {}): RequestMirror {
    requireInstance('RequestMirror.to', 'backend', backend, Backend, 'Backend.pool(...) or Backend.service(...)');
    requireObject('RequestMirror.to', 'options', options);
    return new RequestMirror(backend, options.percent ?? 100);
  }

  private constructor(private readonly backend: Backend, private readonly percent: number) {}

  /** @internal */
  public _resolve(scope: IConstruct, property: string, defaultNamespace: string | undefined): MirrorSpec {
    const backend = this.backend._resolve(scope, `${property}.backend`, defaultNamespace);
    if (backend.mode !== 'single') {
      throw invalid(scope, `${property}.backend`, `Backend.${this.backend._kind}`, 'cannot be a mirror target', 'mirror to a single pool or Service');
    }
    return { backend, percent: percentage(scope, `${property}.percent`, this.percent) };
  }
}

/** Options for `FaultInjection.of`. */
export interface FaultInjectionOptions {
  /**
   * Delay requests by this long before forwarding them.
   * @default - no delay
   */
  readonly delay?: Duration;
  /**
   * The share of requests delayed, in percent.
   * @default 100 when `delay` is set
   */
  readonly delayPercent?: number;
  /**
   * Answer requests with this HTTP status instead of forwarding them.
   * @default - no aborts
   */
  readonly abortHttpStatus?: number;
  /**
   * The share of requests aborted, in percent.
   * @default 100 when `abortHttpStatus` is set
   */
  readonly abortPercent?: number;
}

/** Injects delays and errors into a route, to test how clients and retries cope. Not for production routes. */
export class FaultInjection {
  /** Delays and/or aborts a share of requests. */
  public static of(options: FaultInjectionOptions): FaultInjection {
    return new FaultInjection(requireObject('FaultInjection.of', 'options', options));
  }

  private constructor(private readonly options: FaultInjectionOptions) {}

  /** @internal */
  public _resolve(scope: IConstruct, property: string): FaultSpec {
    const o = this.options;
    if (o.delay === undefined && o.abortHttpStatus === undefined) {
      throw invalid(scope, property, 'FaultInjection.of({})', 'injects nothing', 'set delay, abortHttpStatus or both');
    }
    if (o.delay === undefined && o.delayPercent !== undefined) {
      throw invalid(scope, `${property}.delayPercent`, o.delayPercent, 'is set without a delay', 'set delay too, or remove delayPercent');
    }
    if (o.abortHttpStatus === undefined && o.abortPercent !== undefined) {
      throw invalid(scope, `${property}.abortPercent`, o.abortPercent, 'is set without an abortHttpStatus', 'set abortHttpStatus too, or remove abortPercent');
    }
    const delayMillis = o.delay === undefined ? undefined : wholeMillis(scope, `${property}.delay`, o.delay);
    return {
      delayMillis,
      delayPercent: o.delay === undefined ? undefined : percentage(scope, `${property}.delayPercent`, o.delayPercent ?? 100),
      abortStatus: o.abortHttpStatus === undefined ? undefined : requireWholeNumber(scope, `${property}.abortHttpStatus`, o.abortHttpStatus, 200, 599),
      abortPercent: o.abortHttpStatus === undefined ? undefined : percentage(scope, `${property}.abortPercent`, o.abortPercent ?? 100),
    };
  }
}

function percentage(scope: IConstruct, property: string, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > 100) {
    throw invalid(scope, property, value, 'is not a percentage', 'use a number from 0 to 100');
  }
  return value;
}
