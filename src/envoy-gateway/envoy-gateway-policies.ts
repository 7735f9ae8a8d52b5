import { Lazy } from 'cdk8s';
import type { Construct, IConstruct } from 'constructs';
import { gatewayDuration } from '../gateway-objects/gateway';
import {
  BackendTrafficPolicySpec, BackendTrafficPolicySpecLoadBalancerConsistentHashType, BackendTrafficPolicySpecLoadBalancerType,
  BackendTrafficPolicySpecRateLimitGlobalRulesClientSelectorsHeadersType, BackendTrafficPolicySpecRateLimitLocalRulesLimitUnit,
  BackendTrafficPolicySpecRateLimitType, BackendTrafficPolicySpecRetryRetryOnTriggers, SecurityPolicy,
} from '../imports/gateway.envoyproxy.io';
import type { GatewayWorkload } from '../routing/data-plane';
import type { GatewaySpec, JwtSpec, RateLimitKeySpec, RateLimitSpec, RetrySpec, RouteSpec } from '../routing/resolved';
import { invalid } from '../validate';

/*
 * Envoy Gateway policy objects that both the Gateway API data plane (Envoy Gateway implementation) and the
 * Envoy AI Gateway data plane render. Shared helpers, not a renderer.
 */

/** A policy target: a Gateway, or an HTTPRoute (and one of its rules by sectionName). */
export interface PolicyTarget {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly sectionName?: string;
}

/**
 * A BackendTrafficPolicy spec with every effective setting of `route` (a rule's policy replaces the
 * Gateway's in Envoy Gateway, so nothing is left to inheritance): retries, load balancing or affinity,
 * circuit breaking, passive health checks, rate limit, stream idle timeout, faults.
 */
export function backendTrafficPolicySpec(route: RouteSpec, targetRefs: readonly PolicyTarget[], dataPlane = 'Envoy Gateway',
  extras: RateLimitExtras = {}): BackendTrafficPolicySpec {
  const p = route.policies;
  const d = (property: string, millis: number) => gatewayDuration(route.scope, property, millis);
  return {
    targetRefs: [...targetRefs],
    retry: p.retry === undefined ? { numRetries: 0 } : envoyGatewayRetry(route, p.retry),
    loadBalancer: loadBalancer(route),
    circuitBreaker: p.circuitBreaker === undefined ? undefined : {
      maxConnections: p.circuitBreaker.maxConnections,
      maxPendingRequests: p.circuitBreaker.maxPendingRequests,
      maxParallelRequests: p.circuitBreaker.maxRequests,
      maxParallelRetries: p.circuitBreaker.maxRetries,
    },
    healthCheck: p.circuitBreaker?.outlierDetection === undefined ? undefined : {
      passive: {
        consecutive5XxErrors: p.circuitBreaker.outlierDetection.consecutiveErrors,
        interval: d('circuitBreaker.outlierDetection.interval', p.circuitBreaker.outlierDetection.intervalSeconds * 1000),
        baseEjectionTime: d('circuitBreaker.outlierDetection.baseEjectionTime', p.circuitBreaker.outlierDetection.baseEjectionSeconds * 1000),
        maxEjectionPercent: p.circuitBreaker.outlierDetection.maxEjectionPercent,
      },
    },
    rateLimit: p.rateLimit === undefined ? undefined : envoyGatewayRateLimit(route, p.rateLimit, dataPlane, extras),
    timeout: p.timeouts.streamIdleSeconds === undefined ? undefined
      : { http: { streamIdleTimeout: d('timeouts.streamIdle', p.timeouts.streamIdleSeconds * 1000) } },
    faultInjection: route.fault === undefined ? undefined : {
      delay: route.fault.delayMillis === undefined ? undefined : { fixedDelay: d('fault.delay', route.fault.delayMillis), percentage: route.fault.delayPercent },
      abort: route.fault.abortStatus === undefined ? undefined : { httpStatus: route.fault.abortStatus, percentage: route.fault.abortPercent },
    },
  };
}

/**
 * An Envoy Gateway retry. Status codes are retried only with the `retriable-status-codes` trigger (envoyproxy/gateway
 * v1.8.1 api/v1alpha1/retry_types.go), and the translator copies the triggers verbatim; an empty trigger list
 * would be replaced by Envoy Gateway's own defaults (internal/xds/translator/route.go), so it is never rendered.
 */
export function envoyGatewayRetry(route: RouteSpec, retry: RetrySpec): NonNullable<BackendTrafficPolicySpec['retry']> {
  const triggers = retry.conditions.filter(c => c.status === undefined).map(c => retryTrigger(route, c.token));
  const codes = statusCodes(retry.conditions);
  if (codes !== undefined) triggers.push(BackendTrafficPolicySpecRetryRetryOnTriggers.RETRIABLE_HYPHEN_STATUS_HYPHEN_CODES);
  return {
    numRetries: retry.attempts,
    retryOn: { triggers, httpStatusCodes: codes },
    // The per-try timeout lives here, not in HTTPRoute timeouts.backendRequest: without an HTTPRoute retry,
    // Envoy Gateway makes backendRequest the timeout of the whole request.
    perRetry: retry.backoffMillis === undefined && retry.perTrySeconds === undefined ? undefined : {
      timeout: retry.perTrySeconds === undefined ? undefined : gatewayDuration(route.scope, 'retry.perTryTimeout', retry.perTrySeconds * 1000),
      backOff: retry.backoffMillis === undefined ? undefined : {
        baseInterval: gatewayDuration(route.scope, 'retry.backoff', retry.backoffMillis),
        maxInterval: gatewayDuration(route.scope, 'retry.backoff', retry.backoffMillis * 10),
      },
    },
  };
}

/**
 * Least-request balancing, or consistent hashing for affinity. Left out for a rule to an InferencePool: Envoy AI
 * Gateway's extension server (which serves InferencePools for Envoy Gateway) makes its cluster ORIGINAL_DST with the
 * cluster-provided policy, so the endpoint picker's choice is the only balancing (envoyproxy/ai-gateway v1.1.0
 * internal/extensionserver/post_cluster_modify.go). Affinity there is rejected before this point.
 */
function loadBalancer(route: RouteSpec): BackendTrafficPolicySpec['loadBalancer'] {
  const affinity = route.policies.sessionAffinity;
  if (route.backend.destinations.some(x => x.kind === 'inferencePool')) {
    if (affinity !== undefined) throw new Error(`${route.scope.node.path}: affinity reached an InferencePool rule (a check is missing)`);
    return undefined;
  }
  if (affinity === undefined) return { type: BackendTrafficPolicySpecLoadBalancerType.LEAST_REQUEST };
  return {
    type: BackendTrafficPolicySpecLoadBalancerType.CONSISTENT_HASH,
    consistentHash: affinity.kind === 'cookie'
      ? {
        type: BackendTrafficPolicySpecLoadBalancerConsistentHashType.COOKIE,
        cookie: {
          name: affinity.name,
          ttl: gatewayDuration(route.scope, 'sessionAffinity.ttl', affinity.ttlSeconds! * 1000),
          attributes: affinity.path === undefined ? undefined : { Path: affinity.path },
        },
      }
      : { type: BackendTrafficPolicySpecLoadBalancerConsistentHashType.HEADER, header: { name: affinity.name } },
  };
}

/** What Envoy Gateway's JWT provider cannot express: passing the token on to the backend. */
export function checkEnvoyGatewayJwt(scope: IConstruct, property: string, jwt: JwtSpec | undefined, dataPlane: string): void {
  if (jwt?.forwardToken) {
    throw invalid(scope, `${property}.forwardToken`, true, `cannot be expressed by ${dataPlane}: its SecurityPolicy JWT provider has no setting to forward the token`,
      'leave forwardToken out (copy the claims the model server needs to headers instead), or use DataPlane.istio()');
  }
}

/** Envoy Gateway's JWT: providers, claims copied to headers, and an authorization rule when claims are required. */
export function renderSecurityPolicy(scope: Construct, id: string, name: string, namespace: string | undefined,
  target: PolicyTarget | readonly PolicyTarget[], jwt: JwtSpec,
  claimToHeaders: () => ReadonlyArray<{ readonly claim: string; readonly header: string }> = () => []): SecurityPolicy {
  return new SecurityPolicy(scope, id, {
    metadata: { name, namespace },
    spec: {
      targetRefs: Array.isArray(target) ? [...target] : [target as PolicyTarget],
      jwt: {
        providers: [{
          name: 'default',
          issuer: jwt.issuer,
          audiences: jwt.audiences.length > 0 ? [...jwt.audiences] : undefined,
          remoteJwks: jwt.jwksUri === undefined ? undefined : { uri: jwt.jwksUri },
          localJwks: jwt.jwks === undefined ? undefined : { type: 'Inline' as any, inline: jwt.jwks },
          // Rendered at synth: routes added later may key rate limits on claims.
          claimToHeaders: Lazy.any({
            produce: () => claimToHeaders().length === 0 ? undefined : claimToHeaders().map(c => ({ claim: c.claim, header: c.header })),
          }),
        }],
      },
      authorization: jwt.requiredClaims.length === 0 ? undefined : {
        defaultAction: 'Deny' as any,
        rules: [{
          name: 'required-claims',
          action: 'Allow' as any,
          principal: { jwt: { provider: 'default', claims: jwt.requiredClaims.map(c => ({ name: c.claim, values: [...c.values] })) } },
        }],
      },
    },
  });
}

export function retryTrigger(route: RouteSpec, token: string): BackendTrafficPolicySpecRetryRetryOnTriggers {
  const known = Object.values(BackendTrafficPolicySpecRetryRetryOnTriggers) as string[];
  if (!known.includes(token)) {
    throw invalid(route.scope, 'retry.conditions', token, 'is not a retry trigger Envoy Gateway knows', `use one of ${known.join(', ')}`);
  }
  return token as BackendTrafficPolicySpecRetryRetryOnTriggers;
}

function statusCodes(conditions: ReadonlyArray<{ status?: number }>): number[] | undefined {
  const codes = conditions.filter(c => c.status !== undefined).map(c => c.status!);
  return codes.length === 0 ? undefined : codes;
}

const UNITS: Record<string, BackendTrafficPolicySpecRateLimitLocalRulesLimitUnit> = {
  second: BackendTrafficPolicySpecRateLimitLocalRulesLimitUnit.SECOND,
  minute: BackendTrafficPolicySpecRateLimitLocalRulesLimitUnit.MINUTE,
  hour: BackendTrafficPolicySpecRateLimitLocalRulesLimitUnit.HOUR,
  day: BackendTrafficPolicySpecRateLimitLocalRulesLimitUnit.DAY,
};

/** How a data plane counts tokens and names headers for JWT claims (Envoy AI Gateway). */
export interface RateLimitExtras {
  /** The dynamic metadata holding a response's token count, for token budgets. */
  readonly tokenCost?: { readonly namespace: string; readonly key: string };
  /** The header a JWT claim is copied to (by the SecurityPolicy), for limits keyed on the claim. */
  readonly claimHeader?: (claim: string) => string;
}

/**
 * An Envoy Gateway rate limit: local to each Envoy for one shared budget, global (Envoy Gateway's rate limit
 * service) when keyed per client, header or claim, or when it counts tokens, which are charged from the
 * response. Envoy Gateway admits the limit at once, so the only burst it can express is the limit.
 */
export function envoyGatewayRateLimit(route: RouteSpec, limit: RateLimitSpec, dataPlane: string, extras: RateLimitExtras = {}): BackendTrafficPolicySpec['rateLimit'] {
  // Envoy Gateway's local token bucket holds exactly the limit, and its global limits count fixed windows: the limit arrives at once.
  if (limit.burst !== undefined && limit.burst !== limit.limit) {
    throw invalid(route.scope, 'rateLimit.burst', limit.burst,
      `cannot be expressed by ${dataPlane}, whose rate limits admit exactly the limit (${limit.limit}) at once`,
      `leave burst out (or set it to ${limit.limit}), or use DataPlane.istio() for a larger burst`);
  }
  const rule = { limit: { requests: limit.limit, unit: UNITS[limit.unit] as any } };
  const tokens = limit.counts === 'tokens';
  if (tokens && extras.tokenCost === undefined) {
    throw new Error(`${route.scope.node.path}: token budgets reached a data plane without token costs (a capability declaration is wrong)`);
  }
  if (limit.key.kind === 'global' && !tokens) return { type: BackendTrafficPolicySpecRateLimitType.LOCAL, local: { rules: [rule] } };
  const cost = tokens ? {
    // Nothing is known on the way in; the response carries the usage.
    request: { from: 'Number' as any, number: 0 },
    response: { from: 'Metadata' as any, metadata: { namespace: extras.tokenCost!.namespace, key: extras.tokenCost!.key } },
  } : undefined;
  const selectors = clientSelectors(route, limit.key, extras);
  return { type: BackendTrafficPolicySpecRateLimitType.GLOBAL, global: { rules: [{ ...rule, clientSelectors: selectors, cost }] } };
}

function clientSelectors(route: RouteSpec, key: RateLimitKeySpec, extras: RateLimitExtras) {
  const distinct = (name: string) => [{ headers: [{ name, type: BackendTrafficPolicySpecRateLimitGlobalRulesClientSelectorsHeadersType.DISTINCT }] }];
  switch (key.kind) {
    case 'clientIp': return [{ sourceCidr: { type: 'Distinct' as any, value: '0.0.0.0/0' } }];
    case 'header': return distinct(key.name!);
    case 'jwtClaim':
      if (extras.claimHeader === undefined) {
        throw new Error(`${route.scope.node.path}: a JWT-claim key reached a data plane without claim headers (a capability declaration is wrong)`);
      }
      return distinct(extras.claimHeader(key.name!));
    default: return undefined;
  }
}

/** The Envoy proxies Envoy Gateway runs for a Gateway, in its proxy namespace (for NetworkPolicies). */
export function envoyProxyWorkload(gateway: GatewaySpec, proxyNamespace: string): GatewayWorkload {
  const labels: Record<string, string> = { 'gateway.envoyproxy.io/owning-gateway-name': gateway.name };
  if (gateway.namespace !== undefined) labels['gateway.envoyproxy.io/owning-gateway-namespace'] = gateway.namespace;
  return { namespace: proxyNamespace, labels, extraPorts: [] };
}
