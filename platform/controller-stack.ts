import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Release } from '@cdktf/provider-helm/lib/release';
import { Annotations, DataResource, ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { AiGateway } from '../src';
import {
  CHARTS, ChartCoordinates, ChartId, ControllerNamespaces, CRD_BUNDLES, CrdBundleCoordinates, CrdBundleId, DEFAULT_NAMESPACES, isPinnedVersion,
} from './charts';
import { checkIstioChartRepository } from './compatibility';
import { invalid } from './invalid';
import { ControllerPlan, needsOf, planControllers, PlanOptions } from './plan';

/** How the Helm provider and kubectl reach the cluster. */
export interface KubeconfigOptions {
  /**
   * The kubeconfig file (an absolute path: kubectl does not expand `~`).
   * @default - the Helm provider reads `~/.kube/config`; kubectl reads `$KUBECONFIG` or `~/.kube/config`
   */
  readonly path?: string;
  /**
   * The kubeconfig context.
   * @default - the kubeconfig's current context
   */
  readonly context?: string;
}

/** Properties of a ControllerStack. */
export interface ControllerStackProps {
  /**
   * The gateways whose controllers to install: each gateway's `dataPlane.installation` decides the controller,
   * its names and namespaces. Create the ControllerStack after every route is added (a route can add the
   * Inference Extension or a rate limit service); synthesis fails if the gateways changed since.
   * @default - no gateway controllers
   */
  readonly gateways?: AiGateway[];
  /**
   * KEDA, for `Autoscaling.onQueueDepth` (ScaledObjects).
   * @default false
   */
  readonly keda?: boolean;
  /**
   * kube-prometheus-stack (the Prometheus Operator with a Prometheus), for `Monitoring` (ServiceMonitor, PodMonitor)
   * and for KEDA, which reads queue depth from that Prometheus. CRDs alone would leave the monitors and the
   * autoscaler without a Prometheus.
   * @default false
   */
  readonly prometheus?: boolean;
  /**
   * The NVIDIA GPU Operator (drivers, device plugin, `nvidia.com/gpu.present` node labels).
   * @default false
   */
  readonly gpuOperator?: boolean;
  /**
   * Replaces a chart's repository, name or version (each version must name one release). The versions must be a
   * combination the compatibility matrix (COMPATIBILITY) allows: the constructor rejects any other, naming a working pair.
   * @default - the pinned charts in CHARTS
   */
  readonly charts?: { readonly [K in ChartId]?: Partial<ChartCoordinates> };
  /**
   * Replaces a CRD bundle's version or manifest URL. Envoy Gateway's CRD bundle always has the Envoy Gateway chart's version.
   * @default - the pinned bundles in CRD_BUNDLES (Gateway API v1.6.1, InferencePool v1.6.0, llm-d router v0.10.0)
   */
  readonly crdBundles?: { readonly [K in CrdBundleId]?: Partial<CrdBundleCoordinates> };
  /**
   * Apply the Gateway API CRDs. Turn off where the cluster provider manages them (GKE does).
   * @default true
   */
  readonly installGatewayApiCrds?: boolean;
  /**
   * Apply the InferencePool CRDs when a gateway routes to InferencePools.
   * @default true
   */
  readonly installInferencePoolCrds?: boolean;
  /**
   * Namespaces that no data plane decides.
   * @default DEFAULT_NAMESPACES
   */
  readonly namespaces?: ControllerNamespaces;
  /**
   * The Helm provider for the releases.
   * @default - a new HelmProvider for `kubeconfig`
   */
  readonly provider?: HelmProvider;
  /**
   * How the created Helm provider and kubectl (CRD bundles, GatewayClasses) reach the cluster. With your own
   * `provider`, give the same cluster here.
   * @default - the current context of the default kubeconfig
   */
  readonly kubeconfig?: KubeconfigOptions;
}

const FIELD_MANAGER = 'cdk8s-ai-gateway';

/**
 * Installs, as pinned Helm releases through the Terraform Helm provider, the controllers the given gateways'
 * data planes need (Istio, Envoy Gateway with Envoy AI Gateway, ingress-nginx), plus KEDA,
 * kube-prometheus-stack and the NVIDIA GPU Operator on request. CRD bundles that have no chart (Gateway API,
 * InferencePool) and GatewayClasses are applied with kubectl from `terraform_data` resources.
 *
 * Put it in any TerraformStack. Every name the cdk8s manifests refer to (Istio gateway release and selector,
 * IngressClass, GatewayClass, namespaces) is derived from the gateways, so the two halves cannot disagree.
 */
export class ControllerStack extends Construct {
  /** The Helm provider the releases use. */
  public readonly provider: HelmProvider;
  /** What the stack installs. */
  public readonly plan: ControllerPlan;
  /** The Helm releases, by plan id (such as `istiod`, `envoy-gateway`, `ingress-nginx-nginx`). */
  public readonly releases: Readonly<Record<string, Release>>;
  /** The `terraform_data` resources that apply CRD bundles, by plan id (`gateway-api-crds`, `inference-pool-crds`). */
  public readonly crdBundles: Readonly<Record<string, DataResource>>;
  /** The `terraform_data` resources that apply GatewayClasses, by plan id (`gateway-class-<name>`). */
  public readonly gatewayClasses: Readonly<Record<string, DataResource>>;

  constructor(scope: Construct, id: string, props: ControllerStackProps = {}) {
    super(scope, id);
    const gateways = props.gateways ?? [];
    const options = resolveOptions(this.node.path, props);
    this.plan = planControllers(gateways.map(needsOf), options);
    for (const warning of this.plan.warnings) Annotations.of(this).addWarning(warning);

    const kubeconfig = props.kubeconfig ?? {};
    this.provider = props.provider ?? new HelmProvider(this, 'helm', {
      kubernetes: { configPath: kubeconfig.path ?? '~/.kube/config', configContext: kubeconfig.context },
    });
    const kubectl = kubectlCommand(kubeconfig);
    const environment = kubeconfig.path === undefined ? undefined : { KUBECONFIG: kubeconfig.path };
    const created = new Map<string, ITerraformDependable>();
    const dependencies = (ids: string[]) => ids.map(dep => created.get(dep)!);

    const crdBundles: Record<string, DataResource> = {};
    for (const bundle of this.plan.crdBundles) {
      // Server-side apply: the experimental CRDs are too large for kubectl's last-applied annotation.
      // --force-conflicts takes over fields an earlier install (kubectl, a chart's crds/) owned.
      const apply = `${kubectl} apply --server-side --force-conflicts --field-manager=${FIELD_MANAGER} -f ${bundle.url}`;
      const wait = `${kubectl} wait --for condition=Established --timeout=120s crd --all`;
      crdBundles[bundle.id] = new DataResource(this, bundle.id, {
        triggersReplace: { url: bundle.url, version: bundle.version },
        // No destroy-time delete: deleting a CRD deletes every object of its kinds.
        provisioners: [{ type: 'local-exec', command: `${apply} && ${wait}`, environment }],
      });
      created.set(bundle.id, crdBundles[bundle.id]);
    }

    const releases: Record<string, Release> = {};
    for (const r of this.plan.releases) {
      releases[r.id] = new Release(this, r.id, {
        provider: this.provider,
        name: r.name,
        namespace: r.namespace,
        createNamespace: true,
        repository: r.coordinates.repository,
        chart: r.coordinates.chart,
        version: r.coordinates.version,
        values: [renderValues(r.values)],
        atomic: r.atomic,
        skipCrds: r.skipCrds,
        cleanupOnFail: r.atomic,
        wait: true,
        timeout: r.timeoutSeconds,
        maxHistory: 10,
        dependsOn: dependencies(r.dependsOn),
      });
      created.set(r.id, releases[r.id]);
    }

    const gatewayClasses: Record<string, DataResource> = {};
    for (const c of this.plan.gatewayClasses) {
      const manifest = JSON.stringify({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'GatewayClass',
        metadata: { name: c.name, labels: { 'app.kubernetes.io/managed-by': FIELD_MANAGER } },
        spec: { controllerName: c.controllerName },
      });
      gatewayClasses[c.id] = new DataResource(this, c.id, {
        triggersReplace: { name: c.name, controllerName: c.controllerName },
        dependsOn: dependencies(c.dependsOn),
        provisioners: [
          { type: 'local-exec', command: `printf '%s' '${manifest}' | ${kubectl} apply --server-side --field-manager=${FIELD_MANAGER} -f -`, environment },
          { type: 'local-exec', when: 'destroy', command: `${kubectl} delete gatewayclass ${c.name} --ignore-not-found`, environment },
        ],
      });
    }

    this.releases = releases;
    this.crdBundles = crdBundles;
    this.gatewayClasses = gatewayClasses;

    // The plan was read from the gateways now; a route added later could need more (an InferencePool, a token budget).
    const planned = JSON.stringify(this.plan);
    this.node.addValidation({
      validate: () => {
        let now: string;
        try {
          now = JSON.stringify(planControllers(gateways.map(needsOf), options));
        } catch (e) {
          return [(e as Error).message];
        }
        return now === planned ? [] : [
          `${this.node.path}: 'gateways' changed after the ControllerStack was created (a route was added or changed since), so the installed controllers would not match; `
          + 'create the ControllerStack after adding every route',
        ];
      },
    });
  }
}

function resolveOptions(where: string, props: ControllerStackProps): PlanOptions {
  const charts = {} as Record<ChartId, ChartCoordinates>;
  for (const chart of Object.keys(CHARTS) as ChartId[]) {
    const { repository, chart: name, version } = CHARTS[chart];
    const coordinates: ChartCoordinates = { repository, chart: name, version, ...definedFields(props.charts?.[chart]) };
    if (!isPinnedVersion(coordinates.version)) {
      throw invalid(where, `charts.${chart}.version`, coordinates.version, 'is not one exact chart version (no range, wildcard, "latest" or empty value)',
        `pin a release, such as "${CHARTS[chart].version}"`);
    }
    for (const field of ['repository', 'chart'] as const) {
      if (coordinates[field].trim() === '') throw invalid(where, `charts.${chart}.${field}`, coordinates[field], 'is empty', `leave it out for "${CHARTS[chart][field]}"`);
    }
    charts[chart] = coordinates;
  }
  // Charts that are one upstream release must carry one version.
  for (const [first, ...rest] of [['istiod', 'istioBase', 'istioGateway'], ['aiGateway', 'aiGatewayCrds']] as ChartId[][]) {
    for (const other of rest) {
      if (charts[other].version !== charts[first].version) {
        throw invalid(where, `charts.${other}.version`, charts[other].version, `differs from charts.${first}.version (${charts[first].version}): the two charts are one upstream release`,
          `give both the same version, such as the pinned ${CHARTS[first].version}`);
      }
    }
  }
  for (const chart of ['istioBase', 'istiod', 'istioGateway'] as const) {
    checkIstioChartRepository(where, `charts.${chart}.repository`, charts[chart].repository, charts[chart].version);
  }
  const crdBundles = {} as Record<CrdBundleId, { version: string; url?: string }>;
  for (const bundle of Object.keys(CRD_BUNDLES) as CrdBundleId[]) {
    // Envoy Gateway's CRDs are the Envoy Gateway chart's release: their version follows the chart's.
    const pinned = bundle === 'envoyGateway' ? charts.envoyGateway.version : CRD_BUNDLES[bundle].version;
    const coordinates: CrdBundleCoordinates = { version: pinned, ...definedFields(props.crdBundles?.[bundle]) };
    if (bundle === 'envoyGateway' && coordinates.version !== charts.envoyGateway.version) {
      throw invalid(where, 'crdBundles.envoyGateway.version', coordinates.version, `differs from charts.envoyGateway.version (${charts.envoyGateway.version}): Envoy Gateway's CRDs and its controller are one release`,
        'leave it out: it follows the chart');
    }
    if (!isPinnedVersion(coordinates.version)) {
      throw invalid(where, `crdBundles.${bundle}.version`, coordinates.version, 'is not one exact release tag (no range, wildcard, "latest" or empty value)',
        `pin a release, such as "${CRD_BUNDLES[bundle].version}"`);
    }
    if (coordinates.url !== undefined && (!/^https:\/\/\S+$/.test(coordinates.url) || /\/latest\//.test(coordinates.url))) {
      throw invalid(where, `crdBundles.${bundle}.url`, coordinates.url, 'is not a pinned https URL (a release asset, not .../latest/...)',
        'leave it out for the project\'s release asset of the pinned version');
    }
    crdBundles[bundle] = coordinates;
  }
  if (crdBundles.llmdInferenceModelRewrites.version !== crdBundles.llmdInferenceObjectives.version) {
    throw invalid(where, 'crdBundles.llmdInferenceModelRewrites.version', crdBundles.llmdInferenceModelRewrites.version,
      `differs from crdBundles.llmdInferenceObjectives.version (${crdBundles.llmdInferenceObjectives.version}): both are the CRDs of one llm-d router release`,
      `give both the same version, such as the pinned ${CRD_BUNDLES.llmdInferenceObjectives.version}`);
  }
  const namespaces = { ...DEFAULT_NAMESPACES, ...definedFields(props.namespaces) };
  for (const [key, namespace] of Object.entries(namespaces)) {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace) || namespace.length > 63) {
      throw invalid(where, `namespaces.${key}`, namespace, 'is not a namespace name (a DNS label)', 'use lowercase letters, digits and "-", at most 63 characters');
    }
  }
  return {
    where,
    keda: props.keda ?? false,
    prometheus: props.prometheus ?? false,
    gpuOperator: props.gpuOperator ?? false,
    charts,
    crdBundles,
    installGatewayApiCrds: props.installGatewayApiCrds ?? true,
    installInferencePoolCrds: props.installInferencePoolCrds ?? true,
    namespaces,
  };
}

/** `o` without its undefined fields, so spreading it keeps the defaults. */
function definedFields<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function kubectlCommand(kubeconfig: KubeconfigOptions): string {
  return kubeconfig.context === undefined ? 'kubectl' : `kubectl --context '${kubeconfig.context.replace(/'/g, '\'\\\'\'')}'`;
}

/** Helm values as YAML (JSON is YAML), keys sorted so the same input gives the same text. */
function renderValues(values: Record<string, unknown>): string {
  return JSON.stringify(sortKeys(values), null, 2);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map(k => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}
