import { contractRows, upstreamRelease } from '../routing/contract-rows';
import type { UpstreamContract } from '../routing/contracts';
import type { FeatureId } from '../routing/features';

/*
 * The upstream behaviour each setting of the ingress-nginx data plane relies on, at the pinned release (controller
 * v1.15.1, the final one, which builds nginx 1.27.1), and the test that asserts it.
 */

const CONTROLLER = upstreamRelease('kubernetes/ingress-nginx', 'controller-v1.15.1');
const NGINX = upstreamRelease('nginx/nginx', 'release-1.27.1');
const KUBERNETES_API = upstreamRelease('kubernetes/api', 'v0.36.0');
const BALANCER = 'rootfs/etc/nginx/lua/balancer.lua';
const row = contractRows('nginx-ingress.test.ts');

function controller(renders: string, behaviour: string, path: string, test: string): UpstreamContract {
  return row(renders, behaviour, CONTROLLER(path), test);
}

const BACKEND = controller('Ingress backend.service {name, port.number} in the gateway\'s namespace, with load-balance (ewma by default)',
  'the controller keeps one upstream per Service port with its endpoints, balanced by the Lua balancer named in load-balance',
  'internal/ingress/annotations/loadbalancing/main.go', 'a backend is the Service name and port, balanced by ewma unless affinity decides');

const HEADER_CANARY = controller('a canary Ingress ("canary": "true") with canary-by-header and canary-by-header-value, or canary-by-header-pattern, on the '
  + 'host and path of a main Ingress', 'a request whose header equals the value (or matches the pattern) goes to the canary\'s backend, the others to the main '
  + 'Ingress\'s; the pattern is found anywhere in the value, so it is anchored', BALANCER,
'a header canary sends requests whose header matches to its backend, the others to the main Ingress');

/** @internal */
export const NGINX_CONTRACTS: Partial<Record<FeatureId, readonly UpstreamContract[]>> = {
  'tls': [controller('Ingress spec.tls {hosts, secretName} on the main Ingresses, ssl-redirect "true" (HTTPS only) or "false" (HTTP and HTTPS)',
    'the controller serves the Secret\'s certificate for those hosts on port 443, and redirects HTTP to HTTPS unless ssl-redirect is "false"',
    'internal/ingress/annotations/rewrite/main.go', 'TLS: the main Ingresses carry the Secret; ssl-redirect says whether HTTP is redirected')],
  'match.path': [controller('Ingress paths with pathType Prefix or Exact',
    'Prefix /p becomes the locations "/p/" and "= /p" (element-wise), Exact "= /p"; nginx takes an exact location first, then the longest prefix',
    'internal/ingress/controller/location.go', 'paths: Prefix is element-wise and Exact exact, and nginx picks the most specific location'),
  row('no two gateways of one IngressClass in the App claim the same host and path (the App\'s AiGatewayRegistry rejects the second)',
    'the admission webhook (checkOverlap) rejects an Ingress whose host and path another Ingress of the class already defines, '
      + 'unless exactly one of the two is a canary',
    CONTROLLER('internal/ingress/controller/controller.go'),
    'app-registry.test.ts > ingress-nginx: rejected naming both routes and the host and path, with two DataPlane values')],
  'match.header': [HEADER_CANARY],
  'match.headerRegex': [HEADER_CANARY],
  'match.headerPresent': [HEADER_CANARY],
  'backend.pool': [BACKEND],
  'backend.service': [BACKEND],
  'backend.weighted': [controller('a canary Ingress with canary-weight (percent of 100) for the second backend',
    'a request goes to the canary\'s backend when a random number from 1 to 100 is at most the weight', BALANCER,
    'a weighted split sends canary-weight percent of the requests to the canary backend')],
  'mirror': [controller('mirror-target http://<service>.<namespace>.svc.cluster.local:<port>$request_uri',
    'nginx copies every request (mirror) to the target and discards its answers', 'internal/ingress/annotations/mirror/main.go',
    'mirror-target copies every request to the Service URL with the request URI')],
  'timeout.request': [controller('proxy-read-timeout and proxy-send-timeout (whole seconds; 3600 for no limit), proxy-connect-timeout 5, proxy-buffering off',
    'nginx\'s proxy_read_timeout and proxy_send_timeout bound the pause between two reads or writes, not the whole request; with buffering off, '
    + 'tokens reach the client as the model sends them', 'internal/ingress/annotations/proxy/main.go',
    'timeouts are idle timeouts in whole seconds, and responses stream unbuffered')],
  'retry': [
    row('proxy-next-upstream without non_idempotent (unless retryNonIdempotent), proxy-next-upstream-tries = attempts + 1',
      'nginx passes a POST, LOCK or PATCH to the next replica only while no replica has it (a connection error or connect timeout), '
        + 'unless non_idempotent is listed; status conditions apply to idempotent requests',
      NGINX('src/http/ngx_http_upstream.c'),
      'a completion (a POST) is retried only before a replica has it, unless retryNonIdempotent'),
    controller('non_idempotent in the Ingress\'s proxy-next-upstream; the controller setting retry-non-idempotent "false"',
      'buildNextUpstream keeps non_idempotent from the annotation and adds it for every location when retry-non-idempotent is true, so '
      + 'the controller setting stays off and each Ingress decides', 'internal/ingress/controller/template/template.go',
      'a completion (a POST) is retried only before a replica has it, unless retryNonIdempotent'),
  ],
  'sessionAffinity.cookie': [controller('affinity "cookie", session-cookie-name, session-cookie-max-age and session-cookie-expires in whole seconds',
    'the sticky balancer sets the cookie with Max-Age and with Expires = now + the seconds; a value such as "1h" fails the annotation\'s '
    + 'validation, so the cookie gets no lifetime', 'rootfs/etc/nginx/lua/balancer/sticky.lua',
    'cookie affinity: max-age and expires in whole seconds, which the sticky balancer adds to the current time')],
  'sessionAffinity.header': [controller('upstream-hash-by "$http_<header>" (dashes as underscores)',
    'the chash balancer hashes the header\'s nginx variable consistently, so one value keeps one replica', 'internal/ingress/annotations/upstreamhashby/main.go',
    'header affinity: upstream-hash-by hashes the header\'s nginx variable consistently')],
  'rateLimit.requests': [
    controller('limit-rps or limit-rpm with limit-burst-multiplier = (burst - 1) / limit',
      'the controller writes limit_req with burst = limit x limit-burst-multiplier and nodelay', 'internal/ingress/annotations/ratelimit/main.go',
      'bursts of up to 5 at 1 a second: ingress-nginx writes nginx burst 4, which admits 5 at once'),
    row('limit_req zone=<limit> burst=<limit x multiplier> nodelay',
      'a request is refused when the excess would pass the burst, and the first request counts 0, so burst + 1 requests pass at once, then the rate',
      NGINX('src/http/modules/ngx_http_limit_req_module.c'),
      'bursts of up to 5 at 1 a second: ingress-nginx writes nginx burst 4, which admits 5 at once'),
    controller('the controller settings limit-req-status-code and limit-conn-status-code "429" (DataPlane.controllerSettings())',
      'limit_req_status and limit_conn_status are controller-wide: without them, refused requests get 503', 'rootfs/etc/nginx/template/nginx.tmpl',
      'rate-limited requests answer 429 only with the controller\'s limit-req-status-code'),
  ],
  'rateLimit.requests.clientIp': [controller('limit-rps / limit-rpm, with limit-whitelist for the allow-list',
    'the zone\'s key is the client address (limit-conn-zone-variable, $binary_remote_addr by default), empty for allow-listed addresses, which are then '
    + 'not counted',
    'rootfs/etc/nginx/template/nginx.tmpl', 'the limit counts per client address, and allow-listed addresses are not counted')],
  'networkIsolation': [row('NetworkPolicy with podSelector (the pool) and from [{namespaceSelector, podSelector}] (the controller pods), ports [serving port]',
    'a peer with both selectors admits only the pods matching podSelector in the namespaces matching namespaceSelector; once a policy selects '
      + 'the pool\'s pods, other ingress to them is denied',
    KUBERNETES_API('networking/v1/types.go'),
    'the NetworkPolicy admits the controller pods by namespace AND labels in one peer')],
};
