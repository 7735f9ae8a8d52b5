import { App, Chart, Duration, Size, Testing } from 'cdk8s';
import {
  Accelerator, AiGateway, AiGatewayAddRouteOptions, AiGatewayProps, Backend, CircuitBreaker, DataPlane, FaultInjection, HttpMethod,
  JwtAuth, Listener, LlmModelPool, ModelServer, NginxIngressDataPlaneOptions, NginxLoadBalancing, NginxSessionCookieSameSite, ProviderApi, RateLimit,
  RateLimitKey, RequestMirror, RetryCondition, RetryPolicy, RouteMatch, SessionAffinity, SupportLevel, Timeouts,
} from '../src';
import { errorOf } from './support/errors';
import { pickedBy } from './support/inference-pool';
import { Manifest, only, synthValid } from './support/synth';
import { build as buildExample } from '../examples/nginx-ingress/main';

/** The LLM-safe retries (ingress-nginx leaves out their default backoff: it cannot pause between retries). */
const RETRY = RetryPolicy.llmSafe();

function setup(props: Partial<AiGatewayProps> = {}, options: Partial<NginxIngressDataPlaneOptions> = {}) {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'llm' });
  const small = new LlmModelPool(chart, 'small', { name: 'small', modelName: 'small', server: ModelServer.demo() });
  const large = new LlmModelPool(chart, 'large', {
    name: 'large', modelName: 'large', server: ModelServer.vllm({ model: 'meta-llama/Llama-3.1-8B-Instruct' }), accelerator: Accelerator.nvidiaGpu({ count: 1 }),
  });
  const dataPlane = DataPlane.nginxIngress({ ingressClassName: 'nginx', ...options });
  const gw = new AiGateway(chart, 'gw', { name: 'llm-gateway', dataPlane, hostnames: ['llm.example.com'], defaults: { retry: RETRY }, ...props });
  return { chart, small, large, gw, dataPlane, validate: () => synthValid(chart) };
}

const PREFIX = 'nginx.ingress.kubernetes.io/';
const ingresses = (docs: Manifest[]) => docs.filter(d => d.kind === 'Ingress');
const ingress = (docs: Manifest[], name: string) => only(docs, 'Ingress', name);
/** The ingress-nginx annotations of an Ingress, without the prefix. */
function annotations(doc: Manifest): Record<string, string> {
  const all: Record<string, string> = doc.metadata.annotations ?? {};
  expect(Object.keys(all).every(k => k.startsWith(PREFIX))).toBe(true);
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [k.slice(PREFIX.length), v]));
}
/** The host and path rules of an Ingress as [host, pathType, path, service, port]. */
const paths = (doc: Manifest) => (doc.spec.rules as any[]).flatMap(r => (r.http.paths as any[]).map(p =>
  [r.host, p.pathType, p.path, p.backend.service.name, p.backend.service.port.number]));

/** What every main Ingress carries with the defaults: five minutes, streaming, LLM-safe retries, ewma. */
const MAIN_DEFAULTS = {
  'load-balance': 'ewma',
  'proxy-body-size': '16m',
  'proxy-buffering': 'off',
  'proxy-connect-timeout': '5',
  'proxy-next-upstream': 'error timeout http_503',
  'proxy-next-upstream-timeout': '300',
  'proxy-next-upstream-tries': '3',
  'proxy-read-timeout': '300',
  'proxy-send-timeout': '300',
};

describe('the seed scenario: header routing small/large as a canary', () => {
  const { small, large, gw, validate } = setup();
  gw.addRoute('large', { matches: [RouteMatch.header('x-llm-model-type', 'large')], backend: Backend.pool(large) });
  gw.addRoute('small', { backend: Backend.pool(small) });
  const docs = validate();

  test('a main Ingress for the catch-all and a canary Ingress for the header route, on the same host and path', () => {
    expect(ingresses(docs).map(d => d.metadata.name)).toEqual(['llm-gateway-large-canary', 'llm-gateway-small']);
    for (const d of ingresses(docs)) {
      expect(d.apiVersion).toBe('networking.k8s.io/v1');
      expect(d.metadata.namespace).toBe('llm');
      expect(d.spec.ingressClassName).toBe('nginx');
      expect(d.spec.tls).toBeUndefined();
    }
    expect(paths(ingress(docs, 'llm-gateway-small'))).toEqual([['llm.example.com', 'Prefix', '/', 'small', 80]]);
    expect(paths(ingress(docs, 'llm-gateway-large-canary'))).toEqual([['llm.example.com', 'Prefix', '/', 'large', 8000]]);
  });

  test('canary wiring: canary "true", the header and its value, and the canary upstream\'s own balancing only', () => {
    expect(annotations(ingress(docs, 'llm-gateway-large-canary'))).toEqual({
      'canary': 'true',
      'canary-by-header': 'x-llm-model-type',
      'canary-by-header-value': 'large',
      'load-balance': 'ewma',
    });
  });

  test('the main Ingress carries the location settings, in whole seconds', () => {
    expect(annotations(ingress(docs, 'llm-gateway-small'))).toEqual(MAIN_DEFAULTS);
  });

  test('NetworkPolicies admit the ingress-nginx controller pods', () => {
    expect(only(docs, 'NetworkPolicy', 'llm-gateway-to-large').spec.ingress[0].from).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' } },
    }]);
  });
});

describe('host and path routing', () => {
  test('a route per Ingress, its matches as paths on every hostname, trailing slashes of prefixes dropped', () => {
    const { small, large, gw, validate } = setup({ hostnames: ['llm.example.com', '*.llm.example.com'] });
    gw.addRoute('models', { matches: [RouteMatch.pathExact('/v1/models'), RouteMatch.pathPrefix('/v1/embeddings/')], backend: Backend.pool(small) });
    gw.addRoute('chat', { matches: [RouteMatch.pathPrefix('/v1/chat/completions')], backend: Backend.pool(large) });
    gw.addRoute('default', { backend: Backend.pool(small) });
    const docs = validate();
    expect(ingresses(docs).map(d => d.metadata.name)).toEqual(['llm-gateway-models', 'llm-gateway-chat', 'llm-gateway-default']);
    expect(paths(ingress(docs, 'llm-gateway-models'))).toEqual([
      ['llm.example.com', 'Exact', '/v1/models', 'small', 80], ['llm.example.com', 'Prefix', '/v1/embeddings', 'small', 80],
      ['*.llm.example.com', 'Exact', '/v1/models', 'small', 80], ['*.llm.example.com', 'Prefix', '/v1/embeddings', 'small', 80],
    ]);
    expect(paths(ingress(docs, 'llm-gateway-chat'))).toEqual([
      ['llm.example.com', 'Prefix', '/v1/chat/completions', 'large', 8000], ['*.llm.example.com', 'Prefix', '/v1/chat/completions', 'large', 8000],
    ]);
  });

  test('routes that cannot take the same request may come in any order', () => {
    const { small, large, gw, validate } = setup();
    gw.addRoute('a', { matches: [RouteMatch.pathPrefix('/a')], backend: Backend.pool(large) });
    gw.addRoute('b', { matches: [RouteMatch.pathPrefix('/b/longer/path')], backend: Backend.pool(small) });
    gw.addRoute('c', { matches: [RouteMatch.pathExact('/c')], backend: Backend.pool(small) });
    // Less specific than /b/longer/path: it cannot take that route's requests.
    gw.addRoute('d', { matches: [RouteMatch.pathPrefix('/b')], backend: Backend.pool(small) });
    expect(ingresses(validate()).map(d => d.metadata.name)).toEqual(['llm-gateway-a', 'llm-gateway-b', 'llm-gateway-c', 'llm-gateway-d']);
  });

  test('Service backends by name and port; a Service in the gateway namespace by default', () => {
    const { gw, validate } = setup();
    gw.addRoute('r', { backend: Backend.service({ name: 'legacy-llm', port: 8080 }) });
    expect(paths(ingress(validate(), 'llm-gateway-r'))).toEqual([['llm.example.com', 'Prefix', '/', 'legacy-llm', 8080]]);
  });
});

describe('canaries', () => {
  test('a header canary on a narrower path: the catch-all\'s Ingress takes the other requests to that path', () => {
    const { small, large, gw, validate } = setup();
    gw.addRoute('large', { matches: [RouteMatch.all([RouteMatch.pathPrefix('/v1/chat/completions'), RouteMatch.header('x-llm-model-type', 'large')])], backend: Backend.pool(large) });
    gw.addRoute('small', { backend: Backend.pool(small) });
    const docs = validate();
    expect(paths(ingress(docs, 'llm-gateway-large-canary'))).toEqual([['llm.example.com', 'Prefix', '/v1/chat/completions', 'large', 8000]]);
    expect(paths(ingress(docs, 'llm-gateway-small'))).toEqual([
      ['llm.example.com', 'Prefix', '/', 'small', 80], ['llm.example.com', 'Prefix', '/v1/chat/completions', 'small', 80],
    ]);
  });

  test('a header regex is anchored to the whole value; a present header matches any value', () => {
    const { small, large, gw, validate } = setup();
    gw.addRoute('regex', { matches: [RouteMatch.all([RouteMatch.pathPrefix('/a'), RouteMatch.headerRegex('x-model', 'llama-(8|70)b')])], backend: Backend.pool(large) });
    gw.addRoute('present', { matches: [RouteMatch.all([RouteMatch.pathPrefix('/b'), RouteMatch.headerPresent('x-debug')])], backend: Backend.service({ name: 'debug', port: 80 }) });
    gw.addRoute('small', { backend: Backend.pool(small) });
    const docs = validate();
    expect(annotations(ingress(docs, 'llm-gateway-regex-canary'))).toEqual({
      'canary': 'true', 'canary-by-header': 'x-model', 'canary-by-header-pattern': '^(?:llama-(8|70)b)$', 'load-balance': 'ewma',
    });
    expect(annotations(ingress(docs, 'llm-gateway-present-canary'))['canary-by-header-pattern']).toBe('.*');
    expect(paths(ingress(docs, 'llm-gateway-small')).map(p => p[2])).toEqual(['/', '/a', '/b']);
  });

  test('a weighted split of two: the first backend on the main Ingress, the second on a canary with its weight in percent', () => {
    const { small, large, gw, validate } = setup();
    gw.addRoute('r', {
      backend: Backend.weighted([{ backend: Backend.pool(small), weight: 3 }, { backend: Backend.pool(large), weight: 1 }]),
      sessionAffinity: SessionAffinity.cookie({ name: 'llm-session', ttl: Duration.minutes(30) }),
    });
    const docs = validate();
    expect(paths(ingress(docs, 'llm-gateway-r'))).toEqual([['llm.example.com', 'Prefix', '/', 'small', 80]]);
    expect(paths(ingress(docs, 'llm-gateway-r-canary'))).toEqual([['llm.example.com', 'Prefix', '/', 'large', 8000]]);
    // The canary takes the main Ingress's cookie affinity (the controller copies it): writing it again would be ignored.
    expect(annotations(ingress(docs, 'llm-gateway-r-canary'))).toEqual({ 'canary': 'true', 'canary-weight': '25' });
    expect(annotations(ingress(docs, 'llm-gateway-r'))).toMatchObject({ 'affinity': 'cookie', 'session-cookie-max-age': '1800' });
  });

  test('a header match on a path the route takes anyway adds no canary', () => {
    const { small, gw, validate } = setup();
    gw.addRoute('r', { matches: [RouteMatch.pathPrefix('/v1'), RouteMatch.all([RouteMatch.pathPrefix('/v1/chat'), RouteMatch.header('x-a', '1')])], backend: Backend.pool(small) });
    const docs = validate();
    expect(ingresses(docs).map(d => d.metadata.name)).toEqual(['llm-gateway-r']);
    expect(paths(ingress(docs, 'llm-gateway-r')).map(p => p[2])).toEqual(['/v1']);
  });

  test('header affinity works with a header canary: consistent hashing keeps no client from the canary', () => {
    const { small, large, gw, validate } = setup({ defaults: { retry: RETRY, sessionAffinity: SessionAffinity.header('x-session-id') } });
    gw.addRoute('large', { matches: [RouteMatch.header('x-llm-model-type', 'large')], backend: Backend.pool(large) });
    gw.addRoute('small', { backend: Backend.pool(small) });
    const docs = validate();
    expect(annotations(ingress(docs, 'llm-gateway-large-canary'))['upstream-hash-by']).toBe('$http_x_session_id');
    expect(annotations(ingress(docs, 'llm-gateway-small'))['upstream-hash-by']).toBe('$http_x_session_id');
  });
});

describe('policies as annotations', () => {
  const route = (options: Partial<AiGatewayAddRouteOptions>, props: Partial<AiGatewayProps> = {}, dp: Partial<NginxIngressDataPlaneOptions> = {}) => {
    const s = setup(props, dp);
    s.gw.addRoute('r', { backend: Backend.pool(s.small), ...options });
    return annotations(ingress(s.validate(), 'llm-gateway-r'));
  };

  test('cookie affinity for an hour: whole seconds, the path, and no ewma (the cookie decides)', () => {
    const a = route({ sessionAffinity: SessionAffinity.cookie({ name: 'llm-session', ttl: Duration.hours(1), path: '/v1' }) }, {},
      { sessionCookieSameSite: NginxSessionCookieSameSite.LAX });
    expect(a).toEqual({
      ...Object.fromEntries(Object.entries(MAIN_DEFAULTS).filter(([k]) => k !== 'load-balance')),
      'affinity': 'cookie',
      'session-cookie-name': 'llm-session',
      'session-cookie-max-age': '3600',
      'session-cookie-expires': '3600',
      'session-cookie-path': '/v1',
      'session-cookie-samesite': 'Lax',
    });
  });

  test('SameSite=None makes the cookie Secure, which browsers require', () => {
    const a = route({ sessionAffinity: SessionAffinity.cookie({ name: 's', ttl: Duration.hours(1) }) }, {}, { sessionCookieSameSite: NginxSessionCookieSameSite.NONE });
    expect([a['session-cookie-samesite'], a['session-cookie-secure']]).toEqual(['None', 'true']);
  });

  test('header affinity hashes on the header\'s nginx variable', () => {
    const a = route({ sessionAffinity: SessionAffinity.header('X-Session-Id') });
    expect(a['upstream-hash-by']).toBe('$http_x_session_id');
    expect(a['load-balance']).toBeUndefined();
  });

  // ingress-nginx writes limit_req burst = limit x limit-burst-multiplier (kubernetes/ingress-nginx controller-v1.15.1
  // internal/ingress/annotations/ratelimit/main.go), and nginx's limit_req admits burst + 1 requests at once (nginx/nginx
  // release-1.27.1 src/http/modules/ngx_http_limit_req_module.c: a request is refused when excess > burst, the first counts 0).
  test.each([
    ['1 a second per client with bursts of up to 5 (the tutorial): nginx burst 4, so 5 at once', RateLimit.requestsPerSecond(1, { burst: 5, key: RateLimitKey.clientIp() }), { 'limit-rps': '1', 'limit-burst-multiplier': '4' }],
    ['1 a second without bursts: multiplier 0, nginx burst 0, one at a time', RateLimit.requestsPerSecond(1, { burst: 1, key: RateLimitKey.clientIp() }), { 'limit-rps': '1', 'limit-burst-multiplier': '0' }],
    ['60 a minute with bursts of up to 61: nginx burst 60', RateLimit.requestsPerMinute(60, { burst: 61, key: RateLimitKey.clientIp() }), { 'limit-rpm': '60', 'limit-burst-multiplier': '1' }],
    ['no burst: the multiplier 1 is written (the limit + 1 at once), since ingress-nginx\'s default is 5', RateLimit.requestsPerMinute(60, { key: RateLimitKey.clientIp() }), { 'limit-rpm': '60', 'limit-burst-multiplier': '1' }],
    ['5 a second with bursts of up to 11: nginx burst 10', RateLimit.requestsPerSecond(5, { burst: 11, key: RateLimitKey.clientIp() }), { 'limit-rps': '5', 'limit-burst-multiplier': '2' }],
  ])('rate limit: %s', (_name, rateLimit, expected) => {
    const a = route({ rateLimit });
    expect(Object.fromEntries(Object.entries(a).filter(([k]) => k.startsWith('limit-')))).toEqual(expected);
  });

  test('the allow-list goes with rate and concurrency limits only', () => {
    const dp = { rateLimitAllowList: ['10.0.0.0/8', '192.0.2.10', '2001:db8::/32'] };
    expect(route({ rateLimit: RateLimit.requestsPerSecond(5, { key: RateLimitKey.clientIp() }) }, {}, dp)['limit-whitelist']).toBe('10.0.0.0/8,192.0.2.10,2001:db8::/32');
    expect(route({}, {}, dp)['limit-whitelist']).toBeUndefined();
  });

  test('concurrent requests per client, with the allow-list', () => {
    const a = route({}, {}, { concurrentRequestsPerClient: 4, rateLimitAllowList: ['10.0.0.0/8'] });
    expect(Object.fromEntries(Object.entries(a).filter(([k]) => k.startsWith('limit-')))).toEqual({ 'limit-connections': '4', 'limit-whitelist': '10.0.0.0/8' });
  });

  test('round robin instead of ewma, where no affinity decides', () => {
    expect(route({}, {}, { loadBalancing: NginxLoadBalancing.ROUND_ROBIN })['load-balance']).toBe('round_robin');
  });

  test.each([
    ['the LLM-safe default: connection failures and 503', RETRY, {}, { 'proxy-next-upstream': 'error timeout http_503', 'proxy-next-upstream-tries': '3', 'proxy-next-upstream-timeout': '300' }],
    ['connection failures only', RetryPolicy.custom({ attempts: 1, conditions: [RetryCondition.CONNECT_FAILURE, RetryCondition.REFUSED_STREAM] }), {},
      { 'proxy-next-upstream': 'error timeout', 'proxy-next-upstream-tries': '2', 'proxy-next-upstream-timeout': '300' }],
    ['5xx, gateway errors, 429 and resets, in nginx\'s order, with retryNonIdempotent', RetryPolicy.custom({
      attempts: 4,
      conditions: [
        RetryCondition.httpStatus(429), RetryCondition.GATEWAY_ERROR, RetryCondition.FIVE_XX, RetryCondition.RESET, RetryCondition.REFUSED_STREAM,
      ],
    }), { retryNonIdempotent: true },
    { 'proxy-next-upstream': 'error timeout http_500 http_502 http_503 http_504 http_429 non_idempotent', 'proxy-next-upstream-tries': '5', 'proxy-next-upstream-timeout': '300' }],
    ['POSTs sent again only with retryNonIdempotent', RETRY, { retryNonIdempotent: true },
      { 'proxy-next-upstream': 'error timeout http_503 non_idempotent', 'proxy-next-upstream-tries': '3', 'proxy-next-upstream-timeout': '300' }],
    ['none: "off", since ingress-nginx retries on its own otherwise', RetryPolicy.none(), {}, { 'proxy-next-upstream': 'off' }],
  ] as Array<[string, RetryPolicy, Partial<NginxIngressDataPlaneOptions>, Record<string, string>]>)('retries: %s', (_name, retry, dp, expected) => {
    const a = route({ retry }, {}, dp);
    expect(Object.fromEntries(Object.entries(a).filter(([k]) => k.startsWith('proxy-next-upstream')))).toEqual(expected);
  });

  test('timeouts: whole seconds; no limit becomes an hour of silence, and no limit on retrying', () => {
    const pick = (a: Record<string, string>) => [a['proxy-read-timeout'], a['proxy-send-timeout'], a['proxy-connect-timeout'], a['proxy-next-upstream-timeout']];
    expect(pick(route({ timeouts: Timeouts.of({ request: Duration.minutes(10) }) }))).toEqual(['600', '600', '5', '600']);
    expect(pick(route({ timeouts: Timeouts.of({ request: Duration.seconds(0) }) }))).toEqual(['3600', '3600', '5', '0']);
  });

  test('mirroring to the fully qualified Service, keeping the request URI', () => {
    const s = setup();
    s.gw.addRoute('r', { backend: Backend.pool(s.small), mirror: RequestMirror.to(Backend.pool(s.large)) });
    expect(annotations(ingress(s.validate(), 'llm-gateway-r'))['mirror-target']).toBe('http://large.llm.svc.cluster.local:8000$request_uri');
  });

  test('external authentication and the request body limit apply to every route', () => {
    const a = route({}, {}, { externalAuthUrl: 'http://auth.auth.svc.cluster.local:8080/verify', maxRequestBodySize: Size.kibibytes(512) });
    expect([a['auth-url'], a['proxy-body-size']]).toEqual(['http://auth.auth.svc.cluster.local:8080/verify', '512k']);
    expect(route({}, {}, { maxRequestBodySize: Size.gibibytes(1) })['proxy-body-size']).toBe('1024m');
  });
});

describe('listeners and TLS', () => {
  test('HTTPS only: TLS from the Secret on the main Ingresses, and HTTP redirected', () => {
    const { small, large, gw, validate } = setup({ listeners: [Listener.https({ tlsSecret: 'llm-tls' })] });
    gw.addRoute('large', { matches: [RouteMatch.header('x-llm-model-type', 'large')], backend: Backend.pool(large) });
    gw.addRoute('small', { backend: Backend.pool(small) });
    const docs = validate();
    expect(ingress(docs, 'llm-gateway-small').spec.tls).toEqual([{ hosts: ['llm.example.com'], secretName: 'llm-tls' }]);
    expect(annotations(ingress(docs, 'llm-gateway-small'))['ssl-redirect']).toBe('true');
    expect(ingress(docs, 'llm-gateway-large-canary').spec.tls).toBeUndefined();
    expect(annotations(ingress(docs, 'llm-gateway-large-canary'))['ssl-redirect']).toBeUndefined();
  });

  test('HTTP and HTTPS: both serve the routes', () => {
    const { small, gw, validate } = setup({ listeners: [Listener.http(), Listener.https({ tlsSecret: 'llm-tls' })] });
    gw.addRoute('r', { backend: Backend.pool(small) });
    expect(annotations(ingress(validate(), 'llm-gateway-r'))['ssl-redirect']).toBe('false');
  });

  test('custom controller pods flow into the NetworkPolicies', () => {
    const { small, gw, validate } = setup({}, { controllerNamespace: 'ingress', controllerPodLabels: { 'app.kubernetes.io/instance': 'internal' } });
    gw.addRoute('r', { backend: Backend.pool(small) });
    expect(only(validate(), 'NetworkPolicy').spec.ingress[0].from).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'internal' } },
    }]);
  });
});

describe('no annotation the controller ignores, never a snippet', () => {
  test('every annotation of every Ingress is in the v1.15.1 list (synthValid) and none is a snippet', () => {
    const { small, large, gw, validate } = setup({
      listeners: [Listener.http(), Listener.https({ tlsSecret: 'llm-tls' })],
      defaults: {
        retry: RETRY,
        timeouts: Timeouts.of({ request: Duration.minutes(10) }),
        rateLimit: RateLimit.requestsPerMinute(60, { burst: 61, key: RateLimitKey.clientIp() }),
        sessionAffinity: SessionAffinity.header('x-session-id'),
      },
    }, { externalAuthUrl: 'http://auth.auth.svc:8080/verify', rateLimitAllowList: ['10.0.0.0/8'], retryNonIdempotent: true });
    gw.addRoute('canary', {
      matches: [RouteMatch.pathPrefix('/v2')],
      backend: Backend.weighted([{ backend: Backend.service({ name: 'v2', port: 80 }), weight: 9 }, { backend: Backend.service({ name: 'v2-next', port: 80 }), weight: 1 }]),
    });
    // A canary runs with its main Ingress's mirror: both routes ask for the same.
    const mirror = RequestMirror.to(Backend.service({ name: 'shadow', port: 80 }));
    gw.addRoute('large', { matches: [RouteMatch.header('x-llm-model-type', 'large')], backend: Backend.pool(large), mirror });
    gw.addRoute('small', { backend: Backend.pool(small), mirror });
    const keys = ingresses(validate()).flatMap(d => Object.keys(d.metadata.annotations));
    expect(keys.length).toBeGreaterThan(30);
    expect(keys.filter(k => k.includes('snippet'))).toEqual([]);
  });
});

describe('controller settings', () => {
  test('what the Ingresses rely on, for the controller\'s Helm values', () => {
    const { dataPlane } = setup();
    expect(dataPlane.controllerSettings()).toEqual({
      'annotations-risk-level': 'High',
      'limit-conn-status-code': '429',
      'limit-req-status-code': '429',
      'retry-non-idempotent': 'false',
      'worker-shutdown-timeout': '300s',
    });
    expect(dataPlane.installation).toEqual({ controller: 'ingress-nginx', ingressClassName: 'nginx', gatewayNamespace: 'ingress-nginx' });
  });

  test('reloads must not cut the longest stream: worker-shutdown-timeout follows the longest idle timeout rendered', () => {
    const { small, gw, dataPlane } = setup();
    gw.addRoute('r', { backend: Backend.pool(small), timeouts: Timeouts.of({ request: Duration.seconds(0) }) });
    expect(gw.controllerSettings()['worker-shutdown-timeout']).toBe('3600s');
    // The DataPlane value is immutable: it gives what every gateway needs, the gateway adds what its App's routes need.
    expect(dataPlane.controllerSettings()['worker-shutdown-timeout']).toBe('300s');
  });
});

describe('capabilities', () => {
  test('every feature is declared; what ingress-nginx cannot express has an alternative', () => {
    const caps = DataPlane.nginxIngress({ ingressClassName: 'nginx' }).capabilities();
    expect(DataPlane.nginxIngress({ ingressClassName: 'nginx' }).name).toBe('ingress-nginx (legacy)');
    const unsupported = caps.filter(c => c.level === SupportLevel.UNSUPPORTED).map(c => c.feature);
    expect(unsupported).toEqual([
      'match.method', 'match.query', 'match.model', 'backend.inferencePool', 'backend.provider', 'backend.fallback', 'fault', 'timeout.streamIdle',
      'retry.perTryTimeout', 'retry.backoff', 'circuitBreaker.limits', 'circuitBreaker.outlierDetection', 'rateLimit.requests.global', 'rateLimit.requests.header',
      'rateLimit.requests.jwtClaim', 'rateLimit.tokens', 'jwt', 'jwt.route',
    ]);
    expect(caps.filter(c => c.level !== SupportLevel.UNSUPPORTED).every(c => c.level === SupportLevel.NATIVE)).toBe(true);
    for (const c of caps.filter(x => x.level === SupportLevel.UNSUPPORTED)) expect(c.alternative).toBeDefined();
  });

  const NO = 'cannot be expressed by the ingress-nginx (legacy) data plane';
  test.each([
    ['an explicit retry backoff', { retry: RetryPolicy.llmSafe({ backoff: Duration.millis(500) }) },
      `test/gw/r: 'retry.backoff' ("500ms") ${NO} (nginx passes a failed request to the next replica at once, with no pause (the default backoff of RetryPolicy.llmSafe() is left out)); leave backoff out of the retry policy, or use Gateway API`],
    ['a method match', { matches: [RouteMatch.method(HttpMethod.POST)] },
      `test/gw/r: 'matches[0]' ("RouteMatch.method(POST)") ${NO} (an Ingress matches the host and path only); leave the method condition out, or use DataPlane.gatewayApi(...), the successor of ingress-nginx`],
    ['a query match', { matches: [RouteMatch.queryParam('v', '1')] },
      `test/gw/r: 'matches[0]' ("RouteMatch.queryParam(\\"v\\")") ${NO} (an Ingress matches the host and path only); use DataPlane.gatewayApi(...), the successor of ingress-nginx`],
    ['a model match', { matches: [RouteMatch.model('llama')] },
      `test/gw/r: 'matches[0]' ("RouteMatch.model(\\"llama\\")") ${NO} (an Ingress matches the host and path, never the JSON body); use the Envoy AI Gateway data plane, or have clients send the model in a header and match it with RouteMatch.header`],
    ['fault injection', { fault: FaultInjection.of({ abortHttpStatus: 503 }) },
      `test/gw/r: 'fault' ("FaultInjection") ${NO} (ingress-nginx has no fault injection); use DataPlane.istio(), or DataPlane.gatewayApi(...) with GatewayImplementation.envoyGateway()`],
    ['a stream idle timeout', { timeouts: Timeouts.of({ streamIdle: Duration.seconds(30) }) },
      `test/gw/r: 'timeouts.streamIdle' ("30s") ${NO} (ingress-nginx has one idle timeout, proxy-read-timeout, which timeouts.request already sets); set timeouts.request to the longest pause between two chunks you allow (on ingress-nginx it bounds pauses, not the whole request)`],
    ['a per-try timeout', { retry: RetryPolicy.custom({ attempts: 1, conditions: [RetryCondition.CONNECT_FAILURE], perTryTimeout: Duration.seconds(60) }) },
      `test/gw/r: 'retry.perTryTimeout' ("60s") ${NO} (nginx has no per-attempt limit; proxy-read-timeout bounds the pauses of each attempt); leave perTryTimeout out (timeouts.request then bounds each attempt), or use DataPlane.gatewayApi(...), the successor of ingress-nginx`],
    ['circuit breaking', { circuitBreaker: CircuitBreaker.of({ maxConnections: 5 }) },
      `test/gw/r: 'circuitBreaker' ("CircuitBreaker limits") ${NO} (ingress-nginx has no connection or request limits per backend (limit-connections counts per client)); use DataPlane.gatewayApi(...) with GatewayImplementation.envoyGateway() or GatewayImplementation.istio(), or DataPlane.istio()`],
    ['outlier detection', { circuitBreaker: CircuitBreaker.of({ outlierDetection: {} }) },
      `test/gw/r: 'circuitBreaker.outlierDetection' ("outlier detection") ${NO} (ingress-nginx does not eject failing replicas (only readiness probes take them out)); use DataPlane.gatewayApi(...) with GatewayImplementation.envoyGateway() or GatewayImplementation.istio(), or DataPlane.istio()`],
    ['a rate limit per header', { rateLimit: RateLimit.requestsPerSecond(5, { key: RateLimitKey.header('x-tenant') }) },
      `test/gw/r: 'rateLimit.key' ("RateLimitKey.header(\\"x-tenant\\")") ${NO} (ingress-nginx rate limits count per client IP only); use RateLimitKey.clientIp(), or DataPlane.gatewayApi(...) with GatewayImplementation.envoyGateway()`],
    ['a rate limit per JWT claim', { rateLimit: RateLimit.requestsPerSecond(5, { key: RateLimitKey.jwtClaim('sub') }) },
      `test/gw/r: 'rateLimit.key' ("RateLimitKey.jwtClaim(\\"sub\\")") ${NO} (ingress-nginx validates no JWT and counts per client IP only); use RateLimitKey.clientIp(), or DataPlane.gatewayApi(...) with GatewayImplementation.envoyGateway() and RateLimitKey.header`],
    ['a token budget', { rateLimit: RateLimit.tokensPerHour(100000) },
      `test/gw/r: 'rateLimit' ("RateLimit.tokensPerHour(100000)") ${NO} (ingress-nginx does not count the model tokens in responses); use the Envoy AI Gateway data plane`],
    ['JWT validation', { jwt: JwtAuth.of({ issuer: 'https://idp', jwksUri: 'https://idp/jwks' }) },
      `test/gw/r: 'jwt' ("JwtAuth (issuer https://idp)") ${NO} (ingress-nginx cannot validate JWTs itself, only call an external service (auth-url)); validate tokens in an auth service and set externalAuthUrl on DataPlane.nginxIngress, or use DataPlane.gatewayApi(...) with GatewayImplementation.envoyGateway()`],
    ['a hosted provider', { backend: Backend.provider({ name: 'openai', api: ProviderApi.OPENAI, hostname: 'api.openai.com' }) },
      `test/gw/r: 'backend' ("Backend.provider") ${NO} (ingress-nginx has no notion of hosted LLM providers and their credentials); use the Envoy AI Gateway data plane`],
    ['an ordered fallback', { backend: Backend.fallback([Backend.service({ name: 'a', port: 80 }), Backend.service({ name: 'b', port: 80 })]) },
      `test/gw/r: 'backend' ("Backend.fallback") ${NO} (ingress-nginx retries another replica of the same Service, never another backend); use the Envoy AI Gateway data plane`],
  ] as Array<[string, Partial<AiGatewayAddRouteOptions>, string]>)('%s', (_name, options, message) => {
    const s = setup();
    expect(errorOf(() => s.gw.addRoute('r', { backend: Backend.pool(s.small), ...options }))).toBe(message);
  });

  test('an InferencePool backend', () => {
    const s = setup();
    expect(errorOf(() => s.gw.addRoute('r', { backend: Backend.inferencePool(pickedBy(s.large)) }))).toBe(`test/gw/r: 'backend' ("Backend.inferencePool") ${NO} `
      + '(ingress-nginx balances by itself and cannot consult an endpoint picker); use DataPlane.gatewayApi(...) with Backend.inferencePool, or Backend.pool()');
  });
});

describe('bad input is rejected at synth time', () => {
  test.each([
    ['a global rate limit (ingress-nginx counts per client)', { rateLimit: RateLimit.requestsPerMinute(600) },
      "test/gw/r: 'rateLimit.key' (\"RateLimitKey.allClients()\") cannot be expressed by the ingress-nginx (legacy) data plane (limit-rps and limit-rpm count "
      + 'each client IP separately, so a global limit would silently become a per-client one); use RateLimitKey.clientIp(), '
      + 'or DataPlane.gatewayApi(...) with GatewayImplementation.envoyGateway() for one shared budget'],
    ['a burst nginx cannot admit at once', { rateLimit: RateLimit.requestsPerMinute(60, { burst: 30, key: RateLimitKey.clientIp() }) },
      "test/gw/r: 'rateLimit.burst' (30) cannot be expressed by ingress-nginx, which admits limit-burst-multiplier x the limit (60) + 1 requests at once, "
      + 'so burst - 1 must be a whole multiple of the limit; use burst 1 or 61'],
    ['a burst of exactly the limit, which nginx admits as the limit + 1', { rateLimit: RateLimit.requestsPerMinute(60, { burst: 60, key: RateLimitKey.clientIp() }) },
      "test/gw/r: 'rateLimit.burst' (60) cannot be expressed by ingress-nginx, which admits limit-burst-multiplier x the limit (60) + 1 requests at once, "
      + 'so burst - 1 must be a whole multiple of the limit; use burst 1 or 61'],
    ['a retry on statuses only, which nginx never applies to a completion (a POST) without retryNonIdempotent',
      {
        retry: RetryPolicy.custom({
          attempts: 2, conditions: [RetryCondition.CONNECT_FAILURE, RetryCondition.httpStatus(503), RetryCondition.GATEWAY_ERROR],
        }),
      },
      "test/gw/r: 'retry.conditions' (\"503,gateway-error\") would never retry a completion on ingress-nginx: nginx sends a POST again only while no replica has it, "
      + 'and retries one that a replica answered or dropped only with non_idempotent, so these conditions would apply to GET and other idempotent requests only; '
      + 'retry completions on connection failures only (RetryPolicy.llmSafe(), or CONNECT_FAILURE and REFUSED_STREAM), or set retryNonIdempotent: true on '
      + 'DataPlane.nginxIngress (nginx then also resends a POST whose connection failed after it was sent, so the model may do the work twice)'],
    ['a retry on 409', { retry: RetryPolicy.custom({ attempts: 1, conditions: [RetryCondition.RETRIABLE_4XX] }) },
      "test/gw/r: 'retry.conditions' (\"retriable-4xx\") cannot be expressed by ingress-nginx's proxy-next-upstream, which retries on connection errors, "
      + 'timeouts and the statuses 500, 502, 503, 504, 403, 404 and 429; retry on those conditions, or use DataPlane.gatewayApi(...) with GatewayImplementation.envoyGateway()'],
    ['a retry on a status nginx cannot name', { retry: RetryPolicy.custom({ attempts: 1, conditions: [RetryCondition.httpStatus(501)] }) },
      "test/gw/r: 'retry.conditions' (\"501\") cannot be expressed by ingress-nginx's proxy-next-upstream, which retries on connection errors, "
      + 'timeouts and the statuses 500, 502, 503, 504, 403, 404 and 429; retry on those conditions, or use DataPlane.gatewayApi(...) with GatewayImplementation.envoyGateway()'],
    ['a path strict path validation rejects', { matches: [RouteMatch.pathPrefix('/v1/chat:complete')] },
      "test/gw/r: 'matches[0]' (\"/v1/chat:complete\") has characters ingress-nginx rejects in Prefix and Exact paths (strict-validate-path-type, "
      + 'on by default since v1.12: letters, digits and - . _ ~ / only); use a path made of those characters, or use DataPlane.gatewayApi(...)'],
    ['two headers in one match', { matches: [RouteMatch.all([RouteMatch.header('x-a', '1'), RouteMatch.header('x-b', '2')])] },
      "test/gw/r: 'matches[0]' (\"path prefix /, header x-a,x-b\") has more than one header condition, and an ingress-nginx canary matches one header; "
      + 'match one header, or use DataPlane.gatewayApi(...)'],
    ['a header name nginx ignores', { matches: [RouteMatch.header('x_model', '1')] },
      "test/gw/r: 'matches[0]' (\"x_model\") is a header name nginx ignores by default (it reads names of letters, digits and \"-\" only); "
      + 'use a header name of letters, digits and "-", such as x-llm-model-type'],
    ['a header value canary-by-header-value rejects', { matches: [RouteMatch.header('x-model', 'a@b')] },
      "test/gw/r: 'matches[0]' (\"a@b\") has characters ingress-nginx rejects in canary-by-header-value (letters, digits, spaces and - . _ ~ : / only); "
      + 'match a value made of those characters, or use DataPlane.gatewayApi(...)'],
    ['a regex canary-by-header-pattern rejects', { matches: [RouteMatch.headerRegex('x-model', 'a b')] },
      "test/gw/r: 'matches[0]' (\"a b\") has characters ingress-nginx rejects in canary-by-header-pattern (letters, digits and - . _ ~ : / ^ $ [ ] ( ) { } * + ? | & = \\ only); "
      + 'rewrite the regex with those characters, or use DataPlane.gatewayApi(...)'],
    ['two header conditions in one route', { matches: [RouteMatch.header('x-a', '1'), RouteMatch.header('x-b', '2')] },
      "test/gw/r: 'matches[1]' (\"path prefix /, header x-b\") has another header condition than matches[0] (path prefix /, header x-a), "
      + 'and a route becomes one canary Ingress with one header condition; split the route into one route per header condition'],
    ['a weighted split of three', {
      backend: Backend.weighted([1, 2, 3].map(i => ({ backend: Backend.service({ name: `v${i}`, port: 80 }), weight: 1 }))),
    }, "test/gw/r: 'backend' (\"3 backends\") is a weighted split of more than two backends, and ingress-nginx splits a host and path between one main Ingress "
      + 'and one canary Ingress; split between two backends, or use DataPlane.gatewayApi(...), whose HTTPRoute weights any number of backends'],
    ['a weighted split with a header match', {
      matches: [RouteMatch.header('x-a', '1')],
      backend: Backend.weighted([{ backend: Backend.service({ name: 'a', port: 80 }), weight: 1 }, { backend: Backend.service({ name: 'b', port: 80 }), weight: 1 }]),
    }, "test/gw/r: 'matches[0]' (\"path prefix /, header x-a\") combines a header match with Backend.weighted, and the one canary Ingress ingress-nginx "
      + 'allows per host and path is either the header route or the weighted split; match paths only on the weighted route, or use DataPlane.gatewayApi(...)'],
    ['a Service in another namespace', { backend: Backend.service({ name: 'legacy', port: 80, namespaceName: 'other' }) },
      "test/gw/r: 'backend' (\"legacy in namespace other\") is not in the namespace of the gateway's Ingresses (llm), and an Ingress reaches Services in its "
      + 'own namespace only; put the gateway in namespace other (AiGatewayProps.namespace), or use DataPlane.gatewayApi(...), whose HTTPRoutes reach other '
      + 'namespaces through a ReferenceGrant'],
    ['a mirror of a share of requests', { mirror: RequestMirror.to(Backend.service({ name: 'shadow', port: 80 }), { percent: 10 }) },
      "test/gw/r: 'mirror.percent' (10) cannot be expressed by ingress-nginx, which mirrors every request (mirror-target has no share); mirror 100 percent, "
      + 'or use DataPlane.gatewayApi(...), whose RequestMirror takes a percentage'],
    ['a cookie name ingress-nginx rejects', { sessionAffinity: SessionAffinity.cookie({ name: 'llm session', ttl: Duration.hours(1) }) },
      "test/gw/r: 'sessionAffinity.name' (\"llm session\") is not a cookie name ingress-nginx accepts (letters, digits and - . _ ~ only); use a name such as llm-session"],
    ['a cookie path ingress-nginx rejects', { sessionAffinity: SessionAffinity.cookie({ name: 's', ttl: Duration.hours(1), path: '/v1/<chat>' }) },
      "test/gw/r: 'sessionAffinity.path' (\"/v1/<chat>\") has characters ingress-nginx rejects in session-cookie-path (letters, digits and - . _ ~ / : , ? & = only); "
      + 'use a path made of those characters'],
    ['cookie affinity on a header canary', { matches: [RouteMatch.header('x-a', '1')], sessionAffinity: SessionAffinity.cookie({ name: 's', ttl: Duration.hours(1) }) },
      "test/gw/r: 'sessionAffinity' (\"SessionAffinity.cookie(\\\"s\\\")\") cannot be expressed on a header canary: ingress-nginx replaces the cookie affinity "
      + 'of a canary Ingress with that of the main Ingress for its path; use SessionAffinity.header(...) (consistent hashing), or DataPlane.gatewayApi(...)'],
  ] as Array<[string, Partial<AiGatewayAddRouteOptions>, string]>)('%s', (_name, options, message) => {
    const s = setup();
    expect(errorOf(() => s.gw.addRoute('r', { backend: Backend.pool(s.small), ...options }))).toBe(message);
  });

  describe('route order and canaries', () => {
    test('a later route that outranks an overlapping earlier one', () => {
      const { small, large, gw } = setup();
      gw.addRoute('large', { matches: [RouteMatch.header('x-llm-model-type', 'large')], backend: Backend.pool(large) });
      expect(errorOf(() => gw.addRoute('chat', { matches: [RouteMatch.pathPrefix('/v1/chat')], backend: Backend.pool(small) })))
        .toBe("test/gw/chat: 'matches[0]' (\"path prefix /v1/chat\") outranks the match of earlier route 'large' (path prefix /, header x-llm-model-type): "
          + 'ingress-nginx has no route order and sends a request to the Ingress path that matches it most specifically (exact path, then longest prefix), '
          + "so this route would take requests that 'large' gets on other data planes; add route 'chat' before 'large', or make 'large' at least as specific");
    });

    test('a second route for the same path (a trailing slash makes no difference)', () => {
      const { small, large, gw } = setup();
      gw.addRoute('a', { matches: [RouteMatch.pathPrefix('/v1')], backend: Backend.pool(large) });
      expect(errorOf(() => gw.addRoute('b', { matches: [RouteMatch.pathPrefix('/v1/')], backend: Backend.pool(small) })))
        .toBe("test/gw/b: 'matches[0]' (\"path prefix /v1/\") would never be used: earlier route 'a' (path prefix /v1) takes every request to path prefix /v1, "
          + "and ingress-nginx would pick one of the two Ingresses for it; remove route 'b', or give it a header match and add it before 'a'");
    });

    test('a header route after the route that takes its path', () => {
      const { small, large, gw } = setup();
      gw.addRoute('a', { matches: [RouteMatch.pathPrefix('/v1')], backend: Backend.pool(small) });
      expect(errorOf(() => gw.addRoute('b', { matches: [RouteMatch.all([RouteMatch.pathPrefix('/v1'), RouteMatch.header('x', '1')])], backend: Backend.pool(large) })))
        .toBe("test/gw/b: 'matches[0]' (\"path prefix /v1, header x\") would never be used: earlier route 'a' (path prefix /v1) takes every request to path prefix /v1, "
          + "and ingress-nginx would send the requests with the header to this route's canary Ingress instead; add route 'b' before 'a'");
    });

    test('a second header canary for a host and path suggests Gateway API', () => {
      const { large, gw } = setup();
      gw.addRoute('a', { matches: [RouteMatch.header('x', '1')], backend: Backend.pool(large) });
      expect(errorOf(() => gw.addRoute('b', { matches: [RouteMatch.header('y', '1')], backend: Backend.service({ name: 'mid', port: 80 }) })))
        .toBe("test/gw/b: 'matches[0]' (\"path prefix /, header y\") would be a second canary for path prefix /, where route 'a' (path prefix /, header x) "
          + 'already is the canary, and ingress-nginx allows one canary Ingress per host and path; merge the two routes into one, '
          + 'or use DataPlane.gatewayApi(...), whose HTTPRoute takes any number of header and weighted rules');
    });

    test('a weighted split where a header canary already is (a third backend)', () => {
      const { small, large, gw } = setup();
      gw.addRoute('a', { matches: [RouteMatch.header('x', '1')], backend: Backend.pool(large) });
      expect(errorOf(() => gw.addRoute('b', { backend: Backend.weighted([{ backend: Backend.pool(small), weight: 9 }, { backend: Backend.service({ name: 'mid', port: 80 }), weight: 1 }]) })))
        .toBe("test/gw/b: 'matches' (\"path prefix /\") would add a second canary (the weighted split) for path prefix /, where route 'a' (path prefix /, header x) "
          + 'already is the canary, and ingress-nginx allows one canary Ingress per host and path; merge the two routes into one, '
          + 'or use DataPlane.gatewayApi(...), whose HTTPRoute takes any number of header and weighted rules');
    });

    test('a header route that covers an earlier canary\'s narrower path', () => {
      const { large, gw } = setup();
      gw.addRoute('a', { matches: [RouteMatch.all([RouteMatch.pathPrefix('/v1'), RouteMatch.header('x', '1')])], backend: Backend.pool(large) });
      expect(errorOf(() => gw.addRoute('b', { matches: [RouteMatch.header('y', '1')], backend: Backend.service({ name: 'mid', port: 80 }) })))
        .toBe("test/gw/b: 'matches[0]' (\"path prefix /, header y\") cannot apply to requests for path prefix /v1: ingress-nginx sends them to the Ingresses "
          + "for that path, where route 'a' (path prefix /v1, header x) is the one canary; add a route for path prefix /v1 without header matches before 'b', "
          + 'or use DataPlane.gatewayApi(...)');
    });

    test('a canary and its main route with different location settings', () => {
      const { small, large, gw } = setup();
      gw.addRoute('large', { matches: [RouteMatch.header('x', '1')], backend: Backend.pool(large), retry: RetryPolicy.custom({ attempts: 1, conditions: [RetryCondition.CONNECT_FAILURE] }) });
      expect(errorOf(() => gw.addRoute('small', { backend: Backend.pool(small) })))
        .toBe("test/gw/small: 'retry' ({\"proxy-next-upstream\":\"error timeout http_503\",\"proxy-next-upstream-tries\":\"3\"}) differs from route 'large' "
          + '({"proxy-next-upstream":"error timeout","proxy-next-upstream-tries":"2"}), whose canary Ingress for path prefix / runs with this route\'s Ingress '
          + "settings: ingress-nginx applies the main Ingress's annotations to canary traffic; give both routes the same retry (set it in the gateway defaults), "
          + 'or use DataPlane.gatewayApi(...)');
    });

    test('a rate limit on the canary only', () => {
      const { small, large, gw } = setup();
      gw.addRoute('large', { matches: [RouteMatch.header('x', '1')], backend: Backend.pool(large), rateLimit: RateLimit.requestsPerSecond(1, { key: RateLimitKey.clientIp() }) });
      expect(errorOf(() => gw.addRoute('small', { backend: Backend.pool(small) })))
        .toContain("test/gw/small: 'rateLimit' ({\"limit-burst-multiplier\":\"not set\",\"limit-rps\":\"not set\"}) differs from route 'large' ({\"limit-burst-multiplier\":\"1\",\"limit-rps\":\"1\"})");
    });

    test('a mirror on the main route only (mirrors cannot be gateway defaults)', () => {
      const { small, large, gw } = setup();
      gw.addRoute('large', { matches: [RouteMatch.header('x', '1')], backend: Backend.pool(large) });
      expect(errorOf(() => gw.addRoute('small', { backend: Backend.pool(small), mirror: RequestMirror.to(Backend.service({ name: 'shadow', port: 80 })) })))
        .toBe("test/gw/small: 'mirror' ({\"mirror-target\":\"http://shadow.llm.svc.cluster.local:80$request_uri\"}) differs from route 'large' "
          + '({"mirror-target":"not set"}), whose canary Ingress for path prefix / runs with this route\'s Ingress settings: ingress-nginx applies the main '
          + "Ingress's annotations to canary traffic; give both routes the same mirror, or use DataPlane.gatewayApi(...)");
    });

    test('cookie affinity on the main route of a header canary', () => {
      const { small, large, gw } = setup();
      gw.addRoute('large', { matches: [RouteMatch.header('x', '1')], backend: Backend.pool(large) });
      expect(errorOf(() => gw.addRoute('small', { backend: Backend.pool(small), sessionAffinity: SessionAffinity.cookie({ name: 's', ttl: Duration.hours(1) }) })))
        .toBe("test/gw/small: 'sessionAffinity' (\"SessionAffinity.cookie(\\\"s\\\")\") cannot be combined with the header canary of route 'large' for path prefix /: "
          + "ingress-nginx keeps a client that holds this route's affinity cookie on this backend even when the header asks for the canary; "
          + 'use SessionAffinity.header(...) (consistent hashing), or DataPlane.gatewayApi(...)');
    });

    test('the Service of a canary serving another Ingress', () => {
      const { large, gw } = setup();
      gw.addRoute('chat', { matches: [RouteMatch.pathPrefix('/a')], backend: Backend.pool(large) });
      expect(errorOf(() => gw.addRoute('large', { matches: [RouteMatch.header('x', '1')], backend: Backend.pool(large) })))
        .toBe("test/gw/large: 'backend' (\"large:8000\") is also the backend of Ingress llm-gateway-chat (route 'chat'), and ingress-nginx keeps one upstream "
          + 'per Service port, so the Service of a canary Ingress cannot serve another Ingress; give the canary its own Service, or use DataPlane.gatewayApi(...)');
    });

    test('routes to one Service with different affinity', () => {
      const { small, gw } = setup();
      gw.addRoute('a', { matches: [RouteMatch.pathPrefix('/a')], backend: Backend.pool(small) });
      expect(errorOf(() => gw.addRoute('b', { backend: Backend.pool(small), sessionAffinity: SessionAffinity.header('x-session') })))
        .toBe("test/gw/b: 'sessionAffinity' (\"small:80\") differs from route 'a', which sends to the same Service port, and ingress-nginx keeps load balancing "
          + 'and affinity per Service port (the first Ingress wins); give every route to this backend the same sessionAffinity (set it in the gateway defaults)');
    });

    test('a route id that gives another route\'s Ingress name', () => {
      const { small, large, gw } = setup();
      gw.addRoute('x-canary', { matches: [RouteMatch.pathPrefix('/z')], backend: Backend.pool(small) });
      expect(errorOf(() => gw.addRoute('x', { matches: [RouteMatch.header('x', '1')], backend: Backend.pool(large) })))
        .toBe("test/gw/x: 'id' (\"x\") gives the Ingress name llm-gateway-x-canary, which route 'x-canary' already uses; rename the route");
    });

    test('a rejected route leaves nothing behind', () => {
      const { small, large, gw, validate } = setup();
      gw.addRoute('large', { matches: [RouteMatch.header('x', '1')], backend: Backend.pool(large) });
      expect(() => gw.addRoute('small', { backend: Backend.pool(small), sessionAffinity: SessionAffinity.cookie({ name: 's', ttl: Duration.hours(1) }) })).toThrow();
      gw.addRoute('small', { backend: Backend.pool(small) });
      expect(ingresses(validate()).map(d => d.metadata.name)).toEqual(['llm-gateway-large-canary', 'llm-gateway-small']);
    });

    test('a canary with no route after it for its path fails at synth', () => {
      const { large, gw, chart } = setup();
      gw.addRoute('large', { matches: [RouteMatch.all([RouteMatch.pathPrefix('/v1/chat'), RouteMatch.header('x', '1')])], backend: Backend.pool(large) });
      expect(() => Testing.synth(chart)).toThrow("test/gw/large: 'matches[0]' (\"path prefix /v1/chat, header x\") makes route 'large' a canary Ingress for path prefix /v1/chat, "
        + 'and ingress-nginx drops a canary whose host and path have no main Ingress; add a route after \'large\' without header matches that takes the other '
        + 'requests to path prefix /v1/chat, such as a catch-all');
    });
  });

  test.each([
    ['a listener port the controller does not serve', { listeners: [Listener.http({ port: 8080 })] }, {},
      "test/gw: 'listeners[0].port' (8080) cannot be expressed by ingress-nginx, whose controller serves every Ingress on port 80 for HTTP (an Ingress cannot "
      + 'choose its port); use Listener.http() with the default port, or DataPlane.gatewayApi(...), whose listeners choose their ports'],
    ['an HTTPS port other than 443', { listeners: [Listener.https({ port: 8443, tlsSecret: 'tls' })] }, {},
      "test/gw: 'listeners[0].port' (8443) cannot be expressed by ingress-nginx, whose controller serves every Ingress on port 443 for HTTPS (an Ingress cannot "
      + 'choose its port); use Listener.https({ tlsSecret }) with the default port, or DataPlane.gatewayApi(...), whose listeners choose their ports'],
    ['an IngressClass name that is not one', {}, { ingressClassName: 'Nginx Class' },
      "test/gw: 'dataPlane.ingressClassName' (\"Nginx Class\") is not a valid Kubernetes object name (lowercase DNS-1123 subdomain, at most 253 characters); "
      + 'use lowercase letters, digits, "-" and "."'],
    ['no controller pod labels', {}, { controllerPodLabels: {} },
      "test/gw: 'dataPlane.controllerPodLabels' ({}) is empty and would admit every pod of the controller namespace; give the controller pods' labels, "
      + "such as { 'app.kubernetes.io/name': 'ingress-nginx' }"],
    ['a controller namespace that is not one', {}, { controllerNamespace: 'Ingress' },
      "test/gw: 'dataPlane.controllerNamespace' (\"Ingress\") is not a DNS-1123 label (1 to 63 lowercase letters, digits and \"-\", alphanumeric at both ends); "
      + 'use lowercase letters, digits and "-" only'],
    ['an auth URL that is not http(s)', {}, { externalAuthUrl: 'ftp://auth' },
      "test/gw: 'dataPlane.externalAuthUrl' (\"ftp://auth\") is not an http(s) URL that ingress-nginx accepts in auth-url (letters, digits and - . _ ~ / : , ? & = $ only); "
      + 'use the URL of your auth service, such as http://auth.auth.svc.cluster.local:8080/verify'],
    ['a request body limit below a KiB', {}, { maxRequestBodySize: Size.kibibytes(0.5) },
      "test/gw: 'dataPlane.maxRequestBodySize' (\"0.5 KiB\") must be a whole number of KiB, at least 1; use Size.kibibytes(n) or Size.mebibytes(n)"],
    ['no concurrent requests per client', {}, { concurrentRequestsPerClient: 0 },
      "test/gw: 'dataPlane.concurrentRequestsPerClient' (0) must be a whole number 1 or more; set 'dataPlane.concurrentRequestsPerClient' to a whole number 1 or more"],
    ['an allow-list entry that is not an address', {}, { rateLimitAllowList: ['10.0.0.0/8', 'office'] },
      "test/gw: 'dataPlane.rateLimitAllowList[1]' (\"office\") is not an IP address or CIDR; use addresses such as 10.0.0.0/8 or 192.0.2.10"],
  ] as Array<[string, Partial<AiGatewayProps>, Partial<NginxIngressDataPlaneOptions>, string]>)('%s', (_name, props, options, message) => {
    expect(errorOf(() => setup(props, options))).toBe(message);
  });
});

describe('the example (examples/nginx-ingress): the tutorial\'s NGINX scenarios with corrected values', () => {
  const app = new App();
  buildExample(app);
  const charts = Object.fromEntries(app.charts.map(c => [c.node.id, synthValid(c as Chart)]));

  test('three charts, every Ingress strictly valid with known annotations only, on the tutorial\'s path and a hostname each', () => {
    expect(Object.keys(charts)).toEqual(['nginx-ingress-basic', 'nginx-ingress-rate-limit', 'nginx-ingress-header-canary']);
    const all = Object.values(charts).flatMap(ingresses);
    expect(all.flatMap(d => Object.keys(d.metadata.annotations)).filter(k => k.includes('snippet'))).toEqual([]);
    expect(new Set(all.flatMap(d => paths(d).map(p => `${p[0]} ${p[1]} ${p[2]}`)))).toEqual(new Set(['llm.example.com Prefix /v1/chat/completions',
      'rate-limit.llm.example.com Prefix /v1/chat/completions', 'header-canary.llm.example.com Prefix /v1/chat/completions']));
  });

  test('the tutorial\'s llm-service (two replicas) with the cookie llm_session for an hour, in whole seconds', () => {
    const docs = charts['nginx-ingress-basic'];
    const chat = ingress(docs, 'llm-gateway-chat');
    expect(paths(chat)).toEqual([['llm.example.com', 'Prefix', '/v1/chat/completions', 'llm-service', 80]]);
    expect(annotations(chat)).toMatchObject({ 'affinity': 'cookie', 'session-cookie-name': 'llm_session', 'session-cookie-max-age': '3600', 'session-cookie-expires': '3600' });
    expect(only(docs, 'Deployment', 'llm-service').spec.replicas).toBe(2);
  });

  test('1 request a second per client with bursts of up to 5: limit-rps 1 and nginx burst 4 (1 x 4), so 5 at once', () => {
    const a = annotations(ingress(charts['nginx-ingress-rate-limit'], 'llm-gateway-chat'));
    expect(Object.fromEntries(Object.entries(a).filter(([k]) => k.startsWith('limit-')))).toEqual({ 'limit-rps': '1', 'limit-burst-multiplier': '4' });
  });

  test('header routing small/large as a canary; each tier has the tutorial\'s MODEL_TYPE and one replica', () => {
    const docs = charts['nginx-ingress-header-canary'];
    expect(annotations(ingress(docs, 'llm-gateway-large-canary'))).toEqual({
      'canary': 'true', 'canary-by-header': 'x-llm-model-type', 'canary-by-header-value': 'large', 'load-balance': 'ewma',
    });
    expect(annotations(ingress(docs, 'llm-gateway-small'))).toEqual(MAIN_DEFAULTS);
    for (const tier of ['small', 'large']) {
      const deployment = only(docs, 'Deployment', tier);
      expect(deployment.spec.replicas).toBe(1);
      expect(deployment.spec.template.spec.containers[0].env).toEqual(expect.arrayContaining([{ name: 'MODEL_TYPE', value: tier }]));
    }
  });
});

/*
 * The upstream behaviour each rendered setting relies on (src/nginx/nginx-contracts.ts): kubernetes/ingress-nginx
 * controller-v1.15.1 (annotation parsers, template, Lua balancers), nginx/nginx release-1.27.1 (the nginx it builds),
 * and the Kubernetes NetworkPolicy API.
 */
describe('ingress-nginx controller-v1.15.1 contracts', () => {
  const route = (options: Partial<AiGatewayAddRouteOptions>, props: Partial<AiGatewayProps> = {}, dp: Partial<NginxIngressDataPlaneOptions> = {}) => {
    const s = setup(props, dp);
    s.gw.addRoute('r', { backend: Backend.pool(s.small), ...options });
    const docs = s.validate();
    return { docs, a: annotations(ingress(docs, 'llm-gateway-r')), ingress: ingress(docs, 'llm-gateway-r'), small: s.small };
  };

  test('TLS: the main Ingresses carry the Secret; ssl-redirect says whether HTTP is redirected', () => {
    // annotations/rewrite/main.go: ssl-redirect defaults to the controller's ssl-redirect (true) when the server has TLS.
    const https = route({}, { listeners: [Listener.https({ tlsSecret: 'llm-tls' })] });
    expect(https.ingress.spec.tls).toEqual([{ hosts: ['llm.example.com'], secretName: 'llm-tls' }]);
    expect(https.a['ssl-redirect']).toBe('true');
    expect(route({}, { listeners: [Listener.http(), Listener.https({ tlsSecret: 'llm-tls' })] }).a['ssl-redirect']).toBe('false');
  });

  test('paths: Prefix is element-wise and Exact exact, and nginx picks the most specific location', () => {
    // controller/location.go updateServerLocations: Prefix /p becomes "/p/" and "= /p"; Exact "= /p". nginx takes an exact location
    // first, then the longest prefix, whatever the Ingress order: so a later route that would outrank an earlier one is rejected.
    const { small, large, gw, validate } = setup();
    gw.addRoute('models', { matches: [RouteMatch.pathExact('/v1/models')], backend: Backend.pool(small) });
    gw.addRoute('chat', { matches: [RouteMatch.pathPrefix('/v1/chat/completions/')], backend: Backend.pool(large) });
    const docs = validate();
    expect([...paths(ingress(docs, 'llm-gateway-models')), ...paths(ingress(docs, 'llm-gateway-chat'))]).toEqual([
      ['llm.example.com', 'Exact', '/v1/models', 'small', 80], ['llm.example.com', 'Prefix', '/v1/chat/completions', 'large', 8000],
    ]);
    expect(errorOf(() => gw.addRoute('late', { matches: [RouteMatch.pathPrefix('/v1/chat/completions/stream')], backend: Backend.pool(small) })))
      .toContain("outranks the match of earlier route 'chat' (path prefix /v1/chat/completions/)");
  });

  test('a header canary sends requests whose header matches to its backend, the others to the main Ingress', () => {
    // balancer.lua route_to_alternative_balancer: the canary when the header equals canary-by-header-value, or when
    // ngx.re.match finds canary-by-header-pattern in it (anywhere: the library anchors it); canary-weight unset is 0.
    const { small, large, gw, validate } = setup();
    gw.addRoute('large', { matches: [RouteMatch.headerRegex('x-llm-model-type', 'large|xl')], backend: Backend.pool(large) });
    gw.addRoute('small', { backend: Backend.pool(small) });
    const docs = validate();
    const canary = ingress(docs, 'llm-gateway-large-canary');
    expect(annotations(canary)).toMatchObject({ 'canary': 'true', 'canary-by-header': 'x-llm-model-type', 'canary-by-header-pattern': '^(?:large|xl)$' });
    expect(annotations(canary)['canary-weight']).toBeUndefined();
    expect(paths(canary)).toEqual(paths(ingress(docs, 'llm-gateway-small')).map(p => [...p.slice(0, 3), 'large', 8000]));
  });

  test('a backend is the Service name and port, balanced by ewma unless affinity decides', () => {
    // annotations/loadbalancing/main.go: load-balance names the Lua balancer of the Service port's upstream.
    const r = route({});
    expect(paths(r.ingress)).toEqual([['llm.example.com', 'Prefix', '/', 'small', 80]]);
    expect(r.a['load-balance']).toBe('ewma');
  });

  test('a weighted split sends canary-weight percent of the requests to the canary backend', () => {
    // balancer.lua: the canary when math.random(100) <= canary-weight.
    const s = setup();
    s.gw.addRoute('r', { backend: Backend.weighted([{ backend: Backend.pool(s.small), weight: 3 }, { backend: Backend.pool(s.large), weight: 1 }]) });
    const docs = s.validate();
    expect(annotations(ingress(docs, 'llm-gateway-r-canary'))).toMatchObject({ 'canary': 'true', 'canary-weight': '25' });
    expect(paths(ingress(docs, 'llm-gateway-r-canary'))).toEqual([['llm.example.com', 'Prefix', '/', 'large', 8000]]);
  });

  test('mirror-target copies every request to the Service URL with the request URI', () => {
    // annotations/mirror/main.go: nginx's mirror to an internal location that proxies to mirror-target; answers are discarded.
    const s = setup();
    s.gw.addRoute('r', { backend: Backend.pool(s.small), mirror: RequestMirror.to(Backend.pool(s.large)) });
    expect(annotations(ingress(s.validate(), 'llm-gateway-r'))['mirror-target']).toBe('http://large.llm.svc.cluster.local:8000$request_uri');
  });

  test('timeouts are idle timeouts in whole seconds, and responses stream unbuffered', () => {
    // annotations/proxy/main.go: proxy_read_timeout and proxy_send_timeout, the longest pause between two reads or writes.
    const { a } = route({ timeouts: Timeouts.of({ request: Duration.minutes(5) }) });
    expect([a['proxy-read-timeout'], a['proxy-send-timeout'], a['proxy-connect-timeout'], a['proxy-buffering']]).toEqual(['300', '300', '5', 'off']);
  });

  test('a completion (a POST) is retried only before a replica has it, unless retryNonIdempotent', () => {
    // nginx ngx_http_upstream.c ngx_http_upstream_next: once the request is sent, a POST needs non_idempotent in proxy_next_upstream;
    // template.go buildNextUpstream keeps non_idempotent from the annotation, and adds it everywhere when the controller's
    // retry-non-idempotent is true, which the controller settings keep false.
    expect(route({ retry: RetryPolicy.llmSafe() }).a['proxy-next-upstream']).toBe('error timeout http_503');
    expect(route({ retry: RetryPolicy.llmSafe() }, {}, { retryNonIdempotent: true }).a['proxy-next-upstream']).toBe('error timeout http_503 non_idempotent');
    expect(setup().dataPlane.controllerSettings()['retry-non-idempotent']).toBe('false');
    const s = setup();
    expect(errorOf(() => s.gw.addRoute('r', { backend: Backend.pool(s.small), retry: RetryPolicy.custom({ attempts: 1, conditions: [RetryCondition.FIVE_XX] }) })))
      .toContain("'retry.conditions' (\"5xx\") would never retry a completion on ingress-nginx");
  });

  test('cookie affinity: max-age and expires in whole seconds, which the sticky balancer adds to the current time', () => {
    // balancer/sticky.lua: Max-Age = the seconds, Expires = ngx.time() + the seconds; "1h" fails the annotation's validation.
    const { a } = route({ sessionAffinity: SessionAffinity.cookie({ name: 'llm_session', ttl: Duration.hours(1) }) });
    expect(a).toMatchObject({ 'affinity': 'cookie', 'session-cookie-name': 'llm_session', 'session-cookie-max-age': '3600', 'session-cookie-expires': '3600' });
    expect(a['load-balance']).toBeUndefined();
  });

  test("header affinity: upstream-hash-by hashes the header's nginx variable consistently", () => {
    // annotations/upstreamhashby/main.go: the chash balancer on the nginx variable, $http_ and the name with "_" for "-".
    expect(route({ sessionAffinity: SessionAffinity.header('X-Session-Id') }).a['upstream-hash-by']).toBe('$http_x_session_id');
  });

  test('bursts of up to 5 at 1 a second: ingress-nginx writes nginx burst 4, which admits 5 at once', () => {
    // annotations/ratelimit/main.go: limit_req burst = limit-rps x limit-burst-multiplier (default 5, so always written);
    // ngx_http_limit_req_module.c: the first request counts 0 and a request is refused when its excess passes the burst.
    const { a } = route({ rateLimit: RateLimit.requestsPerSecond(1, { burst: 5, key: RateLimitKey.clientIp() }) });
    expect([a['limit-rps'], a['limit-burst-multiplier']]).toEqual(['1', '4']);
    const rpm = route({ rateLimit: RateLimit.requestsPerMinute(60, { burst: 121, key: RateLimitKey.clientIp() }) }).a;
    expect([rpm['limit-rpm'], rpm['limit-burst-multiplier']]).toEqual(['60', '2']);
  });

  test("rate-limited requests answer 429 only with the controller's limit-req-status-code", () => {
    // nginx.tmpl: limit_req_status and limit_conn_status come from the controller's configuration (503 by default).
    expect(setup().dataPlane.controllerSettings()).toMatchObject({ 'limit-req-status-code': '429', 'limit-conn-status-code': '429' });
  });

  test('the limit counts per client address, and allow-listed addresses are not counted', () => {
    // nginx.tmpl: the zone's key maps to the client address ($binary_remote_addr), or "" (not counted) for limit-whitelist addresses.
    const { a } = route({ rateLimit: RateLimit.requestsPerSecond(5, { key: RateLimitKey.clientIp() }) }, {}, { rateLimitAllowList: ['10.0.0.0/8'] });
    expect([a['limit-rps'], a['limit-whitelist']]).toEqual(['5', '10.0.0.0/8']);
    const s = setup();
    expect(errorOf(() => s.gw.addRoute('r', { backend: Backend.pool(s.small), rateLimit: RateLimit.requestsPerSecond(5) })))
      .toContain('limit-rps and limit-rpm count each client IP separately');
  });

  test('the NetworkPolicy admits the controller pods by namespace AND labels in one peer', () => {
    // kubernetes/api networking/v1/types.go NetworkPolicyPeer: with both selectors, the pods matching podSelector in the selected namespaces.
    const { docs, small } = route({});
    const policy = only(docs, 'NetworkPolicy');
    expect(policy.spec.podSelector).toEqual({ matchLabels: small.selectorLabels });
    expect(policy.spec.ingress).toEqual([{
      from: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' } },
      }],
      ports: [{ protocol: 'TCP', port: 80 }],
    }]);
  });
});

/*
 * The platform workload (scripts/bench-platform.ts) on ingress-nginx: a thousand models, each a pool and a path
 * route, behind one gateway. ingress-nginx matches Prefix paths element by element (Kubernetes networking/v1
 * HTTPIngressPath: /models/m1 does not match /models/m10), so the thousand prefixes never overlap.
 */
describe('1,000 models on one ingress-nginx gateway', () => {
  test('each a pool and a path route: one Ingress per route, no canary, the catch-all on /, all valid', () => {
    const { chart, small, gw, validate } = setup();
    for (let i = 0; i < 1000; i++) {
      const pool = new LlmModelPool(chart, `m${i}`, { name: `m${i}`, modelName: `m${i}`, server: ModelServer.demo() });
      gw.addRoute(`m${i}`, { matches: [RouteMatch.pathPrefix(`/models/m${i}`)], backend: Backend.pool(pool) });
    }
    gw.addRoute('default', { backend: Backend.pool(small) });
    const docs = validate();
    const all = ingresses(docs);
    expect(all).toHaveLength(1001);
    expect(all.filter(i => annotations(i).canary !== undefined)).toEqual([]);
    expect(paths(ingress(docs, 'llm-gateway-m999'))).toEqual([['llm.example.com', 'Prefix', '/models/m999', 'm999', 80]]);
    expect(paths(ingress(docs, 'llm-gateway-default'))).toEqual([['llm.example.com', 'Prefix', '/', 'small', 80]]);
  }, 60_000);
});
