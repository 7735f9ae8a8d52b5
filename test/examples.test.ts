import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { Manifest, only } from './support/synth';
import { build as buildEnvoyAiGateway } from '../examples/envoy-ai-gateway/main';
import { build as buildGatewayApiEnvoy } from '../examples/gateway-api-envoy/main';
import { build as buildGatewayApiIstio } from '../examples/gateway-api-istio-experimental/main';
import { build as buildGpuAwareRouting } from '../examples/gpu-aware-routing/main';
import { build as buildIstioGateway } from '../examples/istio-gateway/main';
import { build as buildLlmService } from '../examples/llm-service/main';
import { build as buildTiers } from '../examples/tiers/main';
import { assertValidManifests, ValidateOptions } from '../tools/validator';

/** Every chart of an example app, synthesized, validated strictly and keyed by chart id. */
function synthExample(build: (app: App) => void, options: ValidateOptions = {}): Record<string, Manifest[]> {
  const app = Testing.app();
  build(app);
  const charts: Record<string, Manifest[]> = {};
  for (const chart of app.charts) {
    const docs = Testing.synth(chart as Chart) as Manifest[];
    assertValidManifests(docs, options);
    charts[chart.node.id] = docs;
  }
  return charts;
}

test('every example folder is covered here and by npm run synth', () => {
  const root = path.join(__dirname, '..', 'examples');
  const examples = fs.readdirSync(root, { withFileTypes: true }).filter(e => e.isDirectory() && fs.existsSync(path.join(root, e.name, 'main.ts'))).map(e => e.name);
  expect(examples.sort()).toEqual(['envoy-ai-gateway', 'gateway-api-envoy', 'gateway-api-istio-experimental', 'gpu-aware-routing', 'istio-gateway', 'llm-service', 'nginx-ingress', 'tiers']);
});

describe('llm-service (the seed)', () => {
  const docs = synthExample(buildLlmService)['llm-service'];

  test('two replicas of the CPU demo server behind a ClusterIP Service on port 80', () => {
    const deployment = only(docs, 'Deployment', 'llm-service');
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.containers[0].image).toBe('nginxdemos/hello:plain-text');
    expect(deployment.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu']).toBeUndefined();
    expect(only(docs, 'Service', 'llm-service').spec).toMatchObject({ type: 'ClusterIP', ports: [{ port: 80, targetPort: 'http' }] });
  });

  test('output is unchanged (change detector)', () => {
    expect(docs).toMatchSnapshot();
  });
});

describe('tiers', () => {
  const docs = synthExample(buildTiers).tiers;

  test('the small tier runs on CPU, the large tier on four H100s', () => {
    const small = only(docs, 'Deployment', 'small').spec.template.spec;
    const large = only(docs, 'Deployment', 'large').spec.template.spec;
    expect(small.containers[0].resources.limits['nvidia.com/gpu']).toBeUndefined();
    expect(large.containers[0].resources.limits['nvidia.com/gpu']).toBe('4');
    expect(large.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' });
    expect(large.containers[0].args).toEqual(expect.arrayContaining(['--tensor-parallel-size', '4']));
  });

  test('the large tier is autoscaled on queue depth and scraped; the small tier has the tutorial\'s one replica', () => {
    expect(only(docs, 'ScaledObject', 'large').spec).toMatchObject({ minReplicaCount: 1, maxReplicaCount: 4 });
    expect(only(docs, 'PodMonitor', 'large').metadata.labels.release).toBe('kube-prometheus-stack');
    expect(only(docs, 'Deployment', 'large').spec.replicas).toBeUndefined();
    expect(only(docs, 'Deployment', 'small').spec.replicas).toBe(1);
    expect(docs.filter(d => d.kind === 'ScaledObject')).toHaveLength(1);
  });

  test('each tier carries the tutorial\'s MODEL_TYPE', () => {
    const env = (name: string) => only(docs, 'Deployment', name).spec.template.spec.containers[0].env;
    expect(env('small')).toEqual([{ name: 'MODEL_TYPE', value: 'small' }]);
    expect(env('large')).toEqual(expect.arrayContaining([{ name: 'MODEL_TYPE', value: 'large' }]));
  });

  test('the large tier may load its model for 30 minutes', () => {
    const probe = only(docs, 'Deployment', 'large').spec.template.spec.containers[0].startupProbe;
    expect(probe.periodSeconds * probe.failureThreshold).toBe(1800);
  });

  test('output is unchanged (change detector)', () => {
    expect(docs).toMatchSnapshot();
  });
});

describe('istio-gateway (the seed scenarios on Istio)', () => {
  const docs = synthExample(buildIstioGateway)['istio-gateway'];
  const http = only(docs, 'VirtualService').spec.http;

  test('the tutorial\'s content routing: /v1/chat/completions with x-llm-model-type: large to the large pool, the rest to the small one, 3 and 2 attempts', () => {
    // The path segment by segment: /v1/chat/completions itself, or under it (docs/tutorial-changes.md).
    const chat = [{ exact: '/v1/chat/completions' }, { prefix: '/v1/chat/completions/' }];
    const tier = (t: string) => chat.map(uri => ({ uri, headers: { 'x-llm-model-type': { exact: t } } }));
    expect(http.map((r: Manifest) => [r.match, r.route[0].destination.host, r.retries.attempts])).toEqual([
      [tier('large'), 'large.llm.svc.cluster.local', 3],
      [[...tier('small'), ...chat.map(uri => ({ uri }))], 'small.llm.svc.cluster.local', 2],
    ]);
    expect(only(docs, 'VirtualService').spec.hosts).toEqual(['llm.example.com']);
    expect(http.every((r: Manifest) => r.timeout === '300s')).toBe(true);
  });

  test('the tutorial\'s circuit breaker (100 / 10 / 3), the tiers\' MODEL_TYPE and replica counts', () => {
    for (const rule of docs.filter(d => d.kind === 'DestinationRule')) {
      expect(rule.spec.trafficPolicy.connectionPool).toEqual({ http: { http2MaxRequests: 100, http1MaxPendingRequests: 10, maxRetries: 3 } });
    }
    const small = only(docs, 'Deployment', 'small');
    expect(small.spec.replicas).toBe(1);
    expect(small.spec.template.spec.containers[0].env).toEqual([{ name: 'MODEL_TYPE', value: 'small' }]);
    expect(only(docs, 'ScaledObject', 'large').spec.minReplicaCount).toBe(1);
    expect(only(docs, 'Deployment', 'large').spec.template.spec.containers[0].env).toEqual(expect.arrayContaining([{ name: 'MODEL_TYPE', value: 'large' }]));
  });

  test('circuit breaking, the 429 rate limit, the JWT pair and the NetworkPolicies are all there', () => {
    expect(docs.filter(d => d.kind === 'DestinationRule')).toHaveLength(2);
    expect(only(docs, 'EnvoyFilter').spec.configPatches).toHaveLength(2);
    expect(only(docs, 'AuthorizationPolicy').spec.action).toBe('DENY');
    expect(only(docs, 'RequestAuthentication').spec.jwtRules[0].issuer).toBe('https://auth.example.com');
    expect(docs.filter(d => d.kind === 'NetworkPolicy').map(d => d.metadata.name).sort()).toEqual(['llm-gateway-to-large', 'llm-gateway-to-small']);
  });

  test('output is unchanged (change detector)', () => {
    expect(docs).toMatchSnapshot();
  });
});

describe('gateway-api-envoy (the seed scenarios on Gateway API with Envoy Gateway)', () => {
  const docs = synthExample(buildGatewayApiEnvoy)['gateway-api-envoy'];

  test('the same routes as on Istio: header large to the large pool, the rest to the small one', () => {
    const rules = only(docs, 'HTTPRoute').spec.rules;
    const chat = { type: 'PathPrefix', value: '/v1/chat/completions' };
    expect(rules.map((r: Manifest) => [r.name, r.matches, r.backendRefs])).toEqual([
      ['large', [{ path: chat, headers: [{ name: 'x-llm-model-type', type: 'Exact', value: 'large' }] }], [{ name: 'large', port: 8000 }]],
      ['small', [{ path: chat, headers: [{ name: 'x-llm-model-type', type: 'Exact', value: 'small' }] }, { path: chat }], [{ name: 'small', port: 80 }]],
    ]);
    expect(docs.filter(d => d.kind === 'BackendTrafficPolicy').map(d => d.spec.retry.numRetries)).toEqual([3, 2]);
    for (const policy of docs.filter(d => d.kind === 'BackendTrafficPolicy')) {
      expect(policy.spec.circuitBreaker).toEqual({ maxParallelRequests: 100, maxPendingRequests: 10, maxParallelRetries: 3 });
    }
    expect(only(docs, 'SecurityPolicy').spec.targetRefs[0].kind).toBe('Gateway');
  });

  test('output is unchanged (change detector)', () => {
    expect(docs).toMatchSnapshot();
  });
});

describe('gateway-api-istio-experimental', () => {
  const docs = synthExample(buildGatewayApiIstio, { gatewayApiChannel: 'experimental' })['gateway-api-istio-experimental'];

  test('retries on the experimental HTTPRoute, circuit breaking in DestinationRules, JWT on the Gateway, no rate limit', () => {
    expect(only(docs, 'HTTPRoute').spec.rules.map((r: Manifest) => r.retry)).toEqual([
      { attempts: 3, codes: [503], backoff: '250ms' }, { attempts: 2, codes: [503], backoff: '250ms' },
    ]);
    expect(docs.filter(d => d.kind === 'DestinationRule')).toHaveLength(2);
    expect(only(docs, 'AuthorizationPolicy').spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'llm-gateway' }]);
    expect(docs.filter(d => d.kind === 'EnvoyFilter' || d.kind === 'BackendTrafficPolicy')).toEqual([]);
  });
});

describe('gpu-aware-routing', () => {
  const docs = synthExample(buildGpuAwareRouting)['gpu-aware-routing'];

  test('both routes go to InferencePools selecting the pools by their labels', () => {
    const rules = only(docs, 'HTTPRoute').spec.rules;
    expect(rules.map((r: Manifest) => r.backendRefs)).toEqual([
      [{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'qwen' }],
      [{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'llama' }],
    ]);
    const llama = only(docs, 'InferencePool', 'llama').spec;
    expect(llama.selector.matchLabels).toEqual(only(docs, 'Service', 'llama').spec.selector);
    expect(llama.targetPorts).toEqual([{ number: 8000 }]);
    expect(llama.endpointPickerRef).toEqual({ name: 'llama-epp', port: { number: 9002 }, failureMode: 'FailClose' });
    expect(docs.filter(d => d.kind === 'InferenceObjective').map(d => [d.metadata.name, d.spec.priority])).toEqual([['interactive', 10], ['batch', -10]]);
  });

  test('output is unchanged (change detector)', () => {
    expect(docs).toMatchSnapshot();
  });
});

describe('envoy-ai-gateway', () => {
  const docs = synthExample(buildEnvoyAiGateway)['envoy-ai-gateway'];

  test('routes by model: 8B to its InferencePool, 70B to its pool with Bedrock as fallback, and a per-tenant token budget', () => {
    const rules = only(docs, 'AIGatewayRoute').spec.rules;
    expect(rules.map((r: Manifest) => r.matches[0].headers[0])).toEqual([
      { name: 'x-ai-eg-model', type: 'Exact', value: 'llama-3-8b' },
      { name: 'x-ai-eg-model', type: 'Exact', value: 'llama-3-70b' },
    ]);
    expect(rules[1].backendRefs).toEqual([
      { name: 'ai-gateway-llama-70b', priority: 0 },
      { name: 'ai-gateway-bedrock', priority: 1, modelNameOverride: 'meta.llama3-1-70b-instruct-v1:0' },
    ]);
    expect(only(docs, 'BackendSecurityPolicy').spec.awsCredentials).toEqual({ region: 'us-east-1', credentialsFile: { secretRef: { name: 'bedrock-credentials' } } });
    for (const policy of docs.filter(d => d.kind === 'BackendTrafficPolicy')) {
      expect(policy.spec.rateLimit.global.rules[0].clientSelectors).toEqual([{ headers: [{ name: 'x-tenant-id', type: 'Distinct' }] }]);
    }
    expect(rules.map((r: Manifest) => r.streamIdleTimeout)).toEqual(['1m', '1m']);
  });

  test('output is unchanged (change detector)', () => {
    expect(docs).toMatchSnapshot();
  });
});
