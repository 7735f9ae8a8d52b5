import * as fs from 'fs';
import { Chart, Duration, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import { Accelerator } from '../src/accelerator';
import { Monitoring } from '../src/autoscaling';
import { GatewayApiImplementationKind, InferencePoolRenderer, PICKER_CONTRACTS } from '../src/gateway-api/inference-pool';
import { LlmModelPool, LlmModelPoolProps } from '../src/llm-model-pool';
import { ModelServer } from '../src/model-server';
import { errorOf } from './support/errors';
import { kinds, Manifest, only, synthValid } from './support/synth';
import { Backend, InferencePoolBackendOptions, PickerFailureMode } from '../src/routing/backend';
import { DestinationSpec } from '../src/routing/resolved';

// Imports come from the modules, not the package index, which other data planes change.
const VLLM = ModelServer.vllm({ model: 'meta-llama/Llama-3.1-8B-Instruct' });

function chart(): Chart {
  return new Chart(Testing.app(), 'test', { namespace: 'llm' });
}

function gpuPool(c: Chart, props: Partial<LlmModelPoolProps> = {}): LlmModelPool {
  return new LlmModelPool(c, 'llama', {
    name: 'llama', modelName: 'llama-3-8b', server: VLLM, accelerator: Accelerator.nvidiaGpu({ count: 1 }), ...props,
  });
}

function destination(c: Chart, pool: LlmModelPool, options: InferencePoolBackendOptions = {}): DestinationSpec {
  return Backend.inferencePool(pool, options)._resolve(c, 'backend', 'llm').destinations[0];
}

/** Renders one pool behind an InferencePool and returns the validated documents. */
function render(options: InferencePoolBackendOptions = {}, implementation: GatewayApiImplementationKind = 'envoy-gateway',
  poolProps: Partial<LlmModelPoolProps> = {}) {
  const c = chart();
  const pool = gpuPool(c, poolProps);
  const ref = new InferencePoolRenderer(c, implementation).render(c, 'backend', destination(c, pool, options));
  const docs = synthValid(c);
  const deployment = only(docs, 'Deployment', 'llama-epp');
  const container = deployment.spec.template.spec.containers[0];
  return { c, pool, ref, docs, deployment, pod: deployment.spec.template.spec, container, args: container.args as string[] };
}

/** The value that follows `flag` in the picker's args. */
function arg(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args[i + 1];
}

function pickerConfig(docs: Manifest[]): any {
  return parse(only(docs, 'ConfigMap', 'llama-epp').data['default-plugins.yaml']);
}

describe('the InferencePool', () => {
  const { pool, ref, docs } = render();
  const inferencePool = only(docs, 'InferencePool', 'llama');

  test('is returned as a backendRef without a port', () => {
    expect(ref).toEqual({
      group: 'inference.networking.k8s.io',
      kind: 'InferencePool',
      name: 'llama',
      namespace: 'llm',
      pickerPodLabels: { 'app.kubernetes.io/component': 'endpoint-picker', 'app.kubernetes.io/instance': 'llama-epp' },
    });
    expect(ref.port).toBeUndefined();
  });

  test('selects the pool\'s pods by its selector labels on the container port', () => {
    expect(inferencePool.apiVersion).toBe('inference.networking.k8s.io/v1');
    expect(inferencePool.metadata.namespace).toBe('llm');
    expect(inferencePool.spec.selector).toEqual({ matchLabels: pool.selectorLabels });
    expect(inferencePool.spec.targetPorts).toEqual([{ number: pool.containerPort }]);
    expect(pool.containerPort).toBe(8000);
    expect(inferencePool.spec.appProtocol).toBe('http');
  });

  test('names the picker Service and its gRPC port, and fails closed by default', () => {
    expect(inferencePool.spec.endpointPickerRef).toEqual({ name: 'llama-epp', port: { number: 9002 }, failureMode: 'FailClose' });
  });

  test('fails open when asked', () => {
    const open = render({ failureMode: PickerFailureMode.FAIL_OPEN });
    expect(only(open.docs, 'InferencePool').spec.endpointPickerRef.failureMode).toBe('FailOpen');
  });

  test('comes with the picker\'s objects and nothing for Istio', () => {
    expect(kinds(docs).sort()).toEqual([
      'ConfigMap', 'Deployment', 'Deployment', 'InferencePool', 'PodDisruptionBudget', 'Role', 'RoleBinding', 'Service', 'Service', 'ServiceAccount',
    ]);
    expect(docs.filter(d => d.metadata.name === 'llama-epp').every(d => d.metadata.namespace === 'llm')).toBe(true);
  });
});

describe('the endpoint picker', () => {
  const { docs, deployment, pod, container, args, pool } = render();

  test('serves ext-proc on a ClusterIP Service port for HTTP/2, and metrics', () => {
    const service = only(docs, 'Service', 'llama-epp');
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.ports).toEqual([
      { name: 'grpc-ext-proc', port: 9002, targetPort: 'grpc', protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' },
      { name: 'http-metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP' },
    ]);
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
  });

  test('is told its pool, config and ports, without leader election for one replica', () => {
    expect(container.image).toBe('ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.10.0');
    expect(deployment.spec.replicas).toBe(1);
    expect(arg(args, '--pool-name')).toBe('llama');
    expect(arg(args, '--pool-namespace')).toBe('llm');
    expect(arg(args, '--pool-group')).toBe('inference.networking.k8s.io');
    expect(arg(args, '--config-file')).toBe('/config/default-plugins.yaml');
    expect(arg(args, '--grpc-port')).toBe('9002');
    expect(arg(args, '--grpc-health-port')).toBe('9003');
    expect(arg(args, '--metrics-port')).toBe('9090');
    expect(args).not.toContain('--ha-enable-leader-election');
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
  });

  test('exposes its ports and probes gRPC health on 9003', () => {
    expect(container.ports).toEqual([
      { name: 'grpc', containerPort: 9002, protocol: 'TCP' },
      { name: 'grpc-health', containerPort: 9003, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
    ]);
    expect(container.readinessProbe.grpc).toEqual({ port: 9003, service: 'inference-extension' });
    expect(container.livenessProbe.grpc).toEqual({ port: 9003, service: 'inference-extension' });
  });

  test('mounts its config, drains for 130 s and runs without privileges under its own ServiceAccount', () => {
    expect(container.volumeMounts).toContainEqual({ name: 'config', mountPath: '/config', readOnly: true });
    expect(pod.volumes).toContainEqual({ name: 'config', configMap: { name: 'llama-epp' } });
    expect(pod.terminationGracePeriodSeconds).toBe(130);
    expect(pod.serviceAccountName).toBe('llama-epp');
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(only(docs, 'ServiceAccount').metadata.name).toBe('llama-epp');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.resources.requests).toEqual({ cpu: '1', memory: '2Gi' });
  });

  test('is labelled as the endpoint picker and never selected as a model server', () => {
    const labels = deployment.spec.template.metadata.labels;
    expect(labels['app.kubernetes.io/component']).toBe('endpoint-picker');
    expect(only(docs, 'Service', 'llama-epp').metadata.labels['app.kubernetes.io/component']).toBe('endpoint-picker');
    for (const key of Object.keys(pool.selectorLabels)) expect(labels).not.toHaveProperty([key]);
  });

  test('keeps the pool\'s extra labels', () => {
    const labelled = render({}, 'envoy-gateway', { labels: { team: 'ml' } });
    expect(labelled.deployment.spec.template.metadata.labels).toMatchObject({ 'team': 'ml', 'app.kubernetes.io/component': 'endpoint-picker' });
    expect(only(labelled.docs, 'InferencePool').metadata.labels).toMatchObject({ team: 'ml' });
  });

  test('may read pods, its InferencePool and objectives and rewrites in both groups, and nothing else', () => {
    const role = only(docs, 'Role', 'llama-epp');
    const read = ['get', 'watch', 'list'];
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: read },
      { apiGroups: ['inference.networking.k8s.io'], resources: ['inferencepools'], verbs: read },
      { apiGroups: ['llm-d.ai'], resources: ['inferenceobjectives', 'inferencemodelrewrites'], verbs: read },
      { apiGroups: ['inference.networking.x-k8s.io'], resources: ['inferenceobjectives', 'inferencemodelrewrites'], verbs: read },
    ]);
    const binding = only(docs, 'RoleBinding', 'llama-epp');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'llama-epp' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'llama-epp', namespace: 'llm' }]);
  });
});

/*
 * llm-d-router v0.10.0 pkg/epp/server/options.go: NewOptions sets Tracing, MetricsEndpointAuth and EnablePprof to true;
 * pkg/common/observability/tracing/telemetry.go exports to http://localhost:4317 unless OTEL_EXPORTER_OTLP_ENDPOINT is
 * set; cmd/epp/runner/runner.go guards the metrics server with controller-runtime's WithAuthenticationAndAuthorization
 * filter (TokenReview + SubjectAccessReview) and adds the pprof handlers to the same server. The official chart
 * (config/charts/routerlib/templates/_deployment.yaml) passes --tracing=false unless tracing is configured, and
 * --metrics-endpoint-auth=false when monitoring.prometheus.auth.enabled is false.
 */
describe('the endpoint picker\'s telemetry', () => {
  test('does not trace to a collector the pod does not have (tracing is on by default in v0.10.0 and exports to localhost:4317)', () => {
    const { args, container } = render();
    // Boolean pflags take their value after "="; a separate "false" argument would not be read as the value.
    expect(args).toContain('--tracing=false');
    expect(args).not.toContain('--tracing');
    expect(container.env.map((e: { name: string }) => e.name)).not.toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
  });

  test('serves /metrics without the token review its ServiceAccount may not make, so Prometheus can scrape it, and no pprof beside it', () => {
    const { args, docs } = render();
    expect(args).toContain('--metrics-endpoint-auth=false');
    expect(args).toContain('--enable-pprof=false');
    // Nothing in the picker's RBAC would let it review tokens: authentication had to go, not be half-configured.
    const role = only(docs, 'Role', 'llama-epp');
    expect(role.rules.flatMap((r: { apiGroups: string[] }) => r.apiGroups)).not.toContain('authentication.k8s.io');
    expect(kinds(docs)).not.toContain('ClusterRoleBinding');
  });

  test('is not monitored when its pool is not', () => {
    const { docs } = render();
    expect(kinds(docs)).not.toContain('ServiceMonitor');
    expect(kinds(docs)).not.toContain('PodMonitor');
  });

  test('is monitored like its pool: a ServiceMonitor on the metrics port of the picker Service, with the interval and monitor labels of the pool', () => {
    const { docs } = render({}, 'envoy-gateway', {
      monitoring: Monitoring.serviceMonitor({ interval: Duration.seconds(30), labels: { release: 'kube-prometheus-stack' } }),
    });
    const monitor = only(docs, 'ServiceMonitor', 'llama-epp');
    expect(monitor.metadata.namespace).toBe('llm');
    expect(monitor.metadata.labels).toMatchObject({ 'release': 'kube-prometheus-stack', 'app.kubernetes.io/component': 'endpoint-picker' });
    expect(monitor.spec.endpoints).toEqual([{ port: 'http-metrics', path: '/metrics', interval: '30s' }]);
    // It selects the picker's Service, whose http-metrics port leads to the container's metrics port 9090, and not
    // the pool's Service (which the pool's own monitor scrapes).
    const services = docs.filter(d => d.kind === 'Service');
    const selected = services.filter(svc => Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => svc.metadata.labels?.[k] === v));
    expect(selected.map(svc => svc.metadata.name)).toEqual(['llama-epp']);
    expect(selected[0].spec.ports).toContainEqual({ name: 'http-metrics', port: 9090, targetPort: 'metrics', protocol: 'TCP' });
    expect(only(docs, 'ServiceMonitor', 'llama').spec.selector.matchLabels).toEqual({
      'ai-gateway.cdk8s.io/pool': 'llama', 'ai-gateway.cdk8s.io/model': 'llama-3-8b',
    });
  });

  test('is monitored by a PodMonitor on the metrics port of the container when the pool uses one', () => {
    const { docs, deployment, container } = render({}, 'envoy-gateway', { monitoring: Monitoring.podMonitor() });
    const monitor = only(docs, 'PodMonitor', 'llama-epp');
    expect(monitor.spec.podMetricsEndpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '15s' }]);
    expect(monitor.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(container.ports).toContainEqual({ name: 'metrics', containerPort: 9090, protocol: 'TCP' });
  });
});

describe('several picker replicas', () => {
  const { docs, deployment, container, args } = render({ pickerReplicas: 3 });

  test('elect a leader, which alone is ready', () => {
    expect(deployment.spec.replicas).toBe(3);
    expect(args).toContain('--ha-enable-leader-election');
    expect(container.livenessProbe.grpc).toEqual({ port: 9003, service: 'liveness' });
    expect(container.readinessProbe.grpc).toEqual({ port: 9003, service: 'readiness' });
    // Standbys never become ready: a rolling update would wait for them forever.
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
  });

  test('may hold leases and record events', () => {
    const rules = only(docs, 'Role').rules as any[];
    expect(rules).toContainEqual({ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create', 'get', 'update', 'list', 'watch'] });
    expect(rules).toContainEqual({ apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] });
    expect(rules).toHaveLength(6);
  });

  test('use the image asked for', () => {
    expect(render({ pickerImage: 'registry.example.com/epp:v1' }).container.image).toBe('registry.example.com/epp:v1');
  });
});

describe('the picker config', () => {
  test('weighs queue 2, KV cache 2 and prefix cache 3 by default, then picks the best score', () => {
    expect(pickerConfig(render().docs)).toEqual({
      apiVersion: 'llm-d.ai/v1alpha1',
      kind: 'EndpointPickerConfig',
      plugins: [{ type: 'queue-scorer' }, { type: 'kv-cache-utilization-scorer' }, { type: 'prefix-cache-scorer' }, { type: 'max-score-picker' }],
      schedulingProfiles: [{
        name: 'default',
        plugins: [
          { pluginRef: 'queue-scorer', weight: 2 },
          { pluginRef: 'kv-cache-utilization-scorer', weight: 2 },
          { pluginRef: 'prefix-cache-scorer', weight: 3 },
          { pluginRef: 'max-score-picker' },
        ],
      }],
    });
  });

  test('uses custom weights and leaves out scorers weighted 0', () => {
    const config = pickerConfig(render({ scorers: { queue: 5, kvCache: 0, prefixCache: 1 } }).docs);
    expect(config.plugins).toEqual([{ type: 'queue-scorer' }, { type: 'prefix-cache-scorer' }, { type: 'max-score-picker' }]);
    expect(config.schedulingProfiles[0].plugins).toEqual([
      { pluginRef: 'queue-scorer', weight: 5 },
      { pluginRef: 'prefix-cache-scorer', weight: 1 },
      { pluginRef: 'max-score-picker' },
    ]);
  });
});

describe('objectives', () => {
  test('become InferenceObjectives named like the header value, referring to the InferencePool', () => {
    const { docs } = render({ objectives: [{ name: 'critical', priority: 10 }, { name: 'batch', priority: -5 }] });
    const critical = only(docs, 'InferenceObjective', 'critical');
    expect(critical.apiVersion).toBe('llm-d.ai/v1alpha2');
    expect(critical.metadata.namespace).toBe('llm');
    expect(critical.spec).toEqual({ poolRef: { group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'llama' }, priority: 10 });
    expect(only(docs, 'InferenceObjective', 'batch').spec.priority).toBe(-5);
  });

  test('are none by default', () => {
    expect(render().docs.filter(d => d.kind === 'InferenceObjective')).toEqual([]);
  });

  test('of two pools in one namespace cannot share a name', () => {
    const c = chart();
    const renderer = new InferencePoolRenderer(c, 'generic');
    const other = new LlmModelPool(c, 'mistral', { name: 'mistral', modelName: 'mistral', server: VLLM, accelerator: Accelerator.nvidiaGpu({ count: 1 }) });
    renderer.render(c, 'backend', destination(c, gpuPool(c), { objectives: [{ name: 'critical', priority: 1 }] }));
    expect(errorOf(() => renderer.render(c, 'other', destination(c, other, { objectives: [{ name: 'critical', priority: 2 }] })))).toBe(
      "test: 'other.objectives' (\"critical\") is already an objective of pool test/llama in namespace llm, and an InferenceObjective is named by the "
      + 'header value clients send; give the objectives of pools that share a namespace different names');
  });
});

describe('Istio', () => {
  test('gets a DestinationRule that originates TLS to the picker\'s self-signed certificate', () => {
    const { docs } = render({}, 'istio');
    const rule = only(docs, 'DestinationRule', 'llama-epp');
    expect(rule.apiVersion).toBe('networking.istio.io/v1');
    expect(rule.metadata.namespace).toBe('llm');
    expect(rule.spec).toEqual({ host: 'llama-epp.llm.svc.cluster.local', trafficPolicy: { tls: { mode: 'SIMPLE', insecureSkipVerify: true } } });
  });

  test.each(['envoy-gateway', 'generic'] as const)('is the only implementation that gets one (not %s)', implementation => {
    expect(render({}, implementation).docs.filter(d => d.kind === 'DestinationRule')).toEqual([]);
  });
});

describe('rendering a pool again', () => {
  function twice() {
    const c = chart();
    const pool = gpuPool(c);
    const routeA = new Construct(c, 'route-a');
    const routeB = new Construct(c, 'route-b');
    return { c, pool, routeA, routeB };
  }

  test('returns the same ref and renders the objects once', () => {
    const { c, pool, routeA, routeB } = twice();
    const renderer = new InferencePoolRenderer(c, 'istio');
    const options = { objectives: [{ name: 'critical', priority: 1 }] };
    const first = renderer.render(routeA, 'backend', destination(c, pool, options));
    const second = renderer.render(routeB, 'backend', destination(c, pool, options));
    expect(second).toBe(first);
    const docs = synthValid(c);
    for (const kind of ['InferencePool', 'InferenceObjective', 'ConfigMap', 'ServiceAccount', 'Role', 'RoleBinding', 'DestinationRule']) {
      expect(docs.filter(d => d.kind === kind)).toHaveLength(1);
    }
    expect(docs.filter(d => d.metadata.name === 'llama-epp' && (d.kind === 'Deployment' || d.kind === 'Service'))).toHaveLength(2);
  });

  test('from another gateway\'s renderer shares the objects too', () => {
    const { c, pool } = twice();
    const first = new InferencePoolRenderer(new Construct(c, 'gw-a'), 'envoy-gateway').render(c, 'backend', destination(c, pool));
    const second = new InferencePoolRenderer(new Construct(c, 'gw-b'), 'envoy-gateway').render(c, 'backend', destination(c, pool));
    expect(second).toBe(first);
    expect(synthValid(c).filter(d => d.kind === 'InferencePool')).toHaveLength(1);
  });

  test('with other options is rejected, naming both routes and the settings that differ', () => {
    const { c, pool, routeA, routeB } = twice();
    const renderer = new InferencePoolRenderer(c, 'envoy-gateway');
    renderer.render(routeA, 'backend', destination(c, pool));
    expect(errorOf(() => renderer.render(routeB, 'backend[1].backend', destination(c, pool, { pickerReplicas: 2, failureMode: PickerFailureMode.FAIL_OPEN })))).toBe(
      "test/route-b: 'backend[1].backend' (\"test/llama\") asks for endpoint picker settings (failureMode \"FailOpen\", pickerReplicas 2) "
      + "other than those of test/route-a 'backend' (failureMode \"FailClose\", pickerReplicas 1), which routes to the same pool, and a pool has one "
      + 'InferencePool and one endpoint picker; give every Backend.inferencePool() of this pool the same options (create the Backend once and reuse it)');
  });
});

describe('names', () => {
  test('of the picker must fit a Service name', () => {
    const c = chart();
    const pool = gpuPool(c, { name: 'a'.repeat(61) });
    expect(errorOf(() => new InferencePoolRenderer(c, 'generic').render(c, 'backend', destination(c, pool)))).toBe(
      `test: 'backend' ("${'a'.repeat(61)}") names a pool whose endpoint picker Service '${'a'.repeat(61)}-epp' would be longer than 63 characters; `
      + 'give the pool a name of at most 59 characters');
  });

  test('of the picker must not be another pool\'s', () => {
    const c = chart();
    const pool = gpuPool(c);
    new LlmModelPool(c, 'other', { name: 'llama-epp', modelName: 'other', server: ModelServer.demo() });
    expect(errorOf(() => new InferencePoolRenderer(c, 'generic').render(c, 'backend', destination(c, pool)))).toBe(
      "test: 'backend' (\"llama\") needs an endpoint picker Service named 'llama-epp', and pool test/other already has a Service of that name "
      + 'in namespace llm; rename one of the pools');
  });

  test('of two pools in one app cannot be the same in one namespace (the second pool is rejected before any InferencePool)', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a', { namespace: 'llm' });
    const b = new Chart(app, 'b', { namespace: 'llm' });
    new InferencePoolRenderer(a, 'generic').render(a, 'backend', destination(a, gpuPool(a)));
    expect(errorOf(() => gpuPool(b))).toBe(
      "b/llama: 'name' (\"llama\") is already the name of pool a/llama in the same namespace, and the two would overwrite each other's objects; "
      + 'give each pool in a namespace its own name');
  });

  test('of a pool in another namespace are that namespace\'s', () => {
    const c = chart();
    const pool = gpuPool(c, { namespaceName: 'models' });
    const ref = new InferencePoolRenderer(c, 'istio').render(c, 'backend', destination(c, pool));
    expect(ref.namespace).toBe('models');
    const docs = synthValid(c);
    expect(only(docs, 'InferencePool').metadata.namespace).toBe('models');
    expect(arg(only(docs, 'Deployment', 'llama-epp').spec.template.spec.containers[0].args, '--pool-namespace')).toBe('models');
    expect(only(docs, 'DestinationRule').spec.host).toBe('llama-epp.models.svc.cluster.local');
  });
});

test('a destination that is not an InferencePool is a bug in the caller, not rejected input', () => {
  const c = chart();
  const pool = gpuPool(c);
  const d = Backend.pool(pool)._resolve(c, 'backend', 'llm').destinations[0];
  expect(() => new InferencePoolRenderer(c, 'generic').render(c, 'backend', d)).toThrow(/is a pool destination without pool, namespace and settings/);
});

test('the picker contracts name tests of this file that exist', () => {
  const source = fs.readFileSync(__filename, 'utf8');
  for (const c of PICKER_CONTRACTS) {
    const [file, ...title] = c.test.split(' > ');
    expect(file).toBe('inference-pool.test.ts');
    expect(source).toContain(title.join(' > '));
  }
});
