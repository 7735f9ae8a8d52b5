import { Chart, Duration, Testing } from 'cdk8s';
import {
  Accelerator, AiGateway, AiGatewayAddRouteOptions, AiGatewayProps, Backend, CircuitBreaker, DataPlane, FaultInjection, HttpMethod,
  InferencePool, JwtAuth, Listener, LlmModelPool, MeshEnrollment, ModelServer, ProviderApi, RateLimit, RateLimitKey, RequestMirror, RetryCondition,
  RetryPolicy, RouteMatch, SessionAffinity, Timeouts,
} from '../src';
import { errorOf } from './support/errors';
import { Manifest, only, synthValid } from './support/synth';

/** A chart in namespace `llm` with a small and a large pool. */
function setup(namespace: string | null = 'llm') {
  const chart = new Chart(Testing.app(), 'test', { namespace: namespace ?? undefined });
  const small = new LlmModelPool(chart, 'small', { name: 'small', modelName: 'small', server: ModelServer.demo() });
  const large = new LlmModelPool(chart, 'large', { name: 'large', modelName: 'large', server: ModelServer.custom({ image: 'example/llm:1', port: 8000 }) });
  return { chart, small, large };
}

function gateway(chart: Chart, props: Partial<AiGatewayProps> = {}): AiGateway {
  return new AiGateway(chart, 'gw', { name: 'llm-gateway', dataPlane: DataPlane.istio(), hostnames: ['llm.example.com'], ...props });
}

/** A GPU vLLM pool in its own chart, for backends that need one. */
/** A GPU pool behind an InferencePool, in a chart of its own. */
function gpuInferencePool(): InferencePool {
  const pool = gpuPool();
  return new InferencePool(pool, 'InferencePool', { pool });
}

function gpuPool(): LlmModelPool {
  const chart = new Chart(Testing.app(), 'gpu', { namespace: 'llm' });
  return new LlmModelPool(chart, 'vllm', {
    name: 'vllm', modelName: 'llama', server: ModelServer.vllm({ model: 'meta-llama/Llama-3.1-8B-Instruct' }), accelerator: Accelerator.nvidiaGpu({ count: 1 }),
  });
}

const kindOf = (docs: Manifest[], kind: string) => docs.filter(d => d.kind === kind);
const httpRoutes = (docs: Manifest[]) => only(docs, 'VirtualService').spec.http as any[];

describe('the seed scenario on Istio', () => {
  const { chart, small, large } = setup();
  const gw = gateway(chart, {
    defaults: {
      circuitBreaker: CircuitBreaker.of({
        maxConnections: 100,
        maxPendingRequests: 50,
        maxRequests: 200,
        maxRetries: 3,
        outlierDetection: { consecutiveErrors: 5, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30), maxEjectionPercent: 50 },
      }),
      rateLimit: RateLimit.requestsPerMinute(600, { burst: 660 }),
      jwt: JwtAuth.of({ issuer: 'https://auth.example.com', jwksUri: 'https://auth.example.com/jwks.json', audiences: ['llm'], requiredClaims: [{ claim: 'tier', values: ['gold', 'silver'] }] }),
    },
  });
  gw.addRoute('large', { matches: [RouteMatch.header('x-llm-model-type', 'large')], backend: Backend.pool(large), retry: RetryPolicy.llmSafe({ attempts: 1 }) });
  gw.addRoute('small', { backend: Backend.pool(small), retry: RetryPolicy.llmSafe({ attempts: 3 }) });
  const docs = synthValid(chart);

  test('a Gateway on port 80 for the hostname, bound to the istio: ingress pods', () => {
    const g = only(docs, 'Gateway');
    expect(g.apiVersion).toBe('networking.istio.io/v1');
    expect(g.metadata).toMatchObject({ name: 'llm-gateway', namespace: 'llm' });
    expect(g.spec).toEqual({ selector: { istio: 'ingress' }, servers: [{ port: { number: 80, name: 'http-80', protocol: 'HTTP' }, hosts: ['llm.example.com'] }] });
  });

  test('routes keep their order: the header route first, the catch-all last', () => {
    const vs = only(docs, 'VirtualService');
    expect(vs.apiVersion).toBe('networking.istio.io/v1');
    expect(vs.spec.gateways).toEqual(['llm/llm-gateway']);
    expect(vs.spec.hosts).toEqual(['llm.example.com']);
    expect(httpRoutes(docs).map(r => r.name)).toEqual(['llm-llm-gateway-large', 'llm-llm-gateway-small']);
    expect(httpRoutes(docs)[0].match).toEqual([{ headers: { 'x-llm-model-type': { exact: 'large' } } }]);
    expect(httpRoutes(docs)[1].match).toBeUndefined();
    expect(gw.routes.map(r => r.isCatchAll)).toEqual([false, true]);
  });

  test('destinations are fully qualified Service hosts', () => {
    expect(httpRoutes(docs).map(r => r.route)).toEqual([
      [{ destination: { host: 'large.llm.svc.cluster.local', port: { number: 8000 } } }],
      [{ destination: { host: 'small.llm.svc.cluster.local', port: { number: 80 } } }],
    ]);
  });

  test('each route has its own LLM-safe retry policy and a five minute timeout', () => {
    const retryOn = 'connect-failure,refused-stream,reset-before-request,503';
    expect(httpRoutes(docs)[0].retries).toEqual({ attempts: 1, retryOn, backoff: '250ms' });
    expect(httpRoutes(docs)[1].retries).toEqual({ attempts: 3, retryOn, backoff: '250ms' });
    for (const r of httpRoutes(docs)) {
      expect(r.timeout).toBe('300s');
      expect(r.retries.retryOn).not.toMatch(/5xx|retriable-4xx|gateway-error/);
      expect(r.retries.perTryTimeout).toBeUndefined();
    }
  });

  test('a DestinationRule per pool with the connection limits, outlier detection and least-request balancing', () => {
    const rules = kindOf(docs, 'DestinationRule');
    expect(rules.map(r => r.spec.host).sort()).toEqual(['large.llm.svc.cluster.local', 'small.llm.svc.cluster.local']);
    for (const rule of rules) {
      expect(rule.apiVersion).toBe('networking.istio.io/v1');
      expect(rule.spec.trafficPolicy).toEqual({
        loadBalancer: { simple: 'LEAST_REQUEST' },
        connectionPool: { tcp: { maxConnections: 100 }, http: { http1MaxPendingRequests: 50, http2MaxRequests: 200, maxRetries: 3 } },
        outlierDetection: { consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 },
      });
    }
  });

  test('JWT: RequestAuthentication paired with a DENY policy for requests without a valid token or a required claim', () => {
    const ra = only(docs, 'RequestAuthentication');
    expect(ra.apiVersion).toBe('security.istio.io/v1');
    expect(ra.metadata.namespace).toBe('istio-ingress');
    expect(ra.spec.selector).toEqual({ matchLabels: { istio: 'ingress' } });
    expect(ra.spec.jwtRules).toEqual([{ issuer: 'https://auth.example.com', jwks_uri: 'https://auth.example.com/jwks.json', audiences: ['llm'], forwardOriginalToken: false }]);
    const ap = only(docs, 'AuthorizationPolicy');
    expect(ap.metadata.namespace).toBe('istio-ingress');
    const to = [{ operation: { hosts: ['llm.example.com', 'llm.example.com:*'] } }];
    expect(ap.spec).toEqual({
      selector: { matchLabels: { istio: 'ingress' } },
      action: 'DENY',
      rules: [
        { from: [{ source: { notRequestPrincipals: ['*'] } }], to },
        { to, when: [{ key: 'request.auth.claims[tier]', notValues: ['gold', 'silver'] }] },
      ],
    });
  });

  test('a local rate limit at the gateway answers 429 from a token bucket per virtual host', () => {
    const filter = only(docs, 'EnvoyFilter');
    expect(filter.apiVersion).toBe('networking.istio.io/v1alpha3');
    expect(filter.metadata.namespace).toBe('istio-ingress');
    expect(filter.spec.workloadSelector).toEqual({ labels: { istio: 'ingress' } });
    const [insert, vhost] = filter.spec.configPatches;
    expect(insert).toMatchObject({ applyTo: 'HTTP_FILTER', patch: { operation: 'INSERT_BEFORE', value: { name: 'envoy.filters.http.local_ratelimit.llm-llm-gateway' } } });
    expect(vhost.applyTo).toBe('VIRTUAL_HOST');
    expect(vhost.match.routeConfiguration.vhost.name).toBe('llm.example.com:80');
    const config = vhost.patch.value.typed_per_filter_config['envoy.filters.http.local_ratelimit.llm-llm-gateway'];
    expect(config.token_bucket).toEqual({ max_tokens: 660, tokens_per_fill: 600, fill_interval: '60s' });
    expect(config.filter_enforced.default_value.numerator).toBe(100);
    // Envoy's local rate limit answers 429 unless told otherwise: nothing here changes the status.
    expect(JSON.stringify(config)).not.toMatch(/status/);
  });

  test('NetworkPolicies admit only the Istio ingress pods to each pool serving port', () => {
    const policies = kindOf(docs, 'NetworkPolicy');
    expect(policies.map(p => p.metadata.name).sort()).toEqual(['llm-gateway-to-large', 'llm-gateway-to-small']);
    const toSmall = policies.find(p => p.metadata.name === 'llm-gateway-to-small')!;
    expect(toSmall.spec).toEqual({
      podSelector: { matchLabels: small.selectorLabels },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-ingress' } }, podSelector: { matchLabels: { istio: 'ingress' } } }],
        ports: [{ protocol: 'TCP', port: 80 }],
      }],
    });
  });
});

describe('matches', () => {
  function routeFor(matches: RouteMatch[]) {
    const { chart, small } = setup();
    gateway(chart).addRoute('r', { matches, backend: Backend.pool(small) });
    return httpRoutes(synthValid(chart))[0];
  }

  test('conditions of one match are ANDed into one Istio match entry', () => {
    const r = routeFor([RouteMatch.all([
      RouteMatch.pathPrefix('/v1/chat/completions'), RouteMatch.method(HttpMethod.POST), RouteMatch.header('X-Tenant', 'acme'),
      RouteMatch.headerRegex('x-model', 'llama-.*'), RouteMatch.headerPresent('authorization'), RouteMatch.queryParam('debug', '1'),
    ])]);
    // The segment-wise prefix is two entries (see 'a path prefix matches segment by segment'), each with every other condition.
    const others = {
      method: { exact: 'POST' },
      headers: { 'x-tenant': { exact: 'acme' }, 'x-model': { regex: 'llama-.*' }, 'authorization': {} },
      queryParams: { debug: { exact: '1' } },
    };
    expect(r.match).toEqual([{ uri: { exact: '/v1/chat/completions' }, ...others }, { uri: { prefix: '/v1/chat/completions/' }, ...others }]);
  });

  test('several matches are ORed as separate Istio match entries', () => {
    const r = routeFor([RouteMatch.pathExact('/v1/completions'), RouteMatch.header('x-tier', 'gold')]);
    expect(r.match).toEqual([{ uri: { exact: '/v1/completions' } }, { headers: { 'x-tier': { exact: 'gold' } } }]);
  });
});

describe('backends, mirroring and faults', () => {
  test('weighted backends are normalized to percentages summing to 100', () => {
    const { chart, small, large } = setup();
    gateway(chart).addRoute('canary', { backend: Backend.weighted([{ backend: Backend.pool(small), weight: 2 }, { backend: Backend.pool(large), weight: 1 }]) });
    const route = httpRoutes(synthValid(chart))[0].route;
    expect(route.map((d: any) => d.weight)).toEqual([67, 33]);
  });

  test('a Service backend by name and port, in the gateway namespace unless given', () => {
    const { chart } = setup();
    const gw = gateway(chart);
    gw.addRoute('legacy', { matches: [RouteMatch.pathPrefix('/legacy')], backend: Backend.service({ name: 'legacy-llm', port: 8080 }) });
    gw.addRoute('other', { backend: Backend.service({ name: 'other', port: 80, namespaceName: 'models' }) });
    const docs = synthValid(chart);
    expect(httpRoutes(docs).map(r => r.route[0].destination)).toEqual([
      { host: 'legacy-llm.llm.svc.cluster.local', port: { number: 8080 } },
      { host: 'other.models.svc.cluster.local', port: { number: 80 } },
    ]);
    // No pool behind them: nothing to isolate.
    expect(kindOf(docs, 'NetworkPolicy')).toEqual([]);
  });

  test('mirroring and fault injection', () => {
    const { chart, small, large } = setup();
    gateway(chart).addRoute('r', {
      backend: Backend.pool(small),
      mirror: RequestMirror.to(Backend.pool(large), { percent: 10 }),
      fault: FaultInjection.of({ delay: Duration.seconds(2), delayPercent: 5, abortHttpStatus: 503, abortPercent: 1 }),
    });
    const docs = synthValid(chart);
    const r = httpRoutes(docs)[0];
    expect(r.mirrors).toEqual([{ destination: { host: 'large.llm.svc.cluster.local', port: { number: 8000 } }, percentage: { value: 10 } }]);
    expect(r.fault).toEqual({ delay: { fixedDelay: '2000ms', percentage: { value: 5 } }, abort: { httpStatus: 503, percentage: { value: 1 } } });
    // The mirror's pool is reached by the gateway too.
    expect(kindOf(docs, 'NetworkPolicy')).toHaveLength(2);
  });
});

describe('policies', () => {
  function routes(defaults: AiGatewayProps['defaults'], ...options: Array<Partial<AiGatewayAddRouteOptions>>) {
    const { chart, small } = setup();
    const gw = gateway(chart, { defaults });
    options.forEach((o, i) => gw.addRoute(`r${i}`, { matches: [RouteMatch.pathPrefix(`/r${i}`)], backend: Backend.pool(small), ...o }));
    return synthValid(chart);
  }

  test('RetryPolicy.none() renders attempts 0, because Istio retries on its own when retries are absent', () => {
    expect(httpRoutes(routes({}, { retry: RetryPolicy.none() }))[0].retries).toEqual({ attempts: 0 });
  });

  test('a custom retry policy keeps the tutorial values reachable', () => {
    const r = httpRoutes(routes({ timeouts: Timeouts.of({ request: Duration.seconds(10) }) }, {
      retry: RetryPolicy.custom({
        attempts: 3, perTryTimeout: Duration.seconds(2), conditions: [RetryCondition.FIVE_XX, RetryCondition.GATEWAY_ERROR],
      }),
    }))[0];
    expect(r.timeout).toBe('10s');
    expect(r.retries).toEqual({ attempts: 3, perTryTimeout: '2s', retryOn: '5xx,gateway-error' });
  });

  test('a route value replaces the gateway default; others inherit it', () => {
    const docs = routes({ timeouts: Timeouts.of({ request: Duration.minutes(10) }) }, {},
      { timeouts: Timeouts.of({ request: Duration.minutes(1) }) });
    expect(httpRoutes(docs).map(r => r.timeout)).toEqual(['600s', '60s']);
  });

  test('no limit leaves the VirtualService timeout out, which Istio reads as no timeout (istio/istio 1.30.3 pilot/pkg/networking/core/route/route.go: setTimeout)', () => {
    // The 1.30 CRD rejects 0s (duration(self) >= duration('1ms')); without the field, istiod sets the Envoy route
    // timeout to 0, which Envoy reads as disabled ("Timeout for HTTP requests, default is disabled").
    const r = httpRoutes(routes({}, { timeouts: Timeouts.of({ request: Duration.seconds(0) }) }))[0];
    expect(r).not.toHaveProperty('timeout');
    expect(r.retries.attempts).toBe(2);
  });

  test('cookie and header session affinity hash consistently instead of least-request', () => {
    const cookie = only(routes({ sessionAffinity: SessionAffinity.cookie({ name: 'llm-session', ttl: Duration.hours(1), path: '/' }) }, {}), 'DestinationRule');
    expect(cookie.spec.trafficPolicy.loadBalancer).toEqual({ consistentHash: { httpCookie: { name: 'llm-session', ttl: '3600s', path: '/' } } });
    const header = only(routes({ sessionAffinity: SessionAffinity.header('X-Session-Id') }, {}), 'DestinationRule');
    expect(header.spec.trafficPolicy.loadBalancer).toEqual({ consistentHash: { httpHeaderName: 'x-session-id' } });
  });

  test('a route rate limit gets its own bucket; RateLimit.none() switches the gateway default off for a route', () => {
    const docs = routes({ rateLimit: RateLimit.requestsPerSecond(10) },
      { rateLimit: RateLimit.requestsPerSecond(2, { burst: 5 }) }, { rateLimit: RateLimit.none() });
    const patches = only(docs, 'EnvoyFilter').spec.configPatches;
    expect(patches.map((p: any) => p.applyTo)).toEqual(['HTTP_FILTER', 'VIRTUAL_HOST', 'HTTP_ROUTE', 'HTTP_ROUTE']);
    const [, vhost, r0, r1] = patches;
    const config = (p: any) => p.patch.value.typed_per_filter_config['envoy.filters.http.local_ratelimit.llm-llm-gateway'];
    expect(config(vhost).token_bucket).toEqual({ max_tokens: 10, tokens_per_fill: 10, fill_interval: '1s' });
    expect(r0.match.routeConfiguration.vhost.route.name).toBe('llm-llm-gateway-r0');
    expect(config(r0).token_bucket).toEqual({ max_tokens: 5, tokens_per_fill: 2, fill_interval: '1s' });
    expect(r1.match.routeConfiguration.vhost.route.name).toBe('llm-llm-gateway-r1');
    expect(config(r1).filter_enabled.default_value.numerator).toBe(0);
  });

  test('bursts of up to 5 requests: a token bucket of 5 that gets 1 token a second, full at the start (envoyproxy/envoy local_ratelimit.cc: max_tokens, tokens_per_fill, fill_interval)', () => {
    // The tutorial's "1 request a second, bursts of up to 5": Envoy starts the bucket with max_tokens and takes one per request.
    const config = (docs: Manifest[]) => only(docs, 'EnvoyFilter').spec.configPatches[1].patch.value.typed_per_filter_config['envoy.filters.http.local_ratelimit.llm-llm-gateway'];
    expect(config(routes({ rateLimit: RateLimit.requestsPerSecond(1, { burst: 5 }) }, {})).token_bucket).toEqual({ max_tokens: 5, tokens_per_fill: 1, fill_interval: '1s' });
    // Without a burst, the bucket holds the limit: a minute's 60 requests may come at once.
    expect(config(routes({ rateLimit: RateLimit.requestsPerMinute(60) }, {})).token_bucket).toEqual({ max_tokens: 60, tokens_per_fill: 60, fill_interval: '60s' });
  });

  test('every local rate-limit configuration counts under its own stat_prefix (envoyproxy/envoy local_ratelimit.cc: stats under <stat_prefix>.http_local_rate_limit)', () => {
    const { chart, small } = setup();
    const listeners = [Listener.http(), Listener.http({ port: 8080 })];
    const gw = gateway(chart, { defaults: { rateLimit: RateLimit.requestsPerSecond(10) }, listeners });
    gw.addRoute('a', { matches: [RouteMatch.pathPrefix('/a')], backend: Backend.pool(small), rateLimit: RateLimit.requestsPerSecond(2) });
    gw.addRoute('b', { backend: Backend.pool(small), rateLimit: RateLimit.none() });
    const other = new AiGateway(chart, 'other', { name: 'other', dataPlane: DataPlane.istio(), hostnames: ['other.example.com'], defaults: { rateLimit: RateLimit.requestsPerSecond(1) } });
    other.addRoute('a', { backend: Backend.pool(small) });
    const filters = kindOf(synthValid(chart), 'EnvoyFilter');
    const prefixes = filters.flatMap(f => (f.spec.configPatches as any[]).map(p => p.applyTo === 'HTTP_FILTER'
      ? p.patch.value.typed_config.stat_prefix
      : (Object.values(p.patch.value.typed_per_filter_config)[0] as any).stat_prefix));
    expect(prefixes).toEqual([
      'http_local_rate_limiter_llm-llm-gateway',
      'http_local_rate_limiter_llm-llm-gateway_vhost_llm_example_com_80',
      'http_local_rate_limiter_llm-llm-gateway_vhost_llm_example_com_8080',
      'http_local_rate_limiter_llm-llm-gateway_a',
      'http_local_rate_limiter_llm-llm-gateway_b',
      'http_local_rate_limiter_llm-other',
      'http_local_rate_limiter_llm-other_vhost_other_example_com_80',
    ]);
    // One common start, so one proxyStatsMatcher inclusion prefix covers them all; no "." that would nest the names.
    expect(prefixes.every(p => /^http_local_rate_limiter_[A-Za-z0-9_-]+$/.test(p))).toBe(true);
  });

  test('RateLimit.none() on a route is a switched-off configuration with a token bucket (envoyproxy/envoy local_ratelimit.cc: a per-route config without token_bucket is rejected)', () => {
    const docs = routes({ rateLimit: RateLimit.requestsPerSecond(10) }, { rateLimit: RateLimit.none() });
    const [, , route] = only(docs, 'EnvoyFilter').spec.configPatches;
    const config = route.patch.value.typed_per_filter_config['envoy.filters.http.local_ratelimit.llm-llm-gateway'];
    // Envoy throws "local rate limit token bucket must be set for per filter configs" and would reject the route configuration.
    expect(config.token_bucket).toEqual({ max_tokens: 1, tokens_per_fill: 1, fill_interval: '1s' });
    // filter_enabled 0%: the filter lets every request through on this route, and counts nothing.
    expect(config.filter_enabled.default_value).toEqual({ numerator: 0, denominator: 'HUNDRED' });
    expect(config.filter_enforced).toBeUndefined();
  });

  test('no rate limit, no JWT: no EnvoyFilter and no authentication objects', () => {
    const docs = routes({}, {});
    expect(kindOf(docs, 'EnvoyFilter')).toEqual([]);
    expect(kindOf(docs, 'RequestAuthentication')).toEqual([]);
    expect(kindOf(docs, 'AuthorizationPolicy')).toEqual([]);
  });

  test('inline JWKS and a forwarded token', () => {
    const jwks = JSON.stringify({ keys: [{ kty: 'RSA', e: 'AQAB', n: 'abc', kid: '1' }] });
    const ra = only(routes({ jwt: JwtAuth.of({ issuer: 'https://idp', jwks, forwardToken: true }) }, {}), 'RequestAuthentication');
    expect(ra.spec.jwtRules).toEqual([{ issuer: 'https://idp', jwks, forwardOriginalToken: true }]);
  });
});

describe('listeners, isolation and mesh', () => {
  test('an HTTPS listener terminates TLS with the Secret', () => {
    const { chart, small } = setup();
    gateway(chart, { listeners: [Listener.https({ tlsSecret: 'llm-tls' }), Listener.http({ port: 8080 })] }).addRoute('r', { backend: Backend.pool(small) });
    expect(only(synthValid(chart), 'Gateway').spec.servers).toEqual([
      { port: { number: 443, name: 'https-443', protocol: 'HTTPS' }, hosts: ['llm.example.com'], tls: { mode: 'SIMPLE', credentialName: 'llm-tls' } },
      { port: { number: 8080, name: 'http-8080', protocol: 'HTTP' }, hosts: ['llm.example.com'] },
    ]);
  });

  test('a custom gateway selector and namespace flow into every object that needs them', () => {
    const { chart, small } = setup();
    gateway(chart, {
      dataPlane: DataPlane.istio({ gatewaySelector: { app: 'llm-ingress' }, gatewayNamespace: 'edge' }),
      defaults: { jwt: JwtAuth.of({ issuer: 'https://idp', jwksUri: 'https://idp/jwks' }), rateLimit: RateLimit.requestsPerSecond(5) },
      allowedNamespaces: ['monitoring'],
    }).addRoute('r', { backend: Backend.pool(small) });
    const docs = synthValid(chart);
    expect(only(docs, 'Gateway').spec.selector).toEqual({ app: 'llm-ingress' });
    for (const kind of ['RequestAuthentication', 'AuthorizationPolicy', 'EnvoyFilter']) expect(only(docs, kind).metadata.namespace).toBe('edge');
    expect(only(docs, 'NetworkPolicy').spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge' } }, podSelector: { matchLabels: { app: 'llm-ingress' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
    ]);
  });

  test('network isolation can be switched off', () => {
    const { chart, small } = setup();
    gateway(chart, { networkIsolation: false }).addRoute('r', { backend: Backend.pool(small) });
    expect(kindOf(synthValid(chart), 'NetworkPolicy')).toEqual([]);
  });

  test('ambient enrollment labels the pool namespace and admits HBONE on 15008', () => {
    const { chart, small, large } = setup();
    const gw = gateway(chart, { dataPlane: DataPlane.istio({ meshEnrollment: MeshEnrollment.ambient() }) });
    gw.addRoute('a', { matches: [RouteMatch.pathPrefix('/a')], backend: Backend.pool(small) });
    gw.addRoute('b', { backend: Backend.pool(large) });
    const docs = synthValid(chart);
    expect(only(docs, 'Namespace').metadata).toEqual({ name: 'llm', labels: { 'istio.io/dataplane-mode': 'ambient' } });
    expect(kindOf(docs, 'NetworkPolicy')[0].spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 15008 }]);
  });

  test('sidecar enrollment labels the namespace for injection', () => {
    const { chart, small } = setup();
    gateway(chart, { dataPlane: DataPlane.istio({ meshEnrollment: MeshEnrollment.sidecar() }) }).addRoute('r', { backend: Backend.pool(small) });
    expect(only(synthValid(chart), 'Namespace').metadata.labels).toEqual({ 'istio-injection': 'enabled' });
  });
});

describe('capabilities are data', () => {
  test('Istio declares every feature of the model, with an alternative for each one it cannot express', () => {
    const capabilities = DataPlane.istio().capabilities();
    expect(capabilities.length).toBeGreaterThan(25);
    for (const c of capabilities) {
      expect(c.how.length).toBeGreaterThan(0);
      if (c.level === 'unsupported') expect(c.alternative).toBeDefined();
    }
    expect(capabilities.filter(c => c.level === 'unsupported').map(c => c.feature).sort()).toEqual([
      'backend.fallback', 'backend.inferencePool', 'backend.provider', 'jwt.route', 'match.model', 'rateLimit.requests.clientIp', 'rateLimit.requests.header',
      'rateLimit.requests.jwtClaim', 'rateLimit.tokens', 'timeout.streamIdle',
    ]);
  });

  test.each([
    ['RouteMatch.model', { matches: [RouteMatch.model('llama')] }, "test/gw/r: 'matches[0]' (\"RouteMatch.model(\\\"llama\\\")\") cannot be expressed by the Istio data plane (VirtualService matches headers and paths, never the JSON body); use the Envoy AI Gateway data plane, or have clients send the model in a header and match it with RouteMatch.header"],
    ['a token budget', { rateLimit: RateLimit.tokensPerMinute(10000, { key: RateLimitKey.header('x-tenant') }) }, "test/gw/r: 'rateLimit' (\"RateLimit.tokensPerMinute(10000)\") cannot be expressed by the Istio data plane (Envoy in Istio does not count the model tokens in responses); use the Envoy AI Gateway data plane"],
    ['a per-client rate limit', { rateLimit: RateLimit.requestsPerSecond(5, { key: RateLimitKey.clientIp() }) }, "'rateLimit.key' (\"RateLimitKey.clientIp()\") cannot be expressed by the Istio data plane"],
    ['a hosted provider', { backend: Backend.provider({ name: 'openai', api: ProviderApi.OPENAI, hostname: 'api.openai.com', apiKey: { secretName: 'openai', key: 'key' } }) }, "'backend' (\"Backend.provider\") cannot be expressed by the Istio data plane"],
    ['an InferencePool', { backend: Backend.inferencePool(gpuInferencePool()) }, "'backend' (\"Backend.inferencePool\") cannot be expressed by the Istio data plane (Istio routes to InferencePools only through Gateway API HTTPRoutes, never through a VirtualService)"],
    ['ordered fallback', { backend: Backend.fallback([Backend.service({ name: 'a', port: 80 }), Backend.service({ name: 'b', port: 80 })]) }, "'backend' (\"Backend.fallback\") cannot be expressed by the Istio data plane (VirtualService has no ordered fallback between destinations)"],
    ['a stream idle timeout', { timeouts: Timeouts.of({ streamIdle: Duration.seconds(30) }) }, "'timeouts.streamIdle' (\"30s\") cannot be expressed by the Istio data plane (VirtualService has only a whole-request timeout); raise timeouts.request instead"],
    ['JWT on one route', { jwt: JwtAuth.of({ issuer: 'https://idp', jwksUri: 'https://idp/jwks' }) }, "'jwt' (\"JwtAuth (issuer https://idp)\") cannot be expressed by the Istio data plane (RequestAuthentication applies to the whole gateway workload); set JwtAuth in the gateway's defaults"],
  ] as Array<[string, Partial<AiGatewayAddRouteOptions>, string]>)('%s is rejected with the data plane and an alternative', (_name, options, message) => {
    const { chart, small } = setup();
    const gw = gateway(chart);
    expect(errorOf(() => gw.addRoute('r', { backend: Backend.pool(small), ...options }))).toContain(message);
    // The rejected route leaves nothing behind: the same id can be added again.
    expect(gw.routes).toEqual([]);
    gw.addRoute('r', { backend: Backend.pool(small) });
    synthValid(chart);
  });
});

describe('bad input is rejected at synth time', () => {
  test.each([
    ['retries that cannot fit in the request timeout', { timeouts: Timeouts.of({ request: Duration.seconds(60) }), retry: RetryPolicy.custom({ attempts: 3, perTryTimeout: Duration.seconds(30), conditions: [RetryCondition.CONNECT_FAILURE] }) },
      "test/gw/r: 'retry.perTryTimeout' (\"30s\") x 4 tries (1 + retry.attempts 3) = 120s exceeds the request timeout (60s), so later tries would be cut off; lower retry.attempts or retry.perTryTimeout, or raise timeouts.request"],
    ['weights that sum to 0', { backend: Backend.weighted([{ backend: Backend.service({ name: 'a', port: 80 }), weight: 0 }, { backend: Backend.service({ name: 'b', port: 80 }), weight: 0 }]) },
      "test/gw/r: 'backend.weights' ([0,0]) sum to 0, so no backend would get traffic; give at least one backend a weight above 0"],
    ['a negative weight', { backend: Backend.weighted([{ backend: Backend.service({ name: 'a', port: 80 }), weight: -10 }, { backend: Backend.service({ name: 'b', port: 80 }), weight: 110 }]) },
      "test/gw/r: 'backend[0].weight' (-10) must be a whole number from 0 to 1000000; use relative weights such as 90 and 10"],
    ['a weighted split of one', { backend: Backend.weighted([{ backend: Backend.service({ name: 'a', port: 80 }), weight: 1 }]) }, "'backend' (\"1 backend(s)\") is a weighted split of fewer than two backends"],
    ['a nested split', { backend: Backend.weighted([{ backend: Backend.weighted([]), weight: 1 }, { backend: Backend.service({ name: 'b', port: 80 }), weight: 1 }]) }, 'is a weighted split of fewer than two backends'],
    ['a JWT policy without issuer', { jwt: JwtAuth.of({ issuer: '', jwksUri: 'https://idp/jwks' }) }, "test/gw/r: 'jwt.issuer' (\"\") is missing, so any issuer would be trusted; set 'issuer' to the iss of your identity provider"],
    ['a JWT policy without keys', { jwt: JwtAuth.of({ issuer: 'https://idp' }) }, "test/gw/r: 'jwt.jwksUri' (\"not set\") and jwks are both missing, so no token could be verified; give exactly one of 'jwksUri' (the issuer's key URL) and 'jwks' (the keys inline)"],
    ['a JWT policy with both kinds of keys', { jwt: JwtAuth.of({ issuer: 'https://idp', jwksUri: 'https://idp/jwks', jwks: '{"keys":[]}' }) }, "'jwt.jwksUri' (\"https://idp/jwks\") and jwks are both set"],
    ['inline keys that are not JWKS', { jwt: JwtAuth.of({ issuer: 'https://idp', jwks: 'not json' }) }, "'jwt.jwks' (\"not json\") is not a JWKS document"],
    ['a required claim with no values', { jwt: JwtAuth.of({ issuer: 'https://idp', jwksUri: 'https://idp/jwks', requiredClaims: [{ claim: 'tier', values: [] }] }) }, "'jwt.requiredClaims[0].values' ([]) is empty, so no token could pass"],
    ['a rate limit of 0', { rateLimit: RateLimit.requestsPerSecond(0) }, "test/gw/r: 'rateLimit.limit' (0) must be a whole number of requests per second, 1 or more; a limit of 0 would reject every request: use RateLimit.none() for no limit, or a positive limit"],
    ['a negative burst', { rateLimit: RateLimit.requestsPerSecond(5, { burst: -1 }) }, "'rateLimit.burst' (-1) must be a whole number from 1 to 2147483647"],
    ['a burst of 0', { rateLimit: RateLimit.requestsPerSecond(5, { burst: 0 }) }, "'rateLimit.burst' (0) must be a whole number from 1 to 2147483647"],
    ['a burst below the limit, which a bucket refilled with the whole limit cannot express', { rateLimit: RateLimit.requestsPerMinute(60, { burst: 5 }) },
      "test/gw/r: 'rateLimit.burst' (5) cannot be expressed by Istio, whose local rate limit refills the whole limit (60) every minute into a bucket of burst tokens, "
      + 'so a smaller bucket would lower the limit to the burst; use a burst of at least 60, or a per-second limit (RateLimit.requestsPerSecond) for a smaller burst'],
    ['retry attempts above 10', { retry: RetryPolicy.llmSafe({ attempts: 11 }) }, "'retry.attempts' (11) must be a whole number from 1 to 10"],
    ['an empty list of retry conditions', { retry: RetryPolicy.custom({ attempts: 1, conditions: [] }) }, "'retry.conditions' ([]) is empty, so nothing would be retried"],
    ['a retry status that is not an error', { retry: RetryPolicy.custom({ attempts: 1, conditions: [RetryCondition.httpStatus(200)] }) }, "'retry.conditions[0]' (200) must be a whole number from 400 to 599"],
    ['an empty circuit breaker', { circuitBreaker: CircuitBreaker.of({}) }, "'circuitBreaker' (\"CircuitBreaker.of({})\") sets no limit and no outlier detection"],
    ['an ejection percentage above 100', { circuitBreaker: CircuitBreaker.of({ outlierDetection: { maxEjectionPercent: 150 } }) }, "'circuitBreaker.outlierDetection.maxEjectionPercent' (150) must be a whole number from 1 to 100"],
    ['a cookie TTL below a second', { sessionAffinity: SessionAffinity.cookie({ name: 's', ttl: Duration.millis(500) }) }, "'sessionAffinity.ttl' (\"0.5s\") must be whole seconds, at least 1"],
    ['a mirror percentage above 100', { mirror: RequestMirror.to(Backend.service({ name: 'm', port: 80 }), { percent: 120 }) }, "'mirror.percent' (120) is not a percentage"],
    ['a fault that injects nothing', { fault: FaultInjection.of({}) }, "'fault' (\"FaultInjection.of({})\") injects nothing; set delay, abortHttpStatus or both"],
    ['an abort percentage without a status', { fault: FaultInjection.of({ delay: Duration.seconds(1), abortPercent: 5 }) }, "'fault.abortPercent' (5) is set without an abortHttpStatus"],
    ['an empty match list', { matches: [] }, "'matches' ([]) is empty; leave matches out for a catch-all route"],
    ['a Service port out of range', { backend: Backend.service({ name: 'a', port: 0 }) }, "'backend.port' (0) is not a TCP port"],
  ] as Array<[string, Partial<AiGatewayAddRouteOptions>, string]>)('%s', (_name, options, message) => {
    const { chart, small } = setup();
    expect(errorOf(() => gateway(chart).addRoute('r', { backend: Backend.pool(small), ...options }))).toContain(message);
  });

  // What makes an InferencePool invalid is rejected when it is created: test/inference-pool.test.ts.

  test('duplicate route ids', () => {
    const { chart, small } = setup();
    const gw = gateway(chart);
    gw.addRoute('chat', { matches: [RouteMatch.pathPrefix('/v1')], backend: Backend.pool(small) });
    expect(errorOf(() => gw.addRoute('chat', { backend: Backend.pool(small) })))
      .toBe("test/gw/chat: 'id' (\"chat\") is already used by a route of this gateway; give each route its own id");
  });

  test('a route after the catch-all', () => {
    const { chart, small } = setup();
    const gw = gateway(chart);
    gw.addRoute('default', { backend: Backend.pool(small) });
    expect(errorOf(() => gw.addRoute('late', { matches: [RouteMatch.pathPrefix('/v1')], backend: Backend.pool(small) })))
      .toBe("test/gw/late: 'matches' (\"1 match(es)\") comes after the catch-all route 'default', which takes every request, so it would never be used; add route 'late' before 'default'");
  });

  test('routes to one backend with different circuit breakers (one DestinationRule per backend in Istio)', () => {
    const { chart, small } = setup();
    const gw = gateway(chart);
    gw.addRoute('a', { matches: [RouteMatch.pathPrefix('/a')], backend: Backend.pool(small), circuitBreaker: CircuitBreaker.of({ maxConnections: 10 }) });
    expect(errorOf(() => gw.addRoute('b', { backend: Backend.pool(small), circuitBreaker: CircuitBreaker.of({ maxConnections: 20 }) })))
      .toContain("test/gw/b: 'circuitBreaker/sessionAffinity' (\"small.llm.svc.cluster.local\") differ from route 'a', which sends to the same backend");
  });

  test('a backend without a namespace cannot get a fully qualified host', () => {
    const { chart, small } = setup(null);
    expect(errorOf(() => gateway(chart).addRoute('r', { backend: Backend.pool(small) })))
      .toContain("test/gw/r: 'backend' (\"small\") has no namespace, and the Istio data plane needs fully qualified Service hosts");
  });

  test('a gateway without routes fails validation at synth', () => {
    const { chart } = setup();
    gateway(chart);
    expect(() => Testing.synth(chart)).toThrow('test/gw: the gateway has no routes, so it would reject every request; add one with addRoute(id, { backend })');
  });

  test.each([
    ['no hostnames', { hostnames: [] }, "test/gw: 'hostnames' ([]) is empty"],
    ['a hostname with a scheme', { hostnames: ['https://llm.example.com'] }, "test/gw: 'hostnames[0]' (\"https://llm.example.com\") is not a hostname"],
    ['a duplicate hostname', { hostnames: ['a.example.com', 'a.example.com'] }, "'hostnames' ([\"a.example.com\",\"a.example.com\"]) lists a hostname twice"],
    ['two listeners on one port', { listeners: [Listener.http({ port: 8080 }), Listener.https({ port: 8080, tlsSecret: 'tls' })] }, "'listeners' ([8080,8080]) use a port twice"],
    ['a listener port out of range', { listeners: [Listener.http({ port: 70000 })] }, "test/gw: 'listeners[0].port' (70000) is not a TCP port"],
    ['a TLS Secret name that is not one', { listeners: [Listener.https({ tlsSecret: 'My Cert' })] }, "'listeners[0].tlsSecret' (\"My Cert\") is not a valid Kubernetes object name"],
    ['an empty gateway selector', { dataPlane: DataPlane.istio({ gatewaySelector: {} }) }, "test/gw: 'dataPlane.gatewaySelector' ({}) is empty and would bind every Envoy in the mesh"],
    ['a bad default policy', { defaults: { rateLimit: RateLimit.requestsPerMinute(0) } }, "test/gw: 'defaults.rateLimit.limit' (0) must be a whole number of requests per minute"],
  ] as Array<[string, Partial<AiGatewayProps>, string]>)('%s', (_name, props, message) => {
    const { chart } = setup();
    expect(errorOf(() => gateway(chart, props))).toContain(message);
  });

  test.each([
    ['a path without a slash', () => RouteMatch.pathPrefix('v1'), "RouteMatch.pathPrefix: 'path' (\"v1\") is not a request path; start it with \"/\""],
    ['a header name with a space', () => RouteMatch.header('x model', 'a'), "RouteMatch.header: 'name' (\"x model\") is not an HTTP header name"],
    ['two paths in one match', () => RouteMatch.all([RouteMatch.pathPrefix('/a'), RouteMatch.pathExact('/b')]), "RouteMatch.all: 'path' ([{\"kind\":\"prefix\",\"value\":\"/a\"},{\"kind\":\"exact\",\"value\":\"/b\"}]) is given twice, and one request cannot match two paths"],
    ['one header twice in one match', () => RouteMatch.all([RouteMatch.header('x-a', '1'), RouteMatch.header('X-A', '2')]), "RouteMatch.all: 'header' (\"x-a\") is given twice"],
    ['an empty AND', () => RouteMatch.all([]), "RouteMatch.all: 'matches' ([]) is empty"],
    ['an empty header value', () => RouteMatch.header('x-a', ''), "RouteMatch.header: 'value' (\"\") is empty, which Gateway API based data planes cannot match; use RouteMatch.headerPresent(name) to match any value"],
    ['a header value with padding', () => RouteMatch.header('x-a', ' large'), "RouteMatch.header: 'value' (\" large\") is not a value Gateway API can match (visible ASCII with single inner spaces, at most 4096 characters)"],
    ['an empty query value', () => RouteMatch.queryParam('v', ''), "RouteMatch.queryParam: 'value' (\"\") is empty"],
  ])('%s', (_name, fn, message) => {
    expect(errorOf(fn)).toContain(message);
  });
});

describe('topology', () => {
  test('a Mermaid flowchart of the routes, their matches and policies, in order', () => {
    const { chart, small, large } = setup();
    const gw = gateway(chart, { defaults: { rateLimit: RateLimit.requestsPerMinute(600) } });
    gw.addRoute('large', { matches: [RouteMatch.header('x-llm-model-type', 'large')], backend: Backend.pool(large), retry: RetryPolicy.llmSafe({ attempts: 1 }) });
    gw.addRoute('canary', { matches: [RouteMatch.pathPrefix('/v2')], backend: Backend.weighted([{ backend: Backend.pool(small), weight: 9 }, { backend: Backend.pool(large), weight: 1 }]) });
    gw.addRoute('small', { backend: Backend.pool(small), mirror: RequestMirror.to(Backend.pool(large), { percent: 5 }) });
    expect(gw.topology()).toBe([
      'flowchart LR',
      '  clients([clients]) --> gw["llm-gateway<br/>llm.example.com<br/>HTTP :80<br/>Istio"]',
      '  b0["pool large (llm)<br/>model large<br/>CPU"]',
      '  gw -->|"1. large<br/>x-llm-model-type=large<br/>timeout 300s<br/>retry 1x on connect-failure,refused-stream,reset-before-request,503<br/>limit 600 requests/minute per global"| b0',
      '  b1["pool small (llm)<br/>model small<br/>CPU"]',
      '  gw -->|"2. canary<br/>path prefix /v2<br/>timeout 300s<br/>retry 2x on connect-failure,refused-stream,reset-before-request,503<br/>limit 600 requests/minute per global<br/>weight 9"| b1',
      '  gw -->|"2. canary<br/>path prefix /v2<br/>timeout 300s<br/>retry 2x on connect-failure,refused-stream,reset-before-request,503<br/>limit 600 requests/minute per global<br/>weight 1"| b0',
      '  gw -->|"3. small<br/>every request<br/>timeout 300s<br/>retry 2x on connect-failure,refused-stream,reset-before-request,503<br/>limit 600 requests/minute per global"| b1',
      '  gw -.->|"small: mirror 5%"| b0',
      '',
    ].join('\n'));
  });
});

describe('regressions found by the property-based tests', () => {
  test('a Duration that is not whole milliseconds is the library\'s error, not cdk8s\'s', () => {
    const { chart, small } = setup();
    expect(errorOf(() => gateway(chart).addRoute('r', { backend: Backend.pool(small), timeouts: Timeouts.of({ request: Duration.seconds(0.0005) }) })))
      .toBe("test/gw/r: 'timeouts.request' (\"0.0005s\") must be whole seconds, at least 0; use Duration.seconds(n) or Duration.minutes(n)");
    expect(errorOf(() => gateway(setup().chart).addRoute('r', { backend: Backend.pool(small), fault: FaultInjection.of({ delay: Duration.millis(0.5) }) })))
      .toContain("'fault.delay' (\"0.5ms\") must be a whole number of milliseconds, at least 1");
  });

  test('limits beyond int32 are rejected before they reach a schema', () => {
    const { chart, small } = setup();
    expect(errorOf(() => gateway(chart).addRoute('r', { backend: Backend.pool(small), circuitBreaker: CircuitBreaker.of({ maxConnections: 2 ** 31 }) })))
      .toContain("'circuitBreaker.maxConnections' (2147483648) must be a whole number from 1 to 2147483647");
  });

  test('a weight beyond Gateway API\'s limit is rejected instead of normalizing to Infinity', () => {
    const { chart, small, large } = setup();
    expect(errorOf(() => gateway(chart).addRoute('r', { backend: Backend.weighted([{ backend: Backend.pool(small), weight: 1e308 }, { backend: Backend.pool(large), weight: 0 }]) })))
      .toContain("'backend[0].weight' (1e+308) must be a whole number from 0 to 1000000");
  });

  test('a route the renderer rejects leaves no DestinationRule and no construct behind', () => {
    const { chart, small, large } = setup();
    const gw = gateway(chart);
    gw.addRoute('a', { matches: [RouteMatch.pathPrefix('/a')], backend: Backend.pool(large) });
    // The second host of the split conflicts with route a's DestinationRule for it.
    expect(() => gw.addRoute('b', {
      matches: [RouteMatch.pathPrefix('/b')],
      backend: Backend.weighted([{ backend: Backend.pool(small), weight: 1 }, { backend: Backend.pool(large), weight: 1 }]),
      sessionAffinity: SessionAffinity.header('x-session'),
    })).toThrow(/differ from route 'a'/);
    gw.addRoute('b', { backend: Backend.pool(small) });
    const docs = synthValid(chart);
    expect(kindOf(docs, 'DestinationRule').map(d => [d.spec.host, d.spec.trafficPolicy.loadBalancer])).toEqual([
      ['large.llm.svc.cluster.local', { simple: 'LEAST_REQUEST' }],
      ['small.llm.svc.cluster.local', { simple: 'LEAST_REQUEST' }],
    ]);
  });
});

/*
 * The upstream behaviour each rendered setting relies on (src/istio/istio-contracts.ts): istio/istio 1.30.3 (istiod's
 * translation in pilot/pkg/networking/core), Envoy's local rate limit, and the Kubernetes NetworkPolicy API.
 */
describe('Istio 1.30.3 contracts', () => {
  function one(options: Partial<AiGatewayAddRouteOptions> = {}, props: Partial<AiGatewayProps> = {}) {
    const { chart, small, large } = setup();
    gateway(chart, props).addRoute('r', { backend: Backend.pool(small), ...options });
    return { docs: synthValid(chart), small, large };
  }

  test('an HTTPS server terminates TLS with the Secret named by credentialName', () => {
    // gateway.go: SIMPLE TLS with the certificate istiod reads (over SDS) from the Secret credentialName in the gateway pods' namespace.
    const server = only(one({}, { listeners: [Listener.https({ tlsSecret: 'llm-tls' })] }).docs, 'Gateway').spec.servers[0];
    expect(server).toEqual({ port: { number: 443, name: 'https-443', protocol: 'HTTPS' }, hosts: ['llm.example.com'], tls: { mode: 'SIMPLE', credentialName: 'llm-tls' } });
  });

  test('a path prefix matches segment by segment: the path itself, or the path and "/" as an Envoy string prefix', () => {
    // route.go TranslateRouteMatch: uri.prefix is Envoy's plain string prefix on a VirtualService bound to an Istio Gateway
    // (path_separated_prefix only under Gateway API or Ingress semantics), uri.exact its exact path. A prefix of
    // '/v1/chat' must not take '/v1/chatty', as it does not on Gateway API and ingress-nginx; a trailing "/" is ignored.
    const { chart, small } = setup();
    const gw = gateway(chart);
    gw.addRoute('exact', { matches: [RouteMatch.pathExact('/v1/completions')], backend: Backend.pool(small) });
    gw.addRoute('prefix', { matches: [RouteMatch.pathPrefix('/v1/chat')], backend: Backend.pool(small) });
    gw.addRoute('slash', { matches: [RouteMatch.pathPrefix('/v2/')], backend: Backend.pool(small) });
    gw.addRoute('root', { matches: [RouteMatch.pathPrefix('/')], backend: Backend.pool(small) });
    const matches = httpRoutes(synthValid(chart)).map(r => r.match);
    expect(matches).toEqual([
      [{ uri: { exact: '/v1/completions' } }],
      [{ uri: { exact: '/v1/chat' } }, { uri: { prefix: '/v1/chat/' } }],
      [{ uri: { exact: '/v2' } }, { uri: { prefix: '/v2/' } }],
      [{ uri: { prefix: '/' } }],
    ]);
    // What Envoy then does with each entry: exact compares the whole path, prefix the start of it.
    const takes = (entries: any[], path: string) =>
      entries.some(e => e.uri.exact === path || (e.uri.prefix !== undefined && path.startsWith(e.uri.prefix)));
    expect(['/v1/chat', '/v1/chat/', '/v1/chat/completions', '/v1/chatty'].map(p => takes(matches[1], p))).toEqual([true, true, true, false]);
    expect(['/v2', '/v2/models', '/v20'].map(p => takes(matches[2], p))).toEqual([true, true, false]);
  });

  test('headers, method and query parameters of one match entry are ANDed; entries are ORed', () => {
    // route.go TranslateRouteMatch: one Envoy route per match entry (ORed); its headers (:method too) and query parameters are all required.
    const r = httpRoutes(one({
      matches: [
        RouteMatch.all([RouteMatch.header('x-llm-model-type', 'large'), RouteMatch.headerRegex('x-model', 'llama-.*'), RouteMatch.method(HttpMethod.POST)]),
        RouteMatch.queryParam('model', 'large'),
      ],
    }).docs)[0];
    expect(r.match).toEqual([
      { headers: { 'x-llm-model-type': { exact: 'large' }, 'x-model': { regex: 'llama-.*' } }, method: { exact: 'POST' } },
      { queryParams: { model: { exact: 'large' } } },
    ]);
  });

  test('an empty header condition matches any value (present_match)', () => {
    // route.go translateHeaderMatch: a StringMatch without a match type becomes present_match.
    expect(httpRoutes(one({ matches: [RouteMatch.headerPresent('authorization')] }).docs)[0].match).toEqual([{ headers: { authorization: {} } }]);
  });

  test('a destination is the fully qualified Service host and port', () => {
    // route.go: the destination names the cluster outbound|<port>||<host>; a short host would be read in the VirtualService's namespace.
    const { docs } = one({}, { namespaceName: 'edge' });
    expect(httpRoutes(docs)[0].route).toEqual([{ destination: { host: 'small.llm.svc.cluster.local', port: { number: 80 } } }]);
  });

  test('weights become Envoy weighted clusters, normalized to 100', () => {
    // route.go: weighted_clusters share requests by weight.
    const { chart, small, large } = setup();
    gateway(chart).addRoute('r', { backend: Backend.weighted([{ backend: Backend.pool(small), weight: 9 }, { backend: Backend.pool(large), weight: 1 }]) });
    expect(httpRoutes(synthValid(chart))[0].route.map((d: any) => [d.destination.host, d.weight])).toEqual([
      ['small.llm.svc.cluster.local', 90], ['large.llm.svc.cluster.local', 10],
    ]);
  });

  test('mirrors copy a share of requests to the mirror destination', () => {
    // route.go MirrorPercent: request_mirror_policies with that fraction; the mirror's answers are discarded.
    const { chart, small, large } = setup();
    gateway(chart).addRoute('r', { backend: Backend.pool(small), mirror: RequestMirror.to(Backend.pool(large), { percent: 5 }) });
    expect(httpRoutes(synthValid(chart))[0].mirrors).toEqual([{ destination: { host: 'large.llm.svc.cluster.local', port: { number: 8000 } }, percentage: { value: 5 } }]);
  });

  test('fault injection delays or aborts a share of requests', () => {
    // route.go TranslateFault: Envoy's fault filter delays, or answers with the status itself, for that share.
    const r = httpRoutes(one({ fault: FaultInjection.of({ delay: Duration.millis(500), abortHttpStatus: 503, abortPercent: 10 }) }).docs)[0];
    expect(r.fault).toEqual({ delay: { fixedDelay: '500ms', percentage: { value: 100 } }, abort: { httpStatus: 503, percentage: { value: 10 } } });
  });

  test('the timeout covers the whole request; no limit leaves the field out', () => {
    // route.go setTimeout: the VirtualService timeout is the Envoy route timeout (all retries included); without it, 0 = disabled.
    expect(httpRoutes(one({ timeouts: Timeouts.of({ request: Duration.minutes(5) }) }).docs)[0].timeout).toBe('300s');
    expect(httpRoutes(one({ timeouts: Timeouts.of({ request: Duration.seconds(0) }) }).docs)[0]).not.toHaveProperty('timeout');
  });

  test("retries: status codes are retried, attempts 0 switches Istio's default retries off", () => {
    // retry.go ConvertPolicy: a status code in retryOn adds retriable-status-codes; attempts <= 0 renders no retry policy, while
    // a route without retries gets Istio's default (2 attempts on connect-failure, refused-stream, unavailable, cancelled, 503).
    expect(httpRoutes(one({ retry: RetryPolicy.llmSafe() }).docs)[0].retries.retryOn).toBe('connect-failure,refused-stream,reset-before-request,503');
    expect(httpRoutes(one({ retry: RetryPolicy.none() }).docs)[0].retries).toEqual({ attempts: 0 });
  });

  test("perTryTimeout and backoff are passed to Envoy's retry policy", () => {
    // retry.go ConvertPolicy: per_try_timeout (until the response headers) and retry_back_off.base_interval.
    const retry = RetryPolicy.custom({
      attempts: 2, conditions: [RetryCondition.CONNECT_FAILURE], perTryTimeout: Duration.seconds(30), backoff: Duration.millis(100),
    });
    expect(httpRoutes(one({ retry }).docs)[0].retries).toEqual({ attempts: 2, retryOn: 'connect-failure', perTryTimeout: '30s', backoff: '100ms' });
  });

  test('connection-pool limits become Envoy circuit breaker thresholds', () => {
    // cluster_traffic_policy.go applyConnectionPool: http2MaxRequests -> max_requests, http1MaxPendingRequests -> max_pending_requests,
    // maxRetries -> max_retries, tcp.maxConnections -> max_connections (the tutorial's 100 / 10 / 3).
    const { docs } = one({ circuitBreaker: CircuitBreaker.of({ maxConnections: 50, maxRequests: 100, maxPendingRequests: 10, maxRetries: 3 }) });
    expect(only(docs, 'DestinationRule').spec.trafficPolicy.connectionPool).toEqual({
      tcp: { maxConnections: 50 }, http: { http2MaxRequests: 100, http1MaxPendingRequests: 10, maxRetries: 3 },
    });
  });

  test('outlier detection ejects endpoints after consecutive 5xx', () => {
    // cluster_traffic_policy.go applyOutlierDetection: consecutive_5xx (gateway errors and connect failures count), interval,
    // base_ejection_time, max_ejection_percent.
    const { docs } = one({ circuitBreaker: CircuitBreaker.of({ outlierDetection: { consecutiveErrors: 3 } }) });
    expect(only(docs, 'DestinationRule').spec.trafficPolicy.outlierDetection)
      .toEqual({ consecutive5xxErrors: 3, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 });
  });

  test('session affinity is a consistent hash on the cookie or header; without it, least request', () => {
    // route.go consistentHashToHashPolicy: hash_policy on the cookie (Envoy sets it with the ttl when absent) or the header;
    // cluster_traffic_policy.go: LEAST_REQUEST otherwise.
    const lb = (options: Partial<AiGatewayAddRouteOptions>) => only(one(options).docs, 'DestinationRule').spec.trafficPolicy.loadBalancer;
    expect(lb({ sessionAffinity: SessionAffinity.cookie({ name: 'llm_session', ttl: Duration.hours(1) }) })).toEqual({ consistentHash: { httpCookie: { name: 'llm_session', ttl: '3600s' } } });
    expect(lb({ sessionAffinity: SessionAffinity.header('x-session-id') })).toEqual({ consistentHash: { httpHeaderName: 'x-session-id' } });
    expect(lb({})).toEqual({ simple: 'LEAST_REQUEST' });
  });

  test('the rate-limit EnvoyFilter configures routes by their http[].name', () => {
    // route.go: the Envoy route takes the name of the VirtualService's http route, which the HTTP_ROUTE patch matches.
    const { docs } = one({ rateLimit: RateLimit.requestsPerSecond(5) });
    const [insert, patch] = only(docs, 'EnvoyFilter').spec.configPatches;
    expect(insert.match.listener.filterChain.filter.subFilter.name).toBe('envoy.filters.http.router');
    expect(insert.patch.operation).toBe('INSERT_BEFORE');
    expect(patch.match.routeConfiguration.vhost.route.name).toBe(httpRoutes(docs)[0].name);
  });

  test("a route's own limit replaces the virtual host's for its requests", () => {
    // local_ratelimit.cc: the most specific typed_per_filter_config (route, then virtual host) is the one used.
    const { docs } = one({ rateLimit: RateLimit.requestsPerSecond(2) }, { defaults: { rateLimit: RateLimit.requestsPerSecond(10) } });
    const patches = only(docs, 'EnvoyFilter').spec.configPatches as any[];
    expect(patches.map(p => p.applyTo)).toEqual(['HTTP_FILTER', 'VIRTUAL_HOST', 'HTTP_ROUTE']);
    const bucket = (p: any) => (Object.values(p.patch.value.typed_per_filter_config)[0] as any).token_bucket.tokens_per_fill;
    expect([bucket(patches[1]), bucket(patches[2])]).toEqual([10, 2]);
    expect(patches[1].match.routeConfiguration.vhost.name).toBe('llm.example.com:80');
  });

  test('JWT: RequestAuthentication alone lets requests without a token pass, so a DENY policy requires a principal', () => {
    // authn/policy_applier.go: invalid tokens are rejected, missing ones are not; authz/builder/builder.go: the DENY rule with
    // notRequestPrincipals ["*"] rejects requests without a validated principal.
    const { docs } = one({}, { defaults: { jwt: JwtAuth.of({ issuer: 'https://idp', jwksUri: 'https://idp/jwks' }) } });
    expect(only(docs, 'RequestAuthentication').spec.selector).toEqual(only(docs, 'AuthorizationPolicy').spec.selector);
    expect(only(docs, 'AuthorizationPolicy').spec.action).toBe('DENY');
    expect(only(docs, 'AuthorizationPolicy').spec.rules[0].from).toEqual([{ source: { notRequestPrincipals: ['*'] } }]);
  });

  test('the NetworkPolicy admits the gateway pods by namespace AND labels in one peer', () => {
    // kubernetes/api networking/v1/types.go NetworkPolicyPeer: with both selectors, the pods matching podSelector in the selected namespaces.
    const { docs, small } = one();
    const policy = only(docs, 'NetworkPolicy');
    expect(policy.spec.podSelector).toEqual({ matchLabels: small.selectorLabels });
    expect(policy.spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-ingress' } }, podSelector: { matchLabels: { istio: 'ingress' } } }],
      ports: [{ protocol: 'TCP', port: 80 }],
    }]);
  });
});

/*
 * The platform workload (scripts/bench-platform.ts): a thousand models, each a pool and a header route, behind one
 * Istio gateway. Istio evaluates a VirtualService's http routes in order, first match wins (istio/api
 * networking/v1alpha3/virtual_service.proto, HTTPRoute), and applies one DestinationRule per host.
 */
describe('1,000 models on one Istio gateway', () => {
  test('each a pool and a header route: one VirtualService in the order given, one DestinationRule and NetworkPolicy per pool, all valid', () => {
    const { chart, small } = setup();
    const gw = gateway(chart);
    for (let i = 0; i < 1000; i++) {
      const pool = new LlmModelPool(chart, `m${i}`, { name: `m${i}`, modelName: `m${i}`, server: ModelServer.demo() });
      gw.addRoute(`m${i}`, { matches: [RouteMatch.header('x-model', `m${i}`)], backend: Backend.pool(pool) });
    }
    gw.addRoute('default', { backend: Backend.pool(small) });
    const docs = synthValid(chart);
    const http = httpRoutes(docs);
    expect(http.map(h => h.name)).toEqual([...Array.from({ length: 1000 }, (_, i) => `llm-llm-gateway-m${i}`), 'llm-llm-gateway-default']);
    expect(http[999].match).toEqual([{ headers: { 'x-model': { exact: 'm999' } } }]);
    expect(http[999].route).toEqual([{ destination: { host: 'm999.llm.svc.cluster.local', port: { number: 80 } } }]);
    const hosts = kindOf(docs, 'DestinationRule').map(d => d.spec.host);
    expect(hosts).toHaveLength(1001);
    expect(new Set(hosts).size).toBe(1001);
    expect(kindOf(docs, 'NetworkPolicy')).toHaveLength(1001);
  }, 60_000);
});
