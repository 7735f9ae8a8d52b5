import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { Manifest, only } from './support/synth';
import { assertValidManifests } from './support/validator';
import { build as buildIstioGateway } from '../examples/istio-gateway/main';
import { build as buildLlmService } from '../examples/llm-service/main';
import { build as buildTiers } from '../examples/tiers/main';

/** Every chart of an example app, synthesized, validated strictly and keyed by chart id. */
function synthExample(build: (app: App) => void): Record<string, Manifest[]> {
  const app = Testing.app();
  build(app);
  const charts: Record<string, Manifest[]> = {};
  for (const chart of app.charts) {
    const docs = Testing.synth(chart as Chart) as Manifest[];
    assertValidManifests(docs);
    charts[chart.node.id] = docs;
  }
  return charts;
}

test('every example folder is covered here and by npm run synth', () => {
  const examples = fs.readdirSync(path.join(__dirname, '..', 'examples'), { withFileTypes: true }).filter(e => e.isDirectory()).map(e => e.name);
  expect(examples.sort()).toEqual(['istio-gateway', 'llm-service', 'tiers']);
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

  test('the large tier is autoscaled on queue depth and scraped; the small tier has a fixed size', () => {
    expect(only(docs, 'ScaledObject', 'large').spec).toMatchObject({ minReplicaCount: 1, maxReplicaCount: 4 });
    expect(only(docs, 'PodMonitor', 'large').metadata.labels.release).toBe('kube-prometheus-stack');
    expect(only(docs, 'Deployment', 'large').spec.replicas).toBeUndefined();
    expect(only(docs, 'Deployment', 'small').spec.replicas).toBe(2);
    expect(docs.filter(d => d.kind === 'ScaledObject')).toHaveLength(1);
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

  test('x-llm-model-type: large goes to the large pool, everything else to the small one, each with its own retries', () => {
    expect(http.map((r: Manifest) => [r.match, r.route[0].destination.host, r.retries.attempts])).toEqual([
      [[{ headers: { 'x-llm-model-type': { exact: 'large' } } }], 'large.llm.svc.cluster.local', 1],
      [undefined, 'small.llm.svc.cluster.local', 3],
    ]);
    expect(http.every((r: Manifest) => r.timeout === '300s')).toBe(true);
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
