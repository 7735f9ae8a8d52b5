import { Chart, Duration, Testing } from 'cdk8s';
import {
  Accelerator, AiGateway, AiGatewayAddRouteOptions, AiGatewayProps, Backend, CircuitBreaker, DataPlane, FaultInjection,
  GatewayApiChannel, GatewayImplementation, HttpMethod, JwtAuth, Listener, LlmModelPool, ModelServer, PickerFailureMode, RateLimit, RateLimitKey,
  RequestMirror,
  RetryCondition, RetryPolicy, RouteMatch, SessionAffinity, Timeouts,
} from '../src';
import { errorOf } from './support/errors';
import { pickedBy } from './support/inference-pool';
import { Manifest, only, synthValid } from './support/synth';

type Impl = 'envoy-gateway' | 'istio' | 'generic';
const IMPLEMENTATIONS: Record<Impl, () => GatewayImplementation> = {
  'envoy-gateway': () => GatewayImplementation.envoyGateway(),
  'istio': () => GatewayImplementation.istio(),
  'generic': () => GatewayImplementation.generic(),
};

function setup(impl: Impl = 'envoy-gateway', channel = GatewayApiChannel.STANDARD, props: Partial<AiGatewayProps> = {}) {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'llm' });
  const small = new LlmModelPool(chart, 'small', { name: 'small', modelName: 'small', server: ModelServer.demo() });
  const large = new LlmModelPool(chart, 'large', {
    name: 'large', modelName: 'large', server: ModelServer.vllm({ model: 'meta-llama/Llama-3.1-8B-Instruct' }), accelerator: Accelerator.nvidiaGpu({ count: 1 }),
  });
  const gw = new AiGateway(chart, 'gw', {
    name: 'llm-gateway',
    dataPlane: DataPlane.gatewayApi({ gatewayClassName: impl === 'envoy-gateway' ? 'eg' : impl, implementation: IMPLEMENTATIONS[impl](), channel }),
    hostnames: ['llm.example.com'],
    ...props,
  });
  const validate = () => synthValid(chart, { gatewayApiChannel: channel === GatewayApiChannel.EXPERIMENTAL ? 'experimental' : 'standard' });
  return { chart, small, large, gw, validate };
}

const kindOf = (docs: Manifest[], kind: string) => docs.filter(d => d.kind === kind);
const rules = (docs: Manifest[]) => only(docs, 'HTTPRoute').spec.rules as any[];

describe('Gateway and HTTPRoute (standard channel)', () => {
  const { small, large, gw, validate } = setup('generic', GatewayApiChannel.STANDARD, {
    listeners: [Listener.http(), Listener.https({ tlsSecret: 'llm-tls' })],
    defaults: { retry: RetryPolicy.none() },
  });
  gw.addRoute('chat', {
    matches: [RouteMatch.all([RouteMatch.pathPrefix('/v1/chat/completions'), RouteMatch.method(HttpMethod.POST), RouteMatch.header('x-tenant', 'acme'), RouteMatch.queryParam('v', '2')])],
    backend: Backend.weighted([{ backend: Backend.pool(large), weight: 3 }, { backend: Backend.pool(small), weight: 1 }]),
    mirror: RequestMirror.to(Backend.pool(small), { percent: 12.5 }),
    timeouts: Timeouts.of({ request: Duration.minutes(10) }),
  });
  gw.addRoute('models', { matches: [RouteMatch.pathExact('/v1/models'), RouteMatch.headerPresent('x-debug'), RouteMatch.headerRegex('x-model', 'llama-.*')], backend: Backend.pool(small) });
  gw.addRoute('default', { backend: Backend.pool(small) });
  const docs = validate();

  test('a Gateway with a listener per port, TLS from the Secret, routes from its own namespace', () => {
    const g = only(docs, 'Gateway');
    expect(g.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(g.spec).toEqual({
      gatewayClassName: 'generic',
      listeners: [
        { name: 'http-80', hostname: 'llm.example.com', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } },
        {
          name: 'https-443',
          hostname: 'llm.example.com',
          port: 443,
          protocol: 'HTTPS',
          allowedRoutes: { namespaces: { from: 'Same' } },
          tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: 'llm-tls' }] },
        },
      ],
    });
  });

  test('one HTTPRoute with a named rule per route, in order', () => {
    const route = only(docs, 'HTTPRoute');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'llm-gateway' }]);
    expect(route.spec.hostnames).toEqual(['llm.example.com']);
    expect(rules(docs).map(r => r.name)).toEqual(['chat', 'models', 'default']);
    expect(rules(docs)[2].matches).toBeUndefined();
  });

  test('conditions of a match are ANDed in one match; matches are ORed', () => {
    expect(rules(docs)[0].matches).toEqual([{
      path: { type: 'PathPrefix', value: '/v1/chat/completions' },
      method: 'POST',
      headers: [{ name: 'x-tenant', type: 'Exact', value: 'acme' }],
      queryParams: [{ name: 'v', type: 'Exact', value: '2' }],
    }]);
    expect(rules(docs)[1].matches).toEqual([
      { path: { type: 'Exact', value: '/v1/models' } },
      { headers: [{ name: 'x-debug', type: 'RegularExpression', value: '.*' }] },
      { headers: [{ name: 'x-model', type: 'RegularExpression', value: 'llama-.*' }] },
    ]);
  });

  test('weights, mirror and timeouts', () => {
    const chat = rules(docs)[0];
    expect(chat.backendRefs).toEqual([{ name: 'large', port: 8000, weight: 75 }, { name: 'small', port: 80, weight: 25 }]);
    expect(chat.filters).toEqual([{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'small', port: 80 }, fraction: { numerator: 125000, denominator: 1000000 } } }]);
    expect(chat.timeouts).toEqual({ request: '10m' });
    expect(rules(docs)[1].timeouts).toEqual({ request: '5m' });
  });

  test('the standard channel never carries experimental fields', () => {
    for (const r of rules(docs)) {
      expect(r.retry).toBeUndefined();
      expect(r.sessionPersistence).toBeUndefined();
    }
  });

  test('NetworkPolicies admit the pods Gateway API implementations label with the Gateway name', () => {
    const policy = only(docs, 'NetworkPolicy', 'llm-gateway-to-large');
    expect(policy.spec.ingress[0].from).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'llm' } },
      podSelector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'llm-gateway' } },
    }]);
  });
});

describe('experimental channel', () => {
  test('retry (status codes and backoff) and session persistence on the HTTPRoute', () => {
    const { small, gw, validate } = setup('generic', GatewayApiChannel.EXPERIMENTAL);
    gw.addRoute('r', {
      backend: Backend.pool(small),
      retry: RetryPolicy.custom({
        attempts: 2,
        perTryTimeout: Duration.seconds(60),
        backoff: Duration.millis(100),
        conditions: [RetryCondition.CONNECT_FAILURE, RetryCondition.GATEWAY_ERROR, RetryCondition.httpStatus(429)],
      }),
      sessionAffinity: SessionAffinity.cookie({ name: 'llm-session', ttl: Duration.hours(1) }),
    });
    const docs = validate();
    expect(only(docs, 'HTTPRoute').apiVersion).toBe('gateway.networking.k8s.io/v1');
    const rule = rules(docs)[0];
    expect(rule.retry).toEqual({ attempts: 2, codes: [429, 502, 503, 504], backoff: '100ms' });
    expect(rule.timeouts).toEqual({ request: '5m', backendRequest: '1m' });
    expect(rule.sessionPersistence).toEqual({ type: 'Cookie', sessionName: 'llm-session', absoluteTimeout: '1h', cookieConfig: { lifetimeType: 'Permanent' } });
  });

  test('the default LLM-safe retry becomes 503 with backoff', () => {
    const { small, gw, validate } = setup('generic', GatewayApiChannel.EXPERIMENTAL);
    gw.addRoute('r', { backend: Backend.pool(small) });
    expect(rules(validate())[0].retry).toEqual({ attempts: 2, codes: [503], backoff: '250ms' });
  });

  test('a retry condition HTTPRoute cannot express is rejected', () => {
    const { small, gw } = setup('generic', GatewayApiChannel.EXPERIMENTAL);
    expect(errorOf(() => gw.addRoute('r', { backend: Backend.pool(small), retry: RetryPolicy.custom({ attempts: 1, conditions: [RetryCondition.RESET] }) })))
      .toBe("test/gw/r: 'retry.conditions' (\"reset\") cannot be expressed by an HTTPRoute retry, which lists status codes only; retry on status codes (RetryCondition.httpStatus), or use GatewayImplementation.envoyGateway()");
  });
});

describe('Envoy Gateway policies', () => {
  const { small, large, gw, validate } = setup('envoy-gateway', GatewayApiChannel.STANDARD, {
    defaults: {
      circuitBreaker: CircuitBreaker.of({ maxConnections: 100, maxPendingRequests: 50, maxRequests: 200, maxRetries: 3, outlierDetection: {} }),
      rateLimit: RateLimit.requestsPerMinute(600),
      jwt: JwtAuth.of({ issuer: 'https://auth.example.com', jwksUri: 'https://auth.example.com/jwks.json', audiences: ['llm'], requiredClaims: [{ claim: 'tier', values: ['gold'] }] }),
    },
  });
  gw.addRoute('large', {
    matches: [RouteMatch.header('x-llm-model-type', 'large')],
    backend: Backend.pool(large),
    retry: RetryPolicy.llmSafe({ attempts: 1 }),
    sessionAffinity: SessionAffinity.header('x-session'),
    timeouts: Timeouts.of({ streamIdle: Duration.seconds(30) }),
    rateLimit: RateLimit.requestsPerSecond(5, { key: RateLimitKey.header('x-tenant') }),
  });
  gw.addRoute('small', {
    backend: Backend.pool(small),
    fault: FaultInjection.of({ abortHttpStatus: 503, abortPercent: 1 }),
    jwt: JwtAuth.of({ issuer: 'https://other.example.com', jwksUri: 'https://other.example.com/jwks.json' }),
  });
  const docs = validate();
  const btp = (name: string) => only(docs, 'BackendTrafficPolicy', name).spec;

  test('a BackendTrafficPolicy per route rule, targeting the rule by sectionName', () => {
    expect(kindOf(docs, 'BackendTrafficPolicy').map(d => d.metadata.name)).toEqual(['llm-gateway-large', 'llm-gateway-small']);
    expect(btp('llm-gateway-large').targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'llm-gateway', sectionName: 'large' }]);
  });

  test('a 503 is retried on Envoy Gateway: the status codes come with the retriable-status-codes trigger they need (envoyproxy/gateway v1.8.1 api/v1alpha1/retry_types.go)', () => {
    expect(btp('llm-gateway-large').retry).toEqual({
      numRetries: 1,
      retryOn: { triggers: ['connect-failure', 'refused-stream', 'reset-before-request', 'retriable-status-codes'], httpStatusCodes: [503] },
      perRetry: { backOff: { baseInterval: '250ms', maxInterval: '2500ms' } },
    });
    // No retry field on the standard-channel HTTPRoute: the policy carries it.
    expect(rules(docs)[0].retry).toBeUndefined();
  });

  test('least-request balancing, or consistent hashing for affinity', () => {
    expect(btp('llm-gateway-small').loadBalancer).toEqual({ type: 'LeastRequest' });
    expect(btp('llm-gateway-large').loadBalancer).toEqual({ type: 'ConsistentHash', consistentHash: { type: 'Header', header: { name: 'x-session' } } });
  });

  test('circuit breaking and passive health checks', () => {
    expect(btp('llm-gateway-small').circuitBreaker).toEqual({ maxConnections: 100, maxPendingRequests: 50, maxParallelRequests: 200, maxParallelRetries: 3 });
    expect(btp('llm-gateway-small').healthCheck).toEqual({ passive: { consecutive5XxErrors: 5, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 } });
  });

  test('a local rate limit from the gateway default; a keyed route limit is global with a Distinct selector', () => {
    expect(btp('llm-gateway-small').rateLimit).toEqual({ type: 'Local', local: { rules: [{ limit: { requests: 600, unit: 'Minute' } }] } });
    expect(btp('llm-gateway-large').rateLimit).toEqual({
      type: 'Global',
      global: { rules: [{ limit: { requests: 5, unit: 'Second' }, clientSelectors: [{ headers: [{ name: 'x-tenant', type: 'Distinct' }] }] }] },
    });
  });

  test('stream idle timeout and fault injection', () => {
    expect(btp('llm-gateway-large').timeout).toEqual({ http: { streamIdleTimeout: '30s' } });
    expect(btp('llm-gateway-small').faultInjection).toEqual({ abort: { httpStatus: 503, percentage: 1 } });
  });

  test('JWT: a SecurityPolicy on the Gateway, with authorization for the required claims, and one for the route that sets its own', () => {
    const policies = kindOf(docs, 'SecurityPolicy');
    expect(policies.map(p => p.metadata.name)).toEqual(['llm-gateway', 'llm-gateway-small']);
    expect(policies[0].spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'llm-gateway' }],
      jwt: { providers: [{ name: 'default', issuer: 'https://auth.example.com', audiences: ['llm'], remoteJWKS: { uri: 'https://auth.example.com/jwks.json' } }] },
      authorization: {
        defaultAction: 'Deny',
        rules: [{ name: 'required-claims', action: 'Allow', principal: { jwt: { provider: 'default', claims: [{ name: 'tier', values: ['gold'] }] } } }],
      },
    });
    expect(policies[1].spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'llm-gateway', sectionName: 'small' }]);
    expect(policies[1].spec.jwt.providers[0].issuer).toBe('https://other.example.com');
  });

  test('NetworkPolicies admit the Envoy proxies Envoy Gateway runs for this Gateway', () => {
    expect(only(docs, 'NetworkPolicy', 'llm-gateway-to-small').spec.ingress[0].from).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'envoy-gateway-system' } },
      podSelector: { matchLabels: { 'gateway.envoyproxy.io/owning-gateway-name': 'llm-gateway', 'gateway.envoyproxy.io/owning-gateway-namespace': 'llm' } },
    }]);
  });

  test('a rate limit burst other than the limit cannot be expressed (envoyproxy/gateway v1.8.1 internal/xds/translator/local_ratelimit.go: max_tokens = requests)', () => {
    const s = setup('envoy-gateway');
    expect(errorOf(() => s.gw.addRoute('r', { backend: Backend.pool(s.small), rateLimit: RateLimit.requestsPerSecond(1, { burst: 5 }) })))
      .toBe("test/gw/r: 'rateLimit.burst' (5) cannot be expressed by Envoy Gateway, whose rate limits admit exactly the limit (1) at once; "
        + 'leave burst out (or set it to 1), or use DataPlane.istio() for a larger burst');
    // A burst of the limit is what Envoy Gateway's bucket holds anyway.
    s.gw.addRoute('ok', { backend: Backend.pool(s.small), rateLimit: RateLimit.requestsPerSecond(5, { burst: 5 }) });
    expect(s.validate().filter(d => d.kind === 'BackendTrafficPolicy').map(d => d.spec.rateLimit.local.rules[0].limit)).toEqual([{ requests: 5, unit: 'Second' }]);
  });

  test('switching the gateway JWT off for one route cannot be expressed', () => {
    const s = setup('envoy-gateway', GatewayApiChannel.STANDARD, { defaults: { jwt: JwtAuth.of({ issuer: 'https://idp', jwksUri: 'https://idp/jwks' }) } });
    expect(errorOf(() => s.gw.addRoute('r', { backend: Backend.pool(s.small), jwt: JwtAuth.none() })))
      .toContain("test/gw/r: 'jwt' (\"JwtAuth.none()\") cannot switch off the Gateway's JWT policy for one route");
  });
});

describe('Istio as the implementation', () => {
  test('DestinationRules per backend and the JWT pair attached to the Gateway', () => {
    const { small, gw, validate } = setup('istio', GatewayApiChannel.EXPERIMENTAL, {
      defaults: { circuitBreaker: CircuitBreaker.of({ maxConnections: 10 }), jwt: JwtAuth.of({ issuer: 'https://idp', jwksUri: 'https://idp/jwks' }) },
    });
    gw.addRoute('r', { backend: Backend.pool(small) });
    const docs = validate();
    expect(only(docs, 'DestinationRule').spec).toEqual({
      host: 'small.llm.svc.cluster.local',
      trafficPolicy: { loadBalancer: { simple: 'LEAST_REQUEST' }, connectionPool: { tcp: { maxConnections: 10 } } },
    });
    const targetRefs = [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'llm-gateway' }];
    expect(only(docs, 'RequestAuthentication').spec.targetRefs).toEqual(targetRefs);
    expect(only(docs, 'AuthorizationPolicy').spec).toMatchObject({ targetRefs, action: 'DENY' });
    expect(only(docs, 'AuthorizationPolicy').metadata.namespace).toBe('llm');
    expect(rules(docs)[0].retry).toEqual({ attempts: 2, codes: [503], backoff: '250ms' });
  });
});

describe('namespaces', () => {
  test('a backend in another namespace gets a ReferenceGrant there', () => {
    const { gw, validate } = setup('generic');
    gw.addRoute('a', { matches: [RouteMatch.pathPrefix('/a')], backend: Backend.service({ name: 'legacy', port: 8080, namespaceName: 'legacy' }), retry: RetryPolicy.none() });
    gw.addRoute('b', { backend: Backend.service({ name: 'other', port: 80, namespaceName: 'legacy' }), retry: RetryPolicy.none() });
    const docs = validate();
    expect(rules(docs)[0].backendRefs).toEqual([{ name: 'legacy', namespace: 'legacy', port: 8080 }]);
    expect(only(docs, 'ReferenceGrant')).toMatchObject({
      metadata: { name: 'llm-gateway-llm-service', namespace: 'legacy' },
      spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'llm' }], to: [{ group: '', kind: 'Service' }] },
    });
  });
});

describe('route order and Gateway API precedence', () => {
  test('a later route that outranks an overlapping earlier route is rejected', () => {
    const { small, large, gw } = setup('generic');
    gw.addRoute('large', { matches: [RouteMatch.header('x-llm-model-type', 'large')], backend: Backend.pool(large), retry: RetryPolicy.none() });
    expect(errorOf(() => gw.addRoute('chat', { matches: [RouteMatch.pathPrefix('/v1/chat')], backend: Backend.pool(small), retry: RetryPolicy.none() })))
      .toBe("test/gw/chat: 'matches[0]' (\"path prefix /v1/chat\") outranks the match of earlier route 'large' (path prefix /, headers x-llm-model-type): "
        + 'Gateway API ranks matches by specificity (exact path, longest prefix, method, number of headers, number of query parameters) before order, '
        + "so this route would take requests that 'large' gets on other data planes; add route 'chat' before 'large', or make 'large' at least as specific");
  });

  test('Envoy Gateway ranks an exact header before a regex one when both have as many headers (envoyproxy/gateway v1.8.1 internal/gatewayapi/sort.go)', () => {
    const eg = setup('envoy-gateway');
    eg.gw.addRoute('debug', { matches: [RouteMatch.headerPresent('x-debug')], backend: Backend.pool(eg.large) });
    expect(errorOf(() => eg.gw.addRoute('tenant', { matches: [RouteMatch.header('x-tenant', 'a')], backend: Backend.pool(eg.small) })))
      .toBe("test/gw/tenant: 'matches[0]' (\"path prefix /, headers x-tenant\") outranks the match of earlier route 'debug' (path prefix /, headers x-debug): "
        + 'Envoy Gateway ranks matches by specificity (exact path, longest path, number of headers (the method is one), number of exact headers, number of query parameters) '
        + "before order, so this route would take requests that 'debug' gets on other data planes; add route 'tenant' before 'debug', or make 'debug' at least as specific");
    // Gateway API itself counts headers only: the two tie and keep their order in one HTTPRoute.
    const generic = setup('generic');
    generic.gw.addRoute('debug', { matches: [RouteMatch.headerPresent('x-debug')], backend: Backend.pool(generic.large), retry: RetryPolicy.none() });
    generic.gw.addRoute('tenant', { matches: [RouteMatch.header('x-tenant', 'a')], backend: Backend.pool(generic.small), retry: RetryPolicy.none() });
    expect(rules(generic.validate()).map(r => r.name)).toEqual(['debug', 'tenant']);
  });

  test('Envoy Gateway counts a method as one more header (envoyproxy/gateway v1.8.1 internal/gatewayapi/route.go), so header routes after a method route stay in its HTTPRoute', () => {
    const eg = setup('envoy-gateway');
    eg.gw.addRoute('post', { matches: [RouteMatch.method(HttpMethod.POST)], backend: Backend.pool(eg.large) });
    for (let i = 0; i < 15; i++) eg.gw.addRoute(`n${i}`, { matches: [RouteMatch.header('x-n', `${i}`)], backend: Backend.pool(eg.small) });
    expect(errorOf(() => eg.gw.addRoute('n15', { matches: [RouteMatch.header('x-n', '15')], backend: Backend.pool(eg.small) })))
      .toContain("test/gw/n15: 'matches' (\"path prefix /, headers x-n\") is as specific as, and can take the same requests as, route 'post' in HTTPRoute llm-gateway, "
        + 'which is full (16 rules, the most it holds)');
    // Gateway API ranks the method above any header: the header routes may go into the next HTTPRoute.
    const generic = setup('generic');
    generic.gw.addRoute('post', { matches: [RouteMatch.method(HttpMethod.POST)], backend: Backend.pool(generic.large), retry: RetryPolicy.none() });
    for (let i = 0; i < 16; i++) generic.gw.addRoute(`n${i}`, { matches: [RouteMatch.header('x-n', `${i}`)], backend: Backend.pool(generic.small), retry: RetryPolicy.none() });
    expect(kindOf(generic.validate(), 'HTTPRoute').map(r => r.spec.rules.length)).toEqual([16, 1]);
  });

  test('routes that cannot match the same request may come in any order', () => {
    const { small, large, gw, validate } = setup('generic');
    gw.addRoute('a', { matches: [RouteMatch.pathPrefix('/a')], backend: Backend.pool(large), retry: RetryPolicy.none() });
    gw.addRoute('b', { matches: [RouteMatch.pathPrefix('/b/longer/path')], backend: Backend.pool(small), retry: RetryPolicy.none() });
    // Less specific than /a and /b, so it cannot take their requests; /c cannot overlap them.
    gw.addRoute('c', { matches: [RouteMatch.all([RouteMatch.pathPrefix('/c'), RouteMatch.method(HttpMethod.GET)]), RouteMatch.header('x', '1')], backend: Backend.pool(small), retry: RetryPolicy.none() });
    expect(rules(validate()).map(r => r.name)).toEqual(['a', 'b', 'c']);
  });
});

/*
 * Gateway API ranks matches by specificity across all HTTPRoutes of a Gateway and breaks the remaining ties by the
 * routes' creation timestamp, then "{namespace}/{name}", and only within one HTTPRoute by rule order (gateway-api
 * v1.6.1 apis/v1/httproute_types.go, HTTPRouteRule.Matches; Envoy Gateway v1.8.1 sorts HTTPRoutes so in
 * internal/gatewayapi/resource/resource.go and stable-sorts routes by specificity in internal/gatewayapi/sort.go).
 */
describe('many routes on one gateway', () => {
  const headerRoutes = (gw: AiGateway, chart: Chart, n: number) => {
    for (let i = 0; i < n; i++) {
      const pool = new LlmModelPool(chart, `m${i}`, { name: `m${i}`, modelName: `m${i}`, server: ModelServer.demo() });
      gw.addRoute(`m${i}`, { matches: [RouteMatch.header('x-model', `m${i}`)], backend: Backend.pool(pool) });
    }
  };

  test('1,000 models, each a pool and a header route, spread over HTTPRoutes of one Gateway; the policy of each rule targets the HTTPRoute that holds it', () => {
    const { chart, small, gw, validate } = setup('envoy-gateway');
    headerRoutes(gw, chart, 1000);
    gw.addRoute('default', { backend: Backend.pool(small) });
    const docs = validate();
    const routes = kindOf(docs, 'HTTPRoute');
    expect(routes).toHaveLength(63);
    expect(routes.slice(0, 3).map(r => r.metadata.name)).toEqual(['llm-gateway', 'llm-gateway-2', 'llm-gateway-3']);
    expect(routes.map(r => r.spec.rules.length)).toEqual([...Array(62).fill(16), 9]);
    expect(routes.every(r => r.spec.parentRefs[0].name === 'llm-gateway' && r.spec.hostnames[0] === 'llm.example.com')).toBe(true);
    // In the user's order, object after object; the catch-all last (less specific than every header route).
    expect(routes.flatMap(r => r.spec.rules.map((x: any) => x.name))).toEqual([...Array.from({ length: 1000 }, (_, i) => `m${i}`), 'default']);
    const holder = new Map(routes.flatMap(r => r.spec.rules.map((x: any) => [x.name, r.metadata.name] as [string, string])));
    const policies = kindOf(docs, 'BackendTrafficPolicy');
    expect(policies).toHaveLength(1001);
    expect(policies.filter(p => p.spec.targetRefs[0].name !== holder.get(p.spec.targetRefs[0].sectionName))).toEqual([]);
    expect(only(docs, 'BackendTrafficPolicy', 'llm-gateway-m999').spec.targetRefs)
      .toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'llm-gateway-63', sectionName: 'm999' }]);
  }, 120_000);

  test('a rule that ties with an earlier one joins its HTTPRoute, after it, even when an earlier HTTPRoute has room', () => {
    const { gw, small, validate } = setup('envoy-gateway');
    const values = (from: number, n: number) => Array.from({ length: n }, (_, i) => RouteMatch.header('x-a', `${from + i}`));
    gw.addRoute('big1', { matches: values(0, 64), backend: Backend.pool(small) });
    gw.addRoute('big2', { matches: values(64, 63), backend: Backend.pool(small) });
    // Two matches do not fit the 128 of the first HTTPRoute: the next one.
    gw.addRoute('c', { matches: values(200, 2), backend: Backend.pool(small) });
    // x-a: 200 is also a match of 'c', equally specific: Gateway API would order the two by their HTTPRoutes' age, so 'd' joins 'c'.
    gw.addRoute('d', { matches: values(200, 1), backend: Backend.pool(small) });
    // Can match no request 'c' or 'd' takes: the first HTTPRoute with room.
    gw.addRoute('e', { matches: values(300, 1), backend: Backend.pool(small) });
    const docs = validate();
    expect(kindOf(docs, 'HTTPRoute').map(r => [r.metadata.name, r.spec.rules.map((x: any) => x.name)]))
      .toEqual([['llm-gateway', ['big1', 'big2', 'e']], ['llm-gateway-2', ['c', 'd']]]);
    expect(only(docs, 'BackendTrafficPolicy', 'llm-gateway-d').spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'llm-gateway-2', sectionName: 'd' }]);
    expect(only(docs, 'BackendTrafficPolicy', 'llm-gateway-e').spec.targetRefs[0].name).toBe('llm-gateway');
  });

  test('a rule that ties with rules in two HTTPRoutes is rejected, naming both', () => {
    const { chart, gw, small } = setup('envoy-gateway');
    headerRoutes(gw, chart, 17);
    // x-team and x-model can be on one request, one header each: as specific as m0 (first HTTPRoute) and m16 (second).
    expect(errorOf(() => gw.addRoute('team', { matches: [RouteMatch.headerPresent('x-team')], backend: Backend.pool(small) })))
      .toBe("test/gw/team: 'matches' (\"path prefix /, headers x-team\") is as specific as, and can take the same requests as, route 'm0' in HTTPRoute llm-gateway "
        + "and route 'm16' in HTTPRoute llm-gateway-2: Gateway API orders equally specific rules of different HTTPRoutes by creation time and name, "
        + 'not by the order routes were added, so their order cannot be kept; add the routes that can take the same requests one after another, '
        + "or make 'team' more or less specific than them (exact path, longer prefix, method, more headers or query parameters)");
    // Less specific than every header route: no tie, any HTTPRoute with room.
    gw.addRoute('team', { matches: [RouteMatch.queryParam('team', 'a')], backend: Backend.pool(small) });
    expect(kindOf(Testing.synth(chart) as Manifest[], 'HTTPRoute').map(r => r.spec.rules.length)).toEqual([16, 2]);
  });

  test('a small gateway keeps one HTTPRoute named like the gateway', () => {
    const { chart, gw, validate } = setup('generic');
    headerRoutes(gw, chart, 16);
    expect(kindOf(validate(), 'HTTPRoute').map(r => [r.metadata.name, r.spec.rules.length])).toEqual([['llm-gateway', 16]]);
  });
});

describe('capabilities', () => {
  test.each([
    ['generic', GatewayApiChannel.STANDARD, { retry: RetryPolicy.llmSafe() }, "test/gw/r: 'retry' (\"2 attempts on connect-failure,refused-stream,reset-before-request,503\") cannot be expressed by the Gateway API (generic, standard channel) data plane (HTTPRoute retry (status codes only; connection errors as the implementation decides) is in the experimental channel only); opt in with channel: GatewayApiChannel.EXPERIMENTAL (the cluster needs the experimental CRDs), or use GatewayImplementation.envoyGateway()"],
    ['generic', GatewayApiChannel.STANDARD, { retry: RetryPolicy.none(), sessionAffinity: SessionAffinity.header('x-session') }, "'sessionAffinity' (\"SessionAffinity.header(\\\"x-session\\\")\") cannot be expressed by the Gateway API (generic, standard channel) data plane (HTTPRoute sessionPersistence (Header) is in the experimental channel only); opt in with channel: GatewayApiChannel.EXPERIMENTAL"],
    ['generic', GatewayApiChannel.EXPERIMENTAL, { rateLimit: RateLimit.requestsPerSecond(5) }, "'rateLimit' (\"RateLimit.requestsPerSecond(5)\") cannot be expressed by the Gateway API (generic, experimental channel) data plane (Gateway API has no rate limits); use GatewayImplementation.envoyGateway(), or DataPlane.istio()"],
    ['generic', GatewayApiChannel.EXPERIMENTAL, { circuitBreaker: CircuitBreaker.of({ maxConnections: 5 }) }, "'circuitBreaker' (\"CircuitBreaker limits\") cannot be expressed by the Gateway API (generic, experimental channel) data plane (Gateway API has no connection limits)"],
    ['istio', GatewayApiChannel.EXPERIMENTAL, { rateLimit: RateLimit.requestsPerSecond(5) }, 'cannot be expressed by the Gateway API (Istio, experimental channel) data plane (Gateway API has no rate limits)'],
    ['istio', GatewayApiChannel.EXPERIMENTAL, { fault: FaultInjection.of({ abortHttpStatus: 500 }) }, "'fault' (\"FaultInjection\") cannot be expressed by the Gateway API (Istio, experimental channel) data plane (Gateway API has no fault injection); use GatewayImplementation.envoyGateway(), or DataPlane.istio()"],
    ['envoy-gateway', GatewayApiChannel.STANDARD, { matches: [RouteMatch.model('llama')] }, "'matches[0]' (\"RouteMatch.model(\\\"llama\\\")\") cannot be expressed by the Gateway API (Envoy Gateway, standard channel) data plane"],
    ['envoy-gateway', GatewayApiChannel.STANDARD, { rateLimit: RateLimit.tokensPerHour(100000) }, "'rateLimit' (\"RateLimit.tokensPerHour(100000)\") cannot be expressed by the Gateway API (Envoy Gateway, standard channel) data plane (Gateway API implementations do not count the model tokens in responses); use the Envoy AI Gateway data plane"],
  ] as Array<[Impl, GatewayApiChannel, Partial<AiGatewayAddRouteOptions>, string]>)('%s on the %s channel rejects what it cannot express', (impl, channel, options, message) => {
    const s = setup(impl, channel);
    expect(errorOf(() => s.gw.addRoute('r', { backend: Backend.pool(s.small), ...options }))).toContain(message);
  });

  test('capabilities differ by implementation and channel', () => {
    const level = (plane: DataPlane, feature: string) => plane.capabilities().find(c => c.feature === feature)!.level;
    const generic = DataPlane.gatewayApi({ gatewayClassName: 'nginx' });
    const experimental = DataPlane.gatewayApi({ gatewayClassName: 'nginx', channel: GatewayApiChannel.EXPERIMENTAL });
    const eg = DataPlane.gatewayApi({ gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway() });
    expect([level(generic, 'retry'), level(experimental, 'retry'), level(eg, 'retry')]).toEqual(['unsupported', 'experimental', 'implementation-policy']);
    expect(level(generic, 'backend.inferencePool')).toBe('native');
    expect(generic.name).toBe('Gateway API (generic, standard channel)');
  });
});

describe('GPU-aware routing', () => {
  test('an InferencePool backendRef, and the NetworkPolicy also admits the endpoint picker that scrapes the pool', () => {
    const { large, gw, validate } = setup('envoy-gateway');
    gw.addRoute('r', { backend: Backend.inferencePool(pickedBy(large)) });
    const docs = validate();
    expect(rules(docs)[0].backendRefs).toEqual([{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'large' }]);
    expect(only(docs, 'InferencePool', 'large').spec.selector.matchLabels).toEqual(large.selectorLabels);
    expect(only(docs, 'NetworkPolicy', 'llm-gateway-to-large').spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'envoy-gateway-system' } }, podSelector: { matchLabels: { 'gateway.envoyproxy.io/owning-gateway-name': 'llm-gateway', 'gateway.envoyproxy.io/owning-gateway-namespace': 'llm' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'llm' } }, podSelector: { matchLabels: { 'app.kubernetes.io/component': 'endpoint-picker', 'app.kubernetes.io/instance': 'large-epp' } } },
    ]);
  });

  test('a pool reached first directly and later through its picker gets the picker admitted too', () => {
    const { large, gw, validate } = setup('envoy-gateway');
    gw.addRoute('direct', { matches: [RouteMatch.header('x-direct', '1')], backend: Backend.pool(large) });
    gw.addRoute('picked', { backend: Backend.inferencePool(pickedBy(large)) });
    expect(only(validate(), 'NetworkPolicy', 'llm-gateway-to-large').spec.ingress[0].from).toHaveLength(2);
  });

  test('with Istio as the implementation, the gateway reaches the picker through a DestinationRule', () => {
    const { large, gw, validate } = setup('istio', GatewayApiChannel.EXPERIMENTAL);
    gw.addRoute('r', { backend: Backend.inferencePool(pickedBy(large)) });
    const rule = only(validate(), 'DestinationRule');
    expect(rule.spec).toEqual({ host: 'large-epp.llm.svc.cluster.local', trafficPolicy: { tls: { mode: 'SIMPLE', insecureSkipVerify: true } } });
  });
});

describe('what the controllers do with the rendered settings', () => {
  const egRoute = (options: Partial<AiGatewayAddRouteOptions>, pool: 'small' | 'large' = 'small') => {
    const s = setup('envoy-gateway');
    s.gw.addRoute('r', { backend: Backend.pool(s[pool]), ...options });
    return only(s.validate(), 'BackendTrafficPolicy').spec;
  };

  test('a status-only retry renders only the retriable-status-codes trigger, never an empty list that Envoy Gateway replaces with its defaults (envoyproxy/gateway v1.8.1 internal/xds/translator/route.go)', () => {
    const conditions = [RetryCondition.httpStatus(503), RetryCondition.httpStatus(429)];
    const retry = egRoute({ retry: RetryPolicy.custom({ attempts: 2, conditions }) }).retry;
    expect(retry).toEqual({ numRetries: 2, retryOn: { triggers: ['retriable-status-codes'], httpStatusCodes: [503, 429] } });
  });

  test('RetryPolicy.none() sets numRetries 0, so Envoy Gateway does not apply its default of 2 retries (envoyproxy/gateway v1.8.1 api/v1alpha1/retry_types.go)', () => {
    expect(egRoute({ retry: RetryPolicy.none() }).retry).toEqual({ numRetries: 0 });
  });

  test('Envoy Gateway durations fit the CRD pattern in the largest exact unit: a 10 s backoff, a 2-minute delay, a 2-day cookie, an odd stream idle timeout', () => {
    const spec = egRoute({
      retry: RetryPolicy.llmSafe({ backoff: Duration.seconds(10) }),
      fault: FaultInjection.of({ delay: Duration.minutes(2), delayPercent: 1 }),
      sessionAffinity: SessionAffinity.cookie({ name: 's', ttl: Duration.days(2) }),
      timeouts: Timeouts.of({ request: Duration.hours(2), streamIdle: Duration.seconds(3601) }),
    });
    expect(spec.retry.perRetry.backOff).toEqual({ baseInterval: '10s', maxInterval: '100s' });
    expect(spec.faultInjection.delay).toEqual({ fixedDelay: '2m', percentage: 1 });
    expect(spec.loadBalancer.consistentHash.cookie.ttl).toBe('48h');
    expect(spec.timeout.http.streamIdleTimeout).toBe('3601s');
  });

  test('a duration beyond what a Gateway API duration can hold is rejected', () => {
    const s = setup('generic');
    expect(errorOf(() => s.gw.addRoute('r', { backend: Backend.pool(s.small), retry: RetryPolicy.none(), timeouts: Timeouts.of({ request: Duration.hours(100_000) }) })))
      .toBe("test/gw/r: 'timeouts.request' (\"360000000000ms\") is longer than a Gateway API duration can be (at most 99999 hours); use a shorter duration");
  });

  test('a duration with no exact single unit is written in parts the HTTPRoute accepts', () => {
    const s = setup('generic');
    s.gw.addRoute('r', { backend: Backend.pool(s.small), retry: RetryPolicy.none(), timeouts: Timeouts.of({ request: Duration.seconds(100_001) }) });
    expect(rules(s.validate())[0].timeouts).toEqual({ request: '27h46m41s' });
  });

  test('a rule to an InferencePool carries no load-balancing setting: the endpoint picker chooses the endpoint (envoyproxy/ai-gateway v1.1.0 internal/extensionserver/post_cluster_modify.go)', () => {
    expect(egRoute({}, 'large').loadBalancer).toEqual({ type: 'LeastRequest' });
    const s = setup('envoy-gateway');
    s.gw.addRoute('r', { backend: Backend.inferencePool(pickedBy(s.large)) });
    expect(only(s.validate(), 'BackendTrafficPolicy').spec.loadBalancer).toBeUndefined();
  });

  test('FailOpen is rejected with Envoy Gateway, whose InferencePools fail closed (envoyproxy/ai-gateway v1.1.0 internal/extensionserver/inferencepool.go)', () => {
    const s = setup('envoy-gateway');
    expect(errorOf(() => s.gw.addRoute('r', { backend: Backend.inferencePool(pickedBy(s.large, { failureMode: PickerFailureMode.FAIL_OPEN })) })))
      .toContain("test/gw/r: 'backend.failureMode' (\"PickerFailureMode.FAIL_OPEN\") is ignored by Envoy Gateway, whose InferencePools are served by Envoy AI Gateway's extension server");
  });

  test('Istio retries connect-failure, refused-stream and the listed codes for an HTTPRoute retry, never reset-before-request (istio/istio 1.30.3 pilot/pkg/config/kube/gateway/conversion.go)', () => {
    const s = setup('istio', GatewayApiChannel.EXPERIMENTAL);
    s.gw.addRoute('a', { matches: [RouteMatch.header('x-a', '1')], backend: Backend.pool(s.small) });
    const custom = RetryPolicy.custom({ attempts: 1, conditions: [RetryCondition.RESET_BEFORE_REQUEST, RetryCondition.httpStatus(503)] });
    expect(errorOf(() => s.gw.addRoute('b', { backend: Backend.pool(s.small), retry: custom })))
      .toBe("test/gw/b: 'retry.conditions' (\"reset-before-request\") is not retried by Istio's HTTPRoute retry, which retries connect-failure, refused-stream "
        + 'and the listed status codes (Istio 1.30); leave it out, use RetryPolicy.llmSafe() (which retries the others there), or use DataPlane.istio()');
    // Istio makes backendRequest the per-try timeout of the retry, and takes its backoff.
    s.gw.addRoute('c', {
      backend: Backend.pool(s.small),
      retry: RetryPolicy.custom({
        attempts: 1,
        conditions: [RetryCondition.CONNECT_FAILURE, RetryCondition.httpStatus(503)],
        perTryTimeout: Duration.seconds(60),
        backoff: Duration.millis(100),
      }),
    });
    // The library's default: the HTTPRoute lists 503, and the topology shows what Istio retries.
    const [a, c] = rules(s.validate());
    expect(a.retry).toEqual({ attempts: 2, codes: [503], backoff: '250ms' });
    expect(c.retry).toEqual({ attempts: 1, codes: [503], backoff: '100ms' });
    expect(c.timeouts).toEqual({ request: '5m', backendRequest: '1m' });
    expect(s.gw.topology()).toContain('retry 2x on connect-failure,refused-stream,503');
    expect(s.gw.topology()).not.toContain('reset-before-request');
  });
});

describe('values the HTTPRoute CEL rules and limits reject (gateway-api v1.6.1 HTTPRoute CRD)', () => {
  test.each([
    ['//v1', 'has an empty segment ("//"), which Gateway API rejects'],
    ['/v1/../admin', 'has a dot segment ("/." or "/.."), which requests never carry after normalization'],
    ['/v1/.', 'has a dot segment ("/." or "/.."), which requests never carry after normalization'],
    ['/a%2Fb', 'has an encoded slash (%2F), which Gateway API rejects'],
    ['/a%2fb', 'has an encoded slash (%2F), which Gateway API rejects'],
    ['/users/{id}', 'has characters a request path cannot carry unencoded'],
    ['/modèles', 'has characters a request path cannot carry unencoded'],
    ['/a#b', 'has characters a request path cannot carry unencoded'],
    ['/a%zz', 'has characters a request path cannot carry unencoded'],
    ['v1', 'is not a request path'],
  ])('path %s', (path, rule) => {
    expect(errorOf(() => RouteMatch.pathPrefix(path))).toContain(`RouteMatch.pathPrefix: 'path' (${JSON.stringify(path)}) ${rule}; start it with "/", percent-encode`);
  });

  test('paths the HTTPRoute accepts pass, percent-encoded octets included', () => {
    for (const path of ['/', '/v1/chat/completions', '/.well-known/x', '/a%20b', "/a-b_c~d!$&'()*+,;=:@"]) {
      const s = setup('generic');
      s.gw.addRoute('r', { matches: [RouteMatch.pathExact(path)], backend: Backend.pool(s.small), retry: RetryPolicy.none() });
      expect(rules(s.validate())[0].matches[0].path.value).toBe(path);
    }
    expect(errorOf(() => RouteMatch.pathExact('/' + 'a'.repeat(1024)))).toContain('is longer than the 1024 characters Gateway API allows');
  });

  test('query parameter names are HTTP tokens of at most 256 characters; values at most 1024', () => {
    expect(errorOf(() => RouteMatch.queryParam('api version', '1'))).toContain("RouteMatch.queryParam: 'name' (\"api version\") is not a name Gateway API can match");
    expect(errorOf(() => RouteMatch.queryParam('a'.repeat(257), '1'))).toContain('is not a name Gateway API can match (an HTTP token of 1 to 256');
    expect(errorOf(() => RouteMatch.header('x'.repeat(257), '1'))).toContain("RouteMatch.header: 'name'");
    expect(errorOf(() => RouteMatch.queryParam('v', 'x'.repeat(1025)))).toContain('at most 1024 characters');
  });

  test('more than 64 matches in a rule, or 128 in the HTTPRoute', () => {
    const s = setup('generic');
    const matches = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => RouteMatch.header(`x-${prefix}`, `${i}`));
    expect(errorOf(() => s.gw.addRoute('big', { matches: matches(65, 'a'), backend: Backend.pool(s.small), retry: RetryPolicy.none() })))
      .toBe("test/gw/big: 'matches' (\"65 matches\") are more than the 64 an HTTPRoute rule holds; split the route into several routes, or combine alternatives into a header regex");
    s.gw.addRoute('a', { matches: matches(64, 'a'), backend: Backend.pool(s.small), retry: RetryPolicy.none() });
    s.gw.addRoute('b', { matches: matches(64, 'b'), backend: Backend.pool(s.small), retry: RetryPolicy.none() });
    // x-c and x-a can both be on one request, with one header each: 'c' must stay in the HTTPRoute of 'a', which is full.
    expect(errorOf(() => s.gw.addRoute('c', { matches: matches(1, 'c'), backend: Backend.pool(s.small), retry: RetryPolicy.none() })))
      .toBe("test/gw/c: 'matches' (\"path prefix /, headers x-c\") is as specific as, and can take the same requests as, route 'a' in HTTPRoute llm-gateway, "
        + 'which is full (128 matches of the 128 it holds): Gateway API orders equally specific rules of different HTTPRoutes by creation time and name, '
        + "not by the order routes were added, so the route must join that object; add 'c' right after 'a' (before unrelated routes fill llm-gateway), "
        + "merge the two routes' matches into one route, or make 'c' more or less specific than 'a'");
    // Less specific than 'a' and 'b' (no header), so Gateway API ranks it after them wherever it is: the next HTTPRoute.
    s.gw.addRoute('d', { backend: Backend.pool(s.large), retry: RetryPolicy.none() });
    const docs = s.validate();
    expect(kindOf(docs, 'HTTPRoute').map(r => [r.metadata.name, r.spec.rules.map((x: any) => x.name)])).toEqual([['llm-gateway', ['a', 'b']], ['llm-gateway-2', ['d']]]);
  });

  test('more than 16 headers or query parameters in a match', () => {
    const s = setup('generic');
    const headers = RouteMatch.all(Array.from({ length: 17 }, (_, i) => RouteMatch.header(`x-${i}`, '1')));
    const params = RouteMatch.all(Array.from({ length: 17 }, (_, i) => RouteMatch.queryParam(`q${i}`, '1')));
    expect(errorOf(() => s.gw.addRoute('h', { matches: [headers], backend: Backend.pool(s.small), retry: RetryPolicy.none() })))
      .toBe("test/gw/h: 'matches[0]' (\"17 headers\") are more than the 16 headers an HTTPRoute match holds; match on at most 16 headers, or combine several into one header regex");
    expect(errorOf(() => s.gw.addRoute('q', { matches: [params], backend: Backend.pool(s.small), retry: RetryPolicy.none() })))
      .toContain("'matches[0]' (\"17 query parameters\") are more than the 16 query parameters an HTTPRoute match holds");
  });
});

describe('affinity and outlier detection by implementation', () => {
  test('Istio implementation: outlier detection and cookie affinity go into the DestinationRule of the backend (istio/istio 1.30.3 pilot/pkg/networking/core/cluster_traffic_policy.go)', () => {
    const { small, large, gw, validate } = setup('istio', GatewayApiChannel.EXPERIMENTAL);
    gw.addRoute('r', {
      matches: [RouteMatch.header('x-r', '1')],
      backend: Backend.pool(small),
      circuitBreaker: CircuitBreaker.of({ outlierDetection: {} }),
      sessionAffinity: SessionAffinity.cookie({ name: 's', ttl: Duration.hours(1) }),
    });
    gw.addRoute('h', { backend: Backend.pool(large), sessionAffinity: SessionAffinity.header('x-session') });
    const docs = validate();
    const policy = only(docs, 'DestinationRule', 'llm-gateway-small').spec.trafficPolicy;
    expect(policy.outlierDetection).toBeDefined();
    expect(policy.loadBalancer.consistentHash.httpCookie).toMatchObject({ name: 's' });
    expect(only(docs, 'DestinationRule', 'llm-gateway-large').spec.trafficPolicy.loadBalancer.consistentHash).toEqual({ httpHeaderName: 'x-session' });
  });

  test('generic implementation, experimental channel: header affinity is HTTPRoute sessionPersistence of type Header (gateway-api v1.6.1 apis/v1/httproute_types.go)', () => {
    const { small, gw, validate } = setup('generic', GatewayApiChannel.EXPERIMENTAL);
    gw.addRoute('r', { backend: Backend.pool(small), sessionAffinity: SessionAffinity.header('x-session') });
    expect(rules(validate())[0].sessionPersistence).toEqual({ type: 'Header', sessionName: 'x-session' });
  });

  test('Envoy Gateway: a per-client-IP limit is global with a Distinct sourceCIDR selector (envoyproxy/gateway v1.8.1 api/v1alpha1/ratelimit_types.go)', () => {
    const { small, gw, validate } = setup('envoy-gateway');
    gw.addRoute('r', { backend: Backend.pool(small), rateLimit: RateLimit.requestsPerMinute(60, { key: RateLimitKey.clientIp() }) });
    expect(only(validate(), 'BackendTrafficPolicy').spec.rateLimit.global.rules[0].clientSelectors).toEqual([{ sourceCIDR: { type: 'Distinct', value: '0.0.0.0/0' } }]);
  });
});
