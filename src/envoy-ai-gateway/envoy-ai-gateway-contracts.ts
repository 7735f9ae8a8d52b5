import { PICKER_CONTRACTS } from '../gateway-objects/inference-pool-refs';
import { contractRows, upstreamRelease } from '../routing/contract-rows';
import type { UpstreamContract } from '../routing/contracts';
import type { FeatureId } from '../routing/features';

/*
 * Upstream contracts of the Envoy AI Gateway data plane (Envoy AI Gateway v1.1.0 on Envoy Gateway v1.8.1): for each
 * supported feature, the upstream behaviour each rendered setting relies on, and the test that asserts it.
 */

const AI = upstreamRelease('envoyproxy/ai-gateway', 'v1.1.0');
const EG = upstreamRelease('envoyproxy/gateway', 'v1.8.1');
const ROUTE = AI('api/v1beta1/ai_gateway_route.go');

/** A row; `test` is a title in envoy-ai-gateway.test.ts, or `<file> > <title>` for another file. */
const row = contractRows('envoy-ai-gateway.test.ts');

const HEADERS = 'header conditions become AIGatewayRoute header matches: Exact, RegularExpression, and ".*" for presence (envoyproxy/ai-gateway v1.1.0 api/v1beta1/ai_gateway_route.go)';
const HEADER_LIMIT = row('AIGatewayRoute rules[].matches[].headers (at most 16 a match, the model header included; 126 matches a rule, so the generated HTTPRoute holds its route-not-found and a catch-all match)',
  'the API server rejects more; the renderer rejects the route instead', AI('manifests/charts/ai-gateway-crds-helm/templates/aigateway.envoyproxy.io_aigatewayroutes.yaml'),
  'more than 16 header conditions in a match, the model match included');
const POLICIES = 'faults, per-client-IP limits and outlier detection for a provider land in the BackendTrafficPolicy of the rule (envoyproxy/gateway v1.8.1 api/v1alpha1)';
const LIMITS = 'request limits, circuit breaking and an explicit stream idle timeout';

/** Rules spread over several AIGatewayRoutes of one Gateway, and the order Envoy Gateway gives their generated HTTPRoutes. */
const SPREAD = [
  row('AIGatewayRoutes <gateway>, <gateway>-2, ... attached to the Gateway, 14 rules each and a catch-all',
    'the controller generates one HTTPRoute per AIGatewayRoute, of the same name, with the rules in order and a route-not-found rule (path prefix "/", 404) last',
    AI('internal/controller/ai_gateway_route.go'),
    '1,000 models by model name over AIGatewayRoutes of one Gateway, the catch-all in each ahead of its route-not-found rule, policies on the HTTPRoute that holds their rule'),
  row('AIGatewayRoute names kept in the App\'s AiGatewayRegistry as HTTPRoute names too; two of one name in a namespace fail synthesis',
    'the HTTPRoute the controller generates has the AIGatewayRoute\'s name and namespace, so it would overwrite another HTTPRoute of that name',
    AI('internal/controller/ai_gateway_route.go'),
    'app-registry.test.ts > Envoy AI Gateway\'s second AIGatewayRoute ai-2 generates an HTTPRoute ai-2, which a Gateway API gateway ai-2 emits too'),
  row('the catch-all rule in every AIGatewayRoute, before the route-not-found rule',
    'the catch-all is as specific as every route-not-found rule, and across HTTPRoutes such ties go to the oldest: whichever wins, its first tied rule is the catch-all',
    { repository: 'kubernetes-sigs/gateway-api', tag: 'v1.6.1', path: 'apis/v1/httproute_types.go' },
    '1,000 models by model name over AIGatewayRoutes of one Gateway, the catch-all in each ahead of its route-not-found rule, policies on the HTTPRoute that holds their rule'),
  row('a rule as specific as overlapping rules in two AIGatewayRoutes (rejected)', 'their order would be decided by the generated HTTPRoutes\' creation timestamps',
    { repository: 'kubernetes-sigs/gateway-api', tag: 'v1.6.1', path: 'apis/v1/httproute_types.go' },
    'a rule as specific as rules in two AIGatewayRoutes, and one with more matches than a generated HTTPRoute can hold'),
  row('BackendTrafficPolicy and SecurityPolicy targetRefs {kind: HTTPRoute, name: <the generated HTTPRoute that holds the rule>, sectionName: <route id>}, one per copy of a catch-all',
    'a policy applies to the rule of that name in that HTTPRoute only', EG('api/v1alpha1/policy_helpers.go'),
    'fifteen model routes take two AIGatewayRoutes; token costs are recorded on the one whose rule has a token budget; a catch-all JWT targets both'),
];

/** The contracts of every feature Envoy AI Gateway supports. */
export const ENVOY_AI_GATEWAY_CONTRACTS: Partial<Record<FeatureId, readonly UpstreamContract[]>> = {
  'tls': [row('Gateway listeners[].tls {mode: Terminate, certificateRefs: [Secret]}', 'Envoy Gateway terminates TLS on the listener with the certificate of the Secret',
    { repository: 'kubernetes-sigs/gateway-api', tag: 'v1.6.1', path: 'apis/v1/gateway_types.go' },
    'gateway-api.test.ts > a Gateway with a listener per port, TLS from the Secret, routes from its own namespace')],
  'match.header': [row('AIGatewayRoute matches[].headers {type: Exact}', 'the header must have that value', ROUTE, HEADERS), HEADER_LIMIT, ...SPREAD],
  'match.headerRegex': [row('AIGatewayRoute matches[].headers {type: RegularExpression}', 'the whole value must match the RE2 regex', ROUTE, HEADERS)],
  'match.headerPresent': [row('AIGatewayRoute matches[].headers {type: RegularExpression, value: ".*"}', 'any value matches, so the header must be present', ROUTE, HEADERS),
    row('rules in the order routes were added, checked against Envoy Gateway\'s ranking of the generated HTTPRoutes',
      'among as many headers Envoy Gateway ranks more exact ones first: a later model or exact header route would take requests of an earlier regex one, and is rejected',
      EG('internal/gatewayapi/sort.go'),
      'a model route after a header-presence route is rejected: Envoy Gateway ranks the exact model header first (envoyproxy/gateway v1.8.1 internal/gatewayapi/sort.go)')],
  'match.model': [
    row('AIGatewayRoute matches[].headers {name: x-ai-eg-model, type: Exact}', 'the AI filter copies the body\'s model field to this header before routing',
      AI('api/v1alpha1/shared_types.go'), 'a Gateway and one AIGatewayRoute with a rule per route, matching the model header the AI filter fills'),
    HEADER_LIMIT,
    ...SPREAD,
  ],
  'backend.pool': [row('AIServiceBackend {schema: OpenAI} over an Envoy Gateway Backend {fqdn: <service>.<namespace>.svc.cluster.local}',
    'the AI filter speaks the OpenAI API to the Service address', AI('api/v1beta1/ai_service_backend.go'),
    'the 70B pool first, the provider second (with its own model name), by priority')],
  'backend.service': [row('one AIServiceBackend and Backend pair per Service host and port', 'a Backend has one endpoint, so another port needs its own pair',
    EG('api/v1alpha1/backend_types.go'), 'one Service on two ports gets a backend pair per port')],
  'backend.inferencePool': [
    row('AIGatewayRoute backendRefs {group: inference.networking.k8s.io, kind: InferencePool}', 'requests go through the endpoint picker of the pool', ROUTE,
      'the 8B pool is reached through its InferencePool'),
    row('no BackendTrafficPolicy loadBalancer on a rule to an InferencePool', 'the extension server makes the cluster ORIGINAL_DST with the cluster-provided policy',
      AI('internal/extensionserver/post_cluster_modify.go'),
      'a rule to an InferencePool carries no load-balancing setting: the extension server makes its cluster ORIGINAL_DST (envoyproxy/ai-gateway v1.1.0 internal/extensionserver/post_cluster_modify.go)'),
    row('InferencePool failureMode FailOpen (rejected)', 'the extension server hard-codes ext_proc failure_mode_allow false for the picker',
      AI('internal/extensionserver/inferencepool.go'),
      'FailOpen is rejected: the extension server always fails closed when the endpoint picker is unavailable (envoyproxy/ai-gateway v1.1.0 internal/extensionserver/inferencepool.go)'),
    ...PICKER_CONTRACTS,
  ],
  'backend.weighted': [row('AIGatewayRoute backendRefs[].weight, normalized to 100', 'each request goes to one backend in proportion to the weights', ROUTE,
    'a weighted split becomes backendRef weights summing to 100')],
  'backend.provider': [
    row('AIServiceBackend {schema: <provider API>} over a Backend {fqdn, tls: System CAs, SNI}', 'the AI filter translates the request to the provider\'s API over TLS',
      AI('api/v1beta1/ai_service_backend.go'), 'the provider: a TLS Backend to its hostname and the API key from a Secret'),
    row('BackendSecurityPolicy {type, secretRef} targeting the AIServiceBackend', 'the credential is read from the Secret key of its type and injected upstream',
      AI('api/v1beta1/backendsecurity_policy.go'), '%s credentials come from a Secret'),
  ],
  'backend.fallback': [
    row('AIGatewayRoute backendRefs[].priority and BackendTrafficPolicy retry.numAttemptsPerPriority: 1', 'priorities advance only by retrying, one attempt each, on the conditions of the RetryPolicy',
      AI('examples/provider_fallback/fallback.yaml'),
      'fallback moves to the next priority on each retry of the RetryPolicy of the route, the LLM-safe default here (envoyproxy/ai-gateway v1.1.0 examples/provider_fallback)'),
    row('the route\'s RetryPolicy as the fallback retry (none() and too few attempts rejected)', 'without retries the later priorities are never tried',
      EG('api/v1alpha1/retry_types.go'), 'RetryPolicy.none() and too few attempts cannot reach the fallback backends'),
  ],
  'fault': [row('BackendTrafficPolicy faultInjection', 'Envoy delays or answers that share of requests itself', EG('api/v1alpha1/fault_injection.go'), POLICIES)],
  'timeout.request': [
    row('AIGatewayRoute rules[].timeouts.request', 'the whole request must finish within it (Envoy AI Gateway\'s default is 60 s)', ROUTE,
      'timeouts: minutes for the request, and a stream idle timeout that is never the short Envoy default'),
    row('durations ^([0-9]{1,5}(h|m|s|ms)){1,4}$ in the largest exact unit', 'a value outside the pattern is rejected by the API server', ROUTE,
      'durations fit the CRD pattern in the largest exact unit (a 2-day request timeout is 48h), and a 10 s backoff renders maxInterval 100s'),
  ],
  'timeout.streamIdle': [row('AIGatewayRoute rules[].streamIdleTimeout', 'a streamed response may pause that long between chunks', ROUTE, LIMITS)],
  'retry': [row('BackendTrafficPolicy retry.retryOn.triggers: retriable-status-codes with httpStatusCodes', 'status codes are retried only with this trigger',
    EG('api/v1alpha1/retry_types.go'),
    'a 503 is retried on Envoy AI Gateway: the status codes come with the retriable-status-codes trigger (envoyproxy/gateway v1.8.1 api/v1alpha1/retry_types.go)')],
  'retry.perTryTimeout': [row('BackendTrafficPolicy retry.perRetry.timeout (never AIGatewayRoute timeouts.backendRequest)', 'each attempt is limited until response headers arrive',
    EG('api/v1alpha1/retry_types.go'), 'review-fixes.test.ts > Envoy Gateway: a per-try timeout goes into the BackendTrafficPolicy, never HTTPRoute backendRequest (which would become the whole request timeout)')],
  'retry.backoff': [row('BackendTrafficPolicy retry.perRetry.backOff {baseInterval, maxInterval}', 'fully jittered exponential backoff', EG('api/v1alpha1/retry_types.go'),
    'durations fit the CRD pattern in the largest exact unit (a 2-day request timeout is 48h), and a 10 s backoff renders maxInterval 100s')],
  'circuitBreaker.limits': [row('BackendTrafficPolicy circuitBreaker', 'requests beyond the limits fail fast with 503', EG('api/v1alpha1/circuitbreaker_types.go'), LIMITS)],
  'circuitBreaker.outlierDetection': [row('BackendTrafficPolicy healthCheck.passive', 'endpoints with consecutive 5xx are ejected', EG('api/v1alpha1/healthcheck_types.go'), POLICIES)],
  'rateLimit.requests': [row('BackendTrafficPolicy rateLimit Local', 'requests over the limit get 429', EG('api/v1alpha1/ratelimit_types.go'), LIMITS)],
  'rateLimit.requests.global': [row('BackendTrafficPolicy rateLimit Local, one bucket per rule', 'each Envoy replica counts alone', EG('api/v1alpha1/ratelimit_types.go'), LIMITS)],
  'rateLimit.requests.clientIp': [row('BackendTrafficPolicy rateLimit Global sourceCIDR Distinct', 'the rate limit service counts each client address separately',
    EG('api/v1alpha1/ratelimit_types.go'), POLICIES)],
  'rateLimit.requests.header': [row('BackendTrafficPolicy rateLimit Global headers Distinct', 'the rate limit service counts each header value separately',
    EG('api/v1alpha1/ratelimit_types.go'), 'a route that sets its own JWT gets a SecurityPolicy targeting its rule by sectionName')],
  'rateLimit.requests.jwtClaim': [row('SecurityPolicy claimToHeaders, then rateLimit Global on that header', 'the claim of the validated token is copied to the header the limit counts',
    EG('api/v1alpha1/jwt_types.go'), 'a per-claim token budget copies the claim to a header with the JWT SecurityPolicy')],
  'rateLimit.tokens': [row('AIGatewayRoute llmRequestCosts TotalToken and rateLimit Global with response cost from metadata io.envoy.ai_gateway llm_total_token',
    'the AI filter records the token usage of each response, which is charged to the budget after the response', ROUTE,
    'token budgets: the route records token costs and a global limit per tenant charges the total after the response')],
  'jwt': [row('SecurityPolicy jwt attached to the Gateway', 'requests without a valid token are rejected', EG('api/v1alpha1/securitypolicy_types.go'),
    'a per-claim token budget copies the claim to a header with the JWT SecurityPolicy')],
  'jwt.route': [row('SecurityPolicy targeting the rule of the generated HTTPRoute by sectionName', 'the more specific policy applies to that rule', EG('api/v1alpha1/securitypolicy_types.go'),
    'a route that sets its own JWT gets a SecurityPolicy targeting its rule by sectionName')],
  'networkIsolation': [row('NetworkPolicy from pods labelled gateway.envoyproxy.io/owning-gateway-name in the proxy namespace', 'Envoy Gateway labels its proxies so',
    EG('internal/gatewayapi/translator.go'), 'NetworkPolicies admit the Envoy proxies, and the endpoint picker of the InferencePool')],
};
