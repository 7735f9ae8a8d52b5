import type { Size } from 'cdk8s';

/*
 * The public options of the ingress-nginx data plane (DataPlane.nginxIngress).
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
