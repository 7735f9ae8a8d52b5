import { badHeaderName, NGINX_HEADER } from './nginx-headers';
import { NginxSessionCookieSameSite } from './nginx-options';
import type { Settings } from './nginx-settings';
import { fullyQualifiedHost } from '../routing/render-helpers';
import type { GatewaySpec, RateLimitSpec, RouteSpec } from '../routing/resolved';
import { invalid } from '../validate';

/*
 * Policies as ingress-nginx annotations: only names from the controller's v1.15.1 list, never a snippet. Location
 * settings (timeouts, retries, rate limit, mirror) apply to a canary Ingress's traffic too, from its main Ingress;
 * upstream settings (balancing, affinity) belong to the Service port.
 */

export const PREFIX = 'nginx.ingress.kubernetes.io/';

/** Every ingress-nginx annotation this renderer writes: all in the controller's v1.15.1 list, none a snippet. */
export type AnnotationName =
  | 'affinity' | 'auth-url' | 'canary' | 'canary-by-header' | 'canary-by-header-pattern' | 'canary-by-header-value' | 'canary-weight'
  | 'limit-burst-multiplier' | 'limit-connections' | 'limit-rpm' | 'limit-rps' | 'limit-whitelist' | 'load-balance' | 'mirror-target'
  | 'proxy-body-size' | 'proxy-buffering' | 'proxy-connect-timeout' | 'proxy-next-upstream' | 'proxy-next-upstream-timeout'
  | 'proxy-next-upstream-tries' | 'proxy-read-timeout' | 'proxy-send-timeout'
  | 'session-cookie-expires' | 'session-cookie-max-age' | 'session-cookie-name' | 'session-cookie-path' | 'session-cookie-samesite'
  | 'session-cookie-secure' | 'ssl-redirect' | 'upstream-hash-by';
export type Annotations = Partial<Record<AnnotationName, string>>;

/** The location settings a canary Ingress takes from its main Ingress, by the route property they come from. */
export type LocationGroup = 'timeouts' | 'retry' | 'rateLimit' | 'mirror';
export type LocationAnnotations = Record<LocationGroup, Annotations>;

const COOKIE_NAME = /^[A-Za-z0-9\-._~]+$/;
const COOKIE_PATH = /^[A-Za-z0-9\-._~/:,?&=]+$/;

/** nginx has no unlimited proxy timeout (0 would time out at once): "no limit" becomes an hour of silence. */
const NO_LIMIT_IDLE_SECONDS = 3600;
const CONNECT_TIMEOUT_SECONDS = 5;

/** Settings ingress-nginx applies per location (a canary Ingress runs with its main Ingress's). */
export function locationAnnotations(route: RouteSpec, settings: Settings): LocationAnnotations {
  const p = route.policies;
  const idle = String(idleSeconds(route));
  return {
    timeouts: { 'proxy-connect-timeout': String(CONNECT_TIMEOUT_SECONDS), 'proxy-read-timeout': idle, 'proxy-send-timeout': idle },
    retry: retryAnnotations(route, settings),
    rateLimit: rateLimitAnnotations(route, p.rateLimit, settings),
    mirror: mirrorAnnotations(route),
  };
}

/** The same for every route of the gateway. */
export function gatewayAnnotations(gateway: GatewaySpec, settings: Settings): Annotations {
  const tls = gateway.listeners.some(l => l.protocol === 'HTTPS');
  const http = gateway.listeners.some(l => l.protocol === 'HTTP');
  return {
    // Stream tokens as they come rather than buffering the response.
    'proxy-buffering': 'off',
    'proxy-body-size': settings.bodySize,
    'auth-url': settings.externalAuthUrl,
    // With TLS, ingress-nginx redirects HTTP to HTTPS unless told otherwise: say which the listeners mean.
    'ssl-redirect': tls ? String(!http) : undefined,
  };
}

function retryAnnotations(route: RouteSpec, settings: Settings): Annotations {
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
  if (!settings.retryNonIdempotent && !retry.llmSafe) {
    const sent = retry.conditions.filter(c => c.status !== undefined || AFTER_SENDING.includes(c.token));
    if (sent.length > 0) {
      throw invalid(route.scope, 'retry.conditions', sent.map(c => c.token).join(','),
        'would never retry a completion on ingress-nginx: nginx sends a POST again only while no replica has it, and retries one that a replica '
        + 'answered or dropped only with non_idempotent, so these conditions would apply to GET and other idempotent requests only',
        'retry completions on connection failures only (RetryPolicy.llmSafe(), or CONNECT_FAILURE and REFUSED_STREAM), or set retryNonIdempotent: true '
        + 'on DataPlane.nginxIngress (nginx then also resends a POST whose connection failed after it was sent, so the model may do the work twice)');
    }
  }
  if (settings.retryNonIdempotent) tokens.add('non_idempotent');
  return {
    'proxy-next-upstream': NEXT_UPSTREAM_ORDER.filter(t => tokens.has(t)).join(' '),
    // nginx counts the first try.
    'proxy-next-upstream-tries': String(retry.attempts + 1),
    // No retry starts after the request timeout (0: no limit, as in nginx).
    'proxy-next-upstream-timeout': String(route.policies.timeouts.requestSeconds),
  };
}

/** Request rate and concurrency limits, per client IP (the allow-list exempts from both). */
function rateLimitAnnotations(route: RouteSpec, limit: RateLimitSpec | undefined, settings: Settings): Annotations {
  const connections = settings.concurrentRequests;
  const annotations: Annotations = limit === undefined ? {} : requestRate(route, limit);
  if (connections !== undefined) annotations['limit-connections'] = String(connections);
  if (limit === undefined && connections === undefined) return {};
  return { ...annotations, 'limit-whitelist': settings.allowList };
}

function requestRate(route: RouteSpec, limit: RateLimitSpec): Annotations {
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

function mirrorAnnotations(route: RouteSpec): Annotations {
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
export function upstreamAnnotations(route: RouteSpec, settings: Settings): Annotations {
  const a = route.policies.sessionAffinity;
  if (a === undefined) return { 'load-balance': settings.loadBalancing };
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
  const sameSite = settings.sameSite;
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

const NEXT_UPSTREAM_ORDER = ['error', 'timeout', 'http_500', 'http_502', 'http_503', 'http_504', 'http_403', 'http_404', 'http_429', 'non_idempotent'];

export function idleSeconds(route: RouteSpec): number {
  const seconds = route.policies.timeouts.requestSeconds;
  return seconds === 0 ? NO_LIMIT_IDLE_SECONDS : seconds;
}
