import type { Construct } from 'constructs';
import { NGINX_CONTRACTS } from './nginx-contracts';
import { NginxIngressGateway } from './nginx-ingress-gateway';
import { NginxIngressDataPlaneOptions } from './nginx-options';
import { resolveOptions, Shared } from './nginx-settings';
import type { DataPlaneImpl, GatewayWorkload, SupportDeclaration } from '../routing/data-plane';
import type { FeatureId } from '../routing/features';
import { AiGatewayRegistry } from '../routing/registry';
import { SupportLevel } from '../routing/support-level';

export * from './nginx-options';

/*
 * The ingress-nginx data plane (legacy: the project was retired in March 2026, final controller v1.15.1).
 *
 * Each route becomes an Ingress `<gateway>-<route>` with its paths; a route's header match, or the second
 * backend of a weighted split, becomes a canary Ingress `<gateway>-<route>-canary` on the same host and path
 * as a main Ingress. Policies are annotations, only names from the controller's v1.15.1 list, never a
 * snippet, and only where the controller reads them: a canary Ingress carries its canary settings and its
 * upstream's balancing, nothing the controller would ignore.
 *
 * What ingress-nginx does differently from the route order of the neutral model, and how it is kept honest:
 * - No route order: nginx picks the most specific path (exact, then longest prefix). A later route that
 *   would outrank an overlapping earlier one fails the synth (as on Gateway API).
 * - A canary Ingress needs a main Ingress for the same host and path, whose annotations (timeouts, retries,
 *   rate limit, mirror) also apply to canary traffic. The main is the first later route that takes the same
 *   path (its Ingress gets the canary's path when it takes a wider one, such as the catch-all), and both
 *   routes must agree on those settings.
 * - One canary per host and path; one upstream per Service port (balancing and affinity are per Service).
 *
 * Files: nginx-options.ts (public options), nginx-settings.ts (options resolved, state shared by the gateways of
 * one controller, kept in the App's AiGatewayRegistry), nginx-ingress-gateway.ts (Ingress objects and their pairing), nginx-paths.ts (nginx's path
 * precedence), nginx-headers.ts (header conditions), nginx-annotations.ts (policies as annotations),
 * nginx-contracts.ts (the upstream behaviour each setting relies on).
 */

const ALT_GATEWAY_API = 'use DataPlane.gatewayApi(...), the successor of ingress-nginx';
const ALT_POLICIES = 'use DataPlane.gatewayApi(...) with GatewayImplementation.envoyGateway() or GatewayImplementation.istio(), or DataPlane.istio()';
const ALT_ENVOY_AI = 'use the Envoy AI Gateway data plane';

function native(how: string): SupportDeclaration {
  return { level: SupportLevel.NATIVE, how };
}

function unsupported(how: string, alternative: string): SupportDeclaration {
  return { level: SupportLevel.UNSUPPORTED, how, alternative };
}

const SUPPORT: Record<FeatureId, SupportDeclaration> = {
  'tls': native('Ingress spec.tls with the Secret (in the Ingress namespace) on port 443; with HTTPS only, HTTP requests are redirected (ssl-redirect)'),
  'match.path': native('Ingress paths with pathType Prefix or Exact; nginx takes the most specific path (exact, then longest prefix) '
    + 'whatever the route order, so an order it would change fails the synth'),
  'match.header': native('a canary Ingress with canary-by-header and canary-by-header-value on the host and path of the next route '
    + 'without header matches, which takes the other requests (one header per route, one canary per host and path)'),
  'match.headerRegex': native('a canary Ingress with canary-by-header-pattern, anchored as ^(?:regex)$ (PCRE, which reads RE2 syntax)'),
  'match.headerPresent': native('a canary Ingress with canary-by-header-pattern ".*"'),
  'match.method': unsupported('an Ingress matches the host and path only', `leave the method condition out, or ${ALT_GATEWAY_API}`),
  'match.query': unsupported('an Ingress matches the host and path only', ALT_GATEWAY_API),
  'match.model': unsupported('an Ingress matches the host and path, never the JSON body',
    `${ALT_ENVOY_AI}, or have clients send the model in a header and match it with RouteMatch.header`),
  'backend.pool': native('Ingress backend with the pool Service name and port (in the Ingress namespace only)'),
  'backend.service': native('Ingress backend with the Service name and port (in the Ingress namespace only)'),
  'backend.inferencePool': unsupported('ingress-nginx balances by itself and cannot consult an endpoint picker',
    'use DataPlane.gatewayApi(...) with Backend.inferencePool, or Backend.pool()'),
  'backend.weighted': native('two backends: the first on the main Ingress, the second on a canary Ingress with canary-weight in percent'),
  'backend.provider': unsupported('ingress-nginx has no notion of hosted LLM providers and their credentials', ALT_ENVOY_AI),
  'backend.fallback': unsupported('ingress-nginx retries another replica of the same Service, never another backend', ALT_ENVOY_AI),
  'mirror': native('mirror-target with the fully qualified Service URL (every request: nginx cannot mirror a share)'),
  'fault': unsupported('ingress-nginx has no fault injection', 'use DataPlane.istio(), or DataPlane.gatewayApi(...) with GatewayImplementation.envoyGateway()'),
  'timeout.request': native('proxy-read-timeout and proxy-send-timeout, the longest pause between two reads or writes (nginx has no '
    + 'whole-request limit, so a stream that keeps sending may run longer; 0, no limit, becomes 3600), proxy-connect-timeout 5, '
    + 'proxy-buffering off so tokens stream as they come'),
  'timeout.streamIdle': unsupported('ingress-nginx has one idle timeout, proxy-read-timeout, which timeouts.request already sets',
    'set timeouts.request to the longest pause between two chunks you allow (on ingress-nginx it bounds pauses, not the whole request)'),
  'retry': native('proxy-next-upstream (connection conditions become error and timeout, statuses 500, 502, 503, 504, 403, 404 and 429 '
    + 'become http_<code>), proxy-next-upstream-tries = attempts + 1, proxy-next-upstream-timeout = the request timeout; nginx sends '
    + 'a POST (every completion) again only while no replica has it: RetryPolicy.llmSafe() retries completions on connection failures '
    + '(its 503 applies to idempotent requests), and a custom policy with status or reset conditions needs retryNonIdempotent'),
  'retry.perTryTimeout': unsupported('nginx has no per-attempt limit; proxy-read-timeout bounds the pauses of each attempt',
    `leave perTryTimeout out (timeouts.request then bounds each attempt), or ${ALT_GATEWAY_API}`),
  'retry.backoff': unsupported('nginx passes a failed request to the next replica at once, with no pause (the default backoff of RetryPolicy.llmSafe() is left out)',
    'leave backoff out of the retry policy, or use Gateway API'),
  'circuitBreaker.limits': unsupported('ingress-nginx has no connection or request limits per backend (limit-connections counts per client)', ALT_POLICIES),
  'circuitBreaker.outlierDetection': unsupported('ingress-nginx does not eject failing replicas (only readiness probes take them out)', ALT_POLICIES),
  'sessionAffinity.cookie': native('affinity cookie with session-cookie-name, session-cookie-max-age and session-cookie-expires in whole seconds, '
    + 'session-cookie-path and session-cookie-samesite'),
  'sessionAffinity.header': native('upstream-hash-by "$http_<header>" (consistent hashing; requests without the header all go to one replica)'),
  'rateLimit.requests': native('limit-rps or limit-rpm with limit-burst-multiplier = (burst - 1) / limit (nginx admits its burst + 1 at once; '
    + 'without a burst, 1: the limit + 1 at once), always per client IP, so a '
    + 'RateLimitKey.allClients() limit is rejected; answers 429 only with the controller setting limit-req-status-code (see controllerSettings()), else 503'),
  'rateLimit.requests.global': unsupported('limit-rps and limit-rpm count each client IP separately, so a global limit would silently become a per-client one',
    'use RateLimitKey.clientIp(), or DataPlane.gatewayApi(...) with GatewayImplementation.envoyGateway() for one shared budget'),
  'rateLimit.requests.clientIp': native('limit-rps / limit-rpm count each client address (behind a load balancer the controller needs '
    + 'use-forwarded-headers or the PROXY protocol to see it)'),
  'rateLimit.requests.header': unsupported('ingress-nginx rate limits count per client IP only',
    'use RateLimitKey.clientIp(), or DataPlane.gatewayApi(...) with GatewayImplementation.envoyGateway()'),
  'rateLimit.requests.jwtClaim': unsupported('ingress-nginx validates no JWT and counts per client IP only',
    'use RateLimitKey.clientIp(), or DataPlane.gatewayApi(...) with GatewayImplementation.envoyGateway() and RateLimitKey.header'),
  'rateLimit.tokens': unsupported('ingress-nginx does not count the model tokens in responses', ALT_ENVOY_AI),
  'jwt': unsupported('ingress-nginx cannot validate JWTs itself, only call an external service (auth-url)',
    'validate tokens in an auth service and set externalAuthUrl on DataPlane.nginxIngress, or use DataPlane.gatewayApi(...) with GatewayImplementation.envoyGateway()'),
  'jwt.route': unsupported('ingress-nginx cannot validate JWTs itself, only call an external service (auth-url)',
    'validate tokens in an auth service and set externalAuthUrl on DataPlane.nginxIngress, or use DataPlane.gatewayApi(...) with GatewayImplementation.envoyGateway()'),
  'networkIsolation': native('NetworkPolicy admitting the ingress-nginx controller pods (controllerNamespace and controllerPodLabels)'),
};

const DEFAULT_CONTROLLER_LABELS = { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' };

/** @internal */
export function nginxIngressDataPlane(options: NginxIngressDataPlaneOptions): DataPlaneImpl {
  const controllerNamespace = options.controllerNamespace ?? 'ingress-nginx';
  const controllerPodLabels = options.controllerPodLabels ?? DEFAULT_CONTROLLER_LABELS;
  // What every gateway of one controller (IngressClass) in an App shares: the controller keeps one upstream per
  // Service port for all Ingresses, and one worker-shutdown-timeout for all streams. It lives in the App's
  // registry, never in this value, which any number of gateways and Apps may share.
  const shared = (scope: Construct): Shared => AiGatewayRegistry.of(scope)._state(`ingress-nginx/${options.ingressClassName}`,
    (): Shared => ({ upstreams: new Map(), longestIdleSeconds: 0 }));
  return {
    name: 'ingress-nginx (legacy)',
    installation: { controller: 'ingress-nginx', ingressClassName: options.ingressClassName, gatewayNamespace: controllerNamespace },
    support: SUPPORT,
    contracts: NGINX_CONTRACTS,
    workload: (): GatewayWorkload => ({ namespace: controllerNamespace, labels: { ...controllerPodLabels }, extraPorts: [] }),
    bind: (scope, gateway) => {
      const settings = resolveOptions(scope, options, controllerNamespace, controllerPodLabels);
      return new NginxIngressGateway(scope, gateway, settings, shared(scope));
    },
    controllerSettings: (scope?: Construct) => ({
      // upstream-hash-by, mirror-target and auth-url are High-risk annotations; Critical (snippets) stays off.
      'annotations-risk-level': 'High',
      // The model promises 429 for rate-limited requests; ingress-nginx answers 503 unless told otherwise.
      'limit-conn-status-code': '429',
      'limit-req-status-code': '429',
      // Each Ingress says itself whether POSTs may be retried (retryNonIdempotent); the global switch must not override it.
      'retry-non-idempotent': 'false',
      // A reload lets old workers finish their streams for this long before cutting them (ingress-nginx's default: 240s).
      'worker-shutdown-timeout': `${Math.max(300, scope === undefined ? 0 : shared(scope).longestIdleSeconds)}s`,
    }),
  };
}
