import { Chart, Duration, Testing } from 'cdk8s';
import {
  Accelerator, AiGateway, Backend, DataPlane, GatewayImplementation, JwtAuth, LlmModelPool, ModelServer, Monitoring, ProviderApi, RateLimit,
  RetryCondition,
  RetryPolicy, RouteMatch, CircuitBreaker, GatewayApiChannel, SessionAffinity,
} from '../src';
import { errorOf } from './support/errors';
import { pickedBy } from './support/inference-pool';
import { Manifest, only, synthValid } from './support/synth';

/* Findings of a review of the renderers, each pinned by a test. */

function pool(chart: Chart, name = 'p', monitored = false): LlmModelPool {
  return new LlmModelPool(chart, name, {
    name,
    modelName: name,
    server: ModelServer.vllm({ model: 'meta-llama/Llama-3.1-8B-Instruct' }),
    accelerator: Accelerator.nvidiaGpu({ count: 1 }),
    monitoring: monitored ? Monitoring.podMonitor() : undefined,
  });
}

test('Envoy Gateway: a per-try timeout goes into the BackendTrafficPolicy, never HTTPRoute backendRequest (which would become the whole request timeout)', () => {
  for (const dataPlane of [
    DataPlane.gatewayApi({ gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway() }),
    DataPlane.envoyAiGateway({ gatewayClassName: 'eg' }),
  ]) {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'llm' });
    const gw = new AiGateway(chart, 'gw', { name: 'gw', dataPlane, hostnames: ['llm.example.com'] });
    gw.addRoute('r', { backend: Backend.pool(pool(chart)), retry: RetryPolicy.custom({ attempts: 2, perTryTimeout: Duration.seconds(60), conditions: [RetryCondition.CONNECT_FAILURE] }) });
    const docs = synthValid(chart);
    expect(JSON.stringify(docs)).not.toContain('backendRequest');
    expect(only(docs, 'BackendTrafficPolicy').spec.retry.perRetry).toEqual({ timeout: '1m' });
  }
});

test('Istio: objects in the shared gateway namespace are qualified with the gateway namespace, so equal gateway names do not collide', () => {
  const app = Testing.app();
  const names = ['team-a', 'team-b'].map(ns => {
    const chart = new Chart(app, ns, { namespace: ns });
    const gw = new AiGateway(chart, 'gw', {
      name: 'llm-gateway',
      dataPlane: DataPlane.istio(),
      hostnames: [`${ns}.example.com`],
      defaults: { jwt: JwtAuth.of({ issuer: 'https://idp', jwksUri: 'https://idp/jwks' }), rateLimit: RateLimit.requestsPerSecond(5) },
    });
    gw.addRoute('r', { backend: Backend.pool(pool(chart)) });
    return synthValid(chart).filter(d => d.metadata.namespace === 'istio-ingress').map(d => d.metadata.name);
  });
  expect(names[0]).toEqual(['team-a-llm-gateway-jwt', 'team-a-llm-gateway-require-jwt', 'team-a-llm-gateway-local-ratelimit']);
  expect(names[1].filter(n => names[0].includes(n))).toEqual([]);
});

test('Envoy AI Gateway: one provider name for two different providers is rejected, not silently merged', () => {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'llm' });
  const gw = new AiGateway(chart, 'gw', { name: 'gw', dataPlane: DataPlane.envoyAiGateway({ gatewayClassName: 'eg' }), hostnames: ['llm.example.com'] });
  const provider = (api: ProviderApi, hostname: string) => Backend.provider({ name: 'main', api, hostname, apiKey: { secretName: 's', key: 'apiKey' } });
  gw.addRoute('a', { matches: [RouteMatch.model('a')], backend: provider(ProviderApi.OPENAI, 'api.openai.com') });
  expect(errorOf(() => gw.addRoute('b', { matches: [RouteMatch.model('b')], backend: provider(ProviderApi.ANTHROPIC, 'api.anthropic.com') })))
    .toBe("test/gw/b: 'backend.name' (\"main\") names another provider than route 'a' does (OpenAI api.openai.com); give each provider its own name");
});

test('network isolation would block Prometheus from a monitored pool: rejected unless its namespace is allowed', () => {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'llm' });
  const p = pool(chart, 'p', true);
  const gw = new AiGateway(chart, 'gw', { name: 'gw', dataPlane: DataPlane.istio(), hostnames: ['llm.example.com'] });
  expect(errorOf(() => gw.addRoute('r', { backend: Backend.pool(p) }))).toBe(
    "test/gw/r: 'backend' (\"test/p\") is scraped by Prometheus on its serving port, and network isolation would admit only the gateway there, "
    + 'so monitoring and queue-depth autoscaling would stop; add Prometheus\' namespace to the gateway\'s allowedNamespaces (such as [\'monitoring\']), or set networkIsolation: false');
  const allowed = new Chart(Testing.app(), 'test', { namespace: 'llm' });
  new AiGateway(allowed, 'gw', { name: 'gw', dataPlane: DataPlane.istio(), hostnames: ['llm.example.com'], allowedNamespaces: ['monitoring'] })
    .addRoute('r', { backend: Backend.pool(pool(allowed, 'p', true)) });
  expect((synthValid(allowed).find(d => d.kind === 'NetworkPolicy') as Manifest).spec.ingress[0].from).toHaveLength(2);
});

describe('policies that would have no effect are rejected, not dropped', () => {
  const setup = (impl: GatewayImplementation) => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'llm' });
    const gw = new AiGateway(chart, 'gw', {
      name: 'gw', dataPlane: DataPlane.gatewayApi({ gatewayClassName: 'x', implementation: impl, channel: GatewayApiChannel.EXPERIMENTAL }), hostnames: ['llm.example.com'],
    });
    return { chart, gw, p: pool(chart) };
  };

  test('affinity on an InferencePool (its endpoint picker chooses the replica)', () => {
    const { gw, p } = setup(GatewayImplementation.envoyGateway());
    expect(errorOf(() => gw.addRoute('r', { backend: Backend.inferencePool(pickedBy(p)), sessionAffinity: SessionAffinity.header('x-session') })))
      .toContain("test/gw/r: 'sessionAffinity' (\"SessionAffinity.header\") has no effect on an InferencePool, whose endpoint picker chooses the replica");
  });

  test('a circuit breaker on an InferencePool with the Istio implementation', () => {
    const { gw, p } = setup(GatewayImplementation.istio());
    expect(errorOf(() => gw.addRoute('r', { backend: Backend.inferencePool(pickedBy(p)), circuitBreaker: CircuitBreaker.of({ maxConnections: 5 }) })))
      .toContain("test/gw/r: 'circuitBreaker' (\"CircuitBreaker\") has no DestinationRule to live in for an InferencePool with the Istio implementation");
  });

  test('a cookie path with HTTPRoute sessionPersistence; Envoy Gateway renders it as a cookie attribute', () => {
    const cookie = SessionAffinity.cookie({ name: 's', ttl: Duration.hours(1), path: '/v1' });
    const generic = setup(GatewayImplementation.generic());
    expect(errorOf(() => generic.gw.addRoute('r', { backend: Backend.pool(generic.p), sessionAffinity: cookie })))
      .toContain("test/gw/r: 'sessionAffinity.path' (\"/v1\") cannot be expressed by HTTPRoute sessionPersistence, which has no cookie path");
    const eg = setup(GatewayImplementation.envoyGateway());
    eg.gw.addRoute('r', { backend: Backend.pool(eg.p), sessionAffinity: cookie });
    expect(only(synthValid(eg.chart, { gatewayApiChannel: 'experimental' }), 'BackendTrafficPolicy').spec.loadBalancer.consistentHash.cookie)
      .toEqual({ name: 's', ttl: '1h', attributes: { Path: '/v1' } });
  });
});

describe('limits and defaults', () => {
  test('Gateway API: more rules than an HTTPRoute holds go into a second one, and more hostnames than a route carries are rejected', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'llm' });
    const gw = new AiGateway(chart, 'gw', { name: 'gw', dataPlane: DataPlane.gatewayApi({ gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway() }), hostnames: ['llm.example.com'] });
    const p = pool(chart);
    for (let i = 0; i < 16; i++) gw.addRoute(`r${i}`, { matches: [RouteMatch.header('x-n', `${i}`)], backend: Backend.pool(p) });
    gw.addRoute('r16', { matches: [RouteMatch.header('x-n', '16')], backend: Backend.pool(p) });
    expect(Testing.synth(chart).filter(d => d.kind === 'HTTPRoute').map(d => [d.metadata.name, d.spec.rules.length])).toEqual([['gw', 16], ['gw-2', 1]]);
    const hosts = Array.from({ length: 17 }, (_, i) => `h${i}.example.com`);
    expect(errorOf(() => new AiGateway(new Chart(Testing.app(), 'test', { namespace: 'llm' }), 'gw', { dataPlane: DataPlane.gatewayApi({ gatewayClassName: 'eg' }), hostnames: hosts })))
      .toContain("'hostnames' (\"17 hostnames\") are more than the 16 a route can carry in Gateway API");
  });

  test('Envoy AI Gateway reserves the rule name route-not-found', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'llm' });
    const gw = new AiGateway(chart, 'gw', { name: 'gw', dataPlane: DataPlane.envoyAiGateway({ gatewayClassName: 'eg' }), hostnames: ['llm.example.com'] });
    expect(errorOf(() => gw.addRoute('route-not-found', { backend: Backend.pool(pool(chart)) })))
      .toBe("test/gw/route-not-found: 'id' (\"route-not-found\") is a rule name Envoy AI Gateway reserves; choose another route id");
  });

  test('Gateway API standard channel without Envoy Gateway leaves the library\'s default retries out, and still rejects explicit ones', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'llm' });
    const gw = new AiGateway(chart, 'gw', { name: 'gw', dataPlane: DataPlane.gatewayApi({ gatewayClassName: 'nginx' }), hostnames: ['llm.example.com'] });
    const p = pool(chart);
    gw.addRoute('a', { matches: [RouteMatch.header('x-a', '1')], backend: Backend.pool(p) });
    expect(errorOf(() => gw.addRoute('b', { backend: Backend.pool(p), retry: RetryPolicy.llmSafe() }))).toContain("'retry'");
    expect(JSON.stringify(synthValid(chart))).not.toContain('"retry"');
  });

  test('JavaScript callers without types get the library\'s error, not a TypeError', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'llm' });
    expect(errorOf(() => new AiGateway(chart, 'g1', { dataPlane: DataPlane.istio() } as any))).toContain("'hostnames' ([]) is empty");
    const gw = new AiGateway(chart, 'g2', { dataPlane: DataPlane.istio(), hostnames: ['llm.example.com'] });
    expect(errorOf(() => gw.addRoute('r', { backend: Backend.pool(pool(chart)), matches: [undefined as any] }))).toContain("'matches[0]' (not set) is not a RouteMatch");
    expect(errorOf(() => gw.addRoute('s', {} as any))).toContain("'backend' (not set) is not a Backend");
  });
});

test('Envoy Gateway cannot forward the JWT to the backend: rejected, not dropped', () => {
  for (const [dataPlane, name] of [
    [DataPlane.gatewayApi({ gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway() }), 'Envoy Gateway'],
    [DataPlane.envoyAiGateway({ gatewayClassName: 'eg' }), 'Envoy AI Gateway'],
  ] as Array<[DataPlane, string]>) {
    const jwt = JwtAuth.of({ issuer: 'https://idp', jwksUri: 'https://idp/jwks', forwardToken: true });
    expect(errorOf(() => new AiGateway(new Chart(Testing.app(), 'test', { namespace: 'llm' }), 'gw', { dataPlane, hostnames: ['llm.example.com'], defaults: { jwt } })))
      .toBe(`test/gw: 'defaults.jwt.forwardToken' (true) cannot be expressed by ${name}: its SecurityPolicy JWT provider has no setting to forward the token; `
        + 'leave forwardToken out (copy the claims the model server needs to headers instead), or use DataPlane.istio()');
  }
});

describe('two AiGateways with one name in one namespace', () => {
  const gateway = (chart: Chart, id: string, name?: string) =>
    new AiGateway(chart, id, { name, dataPlane: DataPlane.istio(), hostnames: [`${id}.example.com`] });

  test('are rejected, naming both construct paths (their objects would share names, and kubectl apply keeps the last)', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'llm' });
    gateway(chart, 'a', 'llm-gateway');
    expect(errorOf(() => gateway(chart, 'b', 'llm-gateway'))).toBe(
      "test/b: 'name' (\"llm-gateway\") is already the name of gateway test/a in namespace llm, and the two would emit objects of the same names, "
      + 'of which kubectl apply keeps only the last; give each AiGateway in a namespace its own name');
  });

  test('are rejected across the charts of one app, and without a namespace', () => {
    const app = Testing.app();
    gateway(new Chart(app, 'one', { namespace: 'llm' }), 'gw', 'llm-gateway');
    expect(errorOf(() => gateway(new Chart(app, 'two', { namespace: 'llm' }), 'gw', 'llm-gateway')))
      .toContain("two/gw: 'name' (\"llm-gateway\") is already the name of gateway one/gw in namespace llm");
    const bare = Testing.app();
    gateway(new Chart(bare, 'one'), 'gw', 'llm-gateway');
    expect(errorOf(() => gateway(new Chart(bare, 'two'), 'gw', 'llm-gateway')))
      .toContain("two/gw: 'name' (\"llm-gateway\") is already the name of gateway one/gw without a namespace");
  });

  test('are fine in different namespaces or different apps', () => {
    const app = Testing.app();
    gateway(new Chart(app, 'one', { namespace: 'team-a' }), 'gw', 'llm-gateway');
    expect(() => gateway(new Chart(app, 'two', { namespace: 'team-b' }), 'gw', 'llm-gateway')).not.toThrow();
    expect(() => gateway(new Chart(Testing.app(), 'one', { namespace: 'team-a' }), 'gw', 'llm-gateway')).not.toThrow();
  });
});

describe('label keys of data plane selectors are checked as the API server checks them', () => {
  test('Istio gatewaySelector', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'llm' });
    expect(errorOf(() => new AiGateway(chart, 'gw', { dataPlane: DataPlane.istio({ gatewaySelector: { 'istio gateway': 'ingress' } }), hostnames: ['llm.example.com'] })))
      .toBe("test/gw: 'dataPlane.gatewaySelector.istio gateway' (\"istio gateway\") is not a Kubernetes label key (an optional DNS subdomain prefix and \"/\", "
        + 'then 1 to 63 letters, digits, "-", "_" and ".", alphanumeric at both ends); use a key such as "team" or "example.com/team"');
  });

  test('ingress-nginx controllerPodLabels', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'llm' });
    const dataPlane = DataPlane.nginxIngress({ ingressClassName: 'nginx', controllerPodLabels: { 'app.kubernetes.io/name/': 'ingress-nginx' } });
    expect(errorOf(() => new AiGateway(chart, 'gw', { dataPlane, hostnames: ['llm.example.com'] })))
      .toContain("test/gw: 'dataPlane.controllerPodLabels.app.kubernetes.io/name/' (\"app.kubernetes.io/name/\") is not a Kubernetes label key");
  });
});

test('the endpoint picker of a monitored pool stays reachable by Prometheus: no NetworkPolicy selects its pods, and it is monitored', () => {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'llm' });
  const gw = new AiGateway(chart, 'gw', {
    name: 'gw',
    dataPlane: DataPlane.gatewayApi({ gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway() }),
    hostnames: ['llm.example.com'],
    allowedNamespaces: ['monitoring'],
  });
  gw.addRoute('r', { backend: Backend.inferencePool(pickedBy(pool(chart, 'p', true))) });
  const docs = synthValid(chart);
  const picker = only(docs, 'Deployment', 'p-epp');
  const pickerLabels = picker.spec.template.metadata.labels;
  const policies = docs.filter(d => d.kind === 'NetworkPolicy');
  expect(policies.length).toBeGreaterThan(0);
  for (const policy of policies) {
    const selects = Object.entries(policy.spec.podSelector.matchLabels ?? {}).every(([k, v]) => pickerLabels[k] === v);
    expect(selects).toBe(false);
  }
  expect(only(docs, 'PodMonitor', 'p-epp').spec.podMetricsEndpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '15s' }]);
  expect(picker.spec.template.spec.containers[0].args).toContain('--metrics-endpoint-auth=false');
});

test('a Service backend whose name starts with a digit is rejected: Services are DNS-1035 labels (kubernetes/kubernetes ValidateServiceName), and an Ingress naming one is refused', () => {
  const chart = Testing.chart();
  const gateway = new AiGateway(chart, 'gw', { hostnames: ['llm.example.com'], dataPlane: DataPlane.nginxIngress({ ingressClassName: 'nginx' }), networkIsolation: false });
  expect(() => gateway.addRoute('r', { backend: Backend.service({ name: '1st-llm', port: 8000 }) })).toThrow(
    'test/gw/r: \'backend.name\' ("1st-llm") cannot name a Service (1 to 63 lowercase letters, digits and "-", starting with a letter); choose a name that starts with a letter');
});
