import { ApiObject, Size } from 'cdk8s';
import { Cpu, k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Monitoring } from './autoscaling';
import {
  InferencePool as InferencePoolObject, InferencePoolSpecAppProtocol, InferencePoolSpecEndpointPickerRefFailureMode,
} from './imports/inference.networking.k8s.io';
import { InferenceObjective } from './imports/llm-d.ai';
import { PodMonitor, ServiceMonitor } from './imports/monitoring.coreos.com';
import type { MonitoringSpec } from './internal';
import { ILlmModelPool, LlmModelPool, ModelServerKind } from './llm-model-pool';
import { claimName, NameOwner, ownerOf } from './object-names';
import {
  cpuQuantity, invalid, requireDnsLabel, requireNonEmpty, requireWholeNumber, sizeQuantity,
} from './validate';

/** What the endpoint picker does when it cannot answer. */
export enum PickerFailureMode {
  /** Reject the request (the Inference Extension's default): no traffic bypasses the picker's decisions. */
  FAIL_CLOSE = 'FailClose',
  /** Fall back to the gateway's own load balancing: requests keep flowing while the picker is down. */
  FAIL_OPEN = 'FailOpen',
}

/** Weights of the endpoint picker's scorers (0 switches a scorer off). */
export interface EndpointPickerScorers {
  /**
   * Prefer replicas with fewer waiting requests (`vllm:num_requests_waiting`).
   * @default 2
   */
  readonly queue?: number;
  /**
   * Prefer replicas with free KV cache (`vllm:kv_cache_usage_perc`).
   * @default 2
   */
  readonly kvCache?: number;
  /**
   * Prefer replicas that likely hold the prompt's prefix in their KV cache.
   * @default 3
   */
  readonly prefixCache?: number;
}

/** A traffic class of an InferencePool: requests that send header `x-llm-d-inference-objective: <name>` get its priority. */
export interface InferenceObjectiveOptions {
  /** The objective's name (a DNS label), which clients send in the header. */
  readonly name: string;
  /** Higher is more important; under load, lower priorities are shed first. */
  readonly priority: number;
}

/** CPU and memory of each endpoint picker replica. */
export interface EndpointPickerResources {
  /**
   * CPU each replica requests (no limit: a throttled picker delays every request).
   * @default Cpu.units(1)
   */
  readonly cpu?: Cpu;
  /**
   * Memory each replica requests and is limited to.
   * @default Size.gibibytes(2)
   */
  readonly memory?: Size;
}

/** Properties of an `InferencePool`. */
export interface InferencePoolProps {
  /**
   * The model server whose pods the InferencePool selects: an `LlmModelPool`, or a server imported with
   * `LlmModelPool.fromService()`. It must export vLLM's metrics and have a namespace, where the InferencePool
   * and its endpoint picker are created.
   */
  readonly pool: ILlmModelPool;
  /**
   * The name of the InferencePool; the endpoint picker's objects are named `<name>-epp`.
   * @default - the pool's name
   */
  readonly name?: string;
  /**
   * What happens to requests when the endpoint picker is unavailable.
   * @default PickerFailureMode.FAIL_CLOSE
   */
  readonly failureMode?: PickerFailureMode;
  /**
   * Endpoint picker replicas (more than one elects a leader).
   * @default 1
   */
  readonly pickerReplicas?: number;
  /**
   * The endpoint picker image.
   * @default 'ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.10.0'
   */
  readonly pickerImage?: string;
  /**
   * CPU and memory of each endpoint picker replica.
   * @default - 1 core, 2 GiB
   */
  readonly pickerResources?: EndpointPickerResources;
  /**
   * The scheduling profile's scorer weights.
   * @default - queue 2, kvCache 2, prefixCache 3
   */
  readonly scorers?: EndpointPickerScorers;
  /**
   * Traffic classes with priorities, selected by request header.
   * @default - none
   */
  readonly objectives?: InferenceObjectiveOptions[];
  /**
   * A Prometheus Operator monitor for the endpoint picker's metrics.
   * @default - the monitor kind, interval and labels of the pool's own monitor when the pool is an
   * `LlmModelPool` with `monitoring`; otherwise none
   */
  readonly monitoring?: Monitoring;
}

/** The picker's ext-proc gRPC port, which the gateway calls. */
const PICKER_GRPC_PORT = 9002;
/** The picker's gRPC health port (liveness and readiness probes). */
const PICKER_HEALTH_PORT = 9003;
/** The picker's Prometheus metrics port. */
const PICKER_METRICS_PORT = 9090;
const PICKER_METRICS_PATH = '/metrics';
const PICKER_METRICS_CONTAINER_PORT = 'metrics';
const PICKER_METRICS_SERVICE_PORT = 'http-metrics';
const PICKER_IMAGE = 'ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.10.0';

const INFERENCE_POOL_GROUP = 'inference.networking.k8s.io';
const CONFIG_FILE = 'default-plugins.yaml';
const CONFIG_DIR = '/config';
const CONTAINER = 'epp';
/** The distroless `nonroot` user of the picker image. */
const PICKER_USER = 65532;
/** Longer than the picker's own drain, as upstream recommends. */
const PICKER_TERMINATION_SECONDS = 130;
const PICKER_SUFFIX = '-epp';
const MAX_SERVICE_NAME = 63;

/** Construct ids of the picker's objects (documented on `InferencePool`). */
const IDS = {
  config: 'PickerConfig',
  serviceAccount: 'PickerServiceAccount',
  role: 'PickerRole',
  roleBinding: 'PickerRoleBinding',
  deployment: 'Picker',
  monitor: 'PickerMonitor',
  service: 'PickerService',
  destinationRule: 'PickerDestinationRule',
} as const;

/** The settings the picker is rendered from, after defaults. */
interface PickerSettings {
  readonly failureMode: PickerFailureMode;
  readonly replicas: number;
  readonly image: string;
  readonly cpu: string;
  readonly memory: string;
  readonly scorers: { readonly queue: number; readonly kvCache: number; readonly prefixCache: number };
  readonly objectives: ReadonlyArray<{ readonly name: string; readonly priority: number }>;
  readonly monitoring?: MonitoringSpec;
}

/**
 * An InferencePool (Gateway API Inference Extension, `inference.networking.k8s.io/v1`) over a model server's
 * pods, with the endpoint picker (llm-d-router's EPP) that chooses the replica for each request by queue depth,
 * KV-cache use and prefix-cache affinity, and its InferenceObjectives. Route to it with
 * `Backend.inferencePool(inferencePool)`; any number of routes and gateways share it. Only Gateway API data
 * planes (and Envoy AI Gateway) route to it; others reject it with an alternative.
 *
 * Every object is created in the pool's namespace, in the chart of the InferencePool's scope (create it next
 * to its pool). Escape hatches: the InferencePool object has the construct id `Resource` (`ApiObject.of(...)`);
 * the picker's objects are the `picker*` properties (ids `PickerConfig`, `PickerServiceAccount`, `PickerRole`,
 * `PickerRoleBinding`, `Picker`, `PickerService`, `PickerMonitor`), the objectives `objective(name)` (ids
 * `Objective-<name>`), and the DestinationRule an Istio gateway adds `pickerDestinationRule` (id
 * `PickerDestinationRule`).
 *
 * @see https://gateway-api-inference-extension.sigs.k8s.io/
 * @see https://github.com/llm-d/llm-d-router
 *
 * @example
 * const pool = new LlmModelPool(chart, 'llama', { modelName: 'llama-3-8b', server: ModelServer.vllm({ model: 'meta-llama/Llama-3.1-8B-Instruct' }),
 *   accelerator: Accelerator.nvidiaGpu({ count: 1 }) });
 * const picked = new InferencePool(chart, 'llama-picker', { pool, pickerReplicas: 2 });
 * const gateway = new AiGateway(chart, 'gateway', {
 *   dataPlane: DataPlane.gatewayApi({ gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway() }),
 *   hostnames: ['llm.example.com'],
 * });
 * gateway.addRoute('llama', { backend: Backend.inferencePool(picked) });
 */
export class InferencePool extends Construct {
  /** The InferencePool's name (the `name` of a backendRef to it). */
  public readonly name: string;
  /** The namespace of the InferencePool and the picker: the pool's. */
  public readonly namespaceName: string;
  /** The model server whose pods the InferencePool selects. */
  public readonly pool: ILlmModelPool;
  /** What happens to requests when the endpoint picker is unavailable. */
  public readonly failureMode: PickerFailureMode;
  /** The name of the endpoint picker's Deployment, Service and other objects (`<name>-epp`). */
  public readonly pickerName: string;
  /** The labels the endpoint picker's Deployment and Service select its pods by. */
  public readonly pickerPodLabels: Record<string, string>;
  /** The endpoint picker's Deployment. */
  public readonly pickerDeployment: ApiObject;
  /** The endpoint picker's Service (ext-proc gRPC on 9002, metrics on 9090). */
  public readonly pickerService: ApiObject;
  /** The ConfigMap with the picker's EndpointPickerConfig. */
  public readonly pickerConfigMap: ApiObject;
  /** The picker's ServiceAccount. */
  public readonly pickerServiceAccount: ApiObject;
  /** The Role that lets the picker read pods, its InferencePool and objectives. */
  public readonly pickerRole: ApiObject;
  /** The RoleBinding of the picker's Role to its ServiceAccount. */
  public readonly pickerRoleBinding: ApiObject;
  /**
   * The picker's ServiceMonitor or PodMonitor.
   * @default - none, when the picker is not monitored
   */
  public readonly pickerMonitor?: ApiObject;

  private readonly objectiveObjects = new Map<string, ApiObject>();

  constructor(scope: Construct, id: string, props: InferencePoolProps) {
    super(scope, id);
    const pool = props?.pool;
    // JavaScript callers get no type check: a wrong kind of value is the library's error, not a TypeError.
    if (pool === null || typeof pool !== 'object' || typeof pool.serviceName !== 'string' || pool.node === undefined) {
      throw invalid(this, 'pool', pool, 'is not a model pool', 'pass an LlmModelPool, or a server imported with LlmModelPool.fromService(...)');
    }
    this.pool = pool;
    if (pool.namespaceName === undefined) {
      throw invalid(this, 'pool', pool.node.path, 'has no namespace, and an InferencePool must live in its pods\' namespace', 'set a namespace on the pool or its chart');
    }
    this.namespaceName = pool.namespaceName;
    if (pool instanceof LlmModelPool && !pool.accelerator.hasGpu) {
      throw invalid(this, 'pool', pool.node.path, 'is a pool without GPUs, and an endpoint picker balances GPU queues and KV caches',
        'route with Backend.pool() to CPU pools, or give the pool an accelerator');
    }
    if (pool.serverKind !== ModelServerKind.VLLM) {
      throw invalid(this, 'pool', pool.node.path, `is a model server of kind ${pool.serverKind}, which does not export the vLLM metrics the endpoint picker reads`,
        'use ModelServer.vllm() or a custom server with exportsVllmMetrics (serverKind ModelServerKind.VLLM when imported), or route with Backend.pool()');
    }

    const nameProperty = props.name === undefined ? 'pool' : 'name';
    this.name = props.name ?? pool.name;
    if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(this.name) || this.name.length > MAX_SERVICE_NAME - PICKER_SUFFIX.length) {
      throw invalid(this, nameProperty, this.name,
        `cannot name an InferencePool whose endpoint picker Service is '${this.name}${PICKER_SUFFIX}' (Service names are 1 to ${MAX_SERVICE_NAME} lowercase letters, digits and "-", starting with a letter)`,
        `give the InferencePool a name of at most ${MAX_SERVICE_NAME - PICKER_SUFFIX.length} characters that starts with a letter`);
    }
    this.pickerName = `${this.name}${PICKER_SUFFIX}`;
    const settings = this.settings(props);
    this.failureMode = settings.failureMode;
    this.claimNames(nameProperty, settings);

    const picker = renderPicker(this, pool, this.namespaceName, this.pickerName, this.name, settings);
    this.pickerPodLabels = picker.selector;
    this.pickerDeployment = picker.deployment;
    this.pickerService = picker.service;
    this.pickerConfigMap = picker.config;
    this.pickerServiceAccount = picker.serviceAccount;
    this.pickerRole = picker.role;
    this.pickerRoleBinding = picker.roleBinding;
    this.pickerMonitor = picker.monitor;

    const labels = pool instanceof LlmModelPool ? pool.podLabels : pool.selectorLabels;
    new InferencePoolObject(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespaceName, labels },
      spec: {
        // The pool's own selector: the picker's pods carry none of these labels.
        selector: { matchLabels: pool.selectorLabels },
        targetPorts: [{ number: pool.containerPort }],
        appProtocol: InferencePoolSpecAppProtocol.HTTP,
        endpointPickerRef: {
          name: this.pickerName,
          port: { number: PICKER_GRPC_PORT },
          failureMode: settings.failureMode === PickerFailureMode.FAIL_OPEN
            ? InferencePoolSpecEndpointPickerRefFailureMode.FAIL_OPEN
            : InferencePoolSpecEndpointPickerRefFailureMode.FAIL_CLOSE,
        },
      },
    });
    for (const objective of settings.objectives) {
      this.objectiveObjects.set(objective.name, new InferenceObjective(this, `Objective-${objective.name}`, {
        metadata: { name: objective.name, namespace: this.namespaceName, labels },
        spec: {
          poolRef: { group: INFERENCE_POOL_GROUP, kind: 'InferencePool', name: this.name },
          priority: objective.priority,
        },
      }));
    }
  }

  /** The InferencePool object (the same as `ApiObject.of(inferencePool)`). */
  public get resource(): ApiObject {
    return this.node.findChild('Resource') as ApiObject;
  }

  /** The names of the objectives, in the order given. */
  public get objectiveNames(): string[] {
    return [...this.objectiveObjects.keys()];
  }

  /**
   * The DestinationRule that originates TLS to the picker for Istio, created when an Istio gateway first
   * routes to the InferencePool.
   * @default - none, when no Istio gateway routes to it
   */
  public get pickerDestinationRule(): ApiObject | undefined {
    return this.node.tryFindChild(IDS.destinationRule) as ApiObject | undefined;
  }

  /**
   * The picker's DestinationRule: the one already added, or the one `create` makes as a child of this construct.
   * A data plane renderer calls it; the InferencePool knows no data plane.
   * @internal
   */
  public _pickerDestinationRule(create: (scope: Construct, id: string) => ApiObject): ApiObject {
    return this.pickerDestinationRule ?? create(this, IDS.destinationRule);
  }

  /** The InferenceObjective of the objective named `name`. */
  public objective(name: string): ApiObject {
    const objective = this.objectiveObjects.get(name);
    if (objective === undefined) {
      throw invalid(this, 'objective', name, 'is not an objective of this InferencePool',
        this.objectiveObjects.size === 0 ? 'add it to objectives' : `use one of ${[...this.objectiveObjects.keys()].join(', ')}`);
    }
    return objective;
  }

  private settings(props: InferencePoolProps): PickerSettings {
    const scorers = props.scorers ?? {};
    const weight = (name: keyof EndpointPickerScorers, fallback: number) => requireWholeNumber(this, `scorers.${name}`, scorers[name] ?? fallback, 0, 100);
    const objectives = (props.objectives ?? []).map((o, i) => ({
      name: requireDnsLabel(this, `objectives[${i}].name`, o.name),
      priority: requireWholeNumber(this, `objectives[${i}].priority`, o.priority, -1000, 1000),
    }));
    if (new Set(objectives.map(o => o.name)).size !== objectives.length) {
      throw invalid(this, 'objectives', objectives.map(o => o.name), 'names an objective twice', 'give each objective its own name');
    }
    const modes = Object.values(PickerFailureMode) as string[];
    if (props.failureMode !== undefined && !modes.includes(props.failureMode)) {
      throw invalid(this, 'failureMode', props.failureMode, 'is not a PickerFailureMode', 'use PickerFailureMode.FAIL_CLOSE or PickerFailureMode.FAIL_OPEN');
    }
    if (props.monitoring !== undefined && !(props.monitoring instanceof Monitoring)) {
      throw invalid(this, 'monitoring', props.monitoring, 'is not a Monitoring', 'use Monitoring.serviceMonitor() or Monitoring.podMonitor()');
    }
    const resources = props.pickerResources ?? {};
    const settings: PickerSettings = {
      failureMode: props.failureMode ?? PickerFailureMode.FAIL_CLOSE,
      replicas: requireWholeNumber(this, 'pickerReplicas', props.pickerReplicas ?? 1, 1, 10),
      image: requireNonEmpty(this, 'pickerImage', props.pickerImage ?? PICKER_IMAGE),
      cpu: resources.cpu === undefined ? '1' : cpuQuantity(this, 'pickerResources.cpu', resources.cpu),
      memory: resources.memory === undefined ? '2Gi' : sizeQuantity(this, 'pickerResources.memory', resources.memory),
      scorers: { queue: weight('queue', 2), kvCache: weight('kvCache', 2), prefixCache: weight('prefixCache', 3) },
      objectives,
      monitoring: props.monitoring?._resolve(this, 'monitoring') ?? (this.pool instanceof LlmModelPool ? this.pool._monitoring : undefined),
    };
    if (settings.scorers.queue + settings.scorers.kvCache + settings.scorers.prefixCache === 0) {
      throw invalid(this, 'scorers', scorers, 'switch every scorer off, so the picker could not rank replicas', 'give at least one scorer a weight above 0');
    }
    return settings;
  }

  /** Rejects names another construct's objects already have in the namespace, then claims them (names are per namespace). */
  private claimNames(nameProperty: string, settings: PickerSettings) {
    const ns = this.namespaceName;
    const me: NameOwner = { construct: this, description: `InferencePool ${this.node.path}` };
    const twin = ownerOf(this, 'InferencePool.inference.networking.k8s.io', ns, this.name);
    if (twin !== undefined) {
      throw invalid(this, nameProperty, this.name, `is already the name of ${twin.description} in namespace ${ns}, and the two would overwrite each other's objects`,
        'give the InferencePool another name');
    }
    const service = ownerOf(this, 'Service', ns, this.pickerName);
    if (service !== undefined) {
      throw invalid(this, nameProperty, this.name,
        `needs an endpoint picker Service named '${this.pickerName}', and ${service.description} already has a Service of that name in namespace ${ns}`,
        'give the InferencePool or the other one another name');
    }
    for (const [i, objective] of settings.objectives.entries()) {
      const owner = ownerOf(this, 'InferenceObjective.llm-d.ai', ns, objective.name);
      if (owner !== undefined) {
        throw invalid(this, `objectives[${i}].name`, objective.name,
          `is already an objective of ${owner.description} in namespace ${ns}, and an InferenceObjective is named by the header value clients send`,
          'give the objectives of InferencePools that share a namespace different names');
      }
    }
    claimName(this, 'InferencePool.inference.networking.k8s.io', ns, this.name, me);
    claimName(this, 'Service', ns, this.pickerName, { construct: this, description: `the endpoint picker of InferencePool ${this.node.path}` });
    for (const objective of settings.objectives) claimName(this, 'InferenceObjective.llm-d.ai', ns, objective.name, me);
  }
}

/** The endpoint picker of one InferencePool: configuration, identity, permissions, Deployment, Service, monitor. */
function renderPicker(scope: Construct, pool: ILlmModelPool, namespace: string, name: string, poolName: string, spec: PickerSettings) {
  const leaderElection = spec.replicas > 1;
  const selector = {
    'app.kubernetes.io/instance': name,
    'app.kubernetes.io/component': 'endpoint-picker',
  };
  // The user's extra labels from the pool, but never the labels the pool selects its pods by: the picker's
  // pods must not join the pool's Service, PodDisruptionBudget or InferencePool.
  const podLabels = pool instanceof LlmModelPool ? pool.podLabels : {};
  const inherited = Object.fromEntries(Object.entries(podLabels).filter(([key]) => !(key in pool.selectorLabels)));
  const labels = {
    ...inherited,
    'app.kubernetes.io/name': 'endpoint-picker',
    'app.kubernetes.io/part-of': 'cdk8s-ai-gateway',
    ...selector,
  };
  const metadata = { name, namespace, labels };

  const config = new k8s.KubeConfigMap(scope, IDS.config, {
    metadata,
    data: { [CONFIG_FILE]: pickerConfig(spec.scorers) },
  });
  const serviceAccount = new k8s.KubeServiceAccount(scope, IDS.serviceAccount, { metadata });
  const read = ['get', 'watch', 'list'];
  const rules: k8s.PolicyRule[] = [
    { apiGroups: [''], resources: ['pods'], verbs: read },
    { apiGroups: [INFERENCE_POOL_GROUP], resources: ['inferencepools'], verbs: read },
    { apiGroups: ['llm-d.ai'], resources: ['inferenceobjectives', 'inferencemodelrewrites'], verbs: read },
    { apiGroups: ['inference.networking.x-k8s.io'], resources: ['inferenceobjectives', 'inferencemodelrewrites'], verbs: read },
  ];
  if (leaderElection) {
    rules.push(
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create', 'get', 'update', 'list', 'watch'] },
      // The leader election records events; without this it only logs that it could not.
      { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
    );
  }
  const role = new k8s.KubeRole(scope, IDS.role, { metadata, rules });
  const roleBinding = new k8s.KubeRoleBinding(scope, IDS.roleBinding, {
    metadata,
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
    subjects: [{ kind: 'ServiceAccount', name: serviceAccount.name, namespace }],
  });

  const args = [
    '--pool-name', poolName,
    '--pool-namespace', namespace,
    '--pool-group', INFERENCE_POOL_GROUP,
    '--config-file', `${CONFIG_DIR}/${CONFIG_FILE}`,
    '--grpc-port', String(PICKER_GRPC_PORT),
    '--grpc-health-port', String(PICKER_HEALTH_PORT),
    '--metrics-port', String(PICKER_METRICS_PORT),
    // Tracing is on by default and exports to an OpenTelemetry collector at localhost:4317, which a pod does not
    // have (llm-d-router v0.10.0 pkg/epp/server/options.go, pkg/common/observability/tracing/telemetry.go); the
    // official chart passes --tracing=false unless tracing is configured. Boolean flags take `=false`.
    '--tracing=false',
    // /metrics requires a token the picker reviews through the API server by default (TokenReview and
    // SubjectAccessReview, which its Role does not grant), so no Prometheus could scrape it. Serve it without
    // authentication, as the chart does with monitoring.prometheus.auth.enabled=false, and turn off the pprof
    // handlers that would otherwise be served unauthenticated on the same port (cmd/epp/runner/runner.go).
    '--metrics-endpoint-auth=false',
    '--enable-pprof=false',
  ];
  if (leaderElection) args.push('--ha-enable-leader-election');
  // With leader election the health server answers only `liveness` and `readiness` (ready = leader); any
  // other service name is unknown and would fail the probes. Without it, every name is served.
  const probeService = (check: 'liveness' | 'readiness') => leaderElection ? check : 'inference-extension';
  const securityContext = { seccompProfile: { type: 'RuntimeDefault' } };

  const deployment = new k8s.KubeDeployment(scope, IDS.deployment, {
    metadata,
    spec: {
      replicas: spec.replicas,
      selector: { matchLabels: selector },
      // Standby replicas never become ready, so a rolling update of a leader-elected picker would wait forever
      // for them: replace all at once. A single picker is replaced only once its successor is ready.
      strategy: leaderElection ? { type: 'Recreate' } : {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) },
      },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: serviceAccount.name,
          // The picker watches pods, the InferencePool and objectives through the API.
          automountServiceAccountToken: true,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: PICKER_TERMINATION_SECONDS,
          securityContext: { runAsNonRoot: true, runAsUser: PICKER_USER, runAsGroup: PICKER_USER, ...securityContext },
          topologySpreadConstraints: leaderElection ? [{
            maxSkew: 1,
            topologyKey: 'kubernetes.io/hostname',
            whenUnsatisfiable: 'ScheduleAnyway',
            labelSelector: { matchLabels: selector },
            matchLabelKeys: ['pod-template-hash'],
          }] : undefined,
          containers: [{
            name: CONTAINER,
            image: spec.image,
            args,
            env: [
              { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
              { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            ],
            ports: [
              { name: 'grpc', containerPort: PICKER_GRPC_PORT, protocol: 'TCP' },
              { name: 'grpc-health', containerPort: PICKER_HEALTH_PORT, protocol: 'TCP' },
              { name: PICKER_METRICS_CONTAINER_PORT, containerPort: PICKER_METRICS_PORT, protocol: 'TCP' },
            ],
            resources: {
              requests: { cpu: k8s.Quantity.fromString(spec.cpu), memory: k8s.Quantity.fromString(spec.memory) },
              limits: { memory: k8s.Quantity.fromString(spec.memory) },
            },
            livenessProbe: {
              grpc: { port: PICKER_HEALTH_PORT, service: probeService('liveness') },
              initialDelaySeconds: 5,
              periodSeconds: 10,
            },
            readinessProbe: {
              grpc: { port: PICKER_HEALTH_PORT, service: probeService('readiness') },
              periodSeconds: 2,
            },
            securityContext: {
              allowPrivilegeEscalation: false,
              privileged: false,
              readOnlyRootFilesystem: true,
              runAsNonRoot: true,
              capabilities: { drop: ['ALL'] },
              ...securityContext,
            },
            volumeMounts: [
              { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
              { name: 'tmp', mountPath: '/tmp' },
            ],
          }],
          volumes: [
            { name: 'config', configMap: { name: config.name } },
            { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
          ],
        },
      },
    },
  });
  const monitor = spec.monitoring === undefined ? undefined : renderPickerMonitor(scope, spec.monitoring, metadata, selector);
  const service = new k8s.KubeService(scope, IDS.service, {
    metadata,
    spec: {
      type: 'ClusterIP',
      selector,
      ports: [
        {
          name: 'grpc-ext-proc',
          port: PICKER_GRPC_PORT,
          targetPort: k8s.IntOrString.fromString('grpc'),
          protocol: 'TCP',
          appProtocol: 'kubernetes.io/h2c',
        },
        {
          name: PICKER_METRICS_SERVICE_PORT,
          port: PICKER_METRICS_PORT,
          targetPort: k8s.IntOrString.fromString(PICKER_METRICS_CONTAINER_PORT),
          protocol: 'TCP',
        },
      ],
    },
  });
  return { selector, config, serviceAccount, role, roleBinding, deployment, monitor, service };
}

/**
 * The picker's metrics, scraped the way the pool's are (the same monitor kind, interval and labels): its scheduling
 * decisions and the model servers' metrics it reads are how a user sees GPU-aware routing work.
 */
function renderPickerMonitor(scope: Construct, spec: MonitoringSpec, metadata: k8s.ObjectMeta, selector: Record<string, string>): ApiObject {
  const monitorMetadata = { ...metadata, labels: { ...metadata.labels, ...spec.labels } };
  const interval = `${spec.intervalSeconds}s`;
  if (spec.kind === 'ServiceMonitor') {
    return new ServiceMonitor(scope, IDS.monitor, {
      metadata: monitorMetadata,
      spec: {
        selector: { matchLabels: selector },
        endpoints: [{ port: PICKER_METRICS_SERVICE_PORT, path: PICKER_METRICS_PATH, interval }],
      },
    });
  }
  return new PodMonitor(scope, IDS.monitor, {
    metadata: monitorMetadata,
    spec: {
      selector: { matchLabels: selector },
      podMetricsEndpoints: [{ port: PICKER_METRICS_CONTAINER_PORT, path: PICKER_METRICS_PATH, interval }],
    },
  });
}

/** The picker's scorers, in the order the config lists them. */
const SCORERS: ReadonlyArray<{ readonly key: keyof PickerSettings['scorers']; readonly type: string }> = [
  { key: 'queue', type: 'queue-scorer' },
  { key: 'kvCache', type: 'kv-cache-utilization-scorer' },
  { key: 'prefixCache', type: 'prefix-cache-scorer' },
];
const PICKER_PLUGIN = 'max-score-picker';

/**
 * The EndpointPickerConfig (`llm-d.ai/v1alpha1`): the scorers with a weight above 0 and the max-score picker,
 * in one scheduling profile. The metrics data source that reads vLLM's metrics is added by the picker itself.
 * Written by hand: every value is a fixed plugin name or a whole number, so no quoting is needed.
 */
function pickerConfig(scorers: PickerSettings['scorers']): string {
  const enabled = SCORERS.filter(s => scorers[s.key] > 0);
  return [
    'apiVersion: llm-d.ai/v1alpha1',
    'kind: EndpointPickerConfig',
    'plugins:',
    ...enabled.map(s => `- type: ${s.type}`),
    `- type: ${PICKER_PLUGIN}`,
    'schedulingProfiles:',
    '- name: default',
    '  plugins:',
    ...enabled.flatMap(s => [`  - pluginRef: ${s.type}`, `    weight: ${scorers[s.key]}`]),
    `  - pluginRef: ${PICKER_PLUGIN}`,
    '',
  ].join('\n');
}
