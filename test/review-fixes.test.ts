import { Chart, Duration, Testing } from 'cdk8s';
import {
  Accelerator, AiGateway, Backend, DataPlane, GatewayImplementation, JwtAuth, LlmModelPool, ModelServer, Monitoring, ProviderApi, RateLimit,
  RetryCondition,
  RetryPolicy, RouteMatch, CircuitBreaker, GatewayApiChannel, SessionAffinity,
} from '../src';
import { errorOf } from './support/errors';
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
    expect(only(docs, 'BackendTrafficPolicy').spec.retry.perRetry).toEqual({ timeout: '60s' });
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
    expect(errorOf(() => gw.addRoute('r', { backend: Backend.inferencePool(p), sessionAffinity: SessionAffinity.header('x-session') })))
      .toContain("test/gw/r: 'sessionAffinity' (\"SessionAffinity.header\") has no effect on an InferencePool, whose endpoint picker chooses the replica");
  });

  test('a circuit breaker on an InferencePool with the Istio implementation', () => {
    const { gw, p } = setup(GatewayImplementation.istio());
    expect(errorOf(() => gw.addRoute('r', { backend: Backend.inferencePool(p), circuitBreaker: CircuitBreaker.of({ maxConnections: 5 }) })))
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
      .toEqual({ name: 's', ttl: '3600s', attributes: { Path: '/v1' } });
  });
});
