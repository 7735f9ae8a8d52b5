import { Size, SizeRoundingBehavior } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { NGINX_CONTRACTS } from './nginx-contracts';
import type { DataPlaneImpl, GatewayRenderer, GatewayWorkload, SupportDeclaration } from '../routing/data-plane';
import type { FeatureId } from '../routing/features';
import { RetryPolicy } from '../routing/policies';
import { fullyQualifiedHost, normalizeWeights, samePolicy } from '../routing/render-helpers';
import type { DestinationSpec, GatewaySpec, MatchConditions, PathMatchKind, RateLimitSpec, RetrySpec, RouteSpec, SessionAffinitySpec, ValueCondition } from '../routing/resolved';
import { SupportLevel } from '../routing/support-level';
import { invalid, requireDnsLabel, requireDnsSubdomain, requireLabelKeys, requireLabelValue, requireWholeNumber } from '../validate';

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
 */

/** The SameSite attribute of ingress-nginx's session affinity cookie. */
export enum NginxSessionCookieSameSite {
  /** Sent only with same-site requests. */
  STRICT = 'Strict',
  /** Sent with same-site requests and top-level navigations. */
  LAX = 'Lax',
  /** Sent with every request; browsers then require the Secure attribute, which is set too. */
  NONE = 'None',
}

/** How ingress-nginx picks a replica when a route has no session affinity. */
export enum NginxLoadBalancing {
  /**
   * Peak EWMA: the replica with the lowest recent latency times load, the closest ingress-nginx has to
   * least-request balancing (LLM requests differ in cost by orders of magnitude).
   */
  EWMA = 'ewma',
  /** Each replica in turn, whatever its load. */
  ROUND_ROBIN = 'round_robin',
}

/**
 * Options for `DataPlane.nginxIngress`.
 *
 * **Legacy.** ingress-nginx was retired in March 2026 (final controller v1.15.1, chart 4.15.1). Use it only
 * for clusters that still run it, and move to `DataPlane.gatewayApi(...)`, a one-line change.
 */
export interface NginxIngressDataPlaneOptions {
  /** The IngressClass of the ingress-nginx controller, such as `nginx`; every Ingress sets it. */
  readonly ingressClassName: string;
  /**
   * The namespace the ingress-nginx controller pods run in (for NetworkPolicies).
   * @default 'ingress-nginx'
   */
  readonly controllerNamespace?: string;
  /**
   * The labels of the ingress-nginx controller pods (for NetworkPolicies).
   * @default { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' }
   */
  readonly controllerPodLabels?: Record<string, string>;
  /**
   * Let retries send a POST (every completion) again after it reached a replica (`non_idempotent` in the Ingress's
   * `proxy-next-upstream`, which ingress-nginx honours per Ingress). Without it, nginx sends a POST again only
   * while no replica has it, which is exactly "the model did no work": connection failures and connect timeouts
   * are retried, while status conditions (503, 5xx) and resets after sending apply to GET and other idempotent
   * requests only. `RetryPolicy.llmSafe()` is rendered so (its 503 then serves GETs such as /v1/models); a
   * `RetryPolicy.custom` that lists a status or `RESET` condition is rejected without this option, since it
   * would not apply to completions. With it, a POST whose connection failed or timed out after it was sent, or
   * that got a listed status, is sent again, and the model may do the work twice.
   * @default false
   * @see https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_next_upstream
   */
  readonly retryNonIdempotent?: boolean;
  /**
   * The URL of an external authentication service (`auth-url`), called for every request: a 2xx answer
   * lets the request through, 401 or 403 rejects it. ingress-nginx cannot validate JWTs itself; run a
   * service that does and put its URL here.
   * @default - no external authentication
   * @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#external-authentication
   */
  readonly externalAuthUrl?: string;
  /**
   * How replicas are picked for routes without session affinity (`load-balance`).
   * @default NginxLoadBalancing.EWMA
   */
  readonly loadBalancing?: NginxLoadBalancing;
  /**
   * The most requests one client IP may have in flight on a route (`limit-connections`; with HTTP/2 each
   * stream counts), such as concurrent streamed completions. Rejections answer 429 only with the controller
   * setting `limit-conn-status-code` (see `DataPlane.controllerSettings()`), else 503.
   * @default - no limit
   */
  readonly concurrentRequestsPerClient?: number;
  /**
   * Client addresses or CIDRs that rate limits and `concurrentRequestsPerClient` never count (`limit-whitelist`),
   * such as internal batch clients.
   * @default - none: every client is limited
   */
  readonly rateLimitAllowList?: string[];
  /**
   * The SameSite attribute of session affinity cookies (`session-cookie-samesite`).
   * @default - no SameSite attribute (browsers treat the cookie as Lax)
   */
  readonly sessionCookieSameSite?: NginxSessionCookieSameSite;
  /**
   * The largest request body accepted (`proxy-body-size`). ingress-nginx's own default, 1 MiB, rejects long
   * prompts and images with 413.
   * @default Size.mebibytes(16)
   */
  readonly maxRequestBodySize?: Size;
}

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
  // What every gateway of this data plane shares: the controller keeps one upstream per Service port for all
  // Ingresses, and one worker-shutdown-timeout for all streams.
  const shared: Shared = { upstreams: new Map(), longestIdleSeconds: 0 };
  return {
    name: 'ingress-nginx (legacy)',
    installation: { controller: 'ingress-nginx', ingressClassName: options.ingressClassName, gatewayNamespace: controllerNamespace },
    support: SUPPORT,
    contracts: NGINX_CONTRACTS,
    workload: (): GatewayWorkload => ({ namespace: controllerNamespace, labels: { ...controllerPodLabels }, extraPorts: [] }),
    bind: (scope, gateway) => {
      const settings = resolveOptions(scope, options, controllerNamespace, controllerPodLabels);
      return new NginxIngressGateway(scope, gateway, settings, shared);
    },
    controllerSettings: () => ({
      // upstream-hash-by, mirror-target and auth-url are High-risk annotations; Critical (snippets) stays off.
      'annotations-risk-level': 'High',
      // The model promises 429 for rate-limited requests; ingress-nginx answers 503 unless told otherwise.
      'limit-conn-status-code': '429',
      'limit-req-status-code': '429',
      // Each Ingress says itself whether POSTs may be retried (retryNonIdempotent); the global switch must not override it.
      'retry-non-idempotent': 'false',
      // A reload lets old workers finish their streams for this long before cutting them (ingress-nginx's default: 240s).
      'worker-shutdown-timeout': `${Math.max(300, shared.longestIdleSeconds)}s`,
    }),
  };
}

interface Shared {
  readonly upstreams: Map<string, Upstream>;
  longestIdleSeconds: number;
}

interface Settings {
  readonly ingressClassName: string;
  readonly retryNonIdempotent: boolean;
  readonly externalAuthUrl?: string;
  readonly loadBalancing: NginxLoadBalancing;
  readonly concurrentRequests?: number;
  readonly allowList?: string;
  readonly sameSite?: NginxSessionCookieSameSite;
  readonly bodySize: string;
}

const AUTH_URL = /^https?:\/\/[A-Za-z0-9\-._~/:,?&=$]+$/;
const CIDR = /^([0-9]{1,3}(\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(\/[0-9]{1,3})?$/;

function resolveOptions(scope: Construct, o: NginxIngressDataPlaneOptions, namespace: string, labels: Record<string, string>): Settings {
  requireDnsSubdomain(scope, 'dataPlane.ingressClassName', o.ingressClassName);
  requireDnsLabel(scope, 'dataPlane.controllerNamespace', namespace);
  if (Object.keys(labels).length === 0) {
    throw invalid(scope, 'dataPlane.controllerPodLabels', {}, 'is empty and would admit every pod of the controller namespace',
      "give the controller pods' labels, such as { 'app.kubernetes.io/name': 'ingress-nginx' }");
  }
  requireLabelKeys(scope, 'dataPlane.controllerPodLabels', labels);
  for (const [key, value] of Object.entries(labels)) requireLabelValue(scope, `dataPlane.controllerPodLabels.${key}`, value);
  if (o.externalAuthUrl !== undefined && !AUTH_URL.test(o.externalAuthUrl)) {
    throw invalid(scope, 'dataPlane.externalAuthUrl', o.externalAuthUrl,
      'is not an http(s) URL that ingress-nginx accepts in auth-url (letters, digits and - . _ ~ / : , ? & = $ only)',
      'use the URL of your auth service, such as http://auth.auth.svc.cluster.local:8080/verify');
  }
  if (o.concurrentRequestsPerClient !== undefined) {
    requireWholeNumber(scope, 'dataPlane.concurrentRequestsPerClient', o.concurrentRequestsPerClient, 1);
  }
  (o.rateLimitAllowList ?? []).forEach((cidr, i) => {
    if (!CIDR.test(cidr)) {
      throw invalid(scope, `dataPlane.rateLimitAllowList[${i}]`, cidr, 'is not an IP address or CIDR', 'use addresses such as 10.0.0.0/8 or 192.0.2.10');
    }
  });
  const body = o.maxRequestBodySize ?? Size.mebibytes(16);
  const kib = body.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(kib) || kib < 1) {
    throw invalid(scope, 'dataPlane.maxRequestBodySize', `${kib} KiB`, 'must be a whole number of KiB, at least 1', 'use Size.kibibytes(n) or Size.mebibytes(n)');
  }
  return {
    ingressClassName: o.ingressClassName,
    retryNonIdempotent: o.retryNonIdempotent ?? false,
    externalAuthUrl: o.externalAuthUrl,
    loadBalancing: o.loadBalancing ?? NginxLoadBalancing.EWMA,
    concurrentRequests: o.concurrentRequestsPerClient,
    allowList: o.rateLimitAllowList === undefined || o.rateLimitAllowList.length === 0 ? undefined : o.rateLimitAllowList.join(','),
    sameSite: o.sessionCookieSameSite,
    bodySize: kib % 1024 === 0 ? `${kib / 1024}m` : `${kib}k`,
  };
}

const PREFIX = 'nginx.ingress.kubernetes.io/';

/** Every ingress-nginx annotation this renderer writes: all in the controller's v1.15.1 list, none a snippet. */
type AnnotationName =
  | 'affinity' | 'auth-url' | 'canary' | 'canary-by-header' | 'canary-by-header-pattern' | 'canary-by-header-value' | 'canary-weight'
  | 'limit-burst-multiplier' | 'limit-connections' | 'limit-rpm' | 'limit-rps' | 'limit-whitelist' | 'load-balance' | 'mirror-target'
  | 'proxy-body-size' | 'proxy-buffering' | 'proxy-connect-timeout' | 'proxy-next-upstream' | 'proxy-next-upstream-timeout'
  | 'proxy-next-upstream-tries' | 'proxy-read-timeout' | 'proxy-send-timeout'
  | 'session-cookie-expires' | 'session-cookie-max-age' | 'session-cookie-name' | 'session-cookie-path' | 'session-cookie-samesite'
  | 'session-cookie-secure' | 'ssl-redirect' | 'upstream-hash-by';
type Annotations = Partial<Record<AnnotationName, string>>;

/** The location settings a canary Ingress takes from its main Ingress, by the route property they come from. */
type LocationGroup = 'timeouts' | 'retry' | 'rateLimit' | 'mirror';
type LocationAnnotations = Record<LocationGroup, Annotations>;

interface PathRule {
  readonly kind: PathMatchKind;
  readonly value: string;
}

/** One path of a route, in the role its Ingress gives it. */
interface Entry {
  readonly route: RouteSpec;
  /** `matches[i]`, or `matches` for the catch-all. */
  readonly property: string;
  /** The match as the user wrote it, for messages. */
  readonly describe: string;
  readonly path: PathRule;
  /** main: a main Ingress path; header: a header canary; weight: the canary of a weighted split. */
  readonly role: 'main' | 'header' | 'weight';
}

/** A host and path: at most one main Ingress and one canary Ingress. */
interface Slot {
  main?: Entry;
  canary?: Entry;
}

/** The header condition of a route's canary Ingress. */
interface CanaryCondition {
  readonly header: string;
  readonly value?: string;
  readonly pattern?: string;
}

/** A Service port and the Ingress that defines its upstream (balancing and affinity are per upstream). */
interface Upstream {
  readonly route: string;
  readonly ingress: string;
  readonly canary: boolean;
  readonly affinity?: SessionAffinitySpec;
}

/** Ingress-nginx's strict-validate-path-type (on by default since v1.12) for Prefix and Exact paths. */
const STRICT_PATH = /^\/[A-Za-z0-9\-._~/]*$/;
/** canary-by-header-value and cookie names: ingress-nginx's BasicChars (spaces are dropped before the check). */
const BASIC_CHARS = /^[A-Za-z0-9\-._~:/ ]*$/;
/** canary-by-header-pattern: ingress-nginx's IsValidRegex. */
const REGEX_CHARS = /^[A-Za-z0-9\-._~:/^$[\](){}*+?|&=\\]*$/;
/** Header names nginx reads by default (it ignores headers with "_" or other characters). */
const NGINX_HEADER = /^[a-z0-9-]+$/;
const COOKIE_NAME = /^[A-Za-z0-9\-._~]+$/;
const COOKIE_PATH = /^[A-Za-z0-9\-._~/:,?&=]+$/;

/** nginx has no unlimited proxy timeout (0 would time out at once): "no limit" becomes an hour of silence. */
const NO_LIMIT_IDLE_SECONDS = 3600;
const CONNECT_TIMEOUT_SECONDS = 5;

/** Renders one AiGateway as an Ingress per route and canary Ingresses. */
class NginxIngressGateway implements GatewayRenderer {
  private readonly entries: Entry[] = [];
  private readonly slots = new Map<string, Slot>();
  private readonly names = new Map<string, string>();

  constructor(
    private readonly scope: Construct,
    private readonly gateway: GatewaySpec,
    private readonly settings: Settings,
    private readonly shared: Shared,
  ) {
    gateway.listeners.forEach((l, i) => {
      const port = l.protocol === 'HTTP' ? 80 : 443;
      if (l.port !== port) {
        throw invalid(scope, `listeners[${i}].port`, l.port,
          `cannot be expressed by ingress-nginx, whose controller serves every Ingress on port ${port} for ${l.protocol} (an Ingress cannot choose its port)`,
          `use Listener.${l.protocol === 'HTTP' ? 'http()' : 'https({ tlsSecret })'} with the default port, or DataPlane.gatewayApi(...), whose listeners choose their ports`);
      }
    });
    scope.node.addValidation({
      validate: () => [...this.slots.values()].filter(s => s.main === undefined && s.canary !== undefined).map(s => {
        const c = s.canary!;
        return invalid(c.route.scope, c.property, c.describe,
          `makes route '${c.route.id}' a canary Ingress for ${pathText(c.path)}, and ingress-nginx drops a canary whose host and path have no main Ingress`,
          `add a route after '${c.route.id}' without header matches that takes the other requests to ${pathText(c.path)}, such as a catch-all`).message;
      }),
    });
  }

  public addRoute(route: RouteSpec): void {
    // Everything is checked before anything is recorded: a rejected route leaves the renderer as it was.
    const weighted = route.backend.mode === 'weighted';
    route.backend.destinations.forEach((d, i) => this.requireIngressNamespace(route, weighted ? `backend[${i}]` : 'backend', d));
    if (weighted && route.backend.destinations.length > 2) {
      throw invalid(route.scope, 'backend', `${route.backend.destinations.length} backends`,
        'is a weighted split of more than two backends, and ingress-nginx splits a host and path between one main Ingress and one canary Ingress',
        'split between two backends, or use DataPlane.gatewayApi(...), whose HTTPRoute weights any number of backends');
    }
    const { entries, condition } = this.entriesOf(route, weighted);
    const location = this.locationAnnotations(route);
    const upstream = this.upstreamAnnotations(route);
    if (condition !== undefined && route.policies.sessionAffinity?.kind === 'cookie') {
      throw invalid(route.scope, 'sessionAffinity', `SessionAffinity.cookie("${route.policies.sessionAffinity.name}")`,
        'cannot be expressed on a header canary: ingress-nginx replaces the cookie affinity of a canary Ingress with that of the main Ingress for its path',
        'use SessionAffinity.header(...) (consistent hashing), or DataPlane.gatewayApi(...)');
    }
    const pairings = this.order(route, entries, weighted);
    for (const p of pairings) this.checkPairing(route, location, p.canary);

    const base = `${this.gateway.name}-${route.id}`;
    const mainPaths = uniquePaths([...entries.filter(e => e.role === 'main').map(e => e.path), ...pairings.filter(p => p.widened).map(p => p.canary.path)]);
    const canaryPaths = weighted ? mainPaths : uniquePaths(entries.filter(e => e.role === 'header').map(e => e.path));
    const mainName = mainPaths.length > 0 ? base : undefined;
    const canaryName = canaryPaths.length > 0 ? `${base}-canary` : undefined;
    const [first, second] = route.backend.destinations;
    const upstreams: Array<[string, DestinationSpec, string, boolean]> = [];
    if (mainName !== undefined) upstreams.push([weighted ? 'backend[0]' : 'backend', first, mainName, false]);
    if (canaryName !== undefined) upstreams.push(weighted ? ['backend[1]', second, canaryName, true] : ['backend', first, canaryName, true]);
    this.checkUpstreams(route, upstreams);
    for (const name of [mainName, canaryName]) {
      const other = name === undefined ? undefined : this.names.get(name);
      if (other !== undefined) {
        throw invalid(route.scope, 'id', route.id, `gives the Ingress name ${name}, which route '${other}' already uses`, 'rename the route');
      }
    }

    // Record.
    this.entries.push(...entries);
    for (const e of entries) {
      const slot = this.slot(e.path);
      if (e.role === 'header') {
        slot.canary = e;
      } else {
        slot.main = e;
        if (weighted) slot.canary = { ...e, role: 'weight' };
      }
    }
    for (const p of pairings) {
      if (!p.widened) continue;
      const main: Entry = { ...p.main, path: p.canary.path };
      this.entries.push(main);
      this.slot(main.path).main = main;
    }
    for (const [, d, ingress, canary] of upstreams) {
      const key = upstreamKey(d);
      if (!this.shared.upstreams.has(key)) {
        this.shared.upstreams.set(key, { route: route.id, ingress, canary, affinity: route.policies.sessionAffinity });
      }
    }
    for (const name of [mainName, canaryName]) if (name !== undefined) this.names.set(name, route.id);
    this.shared.longestIdleSeconds = Math.max(this.shared.longestIdleSeconds, idleSeconds(route));

    // Render.
    if (mainName !== undefined) {
      this.ingress(`Ingress-${route.id}`, mainName, {
        ...location.timeouts, ...location.retry, ...location.rateLimit, ...location.mirror, ...this.gatewayAnnotations(), ...upstream,
      }, mainPaths, first, true);
    }
    if (canaryName !== undefined) {
      const weights = weighted ? normalizeWeights([first.weight, second.weight]) : [];
      const canary: Annotations = weighted
        ? { 'canary': 'true', 'canary-weight': String(weights[1]) }
        : { 'canary': 'true', 'canary-by-header': condition!.header, 'canary-by-header-value': condition!.value, 'canary-by-header-pattern': condition!.pattern };
      // A canary's cookie affinity is its main Ingress's (copied by the controller): only its own balancing is written.
      const own: Annotations = upstream.affinity === undefined ? upstream : {};
      this.ingress(`CanaryIngress-${route.id}`, canaryName, { ...canary, ...own }, canaryPaths, weighted ? second : first, false);
    }
  }

  /** The paths of a route and their roles, and the header condition of its canary. */
  private entriesOf(route: RouteSpec, weighted: boolean): { entries: Entry[]; condition?: CanaryCondition } {
    const matches: Array<{ property: string; m: MatchConditions }> = route.matches.length === 0
      ? [{ property: 'matches', m: { headers: [], queryParams: [] } }]
      : route.matches.map((m, i) => ({ property: `matches[${i}]`, m }));
    const entries: Entry[] = [];
    let condition: { readonly c: CanaryCondition; readonly property: string; readonly describe: string } | undefined;
    for (const { property, m } of matches) {
      const path = this.pathOf(route, property, m);
      const describe = describeMatch(m);
      if (m.headers.length === 0) {
        entries.push({ route, property, describe, path, role: 'main' });
        continue;
      }
      if (weighted) {
        throw invalid(route.scope, property, describe,
          'combines a header match with Backend.weighted, and the one canary Ingress ingress-nginx allows per host and path is either the header route or the weighted split',
          'match paths only on the weighted route, or use DataPlane.gatewayApi(...)');
      }
      if (m.headers.length > 1) {
        throw invalid(route.scope, property, describe, 'has more than one header condition, and an ingress-nginx canary matches one header',
          'match one header, or use DataPlane.gatewayApi(...)');
      }
      const c = canaryCondition(route, property, m.headers[0]);
      if (condition !== undefined && !samePolicy(condition.c, c)) {
        throw invalid(route.scope, property, describe,
          `has another header condition than ${condition.property} (${condition.describe}), and a route becomes one canary Ingress with one header condition`,
          'split the route into one route per header condition');
      }
      condition ??= { c, property, describe };
      entries.push({ route, property, describe, path, role: 'header' });
    }
    // A header match on a path the route takes anyway adds nothing (matches are ORed).
    const mains = entries.filter(e => e.role === 'main');
    const kept = entries.filter(e => e.role === 'main' || !mains.some(m => covers(m.path, e.path)));
    const deduped = kept.filter((e, i) => kept.findIndex(x => x.role === e.role && pathKey(x.path) === pathKey(e.path)) === i);
    return { entries: deduped, condition: deduped.some(e => e.role === 'header') ? condition?.c : undefined };
  }

  private pathOf(route: RouteSpec, property: string, m: MatchConditions): PathRule {
    const path = m.path ?? { kind: 'prefix', value: '/' };
    // A trailing slash makes no difference to an element-wise prefix; one spelling keeps host and path pairs comparable.
    const value = path.kind === 'prefix' && path.value.length > 1 ? path.value.replace(/\/+$/, '') || '/' : path.value;
    if (!STRICT_PATH.test(value)) {
      throw invalid(route.scope, property, path.value,
        'has characters ingress-nginx rejects in Prefix and Exact paths (strict-validate-path-type, on by default since v1.12: letters, digits and - . _ ~ / only)',
        'use a path made of those characters, or use DataPlane.gatewayApi(...)');
    }
    return { kind: path.kind, value };
  }

  /**
   * Checks the route against the earlier ones where ingress-nginx's path precedence and canary rules differ
   * from the route order, and returns the earlier canaries this route becomes the main Ingress for.
   */
  private order(route: RouteSpec, entries: readonly Entry[], weighted: boolean): Array<{ canary: Entry; main: Entry; widened: boolean }> {
    for (const r of entries) {
      for (const e of this.entries) {
        if (pathKey(r.path) !== pathKey(e.path) && mayOverlap(r.path, e.path) && compareRank(rank(r.path), rank(e.path)) > 0) {
          throw invalid(route.scope, r.property, r.describe,
            `outranks the match of earlier route '${e.route.id}' (${e.describe}): ingress-nginx has no route order and sends a request to the Ingress path `
            + `that matches it most specifically (exact path, then longest prefix), so this route would take requests that '${e.route.id}' gets on other data planes`,
            `add route '${route.id}' before '${e.route.id}', or make '${e.route.id}' at least as specific`);
        }
      }
    }
    const pairings: Array<{ canary: Entry; main: Entry; widened: boolean }> = [];
    const secondCanary = (r: Entry, c: Entry) => invalid(route.scope, r.property, r.describe,
      `would ${r.role === 'header' ? 'be a second canary' : 'add a second canary (the weighted split)'} for ${pathText(c.path)}, where route '${c.route.id}' `
      + `(${c.describe}) already is the canary, and ingress-nginx allows one canary Ingress per host and path`,
      'merge the two routes into one, or use DataPlane.gatewayApi(...), whose HTTPRoute takes any number of header and weighted rules');
    for (const r of entries) {
      const slot = this.slots.get(pathKey(r.path));
      if (slot?.main !== undefined) {
        const m = slot.main;
        throw invalid(route.scope, r.property, r.describe,
          `would never be used: earlier route '${m.route.id}' (${m.describe}) takes every request to ${pathText(r.path)}, and ingress-nginx would `
          + (r.role === 'header' ? 'send the requests with the header to this route\'s canary Ingress instead' : 'pick one of the two Ingresses for it'),
          r.role === 'header' ? `add route '${route.id}' before '${m.route.id}'` : `remove route '${route.id}', or give it a header match and add it before '${m.route.id}'`);
      }
      if (slot?.canary !== undefined) {
        if (r.role === 'header' || weighted) throw secondCanary(r, slot.canary);
        if (!pairings.some(p => p.canary === slot.canary)) pairings.push({ canary: slot.canary, main: r, widened: false });
      }
    }
    // An earlier canary on a narrower path: this route takes the other requests to that path, so its Ingress gets the path too.
    for (const slot of this.slots.values()) {
      const c = slot.canary;
      if (slot.main !== undefined || c === undefined || pairings.some(p => p.canary === c)) continue;
      const cover = entries.find(r => covers(r.path, c.path));
      if (cover === undefined) continue;
      if (cover.role === 'header') {
        throw invalid(route.scope, cover.property, cover.describe,
          `cannot apply to requests for ${pathText(c.path)}: ingress-nginx sends them to the Ingresses for that path, where route '${c.route.id}' (${c.describe}) is the one canary`,
          `add a route for ${pathText(c.path)} without header matches before '${route.id}', or use DataPlane.gatewayApi(...)`);
      }
      if (weighted) throw secondCanary(cover, c);
      pairings.push({ canary: c, main: cover, widened: true });
    }
    return pairings;
  }

  /** A canary Ingress runs with its main Ingress's location settings: both routes must ask for the same. */
  private checkPairing(route: RouteSpec, location: LocationAnnotations, canary: Entry) {
    const a = route.policies.sessionAffinity;
    if (a?.kind === 'cookie') {
      throw invalid(route.scope, 'sessionAffinity', `SessionAffinity.cookie("${a.name}")`,
        `cannot be combined with the header canary of route '${canary.route.id}' for ${pathText(canary.path)}: ingress-nginx keeps a client that holds `
        + 'this route\'s affinity cookie on this backend even when the header asks for the canary',
        'use SessionAffinity.header(...) (consistent hashing), or DataPlane.gatewayApi(...)');
    }
    const theirs = this.locationAnnotations(canary.route);
    for (const group of ['timeouts', 'retry', 'rateLimit', 'mirror'] as LocationGroup[]) {
      if (samePolicy(location[group], theirs[group])) continue;
      const keys = [...new Set([...Object.keys(location[group]), ...Object.keys(theirs[group])])].sort() as AnnotationName[];
      const differing = keys.filter(k => location[group][k] !== theirs[group][k]);
      const pick = (x: Annotations) => Object.fromEntries(differing.map(k => [k, x[k] ?? 'not set']));
      throw invalid(route.scope, group, pick(location[group]),
        `differs from route '${canary.route.id}' (${JSON.stringify(pick(theirs[group]))}), whose canary Ingress for ${pathText(canary.path)} runs with this `
        + 'route\'s Ingress settings: ingress-nginx applies the main Ingress\'s annotations to canary traffic',
        `give both routes the same ${group}${group === 'mirror' ? '' : ' (set it in the gateway defaults)'}, or use DataPlane.gatewayApi(...)`);
    }
  }

  /** ingress-nginx keeps one upstream per Service port: balancing, affinity and the canary role belong to it. */
  private checkUpstreams(route: RouteSpec, upstreams: ReadonlyArray<[string, DestinationSpec, string, boolean]>) {
    const seen = new Map(this.shared.upstreams);
    for (const [property, d, ingress, canary] of upstreams) {
      const key = upstreamKey(d);
      const other = seen.get(key);
      if (other === undefined) {
        seen.set(key, { route: route.id, ingress, canary, affinity: route.policies.sessionAffinity });
        continue;
      }
      if (other.ingress !== ingress && (other.canary || canary)) {
        throw invalid(route.scope, property, `${d.name}:${d.port}`,
          `is also the backend of Ingress ${other.ingress} (route '${other.route}'), and ingress-nginx keeps one upstream per Service port, `
          + 'so the Service of a canary Ingress cannot serve another Ingress',
          'give the canary its own Service, or use DataPlane.gatewayApi(...)');
      }
      if (!samePolicy(other.affinity ?? null, route.policies.sessionAffinity ?? null)) {
        throw invalid(route.scope, 'sessionAffinity', `${d.name}:${d.port}`,
          `differs from route '${other.route}', which sends to the same Service port, and ingress-nginx keeps load balancing and affinity per Service port (the first Ingress wins)`,
          'give every route to this backend the same sessionAffinity (set it in the gateway defaults)');
      }
    }
  }

  private requireIngressNamespace(route: RouteSpec, property: string, d: DestinationSpec) {
    const namespace = d.namespace ?? this.gateway.namespace;
    if (namespace !== this.gateway.namespace) {
      throw invalid(route.scope, property, `${d.name} in namespace ${namespace}`,
        `is not in the namespace of the gateway's Ingresses (${this.gateway.namespace ?? 'none set'}), and an Ingress reaches Services in its own namespace only`,
        `put the gateway in namespace ${namespace} (AiGatewayProps.namespace), or use DataPlane.gatewayApi(...), whose HTTPRoutes reach other namespaces through a ReferenceGrant`);
    }
  }

  private slot(path: PathRule): Slot {
    const key = pathKey(path);
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = {};
      this.slots.set(key, slot);
    }
    return slot;
  }

  /** Settings ingress-nginx applies per location (a canary Ingress runs with its main Ingress's). */
  private locationAnnotations(route: RouteSpec): LocationAnnotations {
    const p = route.policies;
    const idle = String(idleSeconds(route));
    return {
      timeouts: { 'proxy-connect-timeout': String(CONNECT_TIMEOUT_SECONDS), 'proxy-read-timeout': idle, 'proxy-send-timeout': idle },
      retry: this.retryAnnotations(route),
      rateLimit: this.rateLimitAnnotations(route, p.rateLimit),
      mirror: this.mirrorAnnotations(route),
    };
  }

  /** The same for every route of the gateway. */
  private gatewayAnnotations(): Annotations {
    const tls = this.gateway.listeners.some(l => l.protocol === 'HTTPS');
    const http = this.gateway.listeners.some(l => l.protocol === 'HTTP');
    return {
      // Stream tokens as they come rather than buffering the response.
      'proxy-buffering': 'off',
      'proxy-body-size': this.settings.bodySize,
      'auth-url': this.settings.externalAuthUrl,
      // With TLS, ingress-nginx redirects HTTP to HTTPS unless told otherwise: say which the listeners mean.
      'ssl-redirect': tls ? String(!http) : undefined,
    };
  }

  private retryAnnotations(route: RouteSpec): Annotations {
    const retry = route.policies.retry;
    // ingress-nginx retries "error timeout" up to 3 tries when nothing is said: always say what is meant.
    if (retry === undefined) return { 'proxy-next-upstream': 'off' };
    const tokens = new Set<string>();
    for (const c of retry.conditions) {
      const mapped = c.status !== undefined
        ? (RETRY_STATUSES.includes(c.status) ? [`http_${c.status}`] : undefined)
        : RETRY_CONDITIONS[c.token];
      if (mapped === undefined) {
        throw invalid(route.scope, 'retry.conditions', c.token,
          'cannot be expressed by ingress-nginx\'s proxy-next-upstream, which retries on connection errors, timeouts and the statuses 500, 502, 503, 504, 403, 404 and 429',
          'retry on those conditions, or use DataPlane.gatewayApi(...) with GatewayImplementation.envoyGateway()');
      }
      mapped.forEach(t => tokens.add(t));
    }
    if (!this.settings.retryNonIdempotent && !isLlmSafe(route, retry)) {
      const sent = retry.conditions.filter(c => c.status !== undefined || AFTER_SENDING.includes(c.token));
      if (sent.length > 0) {
        throw invalid(route.scope, 'retry.conditions', sent.map(c => c.token).join(','),
          'would never retry a completion on ingress-nginx: nginx sends a POST again only while no replica has it, and retries one that a replica '
          + 'answered or dropped only with non_idempotent, so these conditions would apply to GET and other idempotent requests only',
          'retry completions on connection failures only (RetryPolicy.llmSafe(), or CONNECT_FAILURE and REFUSED_STREAM), or set retryNonIdempotent: true '
          + 'on DataPlane.nginxIngress (nginx then also resends a POST whose connection failed after it was sent, so the model may do the work twice)');
      }
    }
    if (this.settings.retryNonIdempotent) tokens.add('non_idempotent');
    return {
      'proxy-next-upstream': NEXT_UPSTREAM_ORDER.filter(t => tokens.has(t)).join(' '),
      // nginx counts the first try.
      'proxy-next-upstream-tries': String(retry.attempts + 1),
      // No retry starts after the request timeout (0: no limit, as in nginx).
      'proxy-next-upstream-timeout': String(route.policies.timeouts.requestSeconds),
    };
  }

  /** Request rate and concurrency limits, per client IP (the allow-list exempts from both). */
  private rateLimitAnnotations(route: RouteSpec, limit: RateLimitSpec | undefined): Annotations {
    const connections = this.settings.concurrentRequests;
    const annotations: Annotations = limit === undefined ? {} : this.requestRate(route, limit);
    if (connections !== undefined) annotations['limit-connections'] = String(connections);
    if (limit === undefined && connections === undefined) return {};
    return { ...annotations, 'limit-whitelist': this.settings.allowList };
  }

  private requestRate(route: RouteSpec, limit: RateLimitSpec): Annotations {
    // nginx's limit_req (nodelay) admits its burst + 1 requests at once, and ingress-nginx sets that burst to limit x
    // limit-burst-multiplier: `burst` requests at once is a multiplier of (burst - 1) / limit. Without a burst, the
    // multiplier 1 admits one more than the limit (the multiplier is always written: ingress-nginx's default is 5).
    let multiplier = 1;
    if (limit.burst !== undefined) {
      if ((limit.burst - 1) % limit.limit !== 0) {
        const lower = Math.floor((limit.burst - 1) / limit.limit) * limit.limit + 1;
        throw invalid(route.scope, 'rateLimit.burst', limit.burst,
          `cannot be expressed by ingress-nginx, which admits limit-burst-multiplier x the limit (${limit.limit}) + 1 requests at once, `
          + 'so burst - 1 must be a whole multiple of the limit',
          `use burst ${lower} or ${lower + limit.limit}`);
      }
      multiplier = (limit.burst - 1) / limit.limit;
    }
    return {
      [limit.unit === 'second' ? 'limit-rps' : 'limit-rpm']: String(limit.limit),
      'limit-burst-multiplier': String(multiplier),
    };
  }

  private mirrorAnnotations(route: RouteSpec): Annotations {
    const mirror = route.mirror;
    if (mirror === undefined) return {};
    if (mirror.percent !== 100) {
      throw invalid(route.scope, 'mirror.percent', mirror.percent, 'cannot be expressed by ingress-nginx, which mirrors every request (mirror-target has no share)',
        'mirror 100 percent, or use DataPlane.gatewayApi(...), whose RequestMirror takes a percentage');
    }
    const d = mirror.backend.destinations[0];
    // $request_uri keeps the client's path and query; without it the mirror would get the internal mirror location.
    return { 'mirror-target': `http://${fullyQualifiedHost(route.scope, 'mirror.backend', d, 'ingress-nginx')}:${d.port}$request_uri` };
  }

  /** Balancing and affinity of the route's upstreams: load-balance (ewma by default), or a cookie, or a header hash. */
  private upstreamAnnotations(route: RouteSpec): Annotations {
    const a = route.policies.sessionAffinity;
    if (a === undefined) return { 'load-balance': this.settings.loadBalancing };
    if (a.kind === 'header') {
      if (!NGINX_HEADER.test(a.name)) throw badHeaderName(route, 'sessionAffinity.name', a.name);
      return { 'upstream-hash-by': `$http_${a.name.replace(/-/g, '_')}` };
    }
    if (!COOKIE_NAME.test(a.name)) {
      throw invalid(route.scope, 'sessionAffinity.name', a.name, 'is not a cookie name ingress-nginx accepts (letters, digits and - . _ ~ only)',
        'use a name such as llm-session');
    }
    if (a.path !== undefined && !COOKIE_PATH.test(a.path)) {
      throw invalid(route.scope, 'sessionAffinity.path', a.path, 'has characters ingress-nginx rejects in session-cookie-path (letters, digits and - . _ ~ / : , ? & = only)',
        'use a path made of those characters');
    }
    const ttl = String(a.ttlSeconds);
    const sameSite = this.settings.sameSite;
    return {
      'affinity': 'cookie',
      'session-cookie-name': a.name,
      // Max-Age for current browsers, Expires for old ones; both whole seconds.
      'session-cookie-max-age': ttl,
      'session-cookie-expires': ttl,
      'session-cookie-path': a.path,
      'session-cookie-samesite': sameSite,
      'session-cookie-secure': sameSite === NginxSessionCookieSameSite.NONE ? 'true' : undefined,
    };
  }

  private ingress(id: string, name: string, annotations: Annotations, paths: readonly PathRule[], d: DestinationSpec, main: boolean) {
    const tls = this.gateway.listeners.find(l => l.protocol === 'HTTPS');
    const written = Object.entries(annotations).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b));
    new k8s.KubeIngress(this.scope, id, {
      metadata: {
        name,
        namespace: this.gateway.namespace,
        annotations: Object.fromEntries(written.map(([k, v]) => [`${PREFIX}${k}`, v!])),
      },
      spec: {
        ingressClassName: this.settings.ingressClassName,
        // The controller takes TLS from the main Ingresses of a host; a canary's would be ignored.
        tls: main && tls !== undefined ? [{ hosts: [...this.gateway.hostnames], secretName: tls.tlsSecret }] : undefined,
        rules: this.gateway.hostnames.map(host => ({
          host,
          http: {
            paths: paths.map(p => ({
              path: p.value,
              pathType: p.kind === 'exact' ? 'Exact' : 'Prefix',
              backend: { service: { name: d.name, port: { number: d.port } } },
            })),
          },
        })),
      },
    });
  }
}

const RETRY_STATUSES = [500, 502, 503, 504, 403, 404, 429];
/** The neutral conditions as nginx's next-upstream cases (nginx talks HTTP/1.1 to replicas: a refused stream is a connection error). */
const RETRY_CONDITIONS: Record<string, string[] | undefined> = {
  'connect-failure': ['error', 'timeout'],
  'refused-stream': ['error'],
  'reset-before-request': ['error'],
  'reset': ['error'],
  'gateway-error': ['http_502', 'http_503', 'http_504'],
  '5xx': ['error', 'timeout', 'http_500', 'http_502', 'http_503', 'http_504'],
};
/** Conditions that can only happen after a replica got the request: nginx retries a POST on them only with non_idempotent. */
const AFTER_SENDING = ['reset', 'gateway-error', '5xx'];

/** Whether the route retries on RetryPolicy.llmSafe()'s conditions (rendered as they are: see retryNonIdempotent). */
function isLlmSafe(route: RouteSpec, retry: RetrySpec): boolean {
  const safe = RetryPolicy.llmSafe()._resolve(route.scope, 'retry')!.conditions.map(c => c.token).sort();
  const tokens = [...new Set(retry.conditions.map(c => c.token))].sort();
  return samePolicy(safe, tokens);
}

const NEXT_UPSTREAM_ORDER = ['error', 'timeout', 'http_500', 'http_502', 'http_503', 'http_504', 'http_403', 'http_404', 'http_429', 'non_idempotent'];

function idleSeconds(route: RouteSpec): number {
  const seconds = route.policies.timeouts.requestSeconds;
  return seconds === 0 ? NO_LIMIT_IDLE_SECONDS : seconds;
}

function canaryCondition(route: RouteSpec, property: string, h: ValueCondition): CanaryCondition {
  if (!NGINX_HEADER.test(h.name)) throw badHeaderName(route, property, h.name);
  if (h.kind === 'present') return { header: h.name, pattern: '.*' };
  if (h.kind === 'regex') {
    if (!REGEX_CHARS.test(h.value!)) {
      throw invalid(route.scope, property, h.value!,
        'has characters ingress-nginx rejects in canary-by-header-pattern (letters, digits and - . _ ~ : / ^ $ [ ] ( ) { } * + ? | & = \\ only)',
        'rewrite the regex with those characters, or use DataPlane.gatewayApi(...)');
    }
    // The model matches the whole value; nginx's regex finds a match anywhere in it.
    return { header: h.name, pattern: `^(?:${h.value})$` };
  }
  // canary-by-header-value ignores an empty value: match the empty value with a pattern.
  if (h.value === '') return { header: h.name, pattern: '^$' };
  if (!BASIC_CHARS.test(h.value!)) {
    throw invalid(route.scope, property, h.value!,
      'has characters ingress-nginx rejects in canary-by-header-value (letters, digits, spaces and - . _ ~ : / only)',
      'match a value made of those characters, or use DataPlane.gatewayApi(...)');
  }
  return { header: h.name, value: h.value };
}

function badHeaderName(route: RouteSpec, property: string, name: string) {
  return invalid(route.scope, property, name, 'is a header name nginx ignores by default (it reads names of letters, digits and "-" only)',
    'use a header name of letters, digits and "-", such as x-llm-model-type');
}

function upstreamKey(d: DestinationSpec): string {
  return `${d.namespace ?? ''}/${d.name}:${d.port}`;
}

function pathKey(p: PathRule): string {
  return `${p.kind} ${p.value}`;
}

function uniquePaths(paths: readonly PathRule[]): PathRule[] {
  return paths.filter((p, i) => paths.findIndex(x => pathKey(x) === pathKey(p)) === i);
}

function pathText(p: PathRule): string {
  return `path ${p.kind} ${p.value}`;
}

function describeMatch(m: MatchConditions): string {
  const path = m.path ?? { kind: 'prefix', value: '/' };
  const parts = [`path ${path.kind} ${path.value}`];
  if (m.headers.length > 0) parts.push(`header ${m.headers.map(h => h.name).join(',')}`);
  return parts.join(', ');
}

/** nginx's precedence: an exact location first, then the longest prefix. */
function rank(p: PathRule): number[] {
  return [p.kind === 'exact' ? 1 : 0, p.value.length];
}

function compareRank(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Whether `path` is `prefix` or below it, segment by segment. */
function within(path: string, prefix: string): boolean {
  return prefix === '/' || path === prefix || path.startsWith(`${prefix}/`);
}

/** Whether every request `inner` takes is also one `outer` takes. */
function covers(outer: PathRule, inner: PathRule): boolean {
  if (outer.kind === 'exact') return inner.kind === 'exact' && inner.value === outer.value;
  return within(inner.value, outer.value);
}

function mayOverlap(a: PathRule, b: PathRule): boolean {
  return covers(a, b) || covers(b, a) || (a.kind === 'exact' && b.kind === 'exact' && a.value === b.value);
}
