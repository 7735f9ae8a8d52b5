import * as fs from 'fs';
import { ApiObject, Chart, Duration, JsonPatch, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import { Accelerator } from '../src/accelerator';
import { Monitoring } from '../src/autoscaling';
import { GatewayApiImplementationKind, InferencePoolRenderer, PICKER_CONTRACTS } from '../src/gateway-objects/inference-pool-refs';
import { InferencePool, InferencePoolProps, PickerFailureMode } from '../src/inference-pool';
import { LlmModelPool, LlmModelPoolProps } from '../src/llm-model-pool';
import { ModelServer } from '../src/model-server';
import { errorOf } from './support/errors';
import { kinds, Manifest, only, synthValid } from './support/synth';
import { Backend } from '../src/routing/backend';
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

type Options = Omit<InferencePoolProps, 'pool'>;

/** A route's destination to a new InferencePool over `pool`, made in the pool's chart. */
function destination(c: Chart, pool: LlmModelPool, options: Options = {}, id = `${pool.node.id}-inference-pool`): DestinationSpec {
  return destinationTo(c, new InferencePool(c, id, { pool, ...options }));
}

function destinationTo(c: Chart, inferencePool: InferencePool): DestinationSpec {
  return Backend.inferencePool(inferencePool)._resolve(c, 'backend', 'llm').destinations[0];
}

/** How the Gateway API implementations render the picker: Istio needs a DestinationRule for its TLS, the others do not. */
const ISTIO_PICKER = { pickerDestinationRule: true };
const NO_PICKER_RULE = { pickerDestinationRule: false };

/** Renders one pool behind an InferencePool and returns the validated documents. */
function render(options: Options = {}, implementation: GatewayApiImplementationKind = 'envoy-gateway',
  poolProps: Partial<LlmModelPoolProps> = {}) {
  const c = chart();
  const pool = gpuPool(c, poolProps);
  const ref = new InferencePoolRenderer(c, implementation === 'istio' ? ISTIO_PICKER : NO_PICKER_RULE).render(c, 'backend', destination(c, pool, options));
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

  test('of two InferencePools in one namespace cannot share a name (the second is rejected when it is made, naming the first)', () => {
    const c = chart();
    const other = new LlmModelPool(c, 'mistral', { name: 'mistral', modelName: 'mistral', server: VLLM, accelerator: Accelerator.nvidiaGpu({ count: 1 }) });
    new InferencePool(c, 'llama-ip', { pool: gpuPool(c), objectives: [{ name: 'critical', priority: 1 }] });
    expect(errorOf(() => new InferencePool(c, 'mistral-ip', { pool: other, objectives: [{ name: 'batch', priority: 0 }, { name: 'critical', priority: 2 }] }))).toBe(
      "test/mistral-ip: 'objectives[1].name' (\"critical\") is already an objective of InferencePool test/llama-ip in namespace llm, and an InferenceObjective "
      + 'is named by the header value clients send; give the objectives of InferencePools that share a namespace different names');
  });

  test('are reachable by name, and an unknown name is rejected with the names there are', () => {
    const c = chart();
    const ip = new InferencePool(c, 'ip', { pool: gpuPool(c), objectives: [{ name: 'critical', priority: 1 }, { name: 'batch', priority: 0 }] });
    expect(ip.objectiveNames).toEqual(['critical', 'batch']);
    expect(ip.objective('batch').kind).toBe('InferenceObjective');
    expect(ip.objective('batch').name).toBe('batch');
    expect(errorOf(() => ip.objective('chat'))).toBe("test/ip: 'objective' (\"chat\") is not an objective of this InferencePool; use one of critical, batch");
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

describe('an InferencePool that several routes and gateways route to', () => {
  function twice() {
    const c = chart();
    const inferencePool = new InferencePool(c, 'ip', { pool: gpuPool(c), objectives: [{ name: 'critical', priority: 1 }] });
    const routeA = new Construct(c, 'route-a');
    const routeB = new Construct(c, 'route-b');
    return { c, inferencePool, routeA, routeB };
  }

  test('is one set of objects, and the same ref for every route', () => {
    const { c, inferencePool, routeA, routeB } = twice();
    const renderer = new InferencePoolRenderer(c, ISTIO_PICKER);
    const first = renderer.render(routeA, 'backend', destinationTo(c, inferencePool));
    const second = renderer.render(routeB, 'backend', destinationTo(c, inferencePool));
    expect(second).toEqual(first);
    const docs = synthValid(c);
    for (const kind of ['InferencePool', 'InferenceObjective', 'ConfigMap', 'ServiceAccount', 'Role', 'RoleBinding', 'DestinationRule']) {
      expect(docs.filter(d => d.kind === kind)).toHaveLength(1);
    }
    expect(docs.filter(d => d.metadata.name === 'llama-epp' && (d.kind === 'Deployment' || d.kind === 'Service'))).toHaveLength(2);
  });

  test('from two gateways\' renderers (Istio and Envoy Gateway) is one set of objects with one DestinationRule', () => {
    const { c, inferencePool } = twice();
    const first = new InferencePoolRenderer(new Construct(c, 'gw-a'), ISTIO_PICKER).render(c, 'backend', destinationTo(c, inferencePool));
    const second = new InferencePoolRenderer(new Construct(c, 'gw-b'), NO_PICKER_RULE).render(c, 'backend', destinationTo(c, inferencePool));
    new InferencePoolRenderer(new Construct(c, 'gw-c'), ISTIO_PICKER).render(c, 'backend', destinationTo(c, inferencePool));
    expect(second).toEqual(first);
    const docs = synthValid(c);
    expect(docs.filter(d => d.kind === 'InferencePool')).toHaveLength(1);
    expect(docs.filter(d => d.kind === 'DestinationRule')).toHaveLength(1);
    expect(inferencePool.pickerDestinationRule).toBe(inferencePool.node.findChild('PickerDestinationRule'));
  });

  test('of the same name as another in the namespace is rejected when it is made, naming the first', () => {
    const { c } = twice();
    const pool = c.node.findChild('llama') as LlmModelPool;
    expect(errorOf(() => new InferencePool(c, 'again', { pool, pickerReplicas: 2 }))).toBe(
      "test/again: 'pool' (\"llama\") is already the name of InferencePool test/ip in namespace llm, and the two would overwrite each other's objects; "
      + 'give the InferencePool another name');
    // Under another name, a second InferencePool over the same pods is allowed (a canary of picker settings).
    const second = new InferencePool(c, 'canary', { pool, name: 'llama-canary' });
    expect(second.pickerName).toBe('llama-canary-epp');
    synthValid(c);
  });
});

describe('escape hatches', () => {
  const c = chart();
  const pool = gpuPool(c, { monitoring: Monitoring.podMonitor() });
  const ip = new InferencePool(c, 'ip', { pool });

  test('the InferencePool object is the construct\'s Resource', () => {
    expect(ApiObject.of(ip)).toBe(ip.resource);
    expect(ip.resource.kind).toBe('InferencePool');
    expect(ip.resource.name).toBe('llama');
  });

  test('every picker object has a typed accessor', () => {
    const objects: Array<[ApiObject | undefined, string]> = [
      [ip.pickerDeployment, 'Deployment'], [ip.pickerService, 'Service'], [ip.pickerConfigMap, 'ConfigMap'],
      [ip.pickerServiceAccount, 'ServiceAccount'], [ip.pickerRole, 'Role'], [ip.pickerRoleBinding, 'RoleBinding'], [ip.pickerMonitor, 'PodMonitor'],
    ];
    for (const [object, kind] of objects) {
      expect(object?.kind).toBe(kind);
      expect(object?.name).toBe('llama-epp');
      expect(object?.metadata.namespace).toBe('llm');
    }
    expect(ip.pickerDestinationRule).toBeUndefined();
  });

  test('an override through an accessor reaches the manifest', () => {
    const c2 = chart();
    const ip2 = new InferencePool(c2, 'ip', { pool: gpuPool(c2) });
    ip2.pickerDeployment.addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', 'system-cluster-critical'));
    expect(only(synthValid(c2), 'Deployment', 'llama-epp').spec.template.spec.priorityClassName).toBe('system-cluster-critical');
  });
});

describe('settings', () => {
  test('picker CPU and memory', () => {
    const { container } = render({ pickerResources: { cpu: Cpu.millis(500), memory: Size.gibibytes(1) } });
    expect(container.resources).toEqual({ requests: { cpu: '500m', memory: '1024Mi' }, limits: { memory: '1024Mi' } });
  });

  test('a monitor of its own for the picker of an unmonitored pool', () => {
    const { docs } = render({ monitoring: Monitoring.serviceMonitor() });
    expect(only(docs, 'ServiceMonitor', 'llama-epp').spec.endpoints).toEqual([{ port: 'http-metrics', path: '/metrics', interval: '15s' }]);
  });

  test.each([
    ['a pool without GPUs', () => {
      const c = chart();
      return new InferencePool(c, 'ip', { pool: new LlmModelPool(c, 'demo', { modelName: 'demo', server: ModelServer.demo() }) });
    }, "test/ip: 'pool' (\"test/demo\") is a pool without GPUs, and an endpoint picker balances GPU queues and KV caches; "
      + 'route with Backend.pool() to CPU pools, or give the pool an accelerator'],
    ['a pool whose server exports no vLLM metrics', () => {
      const c = chart();
      return new InferencePool(c, 'ip', {
        pool: new LlmModelPool(c, 'tgi', { modelName: 'm', server: ModelServer.custom({ image: 'x/tgi:1', port: 8080 }), accelerator: Accelerator.nvidiaGpu({ count: 1 }) }),
      });
    }, "test/ip: 'pool' (\"test/tgi\") is a model server of kind other, which does not export the vLLM metrics the endpoint picker reads; "
      + 'use ModelServer.vllm() or a custom server with exportsVllmMetrics (serverKind ModelServerKind.VLLM when imported), or route with Backend.pool()'],
    ['a pool without a namespace', () => {
      const c = new Chart(Testing.app(), 'test');
      return new InferencePool(c, 'ip', { pool: gpuPool(c) });
    }, "test/ip: 'pool' (\"test/llama\") has no namespace, and an InferencePool must live in its pods' namespace; set a namespace on the pool or its chart"],
    ['no pool', () => new InferencePool(chart(), 'ip', { pool: undefined as any }),
      "test/ip: 'pool' (not set) is not a model pool; pass an LlmModelPool, or a server imported with LlmModelPool.fromService(...)"],
    ['scorers all off', () => { const c = chart(); return new InferencePool(c, 'ip', { pool: gpuPool(c), scorers: { queue: 0, kvCache: 0, prefixCache: 0 } }); },
      "test/ip: 'scorers' ({\"queue\":0,\"kvCache\":0,\"prefixCache\":0}) switch every scorer off, so the picker could not rank replicas; give at least one scorer a weight above 0"],
    ['an objective named twice', () => {
      const c = chart();
      return new InferencePool(c, 'ip', { pool: gpuPool(c), objectives: [{ name: 'chat', priority: 1 }, { name: 'chat', priority: 2 }] });
    }, "test/ip: 'objectives' ([\"chat\",\"chat\"]) names an objective twice; give each objective its own name"],
    ['no picker replicas', () => { const c = chart(); return new InferencePool(c, 'ip', { pool: gpuPool(c), pickerReplicas: 0 }); },
      "test/ip: 'pickerReplicas' (0) must be a whole number from 1 to 10"],
    ['a failure mode that is not one', () => { const c = chart(); return new InferencePool(c, 'ip', { pool: gpuPool(c), failureMode: 'FailSometimes' as any }); },
      "test/ip: 'failureMode' (\"FailSometimes\") is not a PickerFailureMode; use PickerFailureMode.FAIL_CLOSE or PickerFailureMode.FAIL_OPEN"],
    ['no picker memory', () => { const c = chart(); return new InferencePool(c, 'ip', { pool: gpuPool(c), pickerResources: { memory: Size.kibibytes(0) } }); },
      "test/ip: 'pickerResources.memory' (\"0Ki\") must be a whole number of kibibytes, at least 1"],
  ] as Array<[string, () => InferencePool, string]>)('%s is rejected when the InferencePool is made', (_name, make, message) => {
    expect(errorOf(make)).toContain(message);
  });

  test('Backend.inferencePool takes an InferencePool, not the pool (the form before InferencePool was a construct)', () => {
    const c = chart();
    const pool = gpuPool(c);
    expect(errorOf(() => Backend.inferencePool(pool as any))).toBe(
      "Backend.inferencePool: 'inferencePool' (\"test/llama\") is not an InferencePool; create one next to the pool (new InferencePool(scope, id, { pool })) "
      + 'and pass it to Backend.inferencePool()');
  });
});

describe('names', () => {
  test('of the picker must fit a Service name', () => {
    const c = chart();
    const pool = gpuPool(c, { name: 'a'.repeat(60) });
    expect(errorOf(() => new InferencePool(c, 'ip', { pool }))).toBe(
      `test/ip: 'pool' ("${'a'.repeat(60)}") cannot name an InferencePool whose endpoint picker Service is '${'a'.repeat(60)}-epp' (Service names are 1 to 63 `
      + 'lowercase letters, digits and "-", starting with a letter); give the InferencePool a name of at most 59 characters that starts with a letter');
    expect(new InferencePool(c, 'named', { pool, name: 'short' }).pickerName).toBe('short-epp');
  });

  test('of the picker must not be another pool\'s, whichever comes first', () => {
    const c = chart();
    const pool = gpuPool(c);
    new LlmModelPool(c, 'other', { name: 'llama-epp', modelName: 'other', server: ModelServer.demo() });
    expect(errorOf(() => new InferencePool(c, 'ip', { pool }))).toBe(
      "test/ip: 'pool' (\"llama\") needs an endpoint picker Service named 'llama-epp', and pool test/other already has a Service of that name "
      + 'in namespace llm; give the InferencePool or the other one another name');

    const later = chart();
    new InferencePool(later, 'ip', { pool: gpuPool(later) });
    expect(errorOf(() => new LlmModelPool(later, 'other', { name: 'llama-epp', modelName: 'other', server: ModelServer.demo() }))).toBe(
      "test/other: 'name' (\"llama-epp\") is already the name of the endpoint picker of InferencePool test/ip in the same namespace, and the two "
      + "would overwrite each other's objects; give each pool in a namespace its own name");
  });

  test('of two pools in one app cannot be the same in one namespace (the second pool is rejected before any InferencePool)', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a', { namespace: 'llm' });
    const b = new Chart(app, 'b', { namespace: 'llm' });
    new InferencePoolRenderer(a, NO_PICKER_RULE).render(a, 'backend', destination(a, gpuPool(a)));
    expect(errorOf(() => gpuPool(b))).toBe(
      "b/llama: 'name' (\"llama\") is already the name of pool a/llama in the same namespace, and the two would overwrite each other's objects; "
      + 'give each pool in a namespace its own name');
  });

  test('are per namespace: pools and InferencePools of one name in two namespaces of one app', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a', { namespace: 'team-a' });
    const b = new Chart(app, 'b', { namespace: 'team-b' });
    new InferencePool(a, 'ip', { pool: gpuPool(a), objectives: [{ name: 'critical', priority: 1 }] });
    new InferencePool(b, 'ip', { pool: gpuPool(b), objectives: [{ name: 'critical', priority: 1 }] });
    const docs = [...synthValid(a), ...synthValid(b)];
    expect(docs.filter(d => d.kind === 'InferencePool').map(d => `${d.metadata.namespace}/${d.metadata.name}`)).toEqual(['team-a/llama', 'team-b/llama']);
  });

  test('of a pool in another namespace are that namespace\'s', () => {
    const c = chart();
    const pool = gpuPool(c, { namespaceName: 'models' });
    const ref = new InferencePoolRenderer(c, ISTIO_PICKER).render(c, 'backend', destination(c, pool));
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
  expect(() => new InferencePoolRenderer(c, NO_PICKER_RULE).render(c, 'backend', d)).toThrow(/is a pool destination without an InferencePool/);
});

test('the picker contracts name tests of this file that exist', () => {
  const source = fs.readFileSync(__filename, 'utf8');
  for (const c of PICKER_CONTRACTS) {
    const [file, ...title] = c.test.split(' > ');
    expect(file).toBe('inference-pool.test.ts');
    expect(source).toContain(title.join(' > '));
  }
});
