/*
 * The pinned controller charts and CRD bundles (the design notes' controller table). Every entry names an exact version:
 * no ranges, no "latest". ControllerStackProps.charts and .crdBundles override them one field at a time.
 */

/** The charts a ControllerStack can install. */
export type ChartId =
  | 'ingressNginx'
  | 'istioBase'
  | 'istiod'
  | 'istioGateway'
  | 'envoyGateway'
  | 'aiGatewayCrds'
  | 'aiGateway'
  | 'valkey'
  | 'keda'
  | 'kubePrometheusStack'
  | 'gpuOperator';

/** Where a chart comes from. `repository` is an HTTP(S) chart repository or an `oci://` registry path. */
export interface ChartCoordinates {
  readonly repository: string;
  readonly chart: string;
  /** An exact chart version, such as `4.15.1` or `v1.8.1`. */
  readonly version: string;
}

/** The CRD bundles that have no chart: Kubernetes release manifests applied with kubectl. */
export type CrdBundleId = 'gatewayApi' | 'inferencePool' | 'llmdInferenceObjectives' | 'llmdInferenceModelRewrites';

/** A CRD bundle: its version and how to build its release URL. */
export interface CrdBundleCoordinates {
  /** An exact release tag, such as `v1.6.1`. */
  readonly version: string;
  /**
   * The manifest's URL.
   * @default - the project's release asset for `version` (and the Gateway API channel)
   */
  readonly url?: string;
}

/** The pinned charts. */
export const CHARTS: Readonly<Record<ChartId, ChartCoordinates>> = {
  // ingress-nginx is retired (March 2026): 4.15.1 is the final chart (controller v1.15.1).
  ingressNginx: { repository: 'https://kubernetes.github.io/ingress-nginx', chart: 'ingress-nginx', version: '4.15.1' },
  istioBase: { repository: 'https://istio-release.storage.googleapis.com/charts', chart: 'base', version: '1.30.3' },
  istiod: { repository: 'https://istio-release.storage.googleapis.com/charts', chart: 'istiod', version: '1.30.3' },
  istioGateway: { repository: 'https://istio-release.storage.googleapis.com/charts', chart: 'gateway', version: '1.30.3' },
  envoyGateway: { repository: 'oci://docker.io/envoyproxy', chart: 'gateway-helm', version: 'v1.8.1' },
  aiGatewayCrds: { repository: 'oci://docker.io/envoyproxy', chart: 'ai-gateway-crds-helm', version: 'v1.1.0' },
  aiGateway: { repository: 'oci://docker.io/envoyproxy', chart: 'ai-gateway-helm', version: 'v1.1.0' },
  // The Valkey project's own chart (Redis protocol; Bitnami's images moved in 2025). Standalone, no auth, no persistence:
  // it only holds rate-limit counters.
  valkey: { repository: 'https://valkey.io/valkey-helm/', chart: 'valkey', version: '1.0.0' },
  keda: { repository: 'https://kedacore.github.io/charts', chart: 'keda', version: '2.20.2' },
  // 88.0.0 is the release that moved to Prometheus Operator v0.93.0.
  kubePrometheusStack: { repository: 'https://prometheus-community.github.io/helm-charts', chart: 'kube-prometheus-stack', version: '88.0.0' },
  gpuOperator: { repository: 'https://helm.ngc.nvidia.com/nvidia', chart: 'gpu-operator', version: 'v26.3.3' },
};

/** The pinned CRD bundles. */
export const CRD_BUNDLES: Readonly<Record<CrdBundleId, { readonly version: string }>> = {
  gatewayApi: { version: 'v1.6.1' },
  inferencePool: { version: 'v1.6.0' },
  // llm-d router v0.10.0: InferenceObjective (the objectives the library renders) and InferenceModelRewrite,
  // which its endpoint picker watches. The project publishes no CRD release asset: the pinned tag's files.
  llmdInferenceObjectives: { version: 'v0.10.0' },
  llmdInferenceModelRewrites: { version: 'v0.10.0' },
};

/** The release manifest URL of a CRD bundle. */
export function crdBundleUrl(bundle: CrdBundleId, version: string, channel: string = 'standard'): string {
  switch (bundle) {
    case 'gatewayApi':
      return `https://github.com/kubernetes-sigs/gateway-api/releases/download/${version}/${channel}-install.yaml`;
    case 'inferencePool':
      return `https://github.com/kubernetes-sigs/gateway-api-inference-extension/releases/download/${version}/manifests.yaml`;
    case 'llmdInferenceObjectives':
      return `https://raw.githubusercontent.com/llm-d/llm-d-router/${version}/config/crd/bases/llm-d.ai_inferenceobjectives.yaml`;
    case 'llmdInferenceModelRewrites':
      return `https://raw.githubusercontent.com/llm-d/llm-d-router/${version}/config/crd/bases/llm-d.ai_inferencemodelrewrites.yaml`;
  }
}

/** The namespaces a ControllerStack installs into that no data plane decides. */
export interface ControllerNamespaces {
  /**
   * Istio's control plane (base, istiod). The gateway pods go where the Istio data plane's `gatewayNamespace` says.
   * @default 'istio-system'
   */
  readonly istio?: string;
  /**
   * Envoy AI Gateway's controller. Envoy Gateway goes where the data plane's `proxyNamespace` says.
   * @default 'envoy-ai-gateway-system'
   */
  readonly envoyAiGateway?: string;
  /**
   * The Valkey (Redis) that holds global rate-limit counters.
   * @default 'valkey-system'
   */
  readonly redis?: string;
  /** @default 'keda' */
  readonly keda?: string;
  /**
   * kube-prometheus-stack. `Autoscaling.onQueueDepth` reads `prometheus-operated.monitoring` by default: change both.
   * @default 'monitoring'
   */
  readonly monitoring?: string;
  /** @default 'gpu-operator' */
  readonly gpuOperator?: string;
}

/** The namespaces used when ControllerNamespaces leaves them out. */
export const DEFAULT_NAMESPACES: Readonly<Required<ControllerNamespaces>> = {
  istio: 'istio-system',
  envoyAiGateway: 'envoy-ai-gateway-system',
  redis: 'valkey-system',
  keda: 'keda',
  monitoring: 'monitoring',
  gpuOperator: 'gpu-operator',
};

/** Whether `version` pins one release: not empty, not `latest`, no range or wildcard. */
export function isPinnedVersion(version: string): boolean {
  return /^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/.test(version);
}
