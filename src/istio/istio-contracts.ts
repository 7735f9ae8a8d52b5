import { contractRows, upstreamRelease } from '../routing/contract-rows';
import type { UpstreamContract } from '../routing/contracts';
import type { FeatureId } from '../routing/features';

/*
 * The upstream behaviour each setting of the Istio data plane relies on, at the pinned release (Istio 1.30.3; the
 * local rate limit is Envoy's, which Istio's proxy builds from Envoy 1.38), and the test that asserts it.
 */

const ISTIO = upstreamRelease('istio/istio', '1.30.3');
const ENVOY = upstreamRelease('envoyproxy/envoy', 'v1.38.0');
const KUBERNETES_API = upstreamRelease('kubernetes/api', 'v0.36.0');
const ROUTE = 'pilot/pkg/networking/core/route/route.go';
const RETRY = 'pilot/pkg/networking/core/route/retry/retry.go';
const CLUSTER = 'pilot/pkg/networking/core/cluster_traffic_policy.go';
const row = contractRows('ai-gateway.test.ts');

function istio(renders: string, behaviour: string, path: string, test: string): UpstreamContract {
  return row(renders, behaviour, ISTIO(path), test);
}

const ROUTE_DESTINATION = istio('VirtualService route[].destination.host (fully qualified) and port.number',
  'istiod sends the route to the cluster outbound|<port>||<host>, the Service\'s endpoints; a short name would be resolved in the VirtualService\'s namespace',
  ROUTE, 'a destination is the fully qualified Service host and port');

const ONE_RULE_PER_HOST: UpstreamContract = row('one DestinationRule per backend host in the whole App, whichever gateways route there (routes to the host must agree on its policies)',
  'istiod merges the DestinationRules of one host: the first rule\'s top-level trafficPolicy is kept and a later rule\'s is dropped, '
    + 'for every gateway\'s traffic to the host',
  ISTIO('pilot/pkg/model/destination_rule.go'),
  'app-registry.test.ts > two gateways routing to one pool emit one DestinationRule when they agree');

/** @internal */
export const ISTIO_CONTRACTS: Partial<Record<FeatureId, readonly UpstreamContract[]>> = {
  'tls': [istio('Gateway servers[].tls {mode: SIMPLE, credentialName}',
    'the gateway terminates TLS with the certificate of the Secret credentialName, read from the gateway pods\' namespace',
    'pilot/pkg/networking/core/gateway.go', 'an HTTPS server terminates TLS with the Secret named by credentialName')],
  'match.path': [istio('VirtualService match[].uri {exact} and {prefix: <path>/}',
    'prefix becomes an Envoy string prefix on a VirtualService bound to an Istio Gateway (segment-wise only for Gateway API and Ingress), exact an exact path: '
    + 'a segment-wise prefix is rendered as the path exactly or the path and "/" as a string prefix',
    ROUTE, 'a path prefix matches segment by segment: the path itself, or the path and "/" as an Envoy string prefix')],
  'match.header': [istio('VirtualService match[].headers.<name> {exact}', 'one Envoy header matcher per header, ANDed within the match entry',
    ROUTE, 'headers, method and query parameters of one match entry are ANDed; entries are ORed')],
  'match.headerRegex': [istio('VirtualService match[].headers.<name> {regex}', 'an Envoy safe_regex (RE2) matcher on the whole header value',
    ROUTE, 'headers, method and query parameters of one match entry are ANDed; entries are ORed')],
  'match.headerPresent': [istio('VirtualService match[].headers.<name>: {}', 'an empty condition becomes an Envoy present_match',
    ROUTE, 'an empty header condition matches any value (present_match)')],
  'match.method': [istio('VirtualService match[].method {exact}', 'matched as the :method pseudo-header',
    ROUTE, 'headers, method and query parameters of one match entry are ANDed; entries are ORed')],
  'match.query': [istio('VirtualService match[].queryParams.<name> {exact}', 'an Envoy query parameter matcher',
    ROUTE, 'headers, method and query parameters of one match entry are ANDed; entries are ORed')],
  'backend.pool': [ROUTE_DESTINATION],
  'backend.service': [ROUTE_DESTINATION],
  'backend.weighted': [istio('VirtualService route[].weight, normalized to a sum of 100', 'Envoy weighted_clusters share requests by weight; a weight of 0 takes none',
    ROUTE, 'weights become Envoy weighted clusters, normalized to 100')],
  'mirror': [istio('VirtualService mirrors[] {destination, percentage}', 'Envoy request_mirror_policies copy that share of requests and discard the answers',
    ROUTE, 'mirrors copy a share of requests to the mirror destination')],
  'fault': [istio('VirtualService fault {delay.fixedDelay, abort.httpStatus, percentage}', 'Envoy\'s fault filter delays or answers that share of requests itself',
    ROUTE, 'fault injection delays or aborts a share of requests')],
  'timeout.request': [istio('VirtualService http[].timeout; left out for no limit',
    'the Envoy route timeout covers the whole request, retries included; without the field istiod sets 0, which Envoy reads as no timeout '
    + '(the 1.30 CRD rejects 0s)', ROUTE, 'the timeout covers the whole request; no limit leaves the field out')],
  'retry': [istio('VirtualService http[].retries {attempts, retryOn}; attempts 0 for none',
    'status codes in retryOn get retriable-status-codes added, so 503 is retried; attempts 0 renders no Envoy retry policy, while no retries '
    + 'field would mean Istio\'s default of 2 attempts', RETRY, 'retries: status codes are retried, attempts 0 switches Istio\'s default retries off')],
  'retry.perTryTimeout': [istio('VirtualService http[].retries.perTryTimeout', 'the Envoy per_try_timeout, which runs until the response headers arrive',
    RETRY, 'perTryTimeout and backoff are passed to Envoy\'s retry policy')],
  'retry.backoff': [istio('VirtualService http[].retries.backoff', 'the Envoy retry_back_off base_interval (later retries back off exponentially from it)',
    RETRY, 'perTryTimeout and backoff are passed to Envoy\'s retry policy')],
  'circuitBreaker.limits': [istio('DestinationRule trafficPolicy.connectionPool {tcp.maxConnections, http.http2MaxRequests, http1MaxPendingRequests, maxRetries}',
    'Envoy circuit breaker thresholds max_connections, max_requests, max_pending_requests and max_retries on the backend\'s cluster',
    CLUSTER, 'connection-pool limits become Envoy circuit breaker thresholds'), ONE_RULE_PER_HOST],
  'circuitBreaker.outlierDetection': [istio('DestinationRule trafficPolicy.outlierDetection {consecutive5xxErrors, interval, baseEjectionTime, maxEjectionPercent}',
    'Envoy outlier detection ejects an endpoint after that many consecutive 5xx (gateway errors and connection failures included)',
    CLUSTER, 'outlier detection ejects endpoints after consecutive 5xx'), ONE_RULE_PER_HOST],
  'sessionAffinity.cookie': [istio('DestinationRule trafficPolicy.loadBalancer.consistentHash.httpCookie {name, ttl, path}',
    'a ring hash on the cookie; Envoy sets the cookie with that TTL when the request has none', ROUTE,
    'session affinity is a consistent hash on the cookie or header; without it, least request'), ONE_RULE_PER_HOST],
  'sessionAffinity.header': [istio('DestinationRule trafficPolicy.loadBalancer.consistentHash.httpHeaderName', 'a ring hash on the header value',
    ROUTE, 'session affinity is a consistent hash on the cookie or header; without it, least request'), ONE_RULE_PER_HOST],
  'rateLimit.requests': [
    istio('EnvoyFilter HTTP_FILTER INSERT_BEFORE envoy.filters.http.router, one filter instance per AiGateway, and VIRTUAL_HOST / HTTP_ROUTE MERGE of '
      + 'typed_per_filter_config matched by the route name (http[].name)', 'istiod names each Envoy route after its http[].name, so the patch configures that route',
    ROUTE, 'the rate-limit EnvoyFilter configures routes by their http[].name'),
    row('token_bucket {max_tokens: burst (default the limit), tokens_per_fill: limit, fill_interval: the unit}',
      'the bucket starts full and each request takes a token: burst requests pass at once, then the limit per second or minute; '
        + 'no token answers 429',
      ENVOY('source/extensions/filters/http/local_ratelimit/local_ratelimit.cc'),
      'ai-gateway.test.ts > bursts of up to 5 requests: a token bucket of 5 that gets 1 token a second, full at the start (envoyproxy/envoy local_ratelimit.cc: '
        + 'max_tokens, tokens_per_fill, fill_interval)'),
    row('stat_prefix http_local_rate_limiter_<gateway>[_<route>|_vhost_<host>_<port>]',
      'each configuration counts under <stat_prefix>.http_local_rate_limit, so no two share counters',
      ENVOY('source/extensions/filters/http/local_ratelimit/local_ratelimit.cc'),
      'ai-gateway.test.ts > every local rate-limit configuration counts under its own stat_prefix (envoyproxy/envoy local_ratelimit.cc: '
        + 'stats under <stat_prefix>.http_local_rate_limit)'),
    row('RateLimit.none() on a route: filter_enabled 0% with a token bucket',
      'a per-route configuration without token_bucket is rejected (and the route configuration with it); filter_enabled 0% lets every request through',
      ENVOY('source/extensions/filters/http/local_ratelimit/local_ratelimit.cc'),
      'ai-gateway.test.ts > RateLimit.none() on a route is a switched-off configuration with a token bucket (envoyproxy/envoy '
        + 'local_ratelimit.cc: a per-route config without token_bucket is rejected)'),
  ],
  'rateLimit.requests.global': [row('one token bucket per virtual host (<hostname>:<port>) for the gateway defaults, one per route for a route\'s own limit',
    'the most specific per-filter configuration (route, then virtual host) decides; its bucket is shared by every request it covers on one gateway replica',
    ENVOY('source/extensions/filters/http/local_ratelimit/local_ratelimit.cc'),
    'a route\'s own limit replaces the virtual host\'s for its requests')],
  'jwt': [
    istio('RequestAuthentication jwtRules {issuer, jwksUri|jwks, audiences, forwardOriginalToken} selecting the gateway pods',
      'requests with an invalid token are rejected (401), requests without a token pass unauthenticated', 'pilot/pkg/security/authn/policy_applier.go',
      'JWT: RequestAuthentication alone lets requests without a token pass, so a DENY policy requires a principal'),
    istio('AuthorizationPolicy DENY {notRequestPrincipals: ["*"]} and {when request.auth.claims[<claim>] notValues} for the gateway hosts',
      'requests without a valid token, or without an allowed claim value, are denied (403)', 'pilot/pkg/security/authz/builder/builder.go',
      'JWT: RequestAuthentication alone lets requests without a token pass, so a DENY policy requires a principal'),
  ],
  'networkIsolation': [row('NetworkPolicy with podSelector (the pool) and from [{namespaceSelector, podSelector}] (the gateway pods), ports [serving port]',
    'a peer with both selectors admits only the pods matching podSelector in the namespaces matching namespaceSelector; once a policy selects '
      + 'the pool\'s pods, other ingress to them is denied',
    KUBERNETES_API('networking/v1/types.go'),
    'the NetworkPolicy admits the gateway pods by namespace AND labels in one peer')],
};
