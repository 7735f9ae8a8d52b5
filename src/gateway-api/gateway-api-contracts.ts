import type { GatewayApiImplementationKind } from '../gateway-objects/inference-pool-refs';
import { PICKER_CONTRACTS } from '../gateway-objects/inference-pool-refs';
import { contractRows, upstreamRelease } from '../routing/contract-rows';
import type { UpstreamContract } from '../routing/contracts';
import type { FeatureId } from '../routing/features';

/*
 * Upstream contracts of the Gateway API data plane: for each supported feature, the upstream behaviour each rendered
 * setting relies on at the pinned release, and the test of this library that asserts it. Which rows apply depends
 * on the implementation and the channel, as the support declarations do.
 */

type Contracts = Partial<Record<FeatureId, readonly UpstreamContract[]>>;

const GATEWAY_API = { repository: 'kubernetes-sigs/gateway-api', tag: 'v1.6.1' };
const HTTPROUTE = { ...GATEWAY_API, path: 'apis/v1/httproute_types.go' };
const HTTPROUTE_CRD = { ...GATEWAY_API, path: 'config/crd/standard/gateway.networking.k8s.io_httproutes.yaml' };
const EG = upstreamRelease('envoyproxy/gateway', 'v1.8.1');
const AI_GATEWAY = upstreamRelease('envoyproxy/ai-gateway', 'v1.1.0');
const ISTIO = upstreamRelease('istio/istio', '1.30.3');
const ISTIO_CONVERSION = ISTIO('pilot/pkg/config/kube/gateway/conversion.go');

/** A row; `test` is a title in gateway-api.test.ts, or `<file> > <title>` for another file. */
const row = contractRows('gateway-api.test.ts');

const MATCHES = 'conditions of a match are ANDed in one match; matches are ORed';
const MATCH_LIMITS = row('HTTPRoute rules[].matches (at most 64 a rule, 128 a route; 16 headers and 16 query parameters a match)',
  'the API server rejects an HTTPRoute beyond these limits; the renderer rejects the route instead', HTTPROUTE_CRD, 'more than 64 matches in a rule, or 128 in the HTTPRoute');

/** Rules spread over several HTTPRoutes of one Gateway, and the order Gateway API gives them. */
const SPREAD = [
  row('HTTPRoutes <gateway>, <gateway>-2, ... attached to the Gateway, 16 rules or 128 matches each',
    'matches rank by specificity across all HTTPRoutes of the Gateway; equally specific ones by the HTTPRoute\'s creation timestamp, then "{namespace}/{name}", '
    + 'then rule order: a rule as specific as an overlapping earlier rule is kept in that rule\'s HTTPRoute, after it, or rejected',
    HTTPROUTE, 'a rule that ties with an earlier one joins its HTTPRoute, after it, even when an earlier HTTPRoute has room'),
  row('a rule as specific as overlapping rules in two HTTPRoutes (rejected)', 'their order would be decided by the HTTPRoutes\' creation timestamps',
    HTTPROUTE, 'a rule that ties with rules in two HTTPRoutes is rejected, naming both'),
];

/** What every Gateway API implementation does with the standard HTTPRoute and Gateway. */
const COMMON: Contracts = {
  'tls': [row('Gateway listeners[].tls {mode: Terminate, certificateRefs: [Secret]}', 'the listener terminates TLS with the certificate and key of the Secret',
    { ...GATEWAY_API, path: 'apis/v1/gateway_types.go' }, 'a Gateway with a listener per port, TLS from the Secret, routes from its own namespace')],
  'match.path': [
    row('HTTPRoute matches[].path {type: PathPrefix | Exact}', 'PathPrefix matches whole path segments; Exact the whole path', HTTPROUTE, MATCHES),
    row('HTTPRoute matches[].path.value', 'the CEL rules reject "//", dot segments, "%2F", "#" and characters outside RFC 3986 pchar; RouteMatch rejects them first',
      HTTPROUTE_CRD, 'paths the HTTPRoute accepts pass, percent-encoded octets included'),
    MATCH_LIMITS,
    ...SPREAD,
  ],
  'match.header': [row('HTTPRoute matches[].headers {type: Exact}', 'header names compare case-insensitively, values exactly; all conditions of one match must hold', HTTPROUTE, MATCHES),
    MATCH_LIMITS, ...SPREAD],
  'match.headerRegex': [row('HTTPRoute matches[].headers {type: RegularExpression}', 'the whole value must match, in the implementation\'s regex dialect', HTTPROUTE,
    'one HTTPRoute with a named rule per route, in order')],
  'match.headerPresent': [row('HTTPRoute matches[].headers {type: RegularExpression, value: ".*"}', 'any value of the header matches, so the header must be present',
    HTTPROUTE, 'one HTTPRoute with a named rule per route, in order')],
  'match.method': [row('HTTPRoute matches[].method', 'the request method must equal it', HTTPROUTE, MATCHES), ...SPREAD],
  'match.query': [
    row('HTTPRoute matches[].queryParams {type: Exact}', 'the first value of the parameter must equal it', HTTPROUTE, MATCHES),
    row('HTTPRoute matches[].queryParams[].name', 'names are HTTP tokens of at most 256 characters and values at most 1024, or the API server rejects the route',
      HTTPROUTE_CRD, 'query parameter names are HTTP tokens of at most 256 characters; values at most 1024'),
    ...SPREAD,
  ],
  'backend.pool': [row('HTTPRoute backendRefs {name, port} to the pool Service', 'the implementation balances over the endpoints of the Service port', HTTPROUTE,
    'weights, mirror and timeouts')],
  'backend.service': [row('ReferenceGrant from the HTTPRoute namespace to Services in the backend namespace', 'a cross-namespace backendRef is refused without it',
    { ...GATEWAY_API, path: 'apis/v1beta1/referencegrant_types.go' }, 'a backend in another namespace gets a ReferenceGrant there')],
  'backend.inferencePool': [row('HTTPRoute backendRefs {group: inference.networking.k8s.io, kind: InferencePool}',
    'an implementation with the Inference Extension sends each request through the endpoint picker of the pool',
    { repository: 'kubernetes-sigs/gateway-api-inference-extension', tag: 'v1.6.0', path: 'api/v1/inferencepool_types.go' },
    'an InferencePool backendRef, and the NetworkPolicy also admits the endpoint picker that scrapes the pool'), ...PICKER_CONTRACTS],
  'backend.weighted': [row('HTTPRoute backendRefs[].weight, normalized to 100', 'each request goes to one backendRef in proportion to the weights', HTTPROUTE, 'weights, mirror and timeouts')],
  'mirror': [row('HTTPRoute filters RequestMirror {percent | fraction}', 'a copy of that share of requests goes to the mirror, whose responses are discarded', HTTPROUTE,
    'weights, mirror and timeouts')],
  'timeout.request': [
    row('HTTPRoute rules[].timeouts.request', 'the whole request, retries included, must finish within it; 0s disables the timeout', HTTPROUTE, 'weights, mirror and timeouts'),
    row('Gateway API durations ^([0-9]{1,5}(h|m|s|ms)){1,4}$', 'a value outside the pattern is rejected by the API server; the largest exact unit, or parts, always fit',
      HTTPROUTE_CRD, 'a duration with no exact single unit is written in parts the HTTPRoute accepts'),
  ],
};

const EG_SORT = row('rules in the order routes were added, checked against Envoy Gateway\'s own ranking as well as Gateway API\'s',
  'Envoy Gateway ranks, among as many headers, more exact ones first; a later exact header route would take requests of an earlier regex one, and is rejected',
  EG('internal/gatewayapi/sort.go'), 'Envoy Gateway ranks an exact header before a regex one when both have as many headers (envoyproxy/gateway v1.8.1 internal/gatewayapi/sort.go)');

const ENVOY_GATEWAY: Contracts = {
  'match.headerRegex': [EG_SORT],
  'match.headerPresent': [EG_SORT],
  'match.method': [row('HTTPRoute matches[].method, ranked as one more header',
    'Envoy Gateway matches the method as a ":method" header, so a method route and a header route tie there; they are kept in one HTTPRoute, in order',
    EG('internal/gatewayapi/route.go'),
    'Envoy Gateway counts a method as one more header (envoyproxy/gateway v1.8.1 internal/gatewayapi/route.go), so header routes after a method route stay in its HTTPRoute')],
  'match.header': [EG_SORT, row('HTTPRoutes <gateway>, <gateway>-2, ... of one Gateway',
    'Envoy Gateway orders HTTPRoutes by creation timestamp, then namespace/name (internal/gatewayapi/resource/resource.go), and stable-sorts their rules by '
    + 'path, header and query specificity, so only equally specific rules keep that order', EG('internal/gatewayapi/sort.go'),
    '1,000 models, each a pool and a header route, spread over HTTPRoutes of one Gateway; the policy of each rule targets the HTTPRoute that holds it')],
  'backend.inferencePool': [
    row('no BackendTrafficPolicy loadBalancer on a rule to an InferencePool',
      'the Envoy AI Gateway extension server that serves InferencePools for Envoy Gateway makes the cluster ORIGINAL_DST: the picker alone chooses the endpoint',
      AI_GATEWAY('internal/extensionserver/post_cluster_modify.go'),
      'a rule to an InferencePool carries no load-balancing setting: the endpoint picker chooses the endpoint (envoyproxy/ai-gateway v1.1.0 internal/extensionserver/post_cluster_modify.go)'),
    row('InferencePool endpointPickerRef.failureMode FailOpen (rejected)', 'the extension server hard-codes ext_proc failure_mode_allow false: requests fail when the picker is down',
      AI_GATEWAY('internal/extensionserver/inferencepool.go'),
      'FailOpen is rejected with Envoy Gateway, whose InferencePools fail closed (envoyproxy/ai-gateway v1.1.0 internal/extensionserver/inferencepool.go)'),
  ],
  'fault': [row('BackendTrafficPolicy faultInjection {delay.fixedDelay, abort.httpStatus, percentage}', 'Envoy delays or answers that share of requests itself',
    EG('api/v1alpha1/fault_injection.go'), 'stream idle timeout and fault injection')],
  'timeout.streamIdle': [row('BackendTrafficPolicy timeout.http.streamIdleTimeout', 'a stream with no activity for that long is reset', EG('api/v1alpha1/timeout_types.go'),
    'stream idle timeout and fault injection')],
  'retry': [
    row('BackendTrafficPolicy targetRefs {kind: HTTPRoute, name: <the HTTPRoute that holds the rule>, sectionName: <route id>}',
      'a policy applies to the rule of that name in that HTTPRoute only', EG('api/v1alpha1/policy_helpers.go'),
      '1,000 models, each a pool and a header route, spread over HTTPRoutes of one Gateway; the policy of each rule targets the HTTPRoute that holds it'),
    row('BackendTrafficPolicy retry.retryOn.triggers: retriable-status-codes with httpStatusCodes', 'status codes are retried only with this trigger',
      EG('api/v1alpha1/retry_types.go'),
      'a 503 is retried on Envoy Gateway: the status codes come with the retriable-status-codes trigger they need (envoyproxy/gateway v1.8.1 api/v1alpha1/retry_types.go)'),
    row('BackendTrafficPolicy retry.retryOn.triggers never empty', 'an empty trigger list is replaced by Envoy Gateway\'s defaults (connect-failure, refused-stream, unavailable, cancelled, retriable-status-codes)',
      EG('internal/xds/translator/route.go'),
      'a status-only retry renders only the retriable-status-codes trigger, never an empty list that Envoy Gateway replaces with its defaults (envoyproxy/gateway v1.8.1 internal/xds/translator/route.go)'),
    row('BackendTrafficPolicy retry.numRetries: 0 for RetryPolicy.none()', 'without it Envoy Gateway retries twice by default', EG('api/v1alpha1/retry_types.go'),
      'RetryPolicy.none() sets numRetries 0, so Envoy Gateway does not apply its default of 2 retries (envoyproxy/gateway v1.8.1 api/v1alpha1/retry_types.go)'),
  ],
  'retry.perTryTimeout': [row('BackendTrafficPolicy retry.perRetry.timeout (never HTTPRoute timeouts.backendRequest)', 'each attempt is limited until response headers arrive',
    EG('api/v1alpha1/retry_types.go'), 'review-fixes.test.ts > Envoy Gateway: a per-try timeout goes into the BackendTrafficPolicy, never HTTPRoute backendRequest (which would become the whole request timeout)')],
  'retry.backoff': [row('BackendTrafficPolicy retry.perRetry.backOff {baseInterval, maxInterval: 10 x base}', 'fully jittered exponential backoff between the bounds',
    EG('api/v1alpha1/retry_types.go'), 'Envoy Gateway durations fit the CRD pattern in the largest exact unit: a 10 s backoff, a 2-minute delay, a 2-day cookie, an odd stream idle timeout')],
  'circuitBreaker.limits': [row('BackendTrafficPolicy circuitBreaker {maxConnections, maxPendingRequests, maxParallelRequests, maxParallelRetries}',
    'requests beyond the limits fail fast with 503', EG('api/v1alpha1/circuitbreaker_types.go'), 'circuit breaking and passive health checks')],
  'circuitBreaker.outlierDetection': [row('BackendTrafficPolicy healthCheck.passive', 'endpoints with consecutive 5xx are ejected for baseEjectionTime x ejections',
    EG('api/v1alpha1/healthcheck_types.go'), 'circuit breaking and passive health checks')],
  'sessionAffinity.cookie': [row('BackendTrafficPolicy loadBalancer ConsistentHash Cookie {name, ttl, attributes.Path}', 'Envoy sets the cookie and hashes on it',
    EG('api/v1alpha1/loadbalancer_types.go'), 'Envoy Gateway durations fit the CRD pattern in the largest exact unit: a 10 s backoff, a 2-minute delay, a 2-day cookie, an odd stream idle timeout')],
  'sessionAffinity.header': [row('BackendTrafficPolicy loadBalancer ConsistentHash Header', 'requests with the same header value go to the same endpoint',
    EG('api/v1alpha1/loadbalancer_types.go'), 'least-request balancing, or consistent hashing for affinity')],
  'rateLimit.requests': [row('BackendTrafficPolicy rateLimit {type: Local | Global}', 'requests over the limit get 429', EG('api/v1alpha1/ratelimit_types.go'),
    'a local rate limit from the gateway default; a keyed route limit is global with a Distinct selector')],
  'rateLimit.requests.global': [row('BackendTrafficPolicy rateLimit Local rules[].limit', 'one token bucket per rule in each Envoy replica', EG('api/v1alpha1/ratelimit_types.go'),
    'a local rate limit from the gateway default; a keyed route limit is global with a Distinct selector')],
  'rateLimit.requests.clientIp': [row('BackendTrafficPolicy rateLimit Global clientSelectors sourceCIDR {type: Distinct, value: 0.0.0.0/0}',
    'the rate limit service counts each client address separately', EG('api/v1alpha1/ratelimit_types.go'),
    'Envoy Gateway: a per-client-IP limit is global with a Distinct sourceCIDR selector (envoyproxy/gateway v1.8.1 api/v1alpha1/ratelimit_types.go)')],
  'rateLimit.requests.header': [row('BackendTrafficPolicy rateLimit Global clientSelectors headers {type: Distinct}', 'the rate limit service counts each header value separately',
    EG('api/v1alpha1/ratelimit_types.go'), 'a local rate limit from the gateway default; a keyed route limit is global with a Distinct selector')],
  'jwt': [row('SecurityPolicy jwt.providers and authorization {defaultAction: Deny, rules: required claims}', 'requests without a valid token, or without the claims, are rejected',
    EG('api/v1alpha1/securitypolicy_types.go'), 'JWT: a SecurityPolicy on the Gateway, with authorization for the required claims, and one for the route that sets its own')],
  'jwt.route': [row('SecurityPolicy targeting the HTTPRoute rule by sectionName', 'the more specific policy replaces the Gateway\'s for that rule', EG('api/v1alpha1/securitypolicy_types.go'),
    'JWT: a SecurityPolicy on the Gateway, with authorization for the required claims, and one for the route that sets its own')],
  'networkIsolation': [row('NetworkPolicy from pods labelled gateway.envoyproxy.io/owning-gateway-name/-namespace in the proxy namespace', 'Envoy Gateway labels its proxies so',
    EG('internal/gatewayapi/translator.go'), 'NetworkPolicies admit the Envoy proxies Envoy Gateway runs for this Gateway')],
};

const ISTIO_RETRY = 'Istio retries connect-failure, refused-stream and the listed codes for an HTTPRoute retry, never reset-before-request (istio/istio 1.30.3 pilot/pkg/config/kube/gateway/conversion.go)';

const ISTIO_IMPL: Contracts = {
  'retry': [row('HTTPRoute retry {attempts, codes, backoff}', 'Istio retries connect-failure, refused-stream and the codes, never reset-before-request: llmSafe() retries without it, a custom policy listing it is rejected',
    ISTIO_CONVERSION, ISTIO_RETRY)],
  'retry.perTryTimeout': [row('HTTPRoute timeouts.backendRequest', 'with a retry, Istio makes it the per-try timeout', ISTIO_CONVERSION, ISTIO_RETRY)],
  'retry.backoff': [row('HTTPRoute retry.backoff', 'Istio makes it the retry backoff', ISTIO_CONVERSION, ISTIO_RETRY)],
  'circuitBreaker.limits': [row('DestinationRule trafficPolicy.connectionPool for the backend host', 'Envoy limits connections and requests to that host',
    ISTIO('pilot/pkg/networking/core/cluster_traffic_policy.go'), 'DestinationRules per backend and the JWT pair attached to the Gateway')],
  'circuitBreaker.outlierDetection': [row('DestinationRule trafficPolicy.outlierDetection', 'failing endpoints are ejected', ISTIO('pilot/pkg/networking/core/cluster_traffic_policy.go'),
    'Istio implementation: outlier detection and cookie affinity go into the DestinationRule of the backend (istio/istio 1.30.3 pilot/pkg/networking/core/cluster_traffic_policy.go)')],
  'sessionAffinity.cookie': [row('DestinationRule loadBalancer.consistentHash.httpCookie', 'Envoy sets the cookie and hashes on it', ISTIO('pilot/pkg/networking/core/cluster_traffic_policy.go'),
    'Istio implementation: outlier detection and cookie affinity go into the DestinationRule of the backend (istio/istio 1.30.3 pilot/pkg/networking/core/cluster_traffic_policy.go)')],
  'sessionAffinity.header': [row('DestinationRule loadBalancer.consistentHash.httpHeaderName', 'requests with the same header value go to the same endpoint',
    ISTIO('pilot/pkg/networking/core/cluster_traffic_policy.go'),
    'Istio implementation: outlier detection and cookie affinity go into the DestinationRule of the backend (istio/istio 1.30.3 pilot/pkg/networking/core/cluster_traffic_policy.go)')],
  'jwt': [row('RequestAuthentication and a DENY AuthorizationPolicy with targetRefs to the Gateway', 'policies attach to the Gateway\'s pods by the gateway-name label; requests without a valid token are denied',
    ISTIO('pilot/pkg/model/policyattachment.go'), 'DestinationRules per backend and the JWT pair attached to the Gateway')],
  'backend.inferencePool': [row('the endpoint picker\'s DestinationRule (TLS SIMPLE, insecureSkipVerify) as its host\'s one DestinationRule in the App: '
    + 'a route to the picker Service is rejected, and so is the InferencePool after one',
  'istiod merges the DestinationRules of one host, keeping the first rule\'s trafficPolicy: a second rule for the picker host would drop the picker\'s TLS or be dropped',
  ISTIO('pilot/pkg/model/destination_rule.go'),
  'app-registry.test.ts > an InferencePool whose picker host already has a route\'s DestinationRule is rejected, naming that route and gateway')],
  'networkIsolation': [row('NetworkPolicy from pods labelled gateway.networking.k8s.io/gateway-name', 'Istio labels the Gateway deployment it creates so',
    ISTIO('pilot/pkg/model/policyattachment.go'), 'NetworkPolicies admit the pods Gateway API implementations label with the Gateway name')],
};

const GENERIC_EXPERIMENTAL: Contracts = {
  'retry': [row('HTTPRoute retry {attempts, codes}', 'the listed codes are retried; implementations SHOULD retry connection errors too', HTTPROUTE,
    'retry (status codes and backoff) and session persistence on the HTTPRoute')],
  'retry.backoff': [row('HTTPRoute retry.backoff', 'the pause before a retry', HTTPROUTE, 'retry (status codes and backoff) and session persistence on the HTTPRoute')],
  'sessionAffinity.cookie': [row('HTTPRoute sessionPersistence {type: Cookie, sessionName, absoluteTimeout}', 'the implementation keeps a client on one backend by the cookie',
    HTTPROUTE, 'retry (status codes and backoff) and session persistence on the HTTPRoute')],
  'sessionAffinity.header': [row('HTTPRoute sessionPersistence {type: Header, sessionName}', 'the implementation keeps requests with the header on one backend', HTTPROUTE,
    'generic implementation, experimental channel: header affinity is HTTPRoute sessionPersistence of type Header (gateway-api v1.6.1 apis/v1/httproute_types.go)')],
};

const GENERIC: Contracts = {
  'retry.perTryTimeout': [row('HTTPRoute timeouts.backendRequest', 'each request to a backend must answer within it', HTTPROUTE, 'retry (status codes and backoff) and session persistence on the HTTPRoute')],
  'networkIsolation': [row('NetworkPolicy from pods labelled gateway.networking.k8s.io/gateway-name in the Gateway namespace', 'automated deployments label their pods with the Gateway name (GEP-1762)',
    { ...GATEWAY_API, path: 'geps/gep-1762/index.md' }, 'NetworkPolicies admit the pods Gateway API implementations label with the Gateway name')],
};

/** The contracts of Gateway API with `impl` on the chosen channel: only rows of features that data plane supports. */
export function gatewayApiContracts(impl: GatewayApiImplementationKind, experimental: boolean): Contracts {
  const specific = impl === 'envoy-gateway' ? ENVOY_GATEWAY : impl === 'istio' ? ISTIO_IMPL : GENERIC;
  const channel = experimental && impl === 'generic' ? GENERIC_EXPERIMENTAL : {};
  const merged: Record<string, readonly UpstreamContract[]> = {};
  for (const part of [COMMON, specific, channel]) {
    for (const [feature, rows] of Object.entries(part)) merged[feature] = [...(merged[feature] ?? []), ...rows!];
  }
  return merged as Contracts;
}
