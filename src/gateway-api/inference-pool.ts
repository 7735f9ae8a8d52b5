import { isDeepStrictEqual } from 'util';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import {
  InferencePool, InferencePoolSpecAppProtocol, InferencePoolSpecEndpointPickerRefFailureMode,
} from '../imports/inference.networking.k8s.io';
import { InferenceObjective } from '../imports/llm-d.ai';
import { PodMonitor, ServiceMonitor } from '../imports/monitoring.coreos.com';
import { DestinationRule, DestinationRuleSpecTrafficPolicyTlsMode } from '../imports/networking.istio.io';
import type { MonitoringSpec } from '../internal';
import { LlmModelPool } from '../llm-model-pool';
import type { UpstreamContract } from '../routing/contracts';
import type { DestinationSpec, InferenceSpec } from '../routing/resolved';
import { invalid } from '../validate';

/*
 * GPU-aware routing for the Gateway API data plane: an InferencePool over a pool's pods and the endpoint
 * picker (llm-d-router's EPP) that chooses a replica for each request. Internal: not exported from the package.
 *
 * @see https://gateway-api-inference-extension.sigs.k8s.io/
 * @see https://github.com/llm-d/llm-d-router
 */

/** The Gateway API implementation the routes are rendered for; Istio needs an extra DestinationRule. */
export type GatewayApiImplementationKind = 'envoy-gateway' | 'istio' | 'generic';

/** What an HTTPRoute backendRef names to send traffic through the endpoint picker (a backendRef to an InferencePool has no port). */
export interface InferencePoolRef {
  readonly group: string;
  readonly kind: 'InferencePool';
  readonly name: string;
  readonly namespace: string;
  readonly port?: undefined;
  /** The endpoint picker's pod labels: it scrapes the pool's metrics on the serving port. */
  readonly pickerPodLabels: Record<string, string>;
}

const INFERENCE_POOL_GROUP = 'inference.networking.k8s.io';

const LLM_D_ROUTER = { repository: 'llm-d/llm-d-router', tag: 'v0.10.0' };
const PICKER_TESTS = 'inference-pool.test.ts > ';

/**
 * What the endpoint picker's rendered telemetry settings rely on, for the `backend.inferencePool` feature of each data
 * plane that renders pickers (Gateway API, Envoy AI Gateway).
 */
export const PICKER_CONTRACTS: readonly UpstreamContract[] = [
  {
    renders: 'endpoint picker arg --tracing=false',
    behaviour: 'tracing is on by default and exports OTLP to http://localhost:4317, where the pod has no collector; the flag turns it off',
    ...LLM_D_ROUTER,
    path: 'pkg/epp/server/options.go',
    test: `${PICKER_TESTS}does not trace to a collector the pod does not have (tracing is on by default in v0.10.0 and exports to localhost:4317)`,
  },
  {
    renders: 'endpoint picker args --metrics-endpoint-auth=false --enable-pprof=false',
    behaviour: '/metrics is otherwise guarded by a TokenReview and SubjectAccessReview per scrape, which the picker may not create; pprof handlers share the metrics server',
    ...LLM_D_ROUTER,
    path: 'cmd/epp/runner/runner.go',
    test: `${PICKER_TESTS}serves /metrics without the token review its ServiceAccount may not make, so Prometheus can scrape it, and no pprof beside it`,
  },
  {
    renders: 'ServiceMonitor or PodMonitor of the picker on port 9090 /metrics when the pool is monitored',
    behaviour: 'the picker serves Prometheus metrics on --metrics-port (default 9090) at /metrics',
    ...LLM_D_ROUTER,
    path: 'config/charts/routerlib/templates/_servicemonitor.yaml',
    test: `${PICKER_TESTS}is monitored like its pool: a ServiceMonitor on the metrics port of the picker Service, with the interval and monitor labels of the pool`,
  },
];
/** The picker's ext-proc gRPC port, which the gateway calls. */
const PICKER_GRPC_PORT = 9002;
/** The picker's gRPC health port (liveness and readiness probes). */
const PICKER_HEALTH_PORT = 9003;
/** The picker's Prometheus metrics port. */
const PICKER_METRICS_PORT = 9090;
const PICKER_METRICS_PATH = '/metrics';
const PICKER_METRICS_CONTAINER_PORT = 'metrics';
const PICKER_METRICS_SERVICE_PORT = 'http-metrics';

const CONFIG_FILE = 'default-plugins.yaml';
const CONFIG_DIR = '/config';
const CONTAINER = 'epp';
/** The distroless `nonroot` user of the picker image. */
const PICKER_USER = 65532;
/** Longer than the picker's own drain, as upstream recommends. */
const PICKER_TERMINATION_SECONDS = 130;
const PICKER_SUFFIX = '-epp';
const MAX_SERVICE_NAME = 63;

/** One rendered pool, shared by every renderer of the app. */
interface RenderedPool {
  readonly pool: LlmModelPool;
  readonly spec: InferenceSpec;
  /** The route and property that first asked for it, for error messages. */
  readonly route: string;
  readonly property: string;
  readonly ref: InferencePoolRef;
  /** The construct holding the pool's objects. */
  readonly scope: Construct;
  istioDestinationRule: boolean;
}

interface Registry {
  /** By `<namespace>/<name>`. */
  readonly pools: Map<string, RenderedPool>;
  /** InferenceObjective names by `<namespace>/<name>`, with the pool that owns each. */
  readonly objectives: Map<string, string>;
}

/*
 * Pools are rendered once per app, not once per renderer: two gateways that route to the same pool share its
 * InferencePool and picker instead of emitting the same objects twice.
 */
const registries = new WeakMap<IConstruct, Registry>();

function registryOf(scope: IConstruct): Registry {
  const root = scope.node.root;
  let registry = registries.get(root);
  if (registry === undefined) {
    registry = { pools: new Map(), objectives: new Map() };
    registries.set(root, registry);
  }
  return registry;
}

/**
 * Renders (once per pool; later calls for the same pool return the same ref and must be given identical
 * InferenceSpec, else throw invalid(...) naming both) the InferencePool, endpoint picker and objectives for
 * `destination` (kind 'inferencePool'), as children of `scope`.
 *
 * Per pool, in the pool's namespace: an `InferencePool` named like the pool; the picker's Deployment, Service,
 * ConfigMap, ServiceAccount, Role and RoleBinding named `<pool>-epp`; one `InferenceObjective` per objective,
 * named like it (clients send that name in the `x-llm-d-inference-objective` header); for Istio, a
 * DestinationRule for the picker's TLS.
 */
export class InferencePoolRenderer {
  private readonly registry: Registry;

  constructor(private readonly scope: Construct, private readonly implementation: GatewayApiImplementationKind) {
    this.registry = registryOf(scope);
  }

  /**
   * Throws what render would throw for `destination`, without creating or registering anything: renderers
   * check every destination of a route before they render any of it.
   */
  public check(routeScope: IConstruct, property: string, destination: DestinationSpec): void {
    const { pool, spec, namespace } = parts(routeScope, property, destination);
    const key = `${namespace}/${pool.serviceName}`;
    const existing = this.registry.pools.get(key);
    if (existing === undefined) {
      this.checkNewPool(routeScope, property, pool, namespace, spec);
      return;
    }
    if (existing.pool !== pool) {
      throw invalid(routeScope, property, pool.node.path,
        `has the same name and namespace (${key}) as pool ${existing.pool.node.path}, which ${existing.route} '${existing.property}' already routes to, and an InferencePool is named like its pool`,
        'give the pools different names or namespaces');
    }
    if (!isDeepStrictEqual(existing.spec, spec)) {
      const [asked, first] = differences(spec, existing.spec);
      throw invalid(routeScope, property, pool.node.path,
        `asks for endpoint picker settings (${asked}) other than those of ${existing.route} '${existing.property}' (${first}), which routes to the same pool, and a pool has one InferencePool and one endpoint picker`,
        'give every Backend.inferencePool() of this pool the same options (create the Backend once and reuse it)');
    }
  }

  /** The endpoint picker's pods, which scrape the pool's serving port (for its NetworkPolicy); none for other destinations. */
  public peersOf(routeScope: IConstruct, destination: DestinationSpec): Array<{ namespace: string; labels: Record<string, string> }> {
    if (destination.kind !== 'inferencePool') return [];
    const ref = this.render(routeScope, 'backend', destination);
    return [{ namespace: ref.namespace, labels: ref.pickerPodLabels }];
  }

  public render(routeScope: IConstruct, property: string, destination: DestinationSpec): InferencePoolRef {
    this.check(routeScope, property, destination);
    const { pool, spec, namespace } = parts(routeScope, property, destination);
    const key = `${namespace}/${pool.serviceName}`;
    let rendered = this.registry.pools.get(key);
    if (rendered === undefined) {
      rendered = this.renderPool(routeScope, property, pool, namespace, spec);
      this.registry.pools.set(key, rendered);
    }
    if (this.implementation === 'istio' && !rendered.istioDestinationRule) {
      renderIstioDestinationRule(rendered.scope, pool, namespace);
      rendered.istioDestinationRule = true;
    }
    return rendered.ref;
  }

  private checkNewPool(routeScope: IConstruct, property: string, pool: LlmModelPool, namespace: string, spec: InferenceSpec): void {
    const name = pool.serviceName;
    const pickerName = pickerNameOf(pool);
    if (pickerName.length > MAX_SERVICE_NAME) {
      throw invalid(routeScope, property, name,
        `names a pool whose endpoint picker Service '${pickerName}' would be longer than ${MAX_SERVICE_NAME} characters`,
        `give the pool a name of at most ${MAX_SERVICE_NAME - PICKER_SUFFIX.length} characters`);
    }
    const clash = routeScope.node.root.node.findAll()
      .find((c): c is LlmModelPool => c instanceof LlmModelPool && c.name === pickerName && c.namespaceName === namespace);
    if (clash !== undefined) {
      throw invalid(routeScope, property, name,
        `needs an endpoint picker Service named '${pickerName}', and pool ${clash.node.path} already has a Service of that name in namespace ${namespace}`,
        'rename one of the pools');
    }
    for (const objective of spec.objectives) {
      const objectiveKey = `${namespace}/${objective.name}`;
      const owner = this.registry.objectives.get(objectiveKey);
      if (owner !== undefined) {
        throw invalid(routeScope, `${property}.objectives`, objective.name,
          `is already an objective of pool ${owner} in namespace ${namespace}, and an InferenceObjective is named by the header value clients send`,
          'give the objectives of pools that share a namespace different names');
      }
    }
  }

  private renderPool(routeScope: IConstruct, property: string, pool: LlmModelPool, namespace: string, spec: InferenceSpec): RenderedPool {
    const name = pool.serviceName;
    for (const objective of spec.objectives) this.registry.objectives.set(`${namespace}/${objective.name}`, pool.node.path);

    const scope = new Construct(this.scope, `InferencePool.${namespace}.${name}`);
    const picker = new EndpointPicker(scope, pool, namespace, spec);
    new InferencePool(scope, 'Resource', {
      metadata: { name, namespace, labels: pool.podLabels },
      spec: {
        // The pool's own selector: the picker's pods carry none of these labels.
        selector: { matchLabels: pool.selectorLabels },
        targetPorts: [{ number: pool.containerPort }],
        appProtocol: InferencePoolSpecAppProtocol.HTTP,
        endpointPickerRef: {
          name: picker.name,
          port: { number: PICKER_GRPC_PORT },
          failureMode: spec.failureMode === 'FailOpen'
            ? InferencePoolSpecEndpointPickerRefFailureMode.FAIL_OPEN
            : InferencePoolSpecEndpointPickerRefFailureMode.FAIL_CLOSE,
        },
      },
    });
    for (const objective of spec.objectives) {
      new InferenceObjective(scope, `Objective-${objective.name}`, {
        metadata: { name: objective.name, namespace, labels: pool.podLabels },
        spec: {
          poolRef: { group: INFERENCE_POOL_GROUP, kind: 'InferencePool', name },
          priority: objective.priority,
        },
      });
    }
    return {
      pool,
      spec,
      route: routeScope.node.path,
      property,
      ref: { group: INFERENCE_POOL_GROUP, kind: 'InferencePool', name, namespace, pickerPodLabels: picker.selector },
      scope,
      istioDestinationRule: false,
    };
  }
}

/** The endpoint picker of one pool: configuration, identity, permissions, Deployment and Service. */
class EndpointPicker {
  public readonly name: string;
  /** The labels the picker's Deployment and Service select its pods by. */
  public readonly selector: Record<string, string>;

  constructor(scope: Construct, pool: LlmModelPool, namespace: string, spec: InferenceSpec) {
    this.name = pickerNameOf(pool);
    const leaderElection = spec.pickerReplicas > 1;
    const selector = {
      'app.kubernetes.io/instance': this.name,
      'app.kubernetes.io/component': 'endpoint-picker',
    };
    this.selector = selector;
    // The user's extra labels from the pool, but never the labels the pool selects its pods by: the picker's
    // pods must not join the pool's Service, PodDisruptionBudget or InferencePool.
    const inherited = Object.fromEntries(Object.entries(pool.podLabels).filter(([key]) => !(key in pool.selectorLabels)));
    const labels = {
      ...inherited,
      'app.kubernetes.io/name': 'endpoint-picker',
      'app.kubernetes.io/part-of': 'cdk8s-ai-gateway',
      ...selector,
    };
    const metadata = { name: this.name, namespace, labels };

    const config = new k8s.KubeConfigMap(scope, 'PickerConfig', {
      metadata,
      data: { [CONFIG_FILE]: pickerConfig(spec.scorers) },
    });
    const serviceAccount = new k8s.KubeServiceAccount(scope, 'PickerServiceAccount', { metadata });
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
    const role = new k8s.KubeRole(scope, 'PickerRole', { metadata, rules });
    new k8s.KubeRoleBinding(scope, 'PickerRoleBinding', {
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.name },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccount.name, namespace }],
    });

    const args = [
      '--pool-name', pool.serviceName,
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

    new k8s.KubeDeployment(scope, 'Picker', {
      metadata,
      spec: {
        replicas: spec.pickerReplicas,
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
              image: spec.pickerImage,
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
                requests: { cpu: k8s.Quantity.fromString('1'), memory: k8s.Quantity.fromString('2Gi') },
                limits: { memory: k8s.Quantity.fromString('2Gi') },
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
    if (pool._monitoring !== undefined) {
      this.addMonitor(scope, pool._monitoring, metadata, selector);
    }
    new k8s.KubeService(scope, 'PickerService', {
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
  }

  /**
   * The picker's metrics, scraped the way the pool's are (the same monitor kind, interval and labels): its scheduling
   * decisions and the model servers' metrics it reads are how a user sees GPU-aware routing work.
   */
  private addMonitor(scope: Construct, spec: MonitoringSpec, metadata: k8s.ObjectMeta, selector: Record<string, string>) {
    const monitorMetadata = { ...metadata, labels: { ...metadata.labels, ...spec.labels } };
    const interval = `${spec.intervalSeconds}s`;
    if (spec.kind === 'ServiceMonitor') {
      new ServiceMonitor(scope, 'PickerMonitor', {
        metadata: monitorMetadata,
        spec: {
          selector: { matchLabels: selector },
          endpoints: [{ port: PICKER_METRICS_SERVICE_PORT, path: PICKER_METRICS_PATH, interval }],
        },
      });
    } else {
      new PodMonitor(scope, 'PickerMonitor', {
        metadata: monitorMetadata,
        spec: {
          selector: { matchLabels: selector },
          podMetricsEndpoints: [{ port: PICKER_METRICS_CONTAINER_PORT, path: PICKER_METRICS_PATH, interval }],
        },
      });
    }
  }
}

/*
 * Istio calls the picker through the Gateway API inference extension, which istiod enables only with the
 * environment variable ENABLE_GATEWAY_API_INFERENCE_EXTENSION=true (Helm: istiod `env.ENABLE_GATEWAY_API_INFERENCE_EXTENSION: "true"`).
 * The picker serves ext-proc over TLS with a self-signed certificate by default, so the gateway must
 * originate TLS without verifying it.
 */
function renderIstioDestinationRule(scope: Construct, pool: LlmModelPool, namespace: string) {
  const name = pickerNameOf(pool);
  new DestinationRule(scope, 'PickerDestinationRule', {
    metadata: { name, namespace },
    spec: {
      host: `${name}.${namespace}.svc.cluster.local`,
      trafficPolicy: { tls: { mode: DestinationRuleSpecTrafficPolicyTlsMode.SIMPLE, insecureSkipVerify: true } },
    },
  });
}

function pickerNameOf(pool: LlmModelPool): string {
  return `${pool.serviceName}${PICKER_SUFFIX}`;
}

/** The picker's scorers, in the order the config lists them. */
const SCORERS: ReadonlyArray<{ readonly key: keyof InferenceSpec['scorers']; readonly type: string }> = [
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
function pickerConfig(scorers: InferenceSpec['scorers']): string {
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

/** The settings that differ, as `failureMode "FailOpen", pickerReplicas 2` for each side. */
function differences(asked: InferenceSpec, first: InferenceSpec): [string, string] {
  const keys = (Object.keys(asked) as Array<keyof InferenceSpec>).filter(k => !isDeepStrictEqual(asked[k], first[k]));
  const show = (spec: InferenceSpec) => keys.map(k => `${k} ${JSON.stringify(spec[k])}`).join(', ');
  return [show(asked), show(first)];
}

/** The pool, settings and namespace of an InferencePool destination (always set by Backend.inferencePool). */
function parts(routeScope: IConstruct, property: string, destination: DestinationSpec) {
  const { pool, inference: spec, namespace } = destination;
  if (destination.kind !== 'inferencePool' || pool === undefined || spec === undefined || namespace === undefined) {
    // Backend.inferencePool always resolves to all of these: anything else is a bug in the caller.
    throw new Error(`InferencePoolRenderer: ${routeScope.node.path} '${property}' is a ${destination.kind} destination without pool, namespace and settings`);
  }
  return { pool, spec, namespace };
}
