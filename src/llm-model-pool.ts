import { ApiObject, Chart, Duration, Names, Size } from 'cdk8s';
import { Cpu, k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { Accelerator } from './accelerator';
import { Autoscaling, Monitoring } from './autoscaling';
import { ScaledObject, ScaledObjectSpecTriggers } from './imports/keda.sh';
import { PodMonitor, ServiceMonitor } from './imports/monitoring.coreos.com';
import { AutoscalingSpec, MonitoringSpec, ServerContainer } from './internal';
import { ModelCache } from './model-cache';
import { ModelServer } from './model-server';
import { claimName, ownerOf, PathOwner } from './object-names';
import { plainApiObject } from './plain-object';
import {
  cpuQuantity, INT32_MAX, invalid, quantityOfKibibytes, requireDnsLabel, requireDnsSubdomain, requireLabels, requireLabelValue, requireObject,
  requirePort, requireServiceName, requireWholeNumber, sizeInKibibytes, wholeSeconds,
} from './validate';

/** Label keys this library puts on model pods; gateways and InferencePools select by them. */
export class PoolLabels {
  /** The pool (one Deployment) a pod belongs to. */
  public static readonly POOL = 'ai-gateway.cdk8s.io/pool';
  /** The model name clients request (the OpenAI `model` field). */
  public static readonly MODEL = 'ai-gateway.cdk8s.io/model';

  private constructor() {}
}

/**
 * What a model server is, as far as what sits in front of it is concerned: which metrics an endpoint picker
 * and an autoscaler can read from it.
 */
export enum ModelServerKind {
  /**
   * vLLM, or a server that exports vLLM's metric names (`vllm:num_requests_waiting`, `vllm:kv_cache_usage_perc`),
   * which the endpoint picker of an InferencePool and queue-depth autoscaling read.
   */
  VLLM = 'vllm',
  /** Any other OpenAI-compatible server: it can be routed to, but not put behind an endpoint picker. */
  OTHER = 'other',
}

/**
 * A model server that gateways and InferencePools can send requests to: pods selected by labels, behind a
 * ClusterIP Service. `LlmModelPool` implements it; `LlmModelPool.fromService()` imports a server deployed
 * elsewhere (Helm, KServe, a cdk8s-plus Deployment).
 */
export interface ILlmModelPool extends IConstruct {
  /** The pool's name; an InferencePool over it is named alike by default. */
  readonly name: string;
  /**
   * The namespace of the pods and the Service.
   * @default - the namespace `kubectl` applies to
   */
  readonly namespaceName?: string;
  /** The Service's name. */
  readonly serviceName: string;
  /** The Service port gateways send requests to. */
  readonly servicePort: number;
  /**
   * The port the server listens on in its pods (the Service's target port): an InferencePool sends requests
   * there, and NetworkPolicies open it.
   */
  readonly containerPort: number;
  /** Labels that select exactly the server's pods (and no endpoint picker or other pods). */
  readonly selectorLabels: Record<string, string>;
  /** Which metrics the server exports, for endpoint pickers and autoscalers. */
  readonly serverKind: ModelServerKind;
  /**
   * Whether Prometheus scrapes the pods on the serving port: network isolation must then admit its namespace.
   */
  readonly scraped: boolean;
}

/** A model server deployed outside this library, for `LlmModelPool.fromService`. */
export interface ModelServiceAttributes {
  /** The name of the server's ClusterIP Service. */
  readonly serviceName: string;
  /**
   * The Service's namespace.
   * @default - the chart's namespace
   */
  readonly namespaceName?: string;
  /** The Service port. */
  readonly port: number;
  /**
   * The port the server listens on in its pods (a number: InferencePools and NetworkPolicies need one).
   * @default - the Service port
   */
  readonly targetPort?: number;
  /**
   * Labels that select exactly the server's pods, such as the Service's selector. They must not also select
   * other workloads: an InferencePool sends requests to every pod they select.
   */
  readonly selectorLabels: Record<string, string>;
  /**
   * Which metrics the server exports.
   * @default ModelServerKind.OTHER
   */
  readonly serverKind?: ModelServerKind;
  /**
   * Whether Prometheus scrapes the pods on the serving port.
   * @default false
   */
  readonly scraped?: boolean;
  /**
   * The pool's name, which an InferencePool over it takes by default.
   * @default - the Service name
   */
  readonly name?: string;
}

/** Properties of an `LlmModelPool`. */
export interface LlmModelPoolProps {
  /**
   * The model name clients send in the OpenAI request's `model` field, and the value of the
   * `ai-gateway.cdk8s.io/model` label, so it must be a valid label value (for example `llama-3-8b`).
   * The model the server loads (a Hugging Face id with a `/`) is the server's own option.
   */
  readonly modelName: string;

  /** The inference server the pods run. */
  readonly server: ModelServer;

  /**
   * The accelerator each replica claims.
   * @default Accelerator.none()
   */
  readonly accelerator?: Accelerator;

  /**
   * A fixed number of replicas. Leave it out when `autoscaling` is set: the autoscaler owns the count.
   * @default 1
   */
  readonly replicas?: number;

  /**
   * Scale the pool on inference load (KEDA on vLLM's queue depth).
   * @default - a fixed number of replicas
   */
  readonly autoscaling?: Autoscaling;

  /**
   * A Prometheus Operator monitor for the server's metrics. When the pool is behind an InferencePool
   * (`Backend.inferencePool`), its endpoint picker gets a monitor of the same kind, interval and labels.
   * @default - no monitor
   */
  readonly monitoring?: Monitoring;

  /**
   * The name of the Deployment, Service and every other object of the pool.
   * @default - a unique name derived from the construct path
   */
  readonly name?: string;

  /**
   * The namespace of the pool's objects.
   * @default - the chart's namespace
   */
  readonly namespaceName?: string;

  /**
   * Extra labels on the pods and the pool's objects.
   * @default - none
   */
  readonly labels?: Record<string, string>;

  /**
   * CPU each replica requests. No CPU limit is set: throttling a model server only slows tokenisation
   * and scheduling of GPU work.
   * @default - 4 cores for vLLM, 1 for a custom server, 50 millicores for the demo server
   */
  readonly cpu?: Cpu;

  /**
   * Memory each replica requests and is limited to (equal, so the pod is not the first evicted).
   * A memory-backed `/dev/shm` counts against it.
   * @default - 32 GiB for vLLM, 4 GiB for a custom server, 64 MiB for the demo server
   */
  readonly memory?: Size;

  /**
   * The size of the memory-backed `/dev/shm` that PyTorch and NCCL use (the container default of 64 MiB
   * makes multi-GPU inference fail).
   * @default - a quarter of `memory`, at most 8 GiB, for servers that need shared memory
   */
  readonly sharedMemory?: Size;

  /**
   * Where the server caches model weights and compiled kernels.
   * @default ModelCache.emptyDir()
   */
  readonly cache?: ModelCache;

  /**
   * How long a new replica may take to load its model before Kubernetes restarts it (the startup probe's
   * window). Large models pulled over the network need many minutes.
   * @default Duration.minutes(15)
   */
  readonly startupTimeout?: Duration;

  /**
   * How long a stopping replica may keep serving the responses it is streaming
   * (`terminationGracePeriodSeconds`). Streamed completions last minutes.
   * @default Duration.minutes(5)
   */
  readonly drainTimeout?: Duration;

  /**
   * How many replicas voluntary disruptions (node drains, upgrades) may take down at once
   * (the PodDisruptionBudget's `maxUnavailable`).
   * @default 1
   */
  readonly maxUnavailable?: number;

  /**
   * The ServiceAccount the pods run as. Its API token is not mounted: model servers do not call the
   * Kubernetes API.
   * @default - the namespace's default ServiceAccount
   */
  readonly serviceAccountName?: string;
}

/** Where the pod's volumes are mounted. */
const SHM_VOLUME = 'dshm';
const CACHE_VOLUME = 'model-cache';
const CONTAINER = 'server';
const PORT_NAME = 'http';
const STARTUP_PERIOD = 10;
const MAX_DEFAULT_SHM_KI = 8 * 1024 * 1024;

/**
 * A pool of identical model-server replicas: a Deployment and a ClusterIP Service, with what production
 * inference needs. GPUs are claimed in limits and their taint tolerated; the startup probe allows minutes
 * of model loading; stopping pods get time to finish streaming; a PodDisruptionBudget and topology spread
 * keep replicas apart; containers run without privileges; credentials come only from Secrets; optional
 * KEDA autoscaling on queue depth and Prometheus monitors.
 *
 * The Deployment has the construct id `Resource`: `ApiObject.of(pool)` returns it for escape hatches.
 *
 * @example
 * const pool = new LlmModelPool(chart, 'llama', {
 *   modelName: 'llama-3-8b',
 *   server: ModelServer.vllm({ model: 'meta-llama/Llama-3.1-8B-Instruct',
 *     huggingFaceToken: { secretName: 'hf-token', key: 'token' } }),
 *   accelerator: Accelerator.nvidiaGpu({ count: 1 }),
 *   autoscaling: Autoscaling.onQueueDepth({ minReplicas: 1, maxReplicas: 4 }),
 *   monitoring: Monitoring.podMonitor(),
 * });
 */
export class LlmModelPool extends Construct implements ILlmModelPool {
  /**
   * A model server deployed elsewhere (Helm, KServe, a cdk8s-plus Deployment), as a pool that `Backend.pool()`
   * routes to and an `InferencePool` can select. Creates no Kubernetes objects: the server, its Service and its
   * monitoring stay with the tool that made them. Gateways with network isolation still put a NetworkPolicy
   * in front of its pods.
   *
   * @example
   * const vllm = LlmModelPool.fromService(chart, 'vllm', {
   *   serviceName: 'vllm', namespaceName: 'llm', port: 80, targetPort: 8000,
   *   selectorLabels: { 'app.kubernetes.io/name': 'vllm' }, serverKind: ModelServerKind.VLLM,
   * });
   */
  public static fromService(scope: Construct, id: string, attributes: ModelServiceAttributes): ILlmModelPool {
    return new ImportedModelPool(scope, id, attributes);
  }

  /** The name of the Deployment, the Service and the pool's other objects. */
  public readonly name: string;
  /**
   * The namespace of the pool's objects.
   * @default - the namespace `kubectl` applies to
   */
  public readonly namespaceName?: string;
  /** The model name clients request. */
  public readonly modelName: string;
  /** The model server. */
  public readonly server: ModelServer;
  /** The accelerator each replica claims. */
  public readonly accelerator: Accelerator;
  /** The labels that select exactly this pool's pods (Service, PodDisruptionBudget, InferencePool). */
  public readonly selectorLabels: Record<string, string>;
  /** Every label on the pods. */
  public readonly podLabels: Record<string, string>;
  /** The Service's name. */
  public readonly serviceName: string;
  /** The Service port (the same number as the container port). */
  public readonly servicePort: number;
  /** The port the server listens on in the container. */
  public readonly containerPort: number;
  /** The name of the Service and container port. */
  public readonly portName: string;
  /** The HTTP path of the server's health check. */
  public readonly healthPath: string;
  /**
   * The path of the server's Prometheus metrics.
   * @default - the server exports no metrics
   */
  public readonly metricsPath?: string;
  /** Whether the server exports vLLM's metric names (queue depth, KV-cache use), which endpoint pickers read. */
  public readonly exportsVllmMetrics: boolean;
  /** Which metrics the server exports (`VLLM` when it exports vLLM's metric names). */
  public readonly serverKind: ModelServerKind;
  /**
   * The replica count in the Deployment.
   * @default - set by the autoscaler
   */
  public readonly replicas?: number;
  /** The startup probe's window for model loading. */
  public readonly startupTimeout: Duration;
  /** The termination grace period for draining streamed responses. */
  public readonly drainTimeout: Duration;
  /** The Service. */
  public readonly service: ApiObject;
  /** Whether Prometheus scrapes the pods (a monitor was requested), on the serving port. */
  public readonly scraped: boolean;
  /**
   * The monitor the pool renders, which its endpoint picker copies (kind, interval, labels).
   * @internal
   */
  public readonly _monitoring?: MonitoringSpec;

  constructor(scope: Construct, id: string, props: LlmModelPoolProps) {
    super(scope, id);
    requireObject(this, 'props', props);
    // JavaScript callers get no type check: a wrong kind of value is the library's error, not a TypeError.
    if (!(props.server instanceof ModelServer)) {
      throw invalid(this, 'server', props.server, 'is not a ModelServer', 'use ModelServer.vllm(...), ModelServer.custom(...) or ModelServer.demo()');
    }
    requireKind(this, 'accelerator', props.accelerator, v => v instanceof Accelerator, 'an Accelerator', 'Accelerator.nvidiaGpu(...) or Accelerator.none()');
    requireKind(this, 'autoscaling', props.autoscaling, v => v instanceof Autoscaling, 'an Autoscaling', 'Autoscaling.onQueueDepth(...)');
    requireKind(this, 'monitoring', props.monitoring, v => v instanceof Monitoring, 'a Monitoring', 'Monitoring.serviceMonitor() or Monitoring.podMonitor()');
    requireKind(this, 'cache', props.cache, v => v instanceof ModelCache, 'a ModelCache', 'ModelCache.emptyDir() or ModelCache.persistentVolumeClaim(...)');
    this.modelName = requireLabelValue(this, 'modelName', props.modelName);
    this.server = props.server;
    this.accelerator = props.accelerator ?? Accelerator.none();
    this.accelerator._validate(this, 'accelerator');
    this.name = props.name ?? Names.toDnsLabel(this);
    requireServiceName(this, props.name === undefined ? 'id' : 'name', this.name, props.name === undefined ? "set 'name' explicitly" : undefined);
    this.namespaceName = props.namespaceName ?? Chart.of(this).namespace;
    if (this.namespaceName !== undefined) requireDnsLabel(this, 'namespaceName', this.namespaceName);
    // Names are unique per namespace: pools in two namespaces may share one.
    const twin = ownerOf(this, 'Service', this.namespaceName, this.name);
    if (twin !== undefined) {
      throw invalid(this, 'name', this.name, `is already the name of ${twin.description} in the same namespace, and the two would overwrite each other's objects`,
        'give each pool in a namespace its own name');
    }

    this.startupTimeout = props.startupTimeout ?? Duration.minutes(15);
    this.drainTimeout = props.drainTimeout ?? Duration.minutes(5);
    this.scraped = props.monitoring !== undefined;
    this._monitoring = props.monitoring?._resolve(this, 'monitoring');
    if (props.serviceAccountName !== undefined) requireDnsSubdomain(this, 'serviceAccountName', props.serviceAccountName);

    const container = this.server._render(this, 'server', { modelName: this.modelName, gpuCount: this.accelerator.gpuCount });
    this.containerPort = container.port;
    this.servicePort = container.port;
    this.portName = PORT_NAME;
    this.healthPath = container.healthPath;
    this.metricsPath = container.metricsPath;
    this.exportsVllmMetrics = container.exportsVllmMetrics;
    this.serverKind = container.exportsVllmMetrics ? ModelServerKind.VLLM : ModelServerKind.OTHER;
    this.serviceName = this.name;

    this.selectorLabels = { [PoolLabels.POOL]: this.name, [PoolLabels.MODEL]: this.modelName };
    const extraLabels = requireLabels(this, 'labels', props.labels ?? {});
    for (const key of Object.keys(extraLabels)) {
      if (key in this.selectorLabels) {
        throw invalid(this, `labels.${key}`, extraLabels[key], 'would replace a label the pool selects its pods by', `choose another label key than ${key}`);
      }
    }
    this.podLabels = {
      'app.kubernetes.io/name': this.server.serverName,
      'app.kubernetes.io/instance': this.name,
      'app.kubernetes.io/component': 'model-server',
      'app.kubernetes.io/part-of': 'cdk8s-ai-gateway',
      ...extraLabels,
      ...this.selectorLabels,
    };

    const autoscaling = props.autoscaling?._resolve(this, 'autoscaling');
    if (autoscaling && props.replicas !== undefined) {
      throw invalid(this, 'replicas', props.replicas, 'cannot be set together with autoscaling, which owns the replica count',
        'remove replicas and set autoscaling minReplicas instead');
    }
    this.replicas = autoscaling ? undefined : requireWholeNumber(this, 'replicas', props.replicas ?? 1, 0, INT32_MAX);
    const maxUnavailable = requireWholeNumber(this, 'maxUnavailable', props.maxUnavailable ?? 1, 1, INT32_MAX);

    const metadata = { name: this.name, namespace: this.namespaceName, labels: this.podLabels };
    // Written once as manifests (plain-object.ts): a platform App has thousands of pools.
    plainApiObject(this, 'Resource', k8s.KubeDeployment.GVK, {
      metadata,
      spec: this.deploymentSpec(props, container),
    } satisfies k8s.KubeDeploymentProps);
    this.service = plainApiObject(this, 'Service', k8s.KubeService.GVK, {
      metadata,
      spec: {
        type: 'ClusterIP',
        selector: this.selectorLabels,
        ports: [{ name: PORT_NAME, port: this.servicePort, targetPort: k8s.IntOrString.fromString(PORT_NAME), protocol: 'TCP', appProtocol: 'http' }],
      },
    } satisfies k8s.KubeServiceProps);
    plainApiObject(this, 'DisruptionBudget', k8s.KubePodDisruptionBudget.GVK, {
      metadata,
      spec: {
        maxUnavailable: k8s.IntOrString.fromNumber(maxUnavailable),
        selector: { matchLabels: this.selectorLabels },
        // A replica stuck loading its model must not block a node drain.
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    } satisfies k8s.KubePodDisruptionBudgetProps);
    if (autoscaling) this.addScaledObject(autoscaling, metadata);
    if (this._monitoring) this.addMonitor(this._monitoring, metadata);
    claimName(this, 'Service', this.namespaceName, this.name, new PathOwner('pool', this));
  }

  /** The pool's Deployment (the same object as `ApiObject.of(pool)`). */
  public get deployment(): ApiObject {
    return this.node.findChild('Resource') as ApiObject;
  }

  /**
   * The Service's in-cluster DNS name, fully qualified (`<name>.<namespace>.svc.cluster.local`).
   * Needs a namespace: set one on the pool or its chart.
   */
  public get serviceFqdn(): string {
    if (this.namespaceName === undefined) {
      throw invalid(this, 'namespaceName', undefined, 'is needed for the fully qualified Service name', 'set namespaceName on the pool or a namespace on its chart');
    }
    return `${this.serviceName}.${this.namespaceName}.svc.cluster.local`;
  }

  private deploymentSpec(props: LlmModelPoolProps, c: ServerContainer): k8s.DeploymentSpec {
    // progressDeadlineSeconds (startup + 300) is an int32.
    const startupSeconds = wholeSeconds(this, 'startupTimeout', this.startupTimeout, STARTUP_PERIOD, INT32_MAX - 300);
    const drainSeconds = wholeSeconds(this, 'drainTimeout', this.drainTimeout, 1);
    const scheduling = this.accelerator._scheduling();
    const cpu = cpuQuantity(this, 'cpu', props.cpu ?? c.defaultCpu);
    const memoryKi = sizeInKibibytes(this, 'memory', props.memory ?? c.defaultMemory);
    const memory = quantityOfKibibytes(memoryKi);
    const volumes: k8s.Volume[] = [];
    const mounts: k8s.VolumeMount[] = [];
    const shmKi = props.sharedMemory === undefined ? undefined : sizeInKibibytes(this, 'sharedMemory', props.sharedMemory);
    if (c.sharedMemory) {
      // A quarter of the memory, in whole mebibytes once it is one or more, at most 8 GiB.
      const quarter = Math.floor(memoryKi / 4);
      const shm = shmKi ?? Math.min(MAX_DEFAULT_SHM_KI, quarter >= 1024 ? quarter - quarter % 1024 : quarter);
      if (shm >= memoryKi) {
        throw invalid(this, 'sharedMemory', quantityOfKibibytes(shm), `must be smaller than the memory limit (${memory}), which it counts against`,
          'raise memory or lower sharedMemory');
      }
      volumes.push({ name: SHM_VOLUME, emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString(quantityOfKibibytes(shm)) } });
      mounts.push({ name: SHM_VOLUME, mountPath: '/dev/shm' });
    } else if (shmKi !== undefined) {
      throw invalid(this, 'sharedMemory', quantityOfKibibytes(shmKi), 'is set but the server does not use shared memory',
        'remove sharedMemory, or use a server that needs it');
    }
    if (c.cachePath !== undefined) {
      volumes.push((props.cache ?? ModelCache.emptyDir())._volume(this, 'cache', CACHE_VOLUME));
      mounts.push({ name: CACHE_VOLUME, mountPath: c.cachePath });
    } else if (props.cache !== undefined) {
      throw invalid(this, 'cache', 'ModelCache', 'is set but the server keeps no model cache', 'remove cache');
    }
    const httpGet = { path: c.healthPath, port: k8s.IntOrString.fromString(PORT_NAME) };
    const runAsUser = c.runAsNonRoot ? c.runAsUser : undefined;

    return {
      replicas: this.replicas,
      selector: { matchLabels: this.selectorLabels },
      // A rollout is only stuck once a new replica has had its whole startup window.
      progressDeadlineSeconds: startupSeconds + 300,
      template: {
        metadata: { labels: this.podLabels },
        spec: {
          serviceAccountName: props.serviceAccountName,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: drainSeconds,
          securityContext: {
            runAsNonRoot: c.runAsNonRoot,
            runAsUser,
            runAsGroup: runAsUser,
            fsGroup: runAsUser,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          nodeSelector: scheduling.nodeSelector,
          tolerations: scheduling.tolerations.length > 0 ? scheduling.tolerations : undefined,
          topologySpreadConstraints: [{
            maxSkew: 1,
            topologyKey: 'kubernetes.io/hostname',
            // GPU nodes are scarce: prefer spreading, never leave a replica pending for it.
            whenUnsatisfiable: 'ScheduleAnyway',
            labelSelector: { matchLabels: this.selectorLabels },
            matchLabelKeys: ['pod-template-hash'],
          }],
          containers: [{
            name: CONTAINER,
            image: c.image,
            command: c.command,
            args: c.args,
            ports: [{ name: PORT_NAME, containerPort: c.port, protocol: 'TCP' }],
            env: c.env.length === 0 ? undefined : c.env.map(e => e.secret
              ? { name: e.name, valueFrom: { secretKeyRef: { name: e.secret.secretName, key: e.secret.key } } }
              : { name: e.name, value: e.value }),
            resources: {
              requests: { cpu: k8s.Quantity.fromString(cpu), memory: k8s.Quantity.fromString(memory) },
              limits: { memory: k8s.Quantity.fromString(memory), ...scheduling.limits },
            },
            startupProbe: { httpGet, periodSeconds: STARTUP_PERIOD, timeoutSeconds: 5, failureThreshold: Math.ceil(startupSeconds / STARTUP_PERIOD) },
            readinessProbe: { httpGet, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3, successThreshold: 1 },
            // A busy server answers health checks slowly: restart only after a minute of failures.
            livenessProbe: { httpGet, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4 },
            securityContext: {
              allowPrivilegeEscalation: false,
              privileged: false,
              runAsNonRoot: c.runAsNonRoot,
              capabilities: { drop: ['ALL'], add: c.addCapabilities.length > 0 ? c.addCapabilities : undefined },
              seccompProfile: { type: 'RuntimeDefault' },
            },
            volumeMounts: mounts.length > 0 ? mounts : undefined,
          }],
          volumes: volumes.length > 0 ? volumes : undefined,
        },
      },
    };
  }

  private addScaledObject(spec: AutoscalingSpec, metadata: k8s.ObjectMeta) {
    if (!this.exportsVllmMetrics) {
      throw invalid(this, 'autoscaling', 'Autoscaling.onQueueDepth', `needs a server that exports vLLM's queue depth, and the ${this.server.serverName} server does not`,
        'use ModelServer.vllm(), a custom server with exportsVllmMetrics, or a fixed replicas count');
    }
    const selectors = [`model_name="${this.modelName}"`];
    if (this.namespaceName !== undefined) selectors.push(`namespace="${this.namespaceName}"`);
    const trigger: ScaledObjectSpecTriggers = {
      type: 'prometheus',
      metricType: 'AverageValue',
      metadata: {
        serverAddress: spec.prometheusUrl,
        query: `sum(vllm:num_requests_waiting{${selectors.join(',')}})`,
        threshold: String(spec.targetQueueDepth),
        // Scale up from zero as soon as one request waits.
        activationThreshold: '0',
      },
    };
    new ScaledObject(this, 'Autoscaler', {
      metadata,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name },
        minReplicaCount: spec.minReplicas,
        maxReplicaCount: spec.maxReplicas,
        pollingInterval: spec.pollingIntervalSeconds,
        cooldownPeriod: spec.scaleDownStabilizationSeconds,
        advanced: {
          horizontalPodAutoscalerConfig: {
            behavior: { scaleDown: { stabilizationWindowSeconds: spec.scaleDownStabilizationSeconds } },
          },
        },
        triggers: [trigger],
      },
    });
  }

  private addMonitor(spec: MonitoringSpec, metadata: k8s.ObjectMeta) {
    if (this.metricsPath === undefined) {
      throw invalid(this, 'monitoring', spec.kind, `needs a metrics path, and the ${this.server.serverName} server has none`,
        'remove monitoring, or give the custom server a metricsPath');
    }
    const endpoint = { port: PORT_NAME, path: this.metricsPath, interval: `${spec.intervalSeconds}s` };
    const monitorMetadata = { ...metadata, labels: { ...metadata.labels, ...spec.labels } };
    if (spec.kind === 'ServiceMonitor') {
      new ServiceMonitor(this, 'Monitor', {
        metadata: monitorMetadata,
        spec: { selector: { matchLabels: this.selectorLabels }, endpoints: [endpoint] },
      });
    } else {
      new PodMonitor(this, 'Monitor', {
        metadata: monitorMetadata,
        spec: { selector: { matchLabels: this.selectorLabels }, podMetricsEndpoints: [endpoint] },
      });
    }
  }
}

/** A model server made elsewhere: a name for its Service, pods and metrics, and no objects of its own. */
class ImportedModelPool extends Construct implements ILlmModelPool {
  public readonly name: string;
  public readonly namespaceName?: string;
  public readonly serviceName: string;
  public readonly servicePort: number;
  public readonly containerPort: number;
  public readonly selectorLabels: Record<string, string>;
  public readonly serverKind: ModelServerKind;
  public readonly scraped: boolean;

  constructor(scope: Construct, id: string, attributes: ModelServiceAttributes) {
    super(scope, id);
    // JavaScript callers get no type check: a missing value is the library's error, not a TypeError.
    const a: ModelServiceAttributes = attributes ?? ({} as ModelServiceAttributes);
    this.serviceName = a.serviceName;
    requireServiceName(this, 'serviceName', this.serviceName, 'use the name of the Service in front of the model server');
    this.name = a.name ?? this.serviceName;
    if (a.name !== undefined) requireServiceName(this, 'name', this.name, 'choose a name that starts with a letter');
    this.namespaceName = a.namespaceName ?? Chart.of(this).namespace;
    if (this.namespaceName !== undefined) requireDnsLabel(this, 'namespaceName', this.namespaceName);
    this.servicePort = requirePort(this, 'port', a.port);
    this.containerPort = requirePort(this, 'targetPort', a.targetPort ?? this.servicePort);
    this.selectorLabels = { ...requireLabels(this, 'selectorLabels', a.selectorLabels) };
    if (Object.keys(this.selectorLabels).length === 0) {
      throw invalid(this, 'selectorLabels', a.selectorLabels, 'selects no pods in particular (an empty selector selects every pod of the namespace)',
        "give the labels of the server's pods, such as the Service's selector");
    }
    const kinds = Object.values(ModelServerKind) as string[];
    if (a.serverKind !== undefined && !kinds.includes(a.serverKind)) {
      throw invalid(this, 'serverKind', a.serverKind, 'is not a ModelServerKind', 'use ModelServerKind.VLLM or ModelServerKind.OTHER');
    }
    this.serverKind = a.serverKind ?? ModelServerKind.OTHER;
    if (a.scraped !== undefined && typeof a.scraped !== 'boolean') {
      throw invalid(this, 'scraped', a.scraped, 'is not true or false', 'set scraped to true when Prometheus scrapes the pods on the serving port');
    }
    this.scraped = a.scraped ?? false;
  }
}

/** An optional value object of one of the library's classes. */
function requireKind(scope: Construct, property: string, value: unknown, isKind: (v: unknown) => boolean, kind: string, factories: string) {
  if (value !== undefined && !isKind(value)) {
    throw invalid(scope, property, value, `is not ${kind}`, `use ${factories}`);
  }
}

