/*
 * What to install for a set of gateways, decided without Terraform: a pure function from what each gateway
 * needs (its data plane's DataPlaneInstallation, controller settings, InferencePools, global rate limits) to
 * CRD bundles, Helm releases and GatewayClasses. ControllerStack renders the plan; tests read it directly.
 *
 * Every name one half refers to is derived here from what the other half declares, never typed twice:
 * the Istio gateway release from the Istio Gateway's selector, the IngressClass from the Ingresses'
 * ingressClassName, the GatewayClass from the Gateways' gatewayClassName, Envoy Gateway's namespace from the
 * data plane's proxyNamespace, and the controller names and service addresses from constants both values
 * blocks share.
 */
import type { AiGateway, DataPlaneInstallation } from '../src';
import { CHARTS, ChartCoordinates, ChartId, ControllerNamespaces, CRD_BUNDLES, CrdBundleId, crdBundleUrl } from './charts';
import { checkCompatibility, InstalledController, InstalledVersions, MatrixController } from './compatibility';
import { invalid } from './invalid';

/** What one gateway needs from the cluster's controllers. */
export interface GatewayNeeds {
  /** The gateway's construct path, for error messages. */
  readonly path: string;
  readonly installation: DataPlaneInstallation;
  /** Controller-wide settings the rendered objects rely on (ingress-nginx ConfigMap keys). */
  readonly controllerSettings: Record<string, string>;
  readonly usesInferencePools: boolean;
  readonly usesGlobalRateLimits: boolean;
}

/** Reads what `gateway` needs (call it after every route is added). */
export function needsOf(gateway: AiGateway): GatewayNeeds {
  return {
    path: gateway.node.path,
    installation: gateway.dataPlane.installation,
    controllerSettings: gateway.controllerSettings(),
    usesInferencePools: gateway.usesInferencePools,
    usesGlobalRateLimits: gateway.usesGlobalRateLimits,
  };
}

/** Envoy Gateway's GatewayClass controller name; also set explicitly in its Helm values. */
export const ENVOY_GATEWAY_CONTROLLER_NAME = 'gateway.envoyproxy.io/gatewayclass-controller';
/** Istio's GatewayClass controller name. istiod creates the GatewayClass `istio` itself. */
export const ISTIO_CONTROLLER_NAME = 'istio.io/gateway-controller';
/** The GatewayClass istiod creates on its own. */
export const ISTIO_DEFAULT_GATEWAY_CLASS = 'istio';
/** The Envoy AI Gateway controller's Service (ai-gateway-helm `controller.fullnameOverride`) and extension-server port. */
export const AI_GATEWAY_CONTROLLER = { service: 'ai-gateway-controller', port: 1063 };
/** The Valkey chart's fullname (`fullnameOverride`), hence its Service name, and Redis port. */
export const REDIS_SERVICE = { name: 'valkey', port: 6379 };
/** The default namespaces the data planes use when their options leave them out. */
const DATA_PLANE_NAMESPACES = { istioGateway: 'istio-ingress', envoyGateway: 'envoy-gateway-system', ingressNginx: 'ingress-nginx' };
/** The release-name prefix the Istio `gateway` chart strips to form the pods' `istio` label. */
const ISTIO_RELEASE_PREFIX = 'istio-';
/** Helm release names are at most 53 characters. */
const MAX_RELEASE_NAME = 53;

/**
 * ingress-nginx ConfigMap settings for LLM traffic: rate-limit rejections answer 429 (the library's promise),
 * and the idle timeouts between reads and writes last long enough for a slow first token. The data plane's
 * own controllerSettings() come on top.
 */
export const INGRESS_NGINX_DEFAULT_CONFIG: Readonly<Record<string, string>> = {
  'limit-req-status-code': '429',
  'limit-conn-status-code': '429',
  'proxy-read-timeout': '300',
  'proxy-send-timeout': '300',
};

/**
 * The release of Istio's `gateway` chart whose pods carry `selector`. The chart labels its pods
 * `istio: <release name without "istio-">` (and `app: <release name>`), so `{ istio: 'ingress' }` is release
 * `istio-ingress`. Any other selector shape is rejected: no release of the chart would match it.
 */
export function istioGatewayReleaseName(selector: Record<string, string>, where: string): string {
  const keys = Object.keys(selector);
  if (keys.length !== 1 || keys[0] !== 'istio') {
    throw invalid(where, 'dataPlane.gatewaySelector', selector,
      'does not have the form { istio: <name> }, the only label the Istio gateway chart derives from its release name',
      "select the gateway pods with { istio: '<name>' } (installed as release 'istio-<name>'), or install that gateway yourself and leave this AiGateway out of the ControllerStack");
  }
  const name = `${ISTIO_RELEASE_PREFIX}${selector.istio}`;
  if (name.length > MAX_RELEASE_NAME) {
    throw invalid(where, 'dataPlane.gatewaySelector.istio', selector.istio,
      `gives the release name '${name}', longer than Helm's ${MAX_RELEASE_NAME} characters`, `use at most ${MAX_RELEASE_NAME - ISTIO_RELEASE_PREFIX.length} characters`);
  }
  return name;
}

/** The labels the Istio `gateway` chart puts on the pods of release `releaseName` (its gateway.selectorLabels). */
export function istioGatewayPodLabels(releaseName: string): Record<string, string> {
  const istio = releaseName.startsWith(ISTIO_RELEASE_PREFIX) ? releaseName.slice(ISTIO_RELEASE_PREFIX.length) : releaseName;
  return { app: releaseName, istio };
}

/**
 * The ingress-nginx release for IngressClass `className`: `ingress-nginx` with controller `k8s.io/ingress-nginx`
 * for the chart's default class `nginx`, else `ingress-nginx-<class>` with controller `k8s.io/ingress-nginx-<class>`,
 * so several classes get separate controllers.
 */
export function ingressNginxRelease(className: string, where: string): { readonly name: string; readonly controllerValue: string } {
  const name = className === 'nginx' ? 'ingress-nginx' : `ingress-nginx-${className}`;
  if (name.length > MAX_RELEASE_NAME || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
    throw invalid(where, 'dataPlane.ingressClassName', className,
      `gives the release name '${name}', which is not a Helm release name (at most ${MAX_RELEASE_NAME} lowercase letters, digits and "-")`,
      'choose a short IngressClass name such as "nginx" or "llm"');
  }
  return { name, controllerValue: `k8s.io/${name}` };
}

/** The address of Envoy AI Gateway's extension server, for Envoy Gateway's extensionManager. */
export function aiGatewayControllerHost(namespace: string): string {
  return `${AI_GATEWAY_CONTROLLER.service}.${namespace}.svc.cluster.local`;
}

/** The Redis address Envoy Gateway's rate limit service uses. */
export function redisUrl(namespace: string): string {
  return `${REDIS_SERVICE.name}.${namespace}.svc.cluster.local:${REDIS_SERVICE.port}`;
}

/** A CRD bundle applied with kubectl. */
export interface PlannedCrdBundle {
  readonly id: string;
  readonly bundle: CrdBundleId;
  readonly version: string;
  readonly url: string;
}

/** A Helm release. */
export interface PlannedRelease {
  /** Unique within the plan; the construct id. */
  readonly id: string;
  readonly chart: ChartId;
  readonly coordinates: ChartCoordinates;
  readonly name: string;
  readonly namespace: string;
  readonly values: Record<string, unknown>;
  /** Ids of the CRD bundles, releases and GatewayClasses that must be in place first. */
  readonly dependsOn: string[];
  readonly timeoutSeconds: number;
  /** Roll back a failed install or upgrade (off for slow installs such as GPU drivers). */
  readonly atomic: boolean;
  /** Leave the chart's `crds/` alone: another owner (a CRD bundle of the plan, or the cluster) installs those CRDs. */
  readonly skipCrds: boolean;
}

/** A GatewayClass applied with kubectl (no chart creates it). */
export interface PlannedGatewayClass {
  readonly id: string;
  readonly name: string;
  readonly controllerName: string;
  readonly dependsOn: string[];
}

/** Everything a ControllerStack installs, in an order where everything comes after what it depends on. */
export interface ControllerPlan {
  readonly crdBundles: PlannedCrdBundle[];
  readonly releases: PlannedRelease[];
  readonly gatewayClasses: PlannedGatewayClass[];
  /** What the plan leaves to the user, such as a generic Gateway API implementation. */
  readonly warnings: string[];
}

/** The resolved inputs of planControllers. */
export interface PlanOptions {
  /** The ControllerStack's path, for error messages. */
  readonly where: string;
  readonly keda: boolean;
  readonly prometheus: boolean;
  readonly gpuOperator: boolean;
  readonly charts: Readonly<Record<ChartId, ChartCoordinates>>;
  readonly crdBundles: Readonly<Record<CrdBundleId, { readonly version: string; readonly url?: string }>>;
  readonly installGatewayApiCrds: boolean;
  readonly installInferencePoolCrds: boolean;
  readonly namespaces: Readonly<Required<ControllerNamespaces>>;
}

const CRD_IDS: Record<CrdBundleId, string> = {
  gatewayApi: 'gateway-api-crds',
  inferencePool: 'inference-pool-crds',
  llmdInferenceObjectives: 'llm-d-inference-objective-crds',
  llmdInferenceModelRewrites: 'llm-d-inference-model-rewrite-crds',
  envoyGateway: 'envoy-gateway-crds',
};
const DEFAULT_TIMEOUT = 600;

/** Decides the CRD bundles, releases and GatewayClasses the gateways (and the optional add-ons) need. */
export function planControllers(needs: GatewayNeeds[], o: PlanOptions): ControllerPlan {
  const releases: PlannedRelease[] = [];
  const crdBundles: PlannedCrdBundle[] = [];
  const classes = new Map<string, PlannedGatewayClass & { readonly owner: string; readonly controller: string }>();
  const warnings: string[] = [];
  const release = (r: Omit<PlannedRelease, 'coordinates' | 'timeoutSeconds' | 'atomic' | 'skipCrds'> & Partial<PlannedRelease>) => {
    if (!releases.some(x => x.id === r.id)) {
      releases.push({ timeoutSeconds: DEFAULT_TIMEOUT, atomic: true, skipCrds: false, coordinates: o.charts[r.chart], ...r });
    }
  };

  // CRD bundles without charts. One Gateway API channel for the cluster: experimental is a superset of standard.
  const channels = new Set(needs.map(n => n.installation.gatewayApiChannel).filter((c): c is string => c !== undefined));
  if (channels.size > 0 && o.installGatewayApiCrds) {
    const channel = channels.has('experimental') ? 'experimental' : 'standard';
    const { version, url } = o.crdBundles.gatewayApi;
    crdBundles.push({ id: CRD_IDS.gatewayApi, bundle: 'gatewayApi', version, url: url ?? crdBundleUrl('gatewayApi', version, channel) });
  }
  if (needs.some(n => n.usesInferencePools) && o.installInferencePoolCrds) {
    const { version, url } = o.crdBundles.inferencePool;
    crdBundles.push({ id: CRD_IDS.inferencePool, bundle: 'inferencePool', version, url: url ?? crdBundleUrl('inferencePool', version) });
    // The endpoint picker watches llm-d's InferenceObjectives and InferenceModelRewrites.
    for (const bundle of ['llmdInferenceObjectives', 'llmdInferenceModelRewrites'] as const) {
      const c = o.crdBundles[bundle];
      crdBundles.push({ id: CRD_IDS[bundle], bundle, version: c.version, url: c.url ?? crdBundleUrl(bundle, c.version) });
    }
  }
  const crdIds = crdBundles.map(c => c.id);
  // What the compatibility matrix is checked against once every controller is decided.
  const matrixControllers: { [K in MatrixController]?: InstalledController } = {};
  const installed: InstalledVersions = {
    controllers: matrixControllers,
    gatewayApi: crdBundles.some(c => c.bundle === 'gatewayApi')
      ? { version: o.crdBundles.gatewayApi.version, property: 'crdBundles.gatewayApi.version', pinned: CRD_BUNDLES.gatewayApi.version } : undefined,
    inferenceExtension: crdBundles.some(c => c.bundle === 'inferencePool')
      ? { version: o.crdBundles.inferencePool.version, property: 'crdBundles.inferencePool.version', pinned: CRD_BUNDLES.inferencePool.version } : undefined,
  };
  if (installed.inferenceExtension !== undefined) {
    matrixControllers.llmdRouter = {
      version: o.crdBundles.llmdInferenceObjectives.version, property: 'crdBundles.llmdInferenceObjectives.version', pinned: CRD_BUNDLES.llmdInferenceObjectives.version,
    };
  }
  const gatewayApiCrds = crdBundles.filter(c => c.bundle === 'gatewayApi').map(c => c.id);

  const addClass = (need: GatewayNeeds, controllerName: string, dependsOn: string[]) => {
    const name = need.installation.gatewayClassName!;
    const existing = classes.get(name);
    if (existing !== undefined) {
      if (existing.controller !== need.installation.controller) {
        throw invalid(need.path, 'dataPlane.gatewayClassName', name,
          `is also the GatewayClass of ${existing.owner} (${existing.controller}), and a GatewayClass has one controller`,
          `give the ${need.installation.controller} gateways their own gatewayClassName`);
      }
      return;
    }
    classes.set(name, { id: `gateway-class-${name}`, name, controllerName, dependsOn: [...gatewayApiCrds, ...dependsOn], owner: need.path, controller: need.installation.controller });
  };

  const byController = (...controllers: string[]) => needs.filter(n => controllers.includes(n.installation.controller));
  for (const need of needs) {
    if (!['istio', 'envoy-gateway', 'envoy-ai-gateway', 'ingress-nginx', 'gateway-api'].includes(need.installation.controller)) {
      throw invalid(need.path, 'dataPlane', need.installation.controller, 'names a controller ControllerStack cannot install',
        'install that controller yourself and leave this AiGateway out of the ControllerStack');
    }
  }

  // Istio: base (CRDs), istiod (with the Inference Extension when a gateway routes to InferencePools), and one
  // `gateway` chart release per Istio Gateway selector, named so that its pods carry the selector's labels.
  const istio = byController('istio');
  if (istio.length > 0) {
    const namespace = o.namespaces.istio;
    matrixControllers.istio = { version: o.charts.istiod.version, property: 'charts.istiod.version', pinned: CHARTS.istiod.version };
    release({ id: 'istio-base', chart: 'istioBase', name: 'istio-base', namespace, values: { defaultRevision: 'default' }, dependsOn: [] });
    const istiodValues: Record<string, unknown> = {};
    if (istio.some(n => n.usesInferencePools)) istiodValues.env = { ENABLE_GATEWAY_API_INFERENCE_EXTENSION: 'true' };
    release({ id: 'istiod', chart: 'istiod', name: 'istiod', namespace, values: istiodValues, dependsOn: [...crdIds, 'istio-base'] });
    for (const need of istio) {
      const selector = need.installation.gatewaySelector;
      if (selector !== undefined) {
        const name = istioGatewayReleaseName(selector, need.path);
        const gatewayNamespace = need.installation.gatewayNamespace ?? DATA_PLANE_NAMESPACES.istioGateway;
        release({ id: `istio-gateway-${gatewayNamespace}-${name}`, chart: 'istioGateway', name, namespace: gatewayNamespace, values: {}, dependsOn: ['istiod'] });
      }
      if (need.installation.gatewayClassName !== undefined && need.installation.gatewayClassName !== ISTIO_DEFAULT_GATEWAY_CLASS) {
        addClass(need, ISTIO_CONTROLLER_NAME, ['istiod']);
      }
    }
  }

  // Envoy Gateway, configured for Envoy AI Gateway when an AI gateway or an InferencePool needs its extension
  // server, with a Redis for global (token) rate limits; then the AI Gateway CRDs and controller.
  const envoy = byController('envoy-gateway', 'envoy-ai-gateway');
  if (envoy.length > 0) {
    const egNamespace = envoy[0].installation.gatewayNamespace ?? DATA_PLANE_NAMESPACES.envoyGateway;
    for (const need of envoy.slice(1)) {
      const namespace = need.installation.gatewayNamespace ?? DATA_PLANE_NAMESPACES.envoyGateway;
      if (namespace !== egNamespace) {
        throw invalid(need.path, 'dataPlane.proxyNamespace', namespace,
          `differs from the one of ${envoy[0].path} (${egNamespace}), and one Envoy Gateway runs the proxies of every gateway in its own namespace`,
          'give every Envoy Gateway based data plane the same proxyNamespace');
      }
    }
    const ai = envoy.some(n => n.installation.controller === 'envoy-ai-gateway' || n.usesInferencePools);
    const inferencePools = envoy.some(n => n.usesInferencePools);
    const globalLimits = envoy.some(n => n.usesGlobalRateLimits);
    const aiNamespace = o.namespaces.envoyAiGateway;
    matrixControllers.envoyGateway = { version: o.charts.envoyGateway.version, property: 'charts.envoyGateway.version', pinned: CHARTS.envoyGateway.version };
    if (ai) matrixControllers.envoyAiGateway = { version: o.charts.aiGateway.version, property: 'charts.aiGateway.version', pinned: CHARTS.aiGateway.version };

    // Envoy Gateway's own CRDs come from its release asset, applied server-side like the other bundles, so they are
    // upgraded with the chart (Helm never upgrades a chart's crds/). The chart installs no CRDs and renders no
    // safe-upgrades policy: the Gateway API bundle (or the cluster) owns the Gateway API CRDs and that policy.
    const egCrds = o.crdBundles.envoyGateway;
    crdBundles.push({ id: CRD_IDS.envoyGateway, bundle: 'envoyGateway', version: egCrds.version, url: egCrds.url ?? crdBundleUrl('envoyGateway', egCrds.version) });

    if (globalLimits) {
      release({ id: 'redis', chart: 'valkey', name: 'valkey', namespace: o.namespaces.redis, values: { fullnameOverride: REDIS_SERVICE.name }, dependsOn: [] });
    }
    const envoyGateway: Record<string, unknown> = { gateway: { controllerName: ENVOY_GATEWAY_CONTROLLER_NAME } };
    if (ai) {
      envoyGateway.extensionApis = { enableBackend: true, enableEnvoyPatchPolicy: true };
      envoyGateway.extensionManager = {
        hooks: {
          xdsTranslator: {
            translation: { listener: { includeAll: true }, route: { includeAll: true }, cluster: { includeAll: true }, secret: { includeAll: true } },
            post: ['Translation', 'Cluster', 'Route'],
          },
        },
        service: { fqdn: { hostname: aiGatewayControllerHost(aiNamespace), port: AI_GATEWAY_CONTROLLER.port } },
        ...(inferencePools ? { backendResources: [{ group: 'inference.networking.k8s.io', kind: 'InferencePool', version: 'v1' }] } : {}),
      };
    }
    if (globalLimits) envoyGateway.rateLimit = { backend: { type: 'Redis', redis: { url: redisUrl(o.namespaces.redis) } } };
    release({
      id: 'envoy-gateway',
      chart: 'envoyGateway',
      name: 'eg',
      namespace: egNamespace,
      // crds.enabled (v1.8.3+) turns the chart's CRD subchart off; safeUpgradePolicy.enabled keeps the policy template
      // off on releases without that switch. skipCrds: Helm leaves the subchart's crds/ alone either way.
      values: { config: { envoyGateway }, crds: { enabled: false, gatewayAPI: { safeUpgradePolicy: { enabled: false } } } },
      dependsOn: [...crdIds, CRD_IDS.envoyGateway, ...(globalLimits ? ['redis'] : [])],
      skipCrds: true,
    });
    if (ai) {
      release({ id: 'ai-gateway-crds', chart: 'aiGatewayCrds', name: 'aieg-crd', namespace: aiNamespace, values: {}, dependsOn: [] });
      release({
        id: 'ai-gateway',
        chart: 'aiGateway',
        name: 'aieg',
        namespace: aiNamespace,
        values: { controller: { fullnameOverride: AI_GATEWAY_CONTROLLER.service }, envoyGateway: { namespace: egNamespace } },
        dependsOn: ['ai-gateway-crds', 'envoy-gateway'],
      });
    }
    for (const need of envoy) {
      if (need.installation.gatewayClassName !== undefined) addClass(need, ENVOY_GATEWAY_CONTROLLER_NAME, ['envoy-gateway']);
    }
  }

  // ingress-nginx: one controller release per IngressClass, its ConfigMap carrying the data plane's settings.
  const nginx = byController('ingress-nginx');
  /** Per IngressClass: the first gateway, the merged ConfigMap, and which gateway asked for each setting. */
  interface NginxController {
    readonly need: GatewayNeeds;
    readonly config: Record<string, string>;
    readonly from: Record<string, string>;
  }
  const nginxClasses = new Map<string, NginxController>();
  for (const need of nginx) {
    const className = need.installation.ingressClassName;
    if (className === undefined) {
      throw invalid(need.path, 'dataPlane.ingressClassName', undefined, 'is needed to install an ingress-nginx controller', 'set ingressClassName on the data plane');
    }
    const namespace = need.installation.gatewayNamespace ?? DATA_PLANE_NAMESPACES.ingressNginx;
    const seen = nginxClasses.get(className);
    if (seen === undefined) {
      const config = { ...INGRESS_NGINX_DEFAULT_CONFIG, ...need.controllerSettings };
      nginxClasses.set(className, { need, config, from: Object.fromEntries(Object.keys(need.controllerSettings).map(k => [k, need.path])) });
      continue;
    }
    const seenNamespace = seen.need.installation.gatewayNamespace ?? DATA_PLANE_NAMESPACES.ingressNginx;
    if (namespace !== seenNamespace) {
      throw invalid(need.path, 'dataPlane.controllerNamespace', namespace,
        `differs from the one of ${seen.need.path} (${seenNamespace}) for the same IngressClass '${className}'`, 'use one controllerNamespace per IngressClass');
    }
    for (const [key, value] of Object.entries(need.controllerSettings)) {
      const owner = seen.from[key];
      if (owner !== undefined && seen.config[key] !== value) {
        throw invalid(need.path, `controllerSettings.${key}`, value,
          `conflicts with ${owner}, which needs ${JSON.stringify(seen.config[key])} from the same ingress-nginx controller (IngressClass '${className}')`,
          'give the two gateways different IngressClasses, or settings that agree');
      }
      seen.config[key] = value;
      seen.from[key] = need.path;
    }
  }
  for (const [className, { need, config }] of nginxClasses) {
    const { name, controllerValue } = ingressNginxRelease(className, need.path);
    release({
      id: `ingress-nginx-${className}`,
      chart: 'ingressNginx',
      name,
      namespace: need.installation.gatewayNamespace ?? DATA_PLANE_NAMESPACES.ingressNginx,
      values: {
        controller: {
          ingressClass: className,
          ingressClassResource: { name: className, enabled: true, default: false, controllerValue },
          config,
        },
      },
      dependsOn: [],
    });
  }

  // Gateway API implementations this stack does not know: only the CRDs, and a note.
  for (const need of byController('gateway-api')) {
    const className = need.installation.gatewayClassName;
    const existing = className === undefined ? undefined : classes.get(className);
    if (existing !== undefined) {
      throw invalid(need.path, 'dataPlane.gatewayClassName', className,
        `is also the GatewayClass of ${existing.owner} (${existing.controller}), and a GatewayClass has one controller`,
        'give the generic Gateway API gateway its own gatewayClassName');
    }
    warnings.push(`${need.path}: the generic Gateway API data plane's implementation (GatewayClass '${className}') is not installed by the ControllerStack; `
      + 'install it and its GatewayClass yourself (the stack applies the Gateway API CRDs)');
  }

  if (o.keda) release({ id: 'keda', chart: 'keda', name: 'keda', namespace: o.namespaces.keda, values: {}, dependsOn: [] });
  if (o.prometheus) {
    release({
      id: 'kube-prometheus-stack',
      chart: 'kubePrometheusStack',
      name: 'kube-prometheus-stack',
      namespace: o.namespaces.monitoring,
      // Prometheus picks up every ServiceMonitor and PodMonitor, not only those labelled `release: kube-prometheus-stack`.
      values: { prometheus: { prometheusSpec: { serviceMonitorSelectorNilUsesHelmValues: false, podMonitorSelectorNilUsesHelmValues: false } } },
      dependsOn: [],
      timeoutSeconds: 900,
    });
  }
  if (o.gpuOperator) {
    // Driver containers build for minutes on each GPU node: wait long, and keep a slow install rather than roll it back.
    // From v26.7.0 the DCGM exporter's ServiceMonitor is on by default, created only when the ServiceMonitor CRD exists
    // when the operator reconciles (NVIDIA/gpu-operator v26.7.0 controllers/object_controls.go): after the Prometheus stack.
    release({
      id: 'gpu-operator',
      chart: 'gpuOperator',
      name: 'gpu-operator',
      namespace: o.namespaces.gpuOperator,
      values: {},
      dependsOn: o.prometheus ? ['kube-prometheus-stack'] : [],
      timeoutSeconds: 1200,
      atomic: false,
    });
  }

  checkCompatibility(o.where, installed);
  if (!o.installGatewayApiCrds && (matrixControllers.istio !== undefined || matrixControllers.envoyGateway !== undefined)) {
    warnings.push(`${o.where}: the cluster's own Gateway API CRDs are not checked against the compatibility matrix `
      + `(the pinned controllers need Gateway API v${CRD_BUNDLES.gatewayApi.version.replace(/^v/, '').replace(/\.\d+$/, '')}.x)`);
  }

  return {
    crdBundles,
    releases,
    gatewayClasses: [...classes.values()].map(({ id, name, controllerName, dependsOn }) => ({ id, name, controllerName, dependsOn })),
    warnings,
  };
}
