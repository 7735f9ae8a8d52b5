import { ApiObject, Chart, Duration, JsonPatch, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import {
  Accelerator, AiGatewayErrors, Autoscaling, LlmModelPool, LlmModelPoolProps, ModelCache, ModelServer, Monitoring, PoolLabels,
} from '../src';
import { AiGatewayError } from '../src/errors';
import { kinds, Manifest, only, synthValid } from './support/synth';

const VLLM = ModelServer.vllm({ model: 'meta-llama/Llama-3.1-8B-Instruct', huggingFaceToken: { secretName: 'hf-token', key: 'token' } });

function chart(namespace = 'llm'): Chart {
  return new Chart(Testing.app(), 'test', { namespace });
}

/** A GPU pool with vLLM, synthesized and validated; `overrides` replace the defaults. */
function gpuPool(overrides: Partial<LlmModelPoolProps> = {}) {
  const c = chart();
  const pool = new LlmModelPool(c, 'llama', {
    modelName: 'llama-3-8b',
    server: VLLM,
    accelerator: Accelerator.nvidiaGpu({ count: 1 }),
    ...overrides,
  });
  const docs = synthValid(c);
  const deployment = only(docs, 'Deployment');
  const pod = deployment.spec.template.spec;
  return { pool, docs, deployment, pod, container: pod.containers[0] };
}

/** Builds a pool in a fresh chart and returns the error it throws. */
function rejected(props: Partial<LlmModelPoolProps>, id = 'pool'): string {
  const c = chart();
  try {
    new LlmModelPool(c, id, { modelName: 'm', server: ModelServer.demo(), ...props });
  } catch (e) {
    expect(e).toBeInstanceOf(AiGatewayError);
    expect(AiGatewayErrors.isAiGatewayError(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected the pool to be rejected');
}

describe('the seed demo pool (CPU, two replicas)', () => {
  const c = chart('default');
  const pool = new LlmModelPool(c, 'llm-service', { name: 'llm-service', modelName: 'demo', server: ModelServer.demo(), replicas: 2 });
  const docs = synthValid(c);
  const deployment = only(docs, 'Deployment', 'llm-service');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];

  test('emits a Deployment, a Service and a PodDisruptionBudget, nothing else', () => {
    expect(kinds(docs).sort()).toEqual(['Deployment', 'PodDisruptionBudget', 'Service']);
    expect(ApiObject.of(pool)).toBe(pool.deployment);
  });

  test('runs the demo image on port 80 with two replicas and no GPU', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(container.image).toBe('nginxdemos/hello:plain-text');
    expect(container.ports).toEqual([{ name: 'http', containerPort: 80, protocol: 'TCP' }]);
    expect(container.resources.limits).toEqual({ memory: '64Mi' });
    expect(pod.tolerations).toBeUndefined();
    expect(pod.nodeSelector).toBeUndefined();
    expect(pod.volumes).toBeUndefined();
  });

  test('a ClusterIP Service selects exactly the pool by the labels the pool exposes', () => {
    const service = only(docs, 'Service');
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.selector).toEqual({ [PoolLabels.POOL]: 'llm-service', [PoolLabels.MODEL]: 'demo' });
    expect(service.spec.selector).toEqual(pool.selectorLabels);
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' }]);
    expect(deployment.spec.selector.matchLabels).toEqual(pool.selectorLabels);
    expect(deployment.spec.template.metadata.labels).toMatchObject(pool.selectorLabels);
    expect(pool.serviceName).toBe('llm-service');
    expect(pool.serviceFqdn).toBe('llm-service.default.svc.cluster.local');
    expect(pool.servicePort).toBe(80);
  });

  test('nginx keeps only the capabilities it needs to start as root and drop to its user', () => {
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      runAsNonRoot: false,
      capabilities: { drop: ['ALL'], add: ['CHOWN', 'NET_BIND_SERVICE', 'SETGID', 'SETUID'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('probes the root path', () => {
    expect(container.readinessProbe.httpGet).toEqual({ path: '/', port: 'http' });
  });
});

describe('a GPU pool with vLLM', () => {
  test('claims the GPU in limits as a Quantity, tolerates the GPU taint and selects GPU nodes', () => {
    const { container, pod } = gpuPool();
    expect(container.resources.limits['nvidia.com/gpu']).toBe('1');
    expect(container.resources.requests['nvidia.com/gpu']).toBeUndefined();
    expect(pod.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod.nodeSelector).toEqual({ 'nvidia.com/gpu.present': 'true' });
  });

  test('a GPU product selects nodes by the GPU Operator product label', () => {
    const { container, pod } = gpuPool({ accelerator: Accelerator.nvidiaGpu({ count: 2, product: 'NVIDIA-H100-80GB-HBM3' }) });
    expect(container.resources.limits['nvidia.com/gpu']).toBe('2');
    expect(pod.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' });
    // More than one GPU per replica shards the model over them.
    expect(container.args).toEqual(expect.arrayContaining(['--tensor-parallel-size', '2']));
  });

  test('runs vLLM on port 8000 serving the model under the pool model name', () => {
    const { container, pool } = gpuPool();
    expect(container.image).toBe('vllm/vllm-openai:v0.19.0');
    expect(container.args).toEqual(['--model', 'meta-llama/Llama-3.1-8B-Instruct', '--served-model-name', 'llama-3-8b', '--port', '8000']);
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
    expect(pool.healthPath).toBe('/health');
    expect(pool.metricsPath).toBe('/metrics');
    expect(pool.exportsVllmMetrics).toBe(true);
  });

  test('mounts a memory-backed /dev/shm and a writable model cache', () => {
    const { container, pod } = gpuPool();
    expect(pod.volumes).toEqual([
      { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '8192Mi' } },
      { name: 'model-cache', emptyDir: {} },
    ]);
    expect(container.volumeMounts).toEqual([
      { name: 'dshm', mountPath: '/dev/shm' },
      { name: 'model-cache', mountPath: '/model-cache' },
    ]);
    expect(container.env).toEqual(expect.arrayContaining([
      { name: 'HF_HOME', value: '/model-cache/huggingface' },
      { name: 'HOME', value: '/model-cache' },
    ]));
    // shm counts against the memory limit: 32 GiB by default for vLLM.
    expect(container.resources.limits.memory).toBe('32768Mi');
    expect(container.resources.requests).toEqual({ cpu: '4', memory: '32768Mi' });
  });

  test('the cache can be a sized emptyDir or an existing claim', () => {
    expect(gpuPool({ cache: ModelCache.emptyDir({ sizeLimit: Size.gibibytes(100) }) }).pod.volumes[1])
      .toEqual({ name: 'model-cache', emptyDir: { sizeLimit: '102400Mi' } });
    expect(gpuPool({ cache: ModelCache.persistentVolumeClaim('llama-weights') }).pod.volumes[1])
      .toEqual({ name: 'model-cache', persistentVolumeClaim: { claimName: 'llama-weights' } });
  });

  test('the startup probe allows at least ten minutes of model loading; readiness and liveness use /health', () => {
    const { container, deployment, pool } = gpuPool();
    const startup = container.startupProbe;
    expect(startup.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(startup.periodSeconds * startup.failureThreshold).toBe(900);
    expect(startup.periodSeconds * startup.failureThreshold).toBeGreaterThanOrEqual(600);
    expect(pool.startupTimeout.toMinutes()).toBe(15);
    expect(container.readinessProbe).toEqual({ httpGet: { path: '/health', port: 'http' }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3, successThreshold: 1 });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(container.livenessProbe.periodSeconds * container.livenessProbe.failureThreshold).toBe(60);
    // A rollout is not declared stuck before a new replica has had its whole startup window.
    expect(deployment.spec.progressDeadlineSeconds).toBe(900 + 300);
  });

  test('a longer startup window and drain time are honoured', () => {
    const { container, pod, deployment } = gpuPool({ startupTimeout: Duration.minutes(30), drainTimeout: Duration.minutes(10) });
    expect(container.startupProbe.periodSeconds * container.startupProbe.failureThreshold).toBe(1800);
    expect(pod.terminationGracePeriodSeconds).toBe(600);
    expect(deployment.spec.progressDeadlineSeconds).toBe(2100);
  });

  test('stopping replicas get five minutes to finish streaming responses', () => {
    expect(gpuPool().pod.terminationGracePeriodSeconds).toBe(300);
  });

  test('runs as non-root without privileges, capabilities or an API token', () => {
    const { container, pod } = gpuPool();
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.enableServiceLinks).toBe(false);
  });

  test('reads the Hugging Face token from a Secret, never a literal', () => {
    const { container } = gpuPool();
    expect(container.env).toContainEqual({ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } });
    expect(JSON.stringify(container.env)).not.toMatch(/"value":"hf_/);
  });

  test('a PodDisruptionBudget lets at most one replica go and never blocks a drain on a loading pod', () => {
    const { docs, pool } = gpuPool({ replicas: 3 });
    const pdb = only(docs, 'PodDisruptionBudget');
    expect(pdb.apiVersion).toBe('policy/v1');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: pool.selectorLabels }, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
  });

  test('spreads replicas across nodes without leaving any pending', () => {
    const { pod, pool } = gpuPool();
    expect(pod.topologySpreadConstraints).toEqual([{
      maxSkew: 1,
      topologyKey: 'kubernetes.io/hostname',
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: pool.selectorLabels },
      matchLabelKeys: ['pod-template-hash'],
    }]);
  });

  test('extra labels reach the pods and every object; names and namespace are explicit', () => {
    const { docs } = gpuPool({ name: 'llama', namespaceName: 'models', labels: { team: 'search' } });
    for (const doc of docs) {
      expect(doc.metadata).toMatchObject({ name: 'llama', namespace: 'models', labels: { 'team': 'search', 'ai-gateway.cdk8s.io/pool': 'llama' } });
    }
  });

  test('cpu, memory and shared memory can be sized', () => {
    const { container, pod } = gpuPool({ cpu: Cpu.units(8), memory: Size.gibibytes(64), sharedMemory: Size.gibibytes(16) });
    expect(container.resources.requests).toEqual({ cpu: '8', memory: '65536Mi' });
    expect(pod.volumes[0].emptyDir).toEqual({ medium: 'Memory', sizeLimit: '16384Mi' });
  });
});

describe('autoscaling and monitoring', () => {
  test('KEDA scales the Deployment on vLLM queue depth between min and max replicas', () => {
    const { docs, deployment } = gpuPool({ autoscaling: Autoscaling.onQueueDepth({ minReplicas: 1, maxReplicas: 4 }) });
    const scaled = only(docs, 'ScaledObject');
    expect(scaled.apiVersion).toBe('keda.sh/v1alpha1');
    expect(deployment.spec.replicas).toBeUndefined();
    expect(scaled.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name },
      minReplicaCount: 1,
      maxReplicaCount: 4,
      pollingInterval: 15,
      triggers: [{
        type: 'prometheus',
        metricType: 'AverageValue',
        metadata: {
          serverAddress: 'http://prometheus-operated.monitoring.svc.cluster.local:9090',
          query: 'sum(vllm:num_requests_waiting{model_name="llama-3-8b",namespace="llm"})',
          threshold: '5',
          activationThreshold: '0',
        },
      }],
    });
    expect(scaled.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds).toBe(300);
  });

  test('queue target, Prometheus address and timings are settable', () => {
    const { docs } = gpuPool({
      autoscaling: Autoscaling.onQueueDepth({
        minReplicas: 0,
        maxReplicas: 8,
        targetQueueDepth: 10,
        prometheusUrl: 'http://prom.obs:9090',
        scaleDownStabilization: Duration.minutes(10),
        pollingInterval: Duration.seconds(30),
      }),
    });
    const spec = only(docs, 'ScaledObject').spec;
    expect(spec.minReplicaCount).toBe(0);
    expect(spec.pollingInterval).toBe(30);
    expect(spec.cooldownPeriod).toBe(600);
    expect(spec.triggers[0].metadata).toMatchObject({ serverAddress: 'http://prom.obs:9090', threshold: '10' });
  });

  test('a ServiceMonitor scrapes the named port at /metrics', () => {
    const { docs, pool } = gpuPool({ monitoring: Monitoring.serviceMonitor({ labels: { release: 'kube-prometheus-stack' } }) });
    const monitor = only(docs, 'ServiceMonitor');
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(monitor.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(monitor.spec).toEqual({ selector: { matchLabels: pool.selectorLabels }, endpoints: [{ port: 'http', path: '/metrics', interval: '15s' }] });
  });

  test('a PodMonitor scrapes each pod', () => {
    const { docs, pool } = gpuPool({ monitoring: Monitoring.podMonitor({ interval: Duration.seconds(30) }) });
    expect(only(docs, 'PodMonitor').spec).toEqual({ selector: { matchLabels: pool.selectorLabels }, podMetricsEndpoints: [{ port: 'http', path: '/metrics', interval: '30s' }] });
  });
});

describe('custom servers', () => {
  test('image, port, paths, command, args and env are used as given', () => {
    const c = chart();
    const pool = new LlmModelPool(c, 'tgi', {
      modelName: 'mistral',
      server: ModelServer.custom({
        image: 'ghcr.io/huggingface/text-generation-inference:3.3.4',
        port: 8080,
        healthPath: '/healthz',
        metricsPath: '/prom',
        command: ['text-generation-launcher'],
        args: ['--model-id', 'mistralai/Mistral-7B-Instruct-v0.3'],
        env: { MAX_TOTAL_TOKENS: '8192' },
        secretEnv: { HF_TOKEN: { secretName: 'hf', key: 'token' } },
        runAsUser: 2000,
      }),
      monitoring: Monitoring.serviceMonitor(),
    });
    const docs = synthValid(c);
    const container = only(docs, 'Deployment').spec.template.spec.containers[0];
    expect(container).toMatchObject({ image: 'ghcr.io/huggingface/text-generation-inference:3.3.4', command: ['text-generation-launcher'], ports: [{ containerPort: 8080 }] });
    expect(container.readinessProbe.httpGet.path).toBe('/healthz');
    expect(container.env).toEqual(expect.arrayContaining([{ name: 'MAX_TOTAL_TOKENS', value: '8192' }, { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } } }]));
    expect(only(docs, 'Deployment').spec.template.spec.securityContext.runAsUser).toBe(2000);
    expect(only(docs, 'ServiceMonitor').spec.endpoints[0].path).toBe('/prom');
    expect(pool.servicePort).toBe(8080);
  });

  test('a custom server without shared memory gets no /dev/shm volume', () => {
    const c = chart();
    new LlmModelPool(c, 'p', { modelName: 'm', server: ModelServer.custom({ image: 'example/server:1', port: 8080, needsSharedMemory: false }) });
    const pod = only(synthValid(c), 'Deployment').spec.template.spec;
    expect(pod.volumes.map((v: Manifest) => v.name)).toEqual(['model-cache']);
  });

  test('shared memory defaults to a quarter of the memory limit, at most 8 GiB', () => {
    const c = chart();
    new LlmModelPool(c, 'p', { modelName: 'm', server: ModelServer.custom({ image: 'example/server:1', port: 8080 }) });
    const pod = only(synthValid(c), 'Deployment').spec.template.spec;
    expect(pod.volumes[0]).toEqual({ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '1024Mi' } });
    expect(pod.containers[0].resources.limits.memory).toBe('4096Mi');
  });
});

describe('bad input is rejected at synth time with the path, property, value and fix', () => {
  const gpu = (count: number) => ({ accelerator: Accelerator.nvidiaGpu({ count }), server: VLLM });

  test.each([
    ['zero GPUs', gpu(0), "test/pool: 'accelerator.count' (0) must be a whole number from 1 to 2147483647; set 'accelerator.count' to a whole number from 1 to 2147483647"],
    ['a fractional GPU count', gpu(1.5), "test/pool: 'accelerator.count' (1.5) must be a whole number from 1 to 2147483647"],
    ['negative replicas', { replicas: -1 }, "test/pool: 'replicas' (-1) must be a whole number from 0 to 2147483647; set 'replicas' to a whole number from 0 to 2147483647"],
    ['min above max replicas', { server: VLLM, autoscaling: Autoscaling.onQueueDepth({ minReplicas: 5, maxReplicas: 2 }) },
      "test/pool: 'autoscaling.minReplicas' (5) is more than 'maxReplicas' (2); lower minReplicas or raise maxReplicas"],
    ['replicas and autoscaling together', { server: VLLM, replicas: 2, autoscaling: Autoscaling.onQueueDepth({ minReplicas: 1, maxReplicas: 2 }) },
      "test/pool: 'replicas' (2) cannot be set together with autoscaling, which owns the replica count; remove replicas and set autoscaling minReplicas instead"],
    ['a model name that cannot be a label', { modelName: 'meta-llama/Llama-3.1-8B' },
      "test/pool: 'modelName' (\"meta-llama/Llama-3.1-8B\") cannot be a Kubernetes label value"],
    ['a port out of range', { server: ModelServer.custom({ image: 'x/y:1', port: 70000 }) },
      "test/pool: 'server.port' (70000) is not a TCP port; use a whole number from 1 to 65535"],
    ['a literal token in env', { server: ModelServer.vllm({ model: 'm/m', env: { HF_TOKEN: 'hf_abcdefghijklmnopqrstuvwxyz' } }) },
      "test/pool: 'server.env.HF_TOKEN' (\"<redacted>\") looks like a credential given as a literal value, which would be stored in plain text in the manifests; store it in a Secret and reference it with 'secretEnv: { HF_TOKEN: { secretName, key } }'"],
    ['a literal API key', { server: ModelServer.custom({ image: 'x/y:1', port: 8080, env: { OPENAI_API_KEY: 'abc' } }) },
      "test/pool: 'server.env.OPENAI_API_KEY' (\"<redacted>\") looks like a credential"],
    ['a token-shaped value under another name', { server: ModelServer.custom({ image: 'x/y:1', port: 8080, env: { MODEL_AUTH: 'sk-abcdefghijklmnopqrstuvwxyz' } }) },
      "'server.env.MODEL_AUTH' (\"<redacted>\") looks like a credential"],
    ['autoscaling a server without vLLM metrics', { autoscaling: Autoscaling.onQueueDepth({ minReplicas: 1, maxReplicas: 2 }) },
      "test/pool: 'autoscaling' (\"Autoscaling.onQueueDepth\") needs a server that exports vLLM's queue depth, and the nginx-demo server does not"],
    ['monitoring a server without metrics', { monitoring: Monitoring.podMonitor() },
      "test/pool: 'monitoring' (\"PodMonitor\") needs a metrics path, and the nginx-demo server has none; remove monitoring, or give the custom server a metricsPath"],
    ['shared memory as large as the memory limit', { server: VLLM, memory: Size.gibibytes(8), sharedMemory: Size.gibibytes(8) },
      "test/pool: 'sharedMemory' (\"8192Mi\") must be smaller than the memory limit (8192Mi), which it counts against; raise memory or lower sharedMemory"],
    ['shared memory for a server that uses none', { sharedMemory: Size.gibibytes(1) },
      "test/pool: 'sharedMemory' (\"1024Mi\") is set but the server does not use shared memory"],
    ['a cache for a server that keeps none', { cache: ModelCache.emptyDir() }, "test/pool: 'cache' (\"ModelCache\") is set but the server keeps no model cache; remove cache"],
    ['tensor parallelism beyond the GPUs', { server: ModelServer.vllm({ model: 'm/m', tensorParallelSize: 4 }), accelerator: Accelerator.nvidiaGpu({ count: 2 }) },
      "test/pool: 'server.tensorParallelSize' (4) exceeds the 2 GPU(s) each replica gets; raise the accelerator count or lower the tensor-parallel size"],
    ['GPU memory utilization above 1', { server: ModelServer.vllm({ model: 'm/m', gpuMemoryUtilization: 1.5 }) },
      "test/pool: 'server.gpuMemoryUtilization' (1.5) must be above 0 and at most 1; use a fraction such as 0.9"],
    ['a zero context length', { server: ModelServer.vllm({ model: 'm/m', maxModelLen: 0 }) }, "test/pool: 'server.maxModelLen' (0) must be a whole number of tokens"],
    ['an empty model id', { server: ModelServer.vllm({ model: ' ' }) }, "test/pool: 'server.model' (\" \") must not be empty; set 'server.model'"],
    ['a label that replaces a selector label', { labels: { [PoolLabels.MODEL]: 'other' } },
      "test/pool: 'labels.ai-gateway.cdk8s.io/model' (\"other\") would replace a label the pool selects its pods by"],
    ['a label value that is not one', { labels: { team: 'search team' } },
      "test/pool: 'labels.team' (\"search team\") is not a Kubernetes label value (at most 63 letters, digits, \"-\", \"_\" and \".\", alphanumeric at both ends); use a value such as \"platform\" or \"v1.2\""],
    ['a namespace that is not a DNS label', { namespaceName: 'LLM' }, "test/pool: 'namespaceName' (\"LLM\") is not a DNS-1123 label"],
    ['a name that cannot name a Service', { name: '1pool' }, "test/pool: 'name' (\"1pool\") cannot name a Service (1 to 63 lowercase letters, digits and \"-\", starting with a letter); choose a name that starts with a letter"],
    ['zero maxUnavailable', { maxUnavailable: 0 }, "test/pool: 'maxUnavailable' (0) must be a whole number from 1 to 2147483647"],
    ['a GPU product that is not a label value', { accelerator: Accelerator.nvidiaGpu({ count: 1, product: 'NVIDIA H100' }), server: VLLM },
      "test/pool: 'accelerator.product' (\"NVIDIA H100\") cannot be a Kubernetes label value"],
    ['a startup window in fractions of a second', { startupTimeout: Duration.millis(1500) },
      "test/pool: 'startupTimeout' (\"1.5s\") must be whole seconds, at least 10; use Duration.seconds(n) or Duration.minutes(n)"],
    ['a health path without a slash', { server: ModelServer.custom({ image: 'x/y:1', port: 8080, healthPath: 'health' }) },
      "test/pool: 'server.healthPath' (\"health\") is not an HTTP path; start it with \"/\" and leave out spaces"],
    ['a relative cache path', { server: ModelServer.custom({ image: 'x/y:1', port: 8080, cachePath: 'cache' }) },
      "test/pool: 'server.cachePath' (\"cache\") is not an absolute path in the container"],
    ['a root user id for a non-root server', { server: ModelServer.custom({ image: 'x/y:1', port: 8080, runAsUser: 0 }) },
      "test/pool: 'server.runAsUser' (0) must be a whole non-root user id (1 or more)"],
    ['a Secret name that is not one', { server: ModelServer.vllm({ model: 'm/m', huggingFaceToken: { secretName: 'HF Token', key: 'token' } }) },
      "test/pool: 'server.huggingFaceToken.secretName' (\"HF Token\") is not a valid Kubernetes object name"],
    ['an env name that is not one', { server: ModelServer.custom({ image: 'x/y:1', port: 8080, env: { 'MY VAR': '1' } }) },
      "test/pool: 'server.env' (\"MY VAR\") is not a valid environment variable name"],
    ['a variable both literal and from a Secret', { server: ModelServer.custom({ image: 'x/y:1', port: 8080, env: { MODE: 'a' }, secretEnv: { MODE: { secretName: 's', key: 'k' } } }) },
      "test/pool: 'server.secretEnv.MODE' (\"MODE\") is also set in env; set each variable once"],
    ['a queue target of zero', { server: VLLM, autoscaling: Autoscaling.onQueueDepth({ minReplicas: 1, maxReplicas: 2, targetQueueDepth: 0 }) },
      "test/pool: 'autoscaling.targetQueueDepth' (0) must be above 0"],
    ['a Prometheus address that is not a URL', { server: VLLM, autoscaling: Autoscaling.onQueueDepth({ minReplicas: 1, maxReplicas: 2, prometheusUrl: 'prometheus:9090' }) },
      "test/pool: 'autoscaling.prometheusUrl' (\"prometheus:9090\") is not an http(s) URL"],
    ['a claim name that is not one', { server: VLLM, cache: ModelCache.persistentVolumeClaim('Weights') }, "test/pool: 'cache.claimName' (\"Weights\") is not a valid Kubernetes object name"],
  ] as Array<[string, Partial<LlmModelPoolProps>, string]>)('%s', (_name, props, message) => {
    expect(rejected(props)).toContain(message);
  });

  test('a construct id that cannot name a Service asks for an explicit name', () => {
    const c = new Chart(Testing.app(), '7b');
    // The derived name keeps the chart id's leading digit, which a Service name may not have.
    expect(() => new LlmModelPool(c, 'llama', { modelName: 'm', server: ModelServer.demo() }))
      .toThrow(/^7b\/llama: 'id' \("7b-llama-[0-9a-f]+"\) cannot name a Service .*; set 'name' explicitly$/);
  });

  test('the fully qualified Service name needs a namespace', () => {
    const app = Testing.app();
    const pool = new LlmModelPool(new Chart(app, 'test'), 'pool', { modelName: 'm', server: ModelServer.demo() });
    expect(() => pool.serviceFqdn).toThrow("test/pool: 'namespaceName' (not set) is needed for the fully qualified Service name; set namespaceName on the pool or a namespace on its chart");
  });
});

/*
 * Input the API server would reject, or that cdk8s or JavaScript would mangle, is the library's error, raised where
 * the value is passed (Kubernetes apimachinery validation: IsQualifiedName for label keys, IsConfigMapKey for Secret
 * keys, NameIsDNSSubdomain for ServiceAccount names; int32 replica counts).
 */
describe('unchecked input is rejected with the library error', () => {
  const INT32_OVER = 2 ** 31;
  test.each([
    ['a ServiceAccount name that is not one', { serviceAccountName: 'Model Server' },
      "test/pool: 'serviceAccountName' (\"Model Server\") is not a valid Kubernetes object name (lowercase DNS-1123 subdomain, at most 253 characters); use lowercase letters, digits, \"-\" and \".\""],
    ['a label key with a space', { labels: { 'team name': 'search' } },
      "test/pool: 'labels.team name' (\"team name\") is not a Kubernetes label key (an optional DNS subdomain prefix and \"/\", then 1 to 63 letters, digits, \"-\", \"_\" and \".\", alphanumeric at both ends); use a key such as \"team\" or \"example.com/team\""],
    ['a label key with an uppercase prefix', { labels: { 'Example.com/team': 'search' } }, "test/pool: 'labels.Example.com/team' (\"Example.com/team\") is not a Kubernetes label key"],
    ['a label key with two slashes', { labels: { 'a/b/c': 'search' } }, "test/pool: 'labels.a/b/c' (\"a/b/c\") is not a Kubernetes label key"],
    ['a label key name over 63 characters', { labels: { ['k'.repeat(64)]: 'search' } }, `test/pool: 'labels.${'k'.repeat(64)}' ("${'k'.repeat(64)}") is not a Kubernetes label key`],
    ['labels that are not a map', { labels: 'team=search' as any },
      "test/pool: 'labels' (\"team=search\") is not a map of strings; set 'labels' to an object such as { key: 'value' }"],
    ['a label value that is not a string', { labels: { team: 5 as any } }, "test/pool: 'labels.team' (5) is not a string; give every value as a string"],
    ['a monitor label key that is not one', { server: VLLM, monitoring: Monitoring.serviceMonitor({ labels: { 'release name': 'kps' } }) },
      "test/pool: 'monitoring.labels.release name' (\"release name\") is not a Kubernetes label key"],
    ['a monitor label value that is not one', { server: VLLM, monitoring: Monitoring.podMonitor({ labels: { release: 'kube prometheus' } }) },
      "test/pool: 'monitoring.labels.release' (\"kube prometheus\") is not a Kubernetes label value"],
    ['a Secret key with a slash', { server: ModelServer.custom({ image: 'x/y:1', port: 8080, secretEnv: { API: { secretName: 's', key: 'a/b' } } }) },
      "test/pool: 'server.secretEnv.API.key' (\"a/b\") is not a Secret key (1 to 253 letters, digits, \"-\", \"_\" and \".\", not \".\" and not starting with \"..\"); use the key as it appears in the Secret's data, such as \"token\""],
    ['a Hugging Face token key starting with ..', { server: ModelServer.vllm({ model: 'm/m', huggingFaceToken: { secretName: 'hf', key: '..token' } }) },
      "test/pool: 'server.huggingFaceToken.key' (\"..token\") is not a Secret key"],
    ['an empty Secret key', { server: ModelServer.vllm({ model: 'm/m', secretEnv: { X_KEY: { secretName: 'hf', key: '' } } }) },
      "test/pool: 'server.secretEnv.X_KEY.key' (\"\") is not a Secret key"],
    ['a negative CPU', { cpu: Cpu.units(-1) },
      "test/pool: 'cpu' (\"-1\") is not a CPU amount above 0; use Cpu.units(n) or Cpu.millis(n) with a finite number above 0, such as Cpu.units(4)"],
    ['a NaN CPU', { cpu: Cpu.units(NaN) }, "test/pool: 'cpu' (\"NaN\") is not a CPU amount above 0"],
    ['an infinite CPU in millicores', { cpu: Cpu.millis(Infinity) }, "test/pool: 'cpu' (\"Infinitym\") is not a CPU amount above 0"],
    ['zero CPU', { cpu: Cpu.millis(0) }, "test/pool: 'cpu' (\"0m\") is not a CPU amount above 0"],
    ['replicas over int32', { replicas: INT32_OVER },
      "test/pool: 'replicas' (2147483648) must be a whole number from 0 to 2147483647; set 'replicas' to a whole number from 0 to 2147483647"],
    ['maxUnavailable over int32', { maxUnavailable: INT32_OVER }, "test/pool: 'maxUnavailable' (2147483648) must be a whole number from 1 to 2147483647"],
    ['autoscaling maxReplicas over int32', { server: VLLM, autoscaling: Autoscaling.onQueueDepth({ minReplicas: 1, maxReplicas: INT32_OVER }) },
      "test/pool: 'autoscaling.maxReplicas' (2147483648) must be a whole number from 1 to 2147483647"],
    ['a GPU count over int32', { server: VLLM, accelerator: Accelerator.nvidiaGpu({ count: INT32_OVER }) },
      "test/pool: 'accelerator.count' (2147483648) must be a whole number from 1 to 2147483647"],
    ['a startup window past the int32 progress deadline', { startupTimeout: Duration.days(30_000) },
      "test/pool: 'startupTimeout' (\"2592000000s\") must be at most 2147483347 seconds; use a duration of at most 2147483347 seconds"],
    ['a scale-down window over the HPA\'s one hour', { server: VLLM, autoscaling: Autoscaling.onQueueDepth({ minReplicas: 1, maxReplicas: 2, scaleDownStabilization: Duration.hours(2) }) },
      "test/pool: 'autoscaling.scaleDownStabilization' (\"7200s\") must be at most 3600 seconds"],
    ['memory in fractions of a kibibyte', { memory: Size.kibibytes(0.5) },
      "test/pool: 'memory' (\"0.5Ki\") must be a whole number of kibibytes, at least 1; use Size.kibibytes(n), Size.mebibytes(n) or Size.gibibytes(n) with a whole n of 1 or more"],
    ['no memory', { memory: Size.mebibytes(0) }, "test/pool: 'memory' (\"0Ki\") must be a whole number of kibibytes, at least 1"],
    ['shared memory in fractions of a kibibyte', { server: VLLM, sharedMemory: Size.kibibytes(1.5) }, "test/pool: 'sharedMemory' (\"1.5Ki\") must be a whole number of kibibytes"],
    ['a cache size in fractions of a kibibyte', { server: VLLM, cache: ModelCache.emptyDir({ sizeLimit: Size.kibibytes(0.25) }) },
      "test/pool: 'cache.sizeLimit' (\"0.25Ki\") must be a whole number of kibibytes"],
    ['a model name that is not a string', { modelName: 5 as any }, "test/pool: 'modelName' (5) cannot be a Kubernetes label value"],
    ['a namespace that is not a string', { namespaceName: 5 as any }, "test/pool: 'namespaceName' (5) is not a DNS-1123 label"],
    ['a ServiceAccount name that is not a string', { serviceAccountName: ['sa'] as any }, "test/pool: 'serviceAccountName' ([\"sa\"]) is not a valid Kubernetes object name"],
    ['a server that is not a ModelServer', { server: 'vllm' as any },
      "test/pool: 'server' (\"vllm\") is not a ModelServer; use ModelServer.vllm(...), ModelServer.custom(...) or ModelServer.demo()"],
    ['an accelerator given as a GPU count', { accelerator: 1 as any }, "test/pool: 'accelerator' (1) is not an Accelerator; use Accelerator.nvidiaGpu(...) or Accelerator.none()"],
    ['autoscaling given as options', { server: VLLM, autoscaling: { minReplicas: 1, maxReplicas: 2 } as any },
      "test/pool: 'autoscaling' ({\"minReplicas\":1,\"maxReplicas\":2}) is not an Autoscaling; use Autoscaling.onQueueDepth(...)"],
    ['monitoring given as true', { server: VLLM, monitoring: true as any }, "test/pool: 'monitoring' (true) is not a Monitoring; use Monitoring.serviceMonitor() or Monitoring.podMonitor()"],
    ['a cache given as a claim name', { server: VLLM, cache: 'weights' as any },
      "test/pool: 'cache' (\"weights\") is not a ModelCache; use ModelCache.emptyDir() or ModelCache.persistentVolumeClaim(...)"],
    ['a startup window given as seconds', { startupTimeout: 600 as any },
      "test/pool: 'startupTimeout' (600) is not a Duration; use Duration.seconds(n), Duration.minutes(n) and the like"],
    ['GPUs without options', { server: VLLM, accelerator: Accelerator.nvidiaGpu(undefined as any) },
      "test/pool: 'accelerator.count' (not set) must be a whole number from 1 to 2147483647"],
    ['autoscaling without options', { server: VLLM, autoscaling: Autoscaling.onQueueDepth(undefined as any) },
      "test/pool: 'autoscaling.minReplicas' (not set) must be a whole number from 0 to 2147483647"],
    ['a cache path that is not a string', { server: ModelServer.custom({ image: 'x/y:1', port: 8080, cachePath: 5 as any }) },
      "test/pool: 'server.cachePath' (5) is not an absolute path in the container"],
    ['a health path that is not a string', { server: ModelServer.custom({ image: 'x/y:1', port: 8080, healthPath: 5 as any }) },
      "test/pool: 'server.healthPath' (5) is not an HTTP path"],
    ['an image that is not a string', { server: ModelServer.custom({ image: 5 as any, port: 8080 }) },
      "test/pool: 'server.image' (5) is not a string; set 'server.image' to a string"],
  ] as Array<[string, Partial<LlmModelPoolProps>, string]>)('%s', (_name, props, message) => {
    expect(rejected(props)).toContain(message);
  });

  /** The error a factory throws, checked to be the library's. */
  function factoryError(fn: () => unknown): string {
    try {
      fn();
    } catch (e) {
      expect(AiGatewayErrors.isAiGatewayError(e)).toBe(true);
      return (e as Error).message;
    }
    throw new Error('expected the factory to throw');
  }

  test('a string of vLLM extra arguments from JavaScript is rejected by the factory, not spread into characters', () => {
    expect(factoryError(() => ModelServer.vllm({ model: 'm/m', extraArgs: '--enable-prefix-caching' as any })))
      .toBe("ModelServer.vllm: 'extraArgs' (\"--enable-prefix-caching\") is not a list of strings; pass a list, such as ['--enable-prefix-caching']");
    expect(factoryError(() => ModelServer.vllm({ model: 'm/m', extraArgs: ['--max-num-seqs', 64 as any] })))
      .toBe("ModelServer.vllm: 'extraArgs[1]' (64) is not a string; give every item as a string");
  });

  test('a custom server\'s command and args must be lists of strings', () => {
    expect(factoryError(() => ModelServer.custom({ image: 'x/y:1', port: 8080, command: 'python -m server' as any })))
      .toBe("ModelServer.custom: 'command' (\"python -m server\") is not a list of strings; pass a list, such as ['python -m server']");
    expect(factoryError(() => ModelServer.custom({ image: 'x/y:1', port: 8080, args: '--port=8080' as any })))
      .toContain("ModelServer.custom: 'args' (\"--port=8080\") is not a list of strings");
  });

  test('env values must be strings and secretEnv a map, and the options an object', () => {
    expect(factoryError(() => ModelServer.custom({ image: 'x/y:1', port: 8080, env: { WORKERS: 4 as any } })))
      .toBe("ModelServer.custom: 'env.WORKERS' (4) is not a string; give every value as a string");
    expect(factoryError(() => ModelServer.vllm({ model: 'm/m', secretEnv: 'hf-token' as any })))
      .toBe("ModelServer.vllm: 'secretEnv' (\"hf-token\") is not a map of Secret references; set it to an object such as { HF_TOKEN: { secretName: 'hf', key: 'token' } }");
    expect(factoryError(() => ModelServer.vllm(undefined as any)))
      .toBe("ModelServer.vllm: 'options' (not set) is not an object; call ModelServer.vllm({ ... }) with an options object");
  });

  test('valid label keys with a prefix, and empty label values, pass', () => {
    const { deployment } = gpuPool({ labels: { 'example.com/team': 'search', 'tier': '' } });
    expect(deployment.metadata.labels).toMatchObject({ 'example.com/team': 'search', 'tier': '' });
  });
});

describe('sizes that are not whole mebibytes', () => {
  test('render in kibibytes instead of failing inside cdk8s (Size.kibibytes(1536) is 1.5 MiB)', () => {
    const { container, pod } = gpuPool({
      memory: Size.kibibytes(1536 * 1024 * 3), sharedMemory: Size.kibibytes(1536), cache: ModelCache.emptyDir({ sizeLimit: Size.kibibytes(1536) }),
    });
    expect(container.resources.requests.memory).toBe('4608Mi');
    expect(pod.volumes).toEqual([
      { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '1536Ki' } },
      { name: 'model-cache', emptyDir: { sizeLimit: '1536Ki' } },
    ]);
  });

  test('a memory limit that is not whole mebibytes gets a quarter of it, in whole mebibytes, as shared memory', () => {
    const { container, pod } = gpuPool({ memory: Size.kibibytes(1536 * 3) });
    expect(container.resources.limits.memory).toBe('4608Ki');
    expect(pod.volumes[0].emptyDir).toEqual({ medium: 'Memory', sizeLimit: '1Mi' });
  });
});

describe('the demo server with the tutorial\'s MODEL_TYPE', () => {
  test('env is set on the demo container, which keeps the capabilities nginx needs to start', () => {
    const c = chart();
    new LlmModelPool(c, 'small', { name: 'small', modelName: 'small', server: ModelServer.demo({ env: { MODEL_TYPE: 'small' } }), replicas: 1 });
    const container = only(synthValid(c), 'Deployment').spec.template.spec.containers[0];
    expect(container.env).toEqual([{ name: 'MODEL_TYPE', value: 'small' }]);
    expect(container.securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['CHOWN', 'NET_BIND_SERVICE', 'SETGID', 'SETUID'] });
  });

  test('a credential given as a literal env value is rejected', () => {
    expect(rejected({ server: ModelServer.demo({ env: { API_KEY: 'x' } }) }))
      .toContain("'server.env.API_KEY' (\"<redacted>\") looks like a credential given as a literal value");
  });
});

/*
 * A pool's manifests are its own objects, not copies (src/plain-object.ts copies only what holds an IntOrString or
 * Quantity), so pools of one ModelServer and Accelerator share sub-objects in memory. cdk8s copies every value when it
 * resolves an object, which keeps the output independent; these tests hold that.
 */
describe('pools that share a server and an accelerator', () => {
  test('write plain YAML: no anchors or aliases where their manifests share objects', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c', { namespace: 'llm' });
    const accelerator = Accelerator.nvidiaGpu({ count: 1 });
    for (const name of ['a', 'b']) new LlmModelPool(c, name, { name, modelName: name, server: VLLM, accelerator });
    const yaml = app.synthYaml();
    expect(yaml).not.toMatch(/(^|\s)[&*][A-Za-z0-9_-]+(\s|$)/m);
    expect(yaml.match(/nvidia\.com\/gpu: "1"/g)?.length).toBe(2);
  });

  test('a JSON patch of one pool leaves the other alone', () => {
    const c = chart();
    const a = new LlmModelPool(c, 'a', { name: 'a', modelName: 'a', server: VLLM, accelerator: Accelerator.nvidiaGpu({ count: 1 }) });
    new LlmModelPool(c, 'b', { name: 'b', modelName: 'b', server: VLLM, accelerator: Accelerator.nvidiaGpu({ count: 1 }) });
    ApiObject.of(a).addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/readinessProbe/periodSeconds', 7));
    const deployments = synthValid(c).filter(d => d.kind === 'Deployment');
    expect(deployments.map(d => [d.metadata.name, d.spec.template.spec.containers[0].readinessProbe.periodSeconds])).toEqual([['a', 7], ['b', 5]]);
  });
});
