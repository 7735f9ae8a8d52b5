import { Chart, Duration, Testing } from 'cdk8s';
import {
  Accelerator, AiGateway, AiGatewayAddRouteOptions, AiGatewayProps, Backend, CircuitBreaker, DataPlane, FaultInjection, JwtAuth, LlmModelPool,
  ModelServer, PickerFailureMode, ProviderApi, ProviderBackendOptions, RateLimit, RateLimitKey, RequestMirror, RetryCondition, RetryPolicy,
  RouteMatch, SessionAffinity, Timeouts,
} from '../src';
import { errorOf } from './support/errors';
import { pickedBy } from './support/inference-pool';
import { Manifest, only, synthValid } from './support/synth';

function setup(props: Partial<AiGatewayProps> = {}) {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'llm' });
  const vllm = (name: string, gpus: number) => new LlmModelPool(chart, name, {
    name, modelName: name, server: ModelServer.vllm({ model: `meta-llama/${name}` }), accelerator: Accelerator.nvidiaGpu({ count: gpus }),
  });
  const small = vllm('llama-3-8b', 1);
  const large = vllm('llama-3-70b', 4);
  const gw = new AiGateway(chart, 'gw', { name: 'ai', dataPlane: DataPlane.envoyAiGateway({ gatewayClassName: 'eg' }), hostnames: ['llm.example.com'], ...props });
  return { chart, small, large, gw, validate: () => synthValid(chart) };
}

const openai = (overrides: Partial<ProviderBackendOptions> = {}) => Backend.provider({
  name: 'openai', api: ProviderApi.OPENAI, hostname: 'api.openai.com', apiKey: { secretName: 'openai', key: 'apiKey' }, ...overrides,
});
const rules = (docs: Manifest[]) => only(docs, 'AIGatewayRoute').spec.rules as any[];
const btp = (docs: Manifest[], name: string) => only(docs, 'BackendTrafficPolicy', name).spec;

describe('model routing, InferencePools and fallback to a provider', () => {
  const { small, large, gw, validate } = setup({
    defaults: { rateLimit: RateLimit.tokensPerHour(1_000_000, { key: RateLimitKey.header('x-tenant-id') }) },
  });
  gw.addRoute('small', { matches: [RouteMatch.model('llama-3-8b')], backend: Backend.inferencePool(pickedBy(small)) });
  gw.addRoute('large', { matches: [RouteMatch.model('llama-3-70b')], backend: Backend.fallback([Backend.pool(large), openai({ modelName: 'gpt-4o-mini' })]) });
  const docs = validate();

  test('a Gateway and one AIGatewayRoute with a rule per route, matching the model header the AI filter fills', () => {
    expect(only(docs, 'Gateway').spec.gatewayClassName).toBe('eg');
    const route = only(docs, 'AIGatewayRoute');
    expect(route.apiVersion).toBe('aigateway.envoyproxy.io/v1beta1');
    expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'ai' }]);
    expect(rules(docs).map(r => [r.name, r.matches])).toEqual([
      ['small', [{ headers: [{ name: 'x-ai-eg-model', type: 'Exact', value: 'llama-3-8b' }] }]],
      ['large', [{ headers: [{ name: 'x-ai-eg-model', type: 'Exact', value: 'llama-3-70b' }] }]],
    ]);
  });

  test('the 8B pool is reached through its InferencePool', () => {
    expect(rules(docs)[0].backendRefs).toEqual([{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'llama-3-8b' }]);
    expect(only(docs, 'InferencePool', 'llama-3-8b').spec.selector.matchLabels).toEqual(small.selectorLabels);
  });

  test('the 70B pool first, the provider second (with its own model name), by priority', () => {
    expect(rules(docs)[1].backendRefs).toEqual([
      { name: 'ai-llama-3-70b', priority: 0 },
      { name: 'ai-openai', priority: 1, modelNameOverride: 'gpt-4o-mini' },
    ]);
    expect(only(docs, 'AIServiceBackend', 'ai-llama-3-70b').spec).toEqual({
      schema: { name: 'OpenAI' }, backendRef: { group: 'gateway.envoyproxy.io', kind: 'Backend', name: 'ai-llama-3-70b' },
    });
    expect(only(docs, 'Backend', 'ai-llama-3-70b').spec).toEqual({ endpoints: [{ fqdn: { hostname: 'llama-3-70b.llm.svc.cluster.local', port: 8000 } }] });
  });

  test('fallback moves to the next priority on each retry of the RetryPolicy of the route, the LLM-safe default here (envoyproxy/ai-gateway v1.1.0 examples/provider_fallback)', () => {
    expect(btp(docs, 'ai-large').retry).toEqual({
      numRetries: 2,
      numAttemptsPerPriority: 1,
      retryOn: { triggers: ['connect-failure', 'refused-stream', 'reset-before-request', 'retriable-status-codes'], httpStatusCodes: [503] },
      perRetry: { backOff: { baseInterval: '250ms', maxInterval: '2500ms' } },
    });
    expect(btp(docs, 'ai-large').targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'ai', sectionName: 'large' }]);
  });

  test('a 503 is retried on Envoy AI Gateway: the status codes come with the retriable-status-codes trigger (envoyproxy/gateway v1.8.1 api/v1alpha1/retry_types.go)', () => {
    expect(btp(docs, 'ai-small').retry.retryOn).toEqual({ triggers: ['connect-failure', 'refused-stream', 'reset-before-request', 'retriable-status-codes'], httpStatusCodes: [503] });
  });

  test('a rule to an InferencePool carries no load-balancing setting: the extension server makes its cluster ORIGINAL_DST (envoyproxy/ai-gateway v1.1.0 internal/extensionserver/post_cluster_modify.go)', () => {
    expect(btp(docs, 'ai-small').loadBalancer).toBeUndefined();
    expect(btp(docs, 'ai-large').loadBalancer).toEqual({ type: 'LeastRequest' });
  });

  test('the provider: a TLS Backend to its hostname and the API key from a Secret', () => {
    expect(only(docs, 'Backend', 'ai-openai').spec).toEqual({
      endpoints: [{ fqdn: { hostname: 'api.openai.com', port: 443 } }],
      tls: { wellKnownCACertificates: 'System', sni: 'api.openai.com' },
    });
    expect(only(docs, 'AIServiceBackend', 'ai-openai').spec.schema).toEqual({ name: 'OpenAI' });
    expect(only(docs, 'BackendSecurityPolicy', 'ai-openai').spec).toEqual({
      targetRefs: [{ group: 'aigateway.envoyproxy.io', kind: 'AIServiceBackend', name: 'ai-openai' }],
      type: 'APIKey',
      apiKey: { secretRef: { name: 'openai' } },
    });
    expect(JSON.stringify(docs)).not.toMatch(/sk-/);
  });

  test('token budgets: the route records token costs and a global limit per tenant charges the total after the response', () => {
    expect(only(docs, 'AIGatewayRoute').spec.llmRequestCosts).toEqual([
      { metadataKey: 'llm_input_token', type: 'InputToken' },
      { metadataKey: 'llm_output_token', type: 'OutputToken' },
      { metadataKey: 'llm_total_token', type: 'TotalToken' },
    ]);
    expect(btp(docs, 'ai-small').rateLimit).toEqual({
      type: 'Global',
      global: {
        rules: [{
          limit: { requests: 1000000, unit: 'Hour' },
          clientSelectors: [{ headers: [{ name: 'x-tenant-id', type: 'Distinct' }] }],
          cost: { request: { from: 'Number', number: 0 }, response: { from: 'Metadata', metadata: { namespace: 'io.envoy.ai_gateway', key: 'llm_total_token' } } },
        }],
      },
    });
  });

  test('a ClientTrafficPolicy raises the 32 KiB request buffer, which the AI filter needs for long prompts', () => {
    expect(only(docs, 'ClientTrafficPolicy').spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'ai' }],
      connection: { bufferLimit: '50Mi' },
    });
  });

  test('timeouts: minutes for the request, and a stream idle timeout that is never the short Envoy default', () => {
    expect(rules(docs)[0].timeouts).toEqual({ request: '5m' });
    expect(rules(docs)[0].streamIdleTimeout).toBe('5m');
  });

  test('NetworkPolicies admit the Envoy proxies, and the endpoint picker of the InferencePool', () => {
    expect(only(docs, 'NetworkPolicy', 'ai-to-llama-3-8b').spec.ingress[0].from).toHaveLength(2);
    expect(only(docs, 'NetworkPolicy', 'ai-to-llama-3-70b').spec.ingress[0].from).toHaveLength(1);
  });
});

describe('policies', () => {
  test('a per-claim token budget copies the claim to a header with the JWT SecurityPolicy', () => {
    const { small, gw, validate } = setup({ defaults: { jwt: JwtAuth.of({ issuer: 'https://idp', jwksUri: 'https://idp/jwks' }) } });
    gw.addRoute('r', { backend: Backend.pool(small), rateLimit: RateLimit.tokensPerDay(50_000, { key: RateLimitKey.jwtClaim('tenant') }) });
    const docs = validate();
    expect(only(docs, 'SecurityPolicy').spec.jwt.providers[0].claimToHeaders).toEqual([{ claim: 'tenant', header: 'x-ai-gateway-claim-tenant' }]);
    expect(btp(docs, 'ai-r').rateLimit.global.rules[0].clientSelectors).toEqual([{ headers: [{ name: 'x-ai-gateway-claim-tenant', type: 'Distinct' }] }]);
    expect(btp(docs, 'ai-r').rateLimit.global.rules[0].limit).toEqual({ requests: 50000, unit: 'Day' });
  });

  test('one Service on two ports gets a backend pair per port', () => {
    const { gw, validate } = setup();
    gw.addRoute('a', { matches: [RouteMatch.model('a')], backend: Backend.service({ name: 'llm', port: 8000 }) });
    gw.addRoute('b', { matches: [RouteMatch.model('b')], backend: Backend.service({ name: 'llm', port: 9000 }) });
    const docs = validate();
    expect(docs.filter(d => d.kind === 'Backend').map(d => [d.metadata.name, d.spec.endpoints[0].fqdn.port])).toEqual([['ai-llm', 8000], ['ai-llm-2', 9000]]);
  });

  test('request limits, circuit breaking and an explicit stream idle timeout', () => {
    const { small, gw, validate } = setup();
    gw.addRoute('r', {
      backend: Backend.pool(small),
      rateLimit: RateLimit.requestsPerSecond(20),
      circuitBreaker: CircuitBreaker.of({ maxRequests: 64 }),
      timeouts: Timeouts.of({ request: Duration.minutes(10), streamIdle: Duration.seconds(45) }),
    });
    const docs = validate();
    const spec = btp(docs, 'ai-r');
    expect(spec.rateLimit).toEqual({ type: 'Local', local: { rules: [{ limit: { requests: 20, unit: 'Second' } }] } });
    expect(spec.circuitBreaker).toEqual({ maxParallelRequests: 64 });
    expect(spec.loadBalancer).toEqual({ type: 'LeastRequest' });
    expect(rules(docs)[0]).toMatchObject({ timeouts: { request: '10m' }, streamIdleTimeout: '45s' });
  });

  test.each([
    [ProviderApi.ANTHROPIC, { hostname: 'api.anthropic.com', apiKey: { secretName: 'anthropic', key: 'apiKey' } }, { type: 'AnthropicAPIKey', anthropicAPIKey: { secretRef: { name: 'anthropic' } } }],
    [ProviderApi.AZURE_OPENAI, { hostname: 'acme.openai.azure.com', apiKey: { secretName: 'azure', key: 'apiKey' } }, { type: 'AzureAPIKey', azureAPIKey: { secretRef: { name: 'azure' } } }],
    [ProviderApi.GCP_VERTEX_AI, { hostname: 'us-central1-aiplatform.googleapis.com', region: 'us-central1', project: 'acme', apiKey: { secretName: 'gcp', key: 'service_account.json' } },
      { type: 'GCPCredentials', gcpCredentials: { region: 'us-central1', projectName: 'acme', credentialsFile: { secretRef: { name: 'gcp' } } } }],
  ] as Array<[ProviderApi, Partial<ProviderBackendOptions>, object]>)('%s credentials come from a Secret', (api, options, credentials) => {
    const { gw, validate } = setup();
    gw.addRoute('r', { backend: Backend.provider({ name: 'p', api, hostname: 'x', ...options }) });
    const docs = validate();
    expect(only(docs, 'BackendSecurityPolicy').spec).toMatchObject(credentials);
    expect(only(docs, 'AIServiceBackend').spec.schema.name).toBe(api);
  });
});

describe('bad input', () => {
  test.each([
    ['a provider without credentials', { backend: openai({ apiKey: undefined }) },
      "test/gw/r: 'backend.apiKey' (not set) is missing, and OpenAI needs an API key to accept requests; store it in a Secret under the key 'apiKey' and pass apiKey: { secretName, key: 'apiKey' }"],
    ['credentials under another Secret key', { backend: openai({ apiKey: { secretName: 'openai', key: 'token' } }) },
      "test/gw/r: 'backend.apiKey.key' (\"token\") is not the key Envoy AI Gateway reads an API key from (apiKey); store the credential in the Secret under 'apiKey'"],
    ['Bedrock without a region', { backend: Backend.provider({ name: 'b', api: ProviderApi.AWS_BEDROCK, hostname: 'bedrock', apiKey: { secretName: 'aws', key: 'credentials' } }) },
      "test/gw/r: 'backend.region' (not set) is required for AWSBedrock; set the region the models are served from"],
    ['Vertex AI without a project', { backend: Backend.provider({ name: 'v', api: ProviderApi.GCP_VERTEX_AI, hostname: 'vertex', region: 'eu', apiKey: { secretName: 'gcp', key: 'service_account.json' } }) },
      "test/gw/r: 'backend.project' (not set) is required for GCPVertexAI; set the GCP project"],
    ['a path match', { matches: [RouteMatch.pathPrefix('/v1/embeddings')] },
      "test/gw/r: 'matches[0]' (\"RouteMatch.pathPrefix(\\\"/v1/embeddings\\\")\") cannot be expressed by the Envoy AI Gateway data plane (an AIGatewayRoute serves the OpenAI API paths and matches on headers only); match on headers or RouteMatch.model"],
    ['session affinity', { sessionAffinity: SessionAffinity.header('x-session') },
      'cannot be expressed by the Envoy AI Gateway data plane (pools are reached through their Service address'],
    ['outlier detection on a pool', { circuitBreaker: CircuitBreaker.of({ outlierDetection: {} }) },
      "test/gw/r: 'circuitBreaker.outlierDetection' (\"outlier detection\") would eject the whole pool: Envoy AI Gateway reaches a pool or Service through one Service address"],
    ['a mirror', { mirror: RequestMirror.to(Backend.service({ name: 'm', port: 80 })) }, "'mirror' (\"RequestMirror (100%)\") cannot be expressed by the Envoy AI Gateway data plane (AIGatewayRoute has no request mirroring)"],
    ['a rate limit burst above the limit', { rateLimit: RateLimit.requestsPerSecond(5, { burst: 6 }) }, "test/gw/r: 'rateLimit.burst' (6) cannot be expressed by Envoy AI Gateway, whose rate limits admit exactly the limit (5) at once"],
    ['a claim key without JWT', { rateLimit: RateLimit.tokensPerHour(1000, { key: RateLimitKey.jwtClaim('tenant') }) },
      "test/gw/r: 'rateLimit.key' (\"RateLimitKey.jwtClaim(\\\"tenant\\\")\") needs a validated JWT, and the route has no JwtAuth; set JwtAuth in the gateway defaults or on the route, or key the limit on a header"],
  ] as Array<[string, Partial<AiGatewayAddRouteOptions>, string]>)('%s', (_name, options, message) => {
    const { small, gw } = setup();
    expect(errorOf(() => gw.addRoute('r', { backend: Backend.pool(small), ...options }))).toContain(message);
  });

  test('an InferencePool and a provider in one rule', () => {
    const { small, gw } = setup();
    expect(errorOf(() => gw.addRoute('r', { backend: Backend.fallback([Backend.inferencePool(pickedBy(small)), openai()]) })))
      .toContain("test/gw/r: 'backend' (\"Backend.fallback\") mixes an InferencePool with other backends in one rule, which Envoy AI Gateway does not allow; "
        + 'for fallback from a GPU pool to a provider use Backend.fallback([Backend.pool(pool), Backend.provider(...)])');
  });

  test('a rule as specific as rules in two AIGatewayRoutes, and one with more matches than a generated HTTPRoute can hold', () => {
    const { small, gw } = setup();
    for (let i = 0; i < 15; i++) gw.addRoute(`r${i}`, { matches: [RouteMatch.model(`m${i}`)], backend: Backend.pool(small) });
    expect(errorOf(() => gw.addRoute('tenant', { matches: [RouteMatch.header('x-tenant', 'acme')], backend: Backend.pool(small) })))
      .toBe("test/gw/tenant: 'matches' (\"path prefix /, headers x-tenant\") is as specific as, and can take the same requests as, route 'r0' in AIGatewayRoute ai "
        + "and route 'r14' in AIGatewayRoute ai-2: Envoy AI Gateway orders equally specific rules of different AIGatewayRoutes by creation time and name, "
        + 'not by the order routes were added, so their order cannot be kept; add the routes that can take the same requests one after another, '
        + "or make 'tenant' more or less specific than them (exact path, longer prefix, method, more headers or query parameters)");
    const matches = Array.from({ length: 127 }, (_, i) => RouteMatch.model(`x${i}`));
    expect(errorOf(() => gw.addRoute('big', { matches, backend: Backend.pool(small) })))
      .toBe("test/gw/big: 'matches' (\"127 matches\") are more than the 126 an AIGatewayRoute rule can hold: the HTTPRoute Envoy AI Gateway generates holds 128 matches, "
        + "one of them its route-not-found rule's and one kept for a catch-all route; split the route into several routes, or combine alternatives into a header regex");
  });

  test('switching the gateway JWT off for one route', () => {
    const { small, gw } = setup({ defaults: { jwt: JwtAuth.of({ issuer: 'https://idp', jwksUri: 'https://idp/jwks' }) } });
    expect(errorOf(() => gw.addRoute('r', { backend: Backend.pool(small), jwt: JwtAuth.none() })))
      .toContain("test/gw/r: 'jwt' (\"JwtAuth.none()\") cannot switch off the Gateway's JWT policy for one route with Envoy AI Gateway");
  });

  test('a model route after a less specific catch-all is caught by the route order check', () => {
    const { small, large, gw } = setup();
    gw.addRoute('tenant', { matches: [RouteMatch.header('x-tenant', 'acme')], backend: Backend.pool(small), retry: RetryPolicy.none() });
    expect(errorOf(() => gw.addRoute('model', { matches: [RouteMatch.all([RouteMatch.model('llama-3-70b'), RouteMatch.header('x-debug', '1')])], backend: Backend.pool(large) })))
      .toContain("test/gw/model: 'matches[0]' (\"path prefix /, model llama-3-70b, headers x-debug\") outranks the match of earlier route 'tenant'");
  });
});

test('Istio and Gateway API reject model routing and token budgets; Envoy AI Gateway expresses them', () => {
  const level = (plane: DataPlane, feature: string) => plane.capabilities().find(c => c.feature === feature)!.level;
  const planes = [DataPlane.istio(), DataPlane.gatewayApi({ gatewayClassName: 'eg' }), DataPlane.envoyAiGateway({ gatewayClassName: 'eg' })];
  expect(planes.map(p => [level(p, 'match.model'), level(p, 'rateLimit.tokens'), level(p, 'backend.fallback')])).toEqual([
    ['unsupported', 'unsupported', 'unsupported'],
    ['unsupported', 'unsupported', 'unsupported'],
    ['native', 'implementation-policy', 'implementation-policy'],
  ]);
});

/*
 * Envoy AI Gateway v1.1.0 turns each AIGatewayRoute into an HTTPRoute of the same name, its rules' header matches
 * under path prefix "/", followed by a route-not-found rule (path prefix "/", no headers) answering 404
 * (internal/controller/ai_gateway_route.go, newHTTPRoute); its API doc asks for several AIGatewayRoutes past 15 rules
 * (api/v1beta1/ai_gateway_route.go). Envoy Gateway orders those HTTPRoutes as Gateway API does: specificity first,
 * ties by creation timestamp and name, rule order only within one HTTPRoute (gateway-api v1.6.1 apis/v1/httproute_types.go).
 */
describe('many routes on one gateway', () => {
  const modelRoutes = (gw: AiGateway, chart: Chart, n: number) => {
    for (let i = 0; i < n; i++) {
      const pool = new LlmModelPool(chart, `m${i}`, { name: `m${i}`, modelName: `m${i}`, server: ModelServer.demo() });
      gw.addRoute(`m${i}`, { matches: [RouteMatch.model(`m${i}`)], backend: Backend.pool(pool) });
    }
  };
  const routeObjects = (docs: Manifest[]) => docs.filter(d => d.kind === 'AIGatewayRoute');

  test('1,000 models by model name over AIGatewayRoutes of one Gateway, the catch-all in each ahead of its route-not-found rule, policies on the HTTPRoute that holds their rule', () => {
    const { chart, small, gw, validate } = setup();
    modelRoutes(gw, chart, 1000);
    gw.addRoute('default', { backend: Backend.pool(small) });
    const docs = validate();
    const objects = routeObjects(docs);
    // 14 model rules each: the 15th rule of every AIGatewayRoute is the catch-all.
    expect(objects).toHaveLength(72);
    expect(objects.slice(0, 3).map(o => o.metadata.name)).toEqual(['ai', 'ai-2', 'ai-3']);
    expect(objects.map(o => o.spec.rules.length)).toEqual([...Array(71).fill(15), 7]);
    expect(objects.every(o => o.spec.rules[o.spec.rules.length - 1].name === 'default' && o.spec.parentRefs[0].name === 'ai')).toBe(true);
    expect(objects.flatMap(o => o.spec.rules.map((r: any) => r.name)).filter(n => n !== 'default')).toEqual(Array.from({ length: 1000 }, (_, i) => `m${i}`));
    const holder = new Map(objects.flatMap(o => o.spec.rules.filter((r: any) => r.name !== 'default').map((r: any) => [r.name, o.metadata.name] as [string, string])));
    const policies = docs.filter(d => d.kind === 'BackendTrafficPolicy' && d.metadata.name !== 'ai-default');
    expect(policies).toHaveLength(1000);
    const misplaced = policies.filter(p => p.spec.targetRefs.length !== 1
      || p.spec.targetRefs[0].name !== holder.get(p.spec.targetRefs[0].sectionName));
    expect(misplaced).toEqual([]);
    expect(btp(docs, 'ai-default').targetRefs).toEqual(objects.map(o => ({ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: o.metadata.name, sectionName: 'default' })));
  }, 120_000);

  test('fifteen model routes take two AIGatewayRoutes; token costs are recorded on the one whose rule has a token budget; a catch-all JWT targets both', () => {
    const { chart, small, gw, validate } = setup();
    modelRoutes(gw, chart, 14);
    gw.addRoute('budget', { matches: [RouteMatch.model('budget')], backend: Backend.pool(small), rateLimit: RateLimit.tokensPerHour(1000, { key: RateLimitKey.header('x-tenant-id') }) });
    gw.addRoute('default', { backend: Backend.pool(small), jwt: JwtAuth.of({ issuer: 'https://idp', jwksUri: 'https://idp/jwks' }) });
    const docs = validate();
    expect(routeObjects(docs).map(o => [o.metadata.name, o.spec.rules.map((r: any) => r.name).slice(-2), o.spec.llmRequestCosts?.length]))
      .toEqual([['ai', ['m13', 'default'], undefined], ['ai-2', ['budget', 'default'], 3]]);
    expect(btp(docs, 'ai-budget').targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'ai-2', sectionName: 'budget' }]);
    expect(only(docs, 'SecurityPolicy', 'ai-default').spec.targetRefs.map((t: any) => [t.name, t.sectionName])).toEqual([['ai', 'default'], ['ai-2', 'default']]);
  });

  test('a model route after a header-presence route is rejected: Envoy Gateway ranks the exact model header first (envoyproxy/gateway v1.8.1 internal/gatewayapi/sort.go)', () => {
    const { small, large, gw } = setup();
    gw.addRoute('debug', { matches: [RouteMatch.headerPresent('x-debug')], backend: Backend.pool(large) });
    expect(errorOf(() => gw.addRoute('small', { matches: [RouteMatch.model('llama-3-8b')], backend: Backend.pool(small) })))
      .toContain("test/gw/small: 'matches[0]' (\"path prefix /, model llama-3-8b\") outranks the match of earlier route 'debug' (path prefix /, headers x-debug): "
        + 'Envoy Gateway ranks matches by specificity (exact path, longest path, number of headers (the method is one), number of exact headers, number of query parameters) before order');
  });

  test('a small gateway keeps one AIGatewayRoute named like the gateway, its catch-all in the fifteenth rule', () => {
    const { chart, small, gw, validate } = setup();
    modelRoutes(gw, chart, 14);
    gw.addRoute('default', { backend: Backend.pool(small) });
    expect(routeObjects(validate()).map(o => [o.metadata.name, o.spec.rules.length])).toEqual([['ai', 15]]);
  });
});

describe('fallback honours the route\'s RetryPolicy (envoyproxy/ai-gateway v1.1.0 examples/provider_fallback: priorities advance by retrying)', () => {
  test('a custom policy falls back on its own conditions, attempts, per-try timeout and backoff', () => {
    const { large, gw, validate } = setup();
    gw.addRoute('r', {
      backend: Backend.fallback([Backend.pool(large), openai()]),
      retry: RetryPolicy.custom({
        attempts: 1, conditions: [RetryCondition.CONNECT_FAILURE, RetryCondition.httpStatus(429)], perTryTimeout: Duration.seconds(90),
      }),
    });
    expect(btp(validate(), 'ai-r').retry).toEqual({
      numRetries: 1,
      numAttemptsPerPriority: 1,
      retryOn: { triggers: ['connect-failure', 'retriable-status-codes'], httpStatusCodes: [429] },
      perRetry: { timeout: '90s' },
    });
  });

  test('the default policy gets one attempt per fallback backend', () => {
    const { small, large, gw, validate } = setup();
    gw.addRoute('r', { backend: Backend.fallback([Backend.pool(large), Backend.pool(small), openai(), openai({ name: 'second', hostname: 'api2.openai.com' })]) });
    expect(btp(validate(), 'ai-r').retry).toMatchObject({ numRetries: 3, numAttemptsPerPriority: 1 });
  });

  test('RetryPolicy.none() and too few attempts cannot reach the fallback backends', () => {
    const { small, large, gw } = setup();
    expect(errorOf(() => gw.addRoute('r', { backend: Backend.fallback([Backend.pool(large), openai()]), retry: RetryPolicy.none() })))
      .toBe("test/gw/r: 'retry' (\"RetryPolicy.none()\") would leave the 1 fallback backend(s) of Backend.fallback unused: Envoy AI Gateway moves to the next backend only by retrying; "
        + 'leave retry out (the LLM-safe default falls back on connection failures and 503), or give a RetryPolicy with at least 1 attempt(s)');
    expect(errorOf(() => gw.addRoute('s', { backend: Backend.fallback([Backend.pool(large), Backend.pool(small), openai()]), retry: RetryPolicy.llmSafe({ attempts: 1 }) })))
      .toBe("test/gw/s: 'retry.attempts' (1) reaches only 1 of the 2 fallback backends of Backend.fallback: each retry moves to the next one; set attempts to at least 2, or list fewer backends");
  });
});

describe('settings Envoy AI Gateway v1.1.0 ignores, and values its CRDs reject', () => {
  test('FailOpen is rejected: the extension server always fails closed when the endpoint picker is unavailable (envoyproxy/ai-gateway v1.1.0 internal/extensionserver/inferencepool.go)', () => {
    const { small, gw } = setup();
    expect(errorOf(() => gw.addRoute('r', { backend: Backend.inferencePool(pickedBy(small, { failureMode: PickerFailureMode.FAIL_OPEN })) })))
      .toBe("test/gw/r: 'backend.failureMode' (\"PickerFailureMode.FAIL_OPEN\") is ignored by Envoy AI Gateway, whose extension server always fails closed when the endpoint "
        + 'picker is unavailable (v1.1.0); leave failureMode out (FAIL_CLOSE), and run more than one picker replica (pickerReplicas) for availability');
  });

  test('durations fit the CRD pattern in the largest exact unit (a 2-day request timeout is 48h), and a 10 s backoff renders maxInterval 100s', () => {
    const { small, gw, validate } = setup();
    gw.addRoute('r', { backend: Backend.pool(small), timeouts: Timeouts.of({ request: Duration.days(2) }), retry: RetryPolicy.llmSafe({ backoff: Duration.seconds(10) }) });
    const docs = validate();
    expect(rules(docs)[0]).toMatchObject({ timeouts: { request: '48h' }, streamIdleTimeout: '48h' });
    expect(btp(docs, 'ai-r').retry.perRetry.backOff).toEqual({ baseInterval: '10s', maxInterval: '100s' });
  });

  test('more than 16 header conditions in a match, the model match included', () => {
    const { small, gw } = setup();
    const match = RouteMatch.all([RouteMatch.model('m'), ...Array.from({ length: 16 }, (_, i) => RouteMatch.header(`x-${i}`, '1'))]);
    expect(errorOf(() => gw.addRoute('r', { matches: [match], backend: Backend.pool(small) })))
      .toBe("test/gw/r: 'matches[0]' (\"17 header conditions\") are more than the 16 an AIGatewayRoute match holds (a model match is one); match on at most 16 headers, or combine several into one header regex");
  });

  test.each([
    ['a URL for a hostname', { hostname: 'https://api.openai.com/v1' }, "test/gw/r: 'backend.hostname' (\"https://api.openai.com/v1\") is a URL, and the provider backend takes a hostname only"],
    ['a hostname with a port', { hostname: 'api.openai.com:443' }, "'backend.hostname' (\"api.openai.com:443\") is a URL, and the provider backend takes a hostname only"],
    ['an uppercase hostname', { hostname: 'API.openai.com' }, "'backend.hostname' (\"API.openai.com\") is not a DNS hostname"],
    ['an empty Secret name', { apiKey: { secretName: '', key: 'apiKey' } }, "'backend.apiKey.secretName' (\"\") is not a valid Kubernetes object name"],
    ['a Secret key with a slash', { apiKey: { secretName: 's', key: 'a/b' } }, "'backend.apiKey.key' (\"a/b\") is not a Secret key"],
    ['an empty region', { region: ' ' }, "'backend.region' (\" \") must not be empty"],
    ['an empty project', { project: '' }, "'backend.project' (\"\") must not be empty"],
  ] as Array<[string, Partial<ProviderBackendOptions>, string]>)('provider with %s', (_name, options, message) => {
    const { gw } = setup();
    expect(errorOf(() => gw.addRoute('r', { backend: openai(options) }))).toContain(message);
  });

  test('an empty JWT audience is rejected: no token carries it', () => {
    const { gw } = setup();
    expect(errorOf(() => gw.addRoute('r', { backend: openai(), jwt: JwtAuth.of({ issuer: 'https://idp', jwksUri: 'https://idp/jwks', audiences: ['llm', ''] }) })))
      .toBe("test/gw/r: 'jwt.audiences[1]' (\"\") is empty, and no token carries an empty audience; give the aud value your tokens carry, or leave audiences out to accept any");
  });
});

describe('more of what Envoy AI Gateway and Envoy Gateway do with the rendered settings', () => {
  test('header conditions become AIGatewayRoute header matches: Exact, RegularExpression, and ".*" for presence (envoyproxy/ai-gateway v1.1.0 api/v1beta1/ai_gateway_route.go)', () => {
    const { small, gw, validate } = setup();
    gw.addRoute('r', { matches: [RouteMatch.all([RouteMatch.header('x-a', '1'), RouteMatch.headerRegex('x-b', 'v[0-9]+'), RouteMatch.headerPresent('x-c')])], backend: Backend.pool(small) });
    expect(rules(validate())[0].matches).toEqual([{
      headers: [
        { name: 'x-a', type: 'Exact', value: '1' }, { name: 'x-b', type: 'RegularExpression', value: 'v[0-9]+' }, { name: 'x-c', type: 'RegularExpression', value: '.*' },
      ],
    }]);
  });

  test('a weighted split becomes backendRef weights summing to 100', () => {
    const { small, large, gw, validate } = setup();
    gw.addRoute('r', { backend: Backend.weighted([{ backend: Backend.pool(large), weight: 9 }, { backend: Backend.pool(small), weight: 1 }]) });
    expect(rules(validate())[0].backendRefs).toEqual([{ name: 'ai-llama-3-70b', weight: 90 }, { name: 'ai-llama-3-8b', weight: 10 }]);
  });

  test('faults, per-client-IP limits and outlier detection for a provider land in the BackendTrafficPolicy of the rule (envoyproxy/gateway v1.8.1 api/v1alpha1)', () => {
    const { gw, validate } = setup();
    gw.addRoute('r', {
      backend: openai(),
      fault: FaultInjection.of({ delay: Duration.minutes(2), delayPercent: 5 }),
      rateLimit: RateLimit.requestsPerMinute(60, { key: RateLimitKey.clientIp() }),
      circuitBreaker: CircuitBreaker.of({ outlierDetection: { consecutiveErrors: 3 } }),
    });
    const spec = btp(validate(), 'ai-r');
    expect(spec.faultInjection).toEqual({ delay: { fixedDelay: '2m', percentage: 5 } });
    expect(spec.rateLimit).toEqual({ type: 'Global', global: { rules: [{ limit: { requests: 60, unit: 'Minute' }, clientSelectors: [{ sourceCIDR: { type: 'Distinct', value: '0.0.0.0/0' } }] }] } });
    expect(spec.healthCheck).toEqual({ passive: { consecutive5XxErrors: 3, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 } });
  });

  test('a route that sets its own JWT gets a SecurityPolicy targeting its rule by sectionName', () => {
    const { small, gw, validate } = setup();
    gw.addRoute('r', { backend: Backend.pool(small), jwt: JwtAuth.of({ issuer: 'https://idp', jwksUri: 'https://idp/jwks' }), rateLimit: RateLimit.requestsPerSecond(5, { key: RateLimitKey.header('x-tenant') }) });
    const docs = validate();
    expect(only(docs, 'SecurityPolicy').spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'ai', sectionName: 'r' }]);
    expect(btp(docs, 'ai-r').rateLimit.global.rules[0].clientSelectors).toEqual([{ headers: [{ name: 'x-tenant', type: 'Distinct' }] }]);
  });
});
