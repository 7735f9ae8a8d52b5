import { Chart, Testing } from 'cdk8s';
import {
  AiGateway, Backend, DataPlane, GatewayImplementation, ILlmModelPool, InferencePool, LlmModelPool, ModelServer, ModelServerKind,
  ModelServiceAttributes, RouteMatch,
} from '../src';
import { errorOf } from './support/errors';
import { Manifest, only, synthValid } from './support/synth';

/*
 * A model server deployed by another tool (Helm chart, KServe, a cdk8s-plus Deployment) is imported with
 * LlmModelPool.fromService and routed to like the library's own pools, directly or behind an InferencePool.
 */

/** The Service and pods of a vLLM Helm release: port 80 on the Service, 8000 in the pods, selected by two labels. */
const VLLM_RELEASE: ModelServiceAttributes = {
  serviceName: 'vllm-llama',
  port: 80,
  targetPort: 8000,
  selectorLabels: { 'app.kubernetes.io/name': 'vllm', 'app.kubernetes.io/instance': 'llama' },
  serverKind: ModelServerKind.VLLM,
};

function chart(): Chart {
  return new Chart(Testing.app(), 'test', { namespace: 'llm' });
}

function imported(c: Chart, attributes: Partial<ModelServiceAttributes> = {}): ILlmModelPool {
  return LlmModelPool.fromService(c, 'vllm', { ...VLLM_RELEASE, ...attributes });
}

describe('LlmModelPool.fromService', () => {
  test('creates no Kubernetes objects', () => {
    const c = chart();
    imported(c);
    expect(synthValid(c)).toEqual([]);
  });

  test('takes the chart\'s namespace, the Service name as its name, and the Service port as the target port unless told', () => {
    const c = chart();
    const pool = LlmModelPool.fromService(c, 'svc', { serviceName: 'tgi', port: 8080, selectorLabels: { app: 'tgi' } });
    expect([pool.name, pool.namespaceName, pool.serviceName, pool.servicePort, pool.containerPort]).toEqual(['tgi', 'llm', 'tgi', 8080, 8080]);
    expect([pool.selectorLabels, pool.serverKind, pool.scraped]).toEqual([{ app: 'tgi' }, ModelServerKind.OTHER, false]);
    expect(pool.node.path).toBe('test/svc');
  });

  test('an LlmModelPool is an ILlmModelPool of kind vLLM exactly when its server exports vLLM\'s metrics', () => {
    const c = chart();
    const pools: ILlmModelPool[] = [
      new LlmModelPool(c, 'vllm', { modelName: 'm', server: ModelServer.vllm({ model: 'meta-llama/Llama-3.1-8B-Instruct' }) }),
      new LlmModelPool(c, 'custom', { modelName: 'm', server: ModelServer.custom({ image: 'x/tgi:1', port: 8080, exportsVllmMetrics: true }) }),
      new LlmModelPool(c, 'demo', { modelName: 'm', server: ModelServer.demo() }),
    ];
    expect(pools.map(p => p.serverKind)).toEqual([ModelServerKind.VLLM, ModelServerKind.VLLM, ModelServerKind.OTHER]);
  });

  test.each([
    ['a Service name that is not one', { serviceName: '1st-llm' },
      "test/vllm: 'serviceName' (\"1st-llm\") cannot name a Service (1 to 63 lowercase letters, digits and \"-\", starting with a letter); use the name of the Service in front of the model server"],
    ['a port out of range', { port: 0 }, "test/vllm: 'port' (0) is not a TCP port; use a whole number from 1 to 65535"],
    ['a target port out of range', { targetPort: 70000 }, "test/vllm: 'targetPort' (70000) is not a TCP port"],
    ['no selector labels', { selectorLabels: {} },
      "test/vllm: 'selectorLabels' ({}) selects no pods in particular (an empty selector selects every pod of the namespace); give the labels of the server's pods, such as the Service's selector"],
    ['a selector label value that is not one', { selectorLabels: { app: 'vllm llama' } }, "test/vllm: 'selectorLabels.app' (\"vllm llama\") is not a Kubernetes label value"],
    ['a namespace that is not one', { namespaceName: 'LLM' }, "test/vllm: 'namespaceName' (\"LLM\")"],
    ['a server kind that is not one', { serverKind: 'sglang' as ModelServerKind },
      "test/vllm: 'serverKind' (\"sglang\") is not a ModelServerKind; use ModelServerKind.VLLM or ModelServerKind.OTHER"],
    ['a name that is not one', { name: 'Llama' }, "test/vllm: 'name' (\"Llama\") cannot name a Service"],
  ] as Array<[string, Partial<ModelServiceAttributes>, string]>)('rejects %s', (_name, attributes, message) => {
    expect(errorOf(() => imported(chart(), attributes))).toContain(message);
  });

  test('two imports of one Service are allowed (the Service belongs to the tool that made it)', () => {
    const c = chart();
    imported(c);
    expect(() => LlmModelPool.fromService(c, 'again', VLLM_RELEASE)).not.toThrow();
  });
});

describe('an imported model server behind a gateway', () => {
  test('on Istio: a VirtualService destination to the Service port, and a NetworkPolicy on the pods\' labels and target port', () => {
    const c = chart();
    const pool = imported(c);
    const gw = new AiGateway(c, 'gw', { name: 'gw', dataPlane: DataPlane.istio(), hostnames: ['llm.example.com'] });
    gw.addRoute('llama', { backend: Backend.pool(pool) });
    const docs = synthValid(c);
    expect(only(docs, 'VirtualService').spec.http[0].route).toEqual([
      { destination: { host: 'vllm-llama.llm.svc.cluster.local', port: { number: 80 } } },
    ]);
    const policy = only(docs, 'NetworkPolicy');
    expect(policy.metadata).toMatchObject({ name: 'gw-to-vllm-llama', namespace: 'llm' });
    expect(policy.spec.podSelector).toEqual({ matchLabels: VLLM_RELEASE.selectorLabels });
    expect(policy.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 8000 }]);
  });

  test('imported twice (in two charts) gets one NetworkPolicy per gateway, not two of one name', () => {
    const app = Testing.app();
    const models = new Chart(app, 'models', { namespace: 'llm' });
    const c = new Chart(app, 'test', { namespace: 'llm' });
    const gw = new AiGateway(c, 'gw', { name: 'gw', dataPlane: DataPlane.istio(), hostnames: ['llm.example.com'] });
    gw.addRoute('a', { matches: [RouteMatch.header('x-a', '1')], backend: Backend.pool(imported(models)) });
    gw.addRoute('b', { backend: Backend.pool(imported(c)) });
    expect(synthValid(c).filter(d => d.kind === 'NetworkPolicy').map(d => d.metadata.name)).toEqual(['gw-to-vllm-llama']);
  });

  test('that Prometheus scrapes needs its namespace admitted, as the library\'s monitored pools do', () => {
    const c = chart();
    const pool = imported(c, { scraped: true });
    const gw = new AiGateway(c, 'gw', { name: 'gw', dataPlane: DataPlane.istio(), hostnames: ['llm.example.com'] });
    expect(errorOf(() => gw.addRoute('llama', { backend: Backend.pool(pool) }))).toBe(
      "test/gw/llama: 'backend' (\"test/vllm\") is scraped by Prometheus on its serving port, and network isolation would admit only the gateway there, so "
      + "monitoring and queue-depth autoscaling would stop; add Prometheus' namespace to the gateway's allowedNamespaces (such as ['monitoring']), or set networkIsolation: false");
  });

  test('Backend.pool rejects what is not a pool, naming it', () => {
    const c = chart();
    const gw = new AiGateway(c, 'gw', { name: 'gw', dataPlane: DataPlane.istio(), hostnames: ['llm.example.com'] });
    expect(gw.routes).toEqual([]);
    expect(errorOf(() => Backend.pool({ serviceName: 'x' } as any))).toBe(
      "Backend.pool: 'pool' ({\"serviceName\":\"x\"}) is not a model pool; pass an LlmModelPool, or a server imported with LlmModelPool.fromService(...)");
  });
});

describe('an imported vLLM server behind an InferencePool', () => {
  /** The InferencePool and picker a model server made elsewhere gets from this library. */
  function checkInferencePool(docs: Manifest[]) {
    const inferencePool = only(docs, 'InferencePool', 'vllm-llama');
    expect(inferencePool.metadata.namespace).toBe('llm');
    // The pods the Helm release labelled, on the port the server listens on in them (not the Service port).
    expect(inferencePool.spec.selector).toEqual({ matchLabels: VLLM_RELEASE.selectorLabels });
    expect(inferencePool.spec.targetPorts).toEqual([{ number: 8000 }]);
    expect(inferencePool.spec.endpointPickerRef).toEqual({ name: 'vllm-llama-epp', port: { number: 9002 }, failureMode: 'FailClose' });
    const picker = only(docs, 'Deployment', 'vllm-llama-epp');
    const labels = picker.spec.template.metadata.labels;
    // The picker's pods are not selected by the release's selector, so they never receive completions.
    expect(Object.entries(VLLM_RELEASE.selectorLabels).every(([k, v]) => labels[k] === v)).toBe(false);
    const args = picker.spec.template.spec.containers[0].args as string[];
    expect(args[args.indexOf('--pool-name') + 1]).toBe('vllm-llama');
    // The gateway and the picker (which reads the servers' metrics on the serving port) may reach the pods.
    const policy = only(docs, 'NetworkPolicy');
    expect(policy.spec.podSelector).toEqual({ matchLabels: VLLM_RELEASE.selectorLabels });
    expect(policy.spec.ingress[0].from).toContainEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'llm' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/component': 'endpoint-picker', 'app.kubernetes.io/instance': 'vllm-llama-epp' } },
    });
    expect(policy.spec.ingress[0].ports).toContainEqual({ protocol: 'TCP', port: 8000 });
    // Nothing of the release itself: no Deployment or Service of the model server.
    expect(docs.filter(d => d.metadata.name === 'vllm-llama' && (d.kind === 'Deployment' || d.kind === 'Service'))).toEqual([]);
  }

  test('on Gateway API with Envoy Gateway: an HTTPRoute backendRef to the InferencePool, validated', () => {
    const c = chart();
    const pool = imported(c);
    const inferencePool = new InferencePool(c, 'llama-inference-pool', { pool });
    const gw = new AiGateway(c, 'gw', {
      name: 'gw', dataPlane: DataPlane.gatewayApi({ gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway() }), hostnames: ['llm.example.com'],
    });
    gw.addRoute('llama', { matches: [RouteMatch.header('x-model', 'llama')], backend: Backend.inferencePool(inferencePool) });
    const docs = synthValid(c);
    expect(only(docs, 'HTTPRoute').spec.rules[0].backendRefs).toEqual([{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'vllm-llama' }]);
    checkInferencePool(docs);
  });

  test('on Envoy AI Gateway: an AIGatewayRoute backendRef to the InferencePool, validated', () => {
    const c = chart();
    const pool = imported(c);
    const inferencePool = new InferencePool(c, 'llama-inference-pool', { pool });
    const gw = new AiGateway(c, 'gw', { name: 'gw', dataPlane: DataPlane.envoyAiGateway({ gatewayClassName: 'eg' }), hostnames: ['llm.example.com'] });
    gw.addRoute('llama', { matches: [RouteMatch.model('llama-3-8b')], backend: Backend.inferencePool(inferencePool) });
    const docs = synthValid(c);
    expect(only(docs, 'AIGatewayRoute').spec.rules[0].backendRefs).toEqual([{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'vllm-llama' }]);
    checkInferencePool(docs);
  });

  test('shows in the topology as an imported model server behind an endpoint picker', () => {
    const c = chart();
    const inferencePool = new InferencePool(c, 'llama-inference-pool', { pool: imported(c) });
    const gw = new AiGateway(c, 'gw', { name: 'gw', dataPlane: DataPlane.envoyAiGateway({ gatewayClassName: 'eg' }), hostnames: ['llm.example.com'] });
    gw.addRoute('llama', { backend: Backend.inferencePool(inferencePool) });
    expect(gw.topology()).toContain('InferencePool vllm-llama (llm)<br/>endpoint picker<br/>model server (imported)');
  });

  test('two gateways on two data planes share the one InferencePool', () => {
    const c = chart();
    const inferencePool = new InferencePool(c, 'llama-inference-pool', { pool: imported(c) });
    const eg = new AiGateway(c, 'eg', {
      name: 'eg', dataPlane: DataPlane.gatewayApi({ gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway() }), hostnames: ['a.example.com'],
    });
    const ai = new AiGateway(c, 'ai', { name: 'ai', dataPlane: DataPlane.envoyAiGateway({ gatewayClassName: 'eg' }), hostnames: ['b.example.com'] });
    eg.addRoute('llama', { backend: Backend.inferencePool(inferencePool) });
    ai.addRoute('llama', { backend: Backend.inferencePool(inferencePool) });
    const docs = synthValid(c);
    expect(docs.filter(d => d.kind === 'InferencePool')).toHaveLength(1);
    expect(docs.filter(d => d.kind === 'Deployment' && d.metadata.name === 'vllm-llama-epp')).toHaveLength(1);
  });

  test('of another kind than vLLM is rejected when the InferencePool is made', () => {
    const c = chart();
    const pool = imported(c, { serverKind: ModelServerKind.OTHER });
    expect(errorOf(() => new InferencePool(c, 'ip', { pool }))).toBe(
      "test/ip: 'pool' (\"test/vllm\") is a model server of kind other, which does not export the vLLM metrics the endpoint picker reads; "
      + 'use ModelServer.vllm() or a custom server with exportsVllmMetrics (serverKind ModelServerKind.VLLM when imported), or route with Backend.pool()');
  });

  test('without a namespace is rejected when the InferencePool is made', () => {
    const c = new Chart(Testing.app(), 'test');
    const pool = imported(c);
    expect(errorOf(() => new InferencePool(c, 'ip', { pool }))).toBe(
      "test/ip: 'pool' (\"test/vllm\") has no namespace, and an InferencePool must live in its pods' namespace; set a namespace on the pool or its chart");
  });
});
