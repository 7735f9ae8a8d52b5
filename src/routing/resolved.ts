import type { IConstruct } from 'constructs';
import type { InferencePool } from '../inference-pool';
import type { ILlmModelPool } from '../llm-model-pool';
import type { SecretKeyReference } from '../model-server';
import type { ProviderApi } from './backend';
import type { HttpMethod } from './match';

/*
 * The neutral model's resolved form: what AiGateway hands a data-plane renderer. Not exported from the
 * package; value objects produce these through their @internal methods.
 */

/** How a path condition compares. */
export type PathMatchKind = 'prefix' | 'exact';
/** How a header or query condition compares. */
export type ValueMatchKind = 'exact' | 'regex' | 'present';

/** A condition on a named header or query parameter. */
export interface ValueCondition {
  readonly name: string;
  readonly kind: ValueMatchKind;
  readonly value?: string;
}

/** The conditions of one match, all of which must hold. */
export interface MatchConditions {
  readonly path?: { readonly kind: PathMatchKind; readonly value: string };
  readonly headers: readonly ValueCondition[];
  readonly queryParams: readonly ValueCondition[];
  readonly method?: HttpMethod;
  /** The OpenAI request body's `model` field. */
  readonly model?: string;
}


/** One place traffic can go. */
export interface DestinationSpec {
  readonly kind: 'pool' | 'service' | 'provider' | 'inferencePool';
  /** The Service name, or the provider's name. */
  readonly name: string;
  /** The Service namespace (Kubernetes destinations). */
  readonly namespace?: string;
  readonly port: number;
  /** The model server, when the destination is a pool (or an InferencePool over one). */
  readonly pool?: ILlmModelPool;
  /** The hosted provider, when the destination is one. */
  readonly provider?: ProviderSpec;
  /** The InferencePool, when the destination is a pool behind an endpoint picker. */
  readonly inferencePool?: InferencePool;
  /** The InferencePool's settings that data planes check, when the destination is one. */
  readonly inference?: InferenceSpec;
  /** Relative weight among the backend's destinations (1 for a single destination). */
  readonly weight: number;
}

/** A hosted model provider. */
export interface ProviderSpec {
  readonly api: ProviderApi;
  readonly hostname: string;
  readonly apiKey?: SecretKeyReference;
  readonly region?: string;
  readonly project?: string;
  readonly modelName?: string;
}

/** What a data plane needs to know of an InferencePool's settings (the InferencePool renders the rest itself). */
export interface InferenceSpec {
  readonly failureMode: 'FailOpen' | 'FailClose';
}

/** Where a route sends traffic: one destination, a weighted split, or an ordered fallback list. */
export interface BackendSpec {
  readonly mode: 'single' | 'weighted' | 'fallback';
  readonly destinations: readonly DestinationSpec[];
}

/** Timeouts in whole seconds. */
export interface TimeoutSpec {
  /** The whole request, retries included; 0 means no limit. */
  readonly requestSeconds: number;
  /** The longest pause between two chunks of a streamed response. */
  readonly streamIdleSeconds?: number;
}

/** A retry condition. */
export interface RetryConditionSpec {
  /** A neutral name: connect-failure, refused-stream, reset-before-request, reset, gateway-error, 5xx, retriable-4xx, or a status code. */
  readonly token: string;
  /** The status code, for status conditions. */
  readonly status?: number;
}

export interface RetrySpec {
  /** Retries after the first attempt; 0 means none. */
  readonly attempts: number;
  readonly perTrySeconds?: number;
  readonly conditions: readonly RetryConditionSpec[];
  readonly backoffMillis?: number;
  /** Whether the user asked for the backoff (RetryPolicy.llmSafe() has a default one, which a data plane without backoff may leave out). */
  readonly backoffExplicit: boolean;
  /** Whether this is the library's default (RetryPolicy.llmSafe() where nobody set a retry policy). */
  readonly isDefault?: boolean;
  /**
   * Whether the conditions are RetryPolicy.llmSafe()'s ("only what cannot have reached the model"), which a data
   * plane may narrow to the ones it can express, as it may leave out llmSafe()'s default backoff.
   */
  readonly llmSafe?: boolean;
}

export interface OutlierDetectionSpec {
  readonly consecutiveErrors: number;
  readonly intervalSeconds: number;
  readonly baseEjectionSeconds: number;
  readonly maxEjectionPercent: number;
}

export interface CircuitBreakerSpec {
  readonly maxConnections?: number;
  readonly maxPendingRequests?: number;
  readonly maxRequests?: number;
  readonly maxRetries?: number;
  readonly outlierDetection?: OutlierDetectionSpec;
}

export interface SessionAffinitySpec {
  readonly kind: 'cookie' | 'header';
  /** The cookie or header name. */
  readonly name: string;
  readonly ttlSeconds?: number;
  readonly path?: string;
}

export type RateLimitUnit = 'second' | 'minute' | 'hour' | 'day';

export interface RateLimitKeySpec {
  readonly kind: 'global' | 'clientIp' | 'header' | 'jwtClaim';
  /** The header or claim name. */
  readonly name?: string;
}

export interface RateLimitSpec {
  readonly counts: 'requests' | 'tokens';
  readonly limit: number;
  readonly unit: RateLimitUnit;
  /** The most requests admitted at once (the bucket); undefined: the data plane's default, one limit's worth. */
  readonly burst?: number;
  readonly key: RateLimitKeySpec;
}

export interface JwtSpec {
  readonly issuer: string;
  readonly jwksUri?: string;
  readonly jwks?: string;
  readonly audiences: readonly string[];
  readonly requiredClaims: ReadonlyArray<{ readonly claim: string; readonly values: readonly string[] }>;
  readonly forwardToken: boolean;
}

export interface MirrorSpec {
  readonly backend: BackendSpec;
  readonly percent: number;
}

export interface FaultSpec {
  readonly delayMillis?: number;
  readonly delayPercent?: number;
  readonly abortStatus?: number;
  readonly abortPercent?: number;
}

/** Every policy of a route after inheritance (route, then gateway defaults, then library defaults). */
export interface PolicySpec {
  readonly timeouts: TimeoutSpec;
  readonly retry?: RetrySpec;
  readonly circuitBreaker?: CircuitBreakerSpec;
  readonly sessionAffinity?: SessionAffinitySpec;
  readonly rateLimit?: RateLimitSpec;
  readonly jwt?: JwtSpec;
}

/** A route as a data plane renders it. */
export interface RouteSpec {
  readonly id: string;
  /** The route construct, for error messages. */
  readonly scope: IConstruct;
  /** ORed; empty for the catch-all. */
  readonly matches: readonly MatchConditions[];
  readonly backend: BackendSpec;
  readonly policies: PolicySpec;
  /** Which policies the route set itself rather than inheriting. */
  readonly ownPolicies: ReadonlySet<keyof PolicySpec>;
  readonly mirror?: MirrorSpec;
  readonly fault?: FaultSpec;
}

/** A listener of the gateway. */
export interface ListenerSpec {
  readonly protocol: 'HTTP' | 'HTTPS';
  readonly port: number;
  /** The Secret with the TLS certificate and key (HTTPS). */
  readonly tlsSecret?: string;
}

/** The gateway as a data plane renders it. */
export interface GatewaySpec {
  readonly name: string;
  readonly namespace?: string;
  readonly hostnames: readonly string[];
  readonly listeners: readonly ListenerSpec[];
  /** The gateway-wide policies, with the library defaults applied. */
  readonly defaults: PolicySpec;
}
