import { Construct, IConstruct } from 'constructs';
import { InferencePool } from '../inference-pool';
import { checkPickerDestinationRule, pickerDestinationRule } from '../istio/istio-policies';
import type { UpstreamContract } from '../routing/contracts';
import type { DestinationSpec } from '../routing/resolved';

/*
 * GPU-aware routing for the Gateway API data planes: backendRefs to an `InferencePool` construct
 * (src/inference-pool.ts: the InferencePool over a pool's pods and the endpoint picker, llm-d-router's EPP, that
 * chooses a replica for each request), and what a Gateway API implementation adds to reach the picker.
 * Internal: not exported from the package.
 *
 * @see https://gateway-api-inference-extension.sigs.k8s.io/
 * @see https://github.com/llm-d/llm-d-router
 */

/** The Gateway API implementations the library renders for (what each adds: gateway-api-implementations.ts). */
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
/**
 * Turns a destination of kind 'inferencePool' into a backendRef to its `InferencePool` construct, which renders the
 * InferencePool, endpoint picker and objectives itself (once, however many routes and gateways refer to it). For
 * Istio it adds, once per InferencePool, a DestinationRule for the picker's TLS, as a child of the InferencePool,
 * through the App's one DestinationRule per host (src/istio/istio-policies.ts), so no gateway emits another for that host.
 */
export class InferencePoolRenderer {
  /** @param options.pickerDestinationRule whether the implementation needs a DestinationRule for the picker's TLS (Istio) */
  constructor(private readonly scope: Construct, private readonly options: { readonly pickerDestinationRule: boolean }) {}

  /**
   * Throws what render would throw for `destination`, without creating anything: renderers check every
   * destination of a route before they render any of it. The InferencePool construct checked its settings and
   * names when it was created; left are a malformed destination (a bug in the caller) and, for Istio, a
   * DestinationRule of the picker's host that another route already made.
   */
  public check(routeScope: IConstruct, property: string, destination: DestinationSpec): void {
    const inferencePool = inferencePoolOf(routeScope, property, destination);
    if (this.options.pickerDestinationRule) checkPickerDestinationRule(this.scope, routeScope, property, inferencePool);
  }

  /** The endpoint picker's pods, which scrape the pool's serving port (for its NetworkPolicy); none for other destinations. */
  public peersOf(routeScope: IConstruct, destination: DestinationSpec): Array<{ namespace: string; labels: Record<string, string> }> {
    if (destination.kind !== 'inferencePool') return [];
    const ref = this.render(routeScope, 'backend', destination);
    return [{ namespace: ref.namespace, labels: ref.pickerPodLabels }];
  }

  public render(routeScope: IConstruct, property: string, destination: DestinationSpec): InferencePoolRef {
    const inferencePool = inferencePoolOf(routeScope, property, destination);
    if (this.options.pickerDestinationRule) pickerDestinationRule(this.scope, routeScope, property, inferencePool);
    return {
      group: INFERENCE_POOL_GROUP,
      kind: 'InferencePool',
      name: inferencePool.name,
      namespace: inferencePool.namespaceName,
      pickerPodLabels: inferencePool.pickerPodLabels,
    };
  }
}

/** The InferencePool of a destination (always set by Backend.inferencePool). */
function inferencePoolOf(routeScope: IConstruct, property: string, destination: DestinationSpec): InferencePool {
  const inferencePool = destination.inferencePool;
  if (destination.kind !== 'inferencePool' || inferencePool === undefined) {
    // Backend.inferencePool always resolves to one: anything else is a bug in the caller.
    throw new Error(`InferencePoolRenderer: ${routeScope.node.path} '${property}' is a ${destination.kind} destination without an InferencePool`);
  }
  return inferencePool;
}

