/*
 * The pinned controller charts and CRD bundles. Every entry names an exact version (no ranges, no "latest") and records
 * where and when it was checked against its upstream (PinCheck); together they are a combination the compatibility matrix
 * (compatibility.ts) allows. ControllerStackProps.charts and .crdBundles override them one field at a time.
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

/**
 * Where and when a pinned version was checked against its upstream: the chart repository's index, or the
 * project's release tag and release notes. Every pin carries one, so a version that does not exist (the Valkey
 * chart pinned at 1.0.0, which its index never had) cannot come back unnoticed.
 */
export interface PinCheck {
  /** What was read: a chart index URL, or `<owner>/<repo>` with a tag and path. */
  readonly where: string;
  /** The day it was checked, `YYYY-MM-DD`. */
  readonly on: string;
  /** The newest release found that day (the pin is at most one minor behind it, or `note` says why). */
  readonly newest: string;
  /** Why the pin is not the newest release, and what could not be verified. */
  readonly note?: string;
}

/** A pinned chart: its coordinates and where its version was checked. */
export interface PinnedChart extends ChartCoordinates {
  readonly checked: PinCheck;
}

/** The CRD bundles that have no chart: Kubernetes release manifests applied with kubectl. */
export type CrdBundleId = 'gatewayApi' | 'inferencePool' | 'llmdInferenceObjectives' | 'llmdInferenceModelRewrites' | 'envoyGateway';

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

/** A pinned CRD bundle: its release tag and where it was checked. */
export interface PinnedCrdBundle {
  readonly version: string;
  readonly checked: PinCheck;
}

/** The day the pins below were last checked against the stored upstream copies. */
const CHECKED_ON = '2026-11-30';

/** Istio's chart home from 1.31 on (the Google-hosted repository has no 1.31 and goes away in December 2026). */
export const ISTIO_CHART_REPOSITORY = 'https://blob.istio.io/istio-release/charts';
/** Istio's old chart repository: releases up to 1.30 only, retired in December 2026. */
export const ISTIO_RETIRED_CHART_REPOSITORY = 'https://istio-release.storage.googleapis.com/charts';

const ISTIO_CHECK: PinCheck = {
  where: 'istio/istio.io content/en/news/releases/1.31.x/announcing-1.31.1 (published 2026-09-21) and announcing-1.31/upgrade-notes '
    + '(charts move to blob.istio.io and ghcr.io/istio/release/charts); istio/istio go.mod at 1.31.0-rc.0',
  on: CHECKED_ON,
  newest: '1.31.1',
  note: 'no 1.31.2 or 1.32.0 release notes in the stored istio.io copy. The blob.istio.io index itself could not be read from here; '
    + '1.31.1 in ghcr.io/istio/release/charts is reported by third-party checks. 1.30.3 must not be installed (ISTIO-SECURITY-2026-006, 13 Envoy CVEs fixed in 1.30.4)',
};

const ENVOY_AI_GATEWAY_CHECK: PinCheck = {
  where: 'envoyproxy/ai-gateway tag v1.1.0 (2026-08-21): site/src/data/releases/v1.1.json, site/docs/compatibility.md; site/src/data/releases/ has no later release',
  on: CHECKED_ON,
  newest: 'v1.1.0',
  note: 'declares Envoy Gateway v1.8.1 and Gateway API v1.5.x; installed here with Envoy Gateway 1.9 and Gateway API v1.6 (see COMPATIBILITY)',
};

/** Why llm-d router stays at v0.10.0 (its CRD bundles and the endpoint picker image alike). */
const LLMD_NOTE = 'one minor behind: v0.11.0 appears only in third-party pins of ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.11.0; the stored '
  + 'llm-d/llm-d-router snapshot ends on 2026-08-22 with v0.10.0 (commit 71f4f099, 2026-08-17) as its newest tag, so v0.11.0\'s CRDs, flags and '
  + 'defaults could not be read';

/** The pinned charts. */
export const CHARTS: Readonly<Record<ChartId, PinnedChart>> = {
  ingressNginx: {
    repository: 'https://kubernetes.github.io/ingress-nginx',
    chart: 'ingress-nginx',
    version: '4.15.1',
    checked: {
      where: 'https://kubernetes.github.io/ingress-nginx/index.yaml (kubernetes/ingress-nginx gh-pages, generated 2026-03-19)',
      on: CHECKED_ON,
      newest: '4.15.1',
      note: 'the final chart (controller v1.15.1): the project was retired in March 2026',
    },
  },
  istioBase: { repository: ISTIO_CHART_REPOSITORY, chart: 'base', version: '1.31.1', checked: ISTIO_CHECK },
  istiod: { repository: ISTIO_CHART_REPOSITORY, chart: 'istiod', version: '1.31.1', checked: ISTIO_CHECK },
  istioGateway: { repository: ISTIO_CHART_REPOSITORY, chart: 'gateway', version: '1.31.1', checked: ISTIO_CHECK },
  envoyGateway: {
    repository: 'oci://docker.io/envoyproxy',
    chart: 'gateway-helm',
    version: 'v1.9.3',
    checked: {
      where: 'envoyproxy/gateway release-notes/v1.9.3.yaml (October 3, 2026), v1.9.1.yaml, v1.9.0.yaml; '
        + 'site/content/en/news/releases/matrix.md at tag v1.9.0 (1.9: Gateway API v1.6.1, end of life 2027-02-14; 1.8 end of life 2026-11-08); '
        + 'release-notes/ has no v1.9.4 or v1.10 file (the 1.8 line ends at v1.8.6)',
      on: CHECKED_ON,
      newest: 'v1.9.3',
    },
  },
  aiGatewayCrds: { repository: 'oci://docker.io/envoyproxy', chart: 'ai-gateway-crds-helm', version: 'v1.1.0', checked: ENVOY_AI_GATEWAY_CHECK },
  aiGateway: { repository: 'oci://docker.io/envoyproxy', chart: 'ai-gateway-helm', version: 'v1.1.0', checked: ENVOY_AI_GATEWAY_CHECK },
  // The Valkey project's own chart (Redis protocol; Bitnami's images moved in 2025). Standalone, no auth, no persistence:
  // it only holds rate-limit counters.
  valkey: {
    repository: 'https://valkey.io/valkey-helm/',
    chart: 'valkey',
    version: '0.11.0',
    checked: {
      where: 'https://valkey.io/valkey-helm/index.yaml (valkey-io/valkey-helm gh-pages: valkey 0.1.0 to 0.11.0, 0.11.0 created 2026-07-22)',
      on: CHECKED_ON,
      newest: '0.11.0',
    },
  },
  keda: {
    repository: 'https://kedacore.github.io/charts',
    chart: 'keda',
    version: '2.20.2',
    checked: {
      where: 'kedacore/charts tag v2.20.2 (the stored copy ends 2026-08-13; its chart index is not in it)',
      on: CHECKED_ON,
      newest: '2.21.1',
      note: '2.21.1 is named by third-party references only, not checked against the chart index; 2.20.2 is one minor behind it and is the '
        + 'release whose ScaledObject CRD the library validates against (upstream/crds/keda)',
    },
  },
  kubePrometheusStack: {
    repository: 'https://prometheus-community.github.io/helm-charts',
    chart: 'kube-prometheus-stack',
    version: '92.3.0',
    checked: {
      where: 'prometheus-community/helm-charts charts/kube-prometheus-stack/UPGRADE.md "From 90.x to 91.x" (Prometheus Operator v0.94.0); '
        + '92.x releases (Prometheus Operator v0.94.1) in third-party installs',
      on: CHECKED_ON,
      newest: '92.3.0',
      note: 'the chart index (over 4 MiB) is not in the stored copy, so 92.3.0 is confirmed by a third-party install that checks the archive\'s digest, '
        + 'not by the index. The library validates ServiceMonitor and PodMonitor against Prometheus Operator v0.93.0 (upstream/), the chart installs v0.94',
    },
  },
  gpuOperator: {
    repository: 'https://helm.ngc.nvidia.com/nvidia',
    chart: 'gpu-operator',
    version: 'v26.7.0',
    checked: {
      where: 'NVIDIA/gpu-operator gh-pages stable/index.yaml (v26.7.0 created 2026-08-21; v26.3.x before it)',
      on: CHECKED_ON,
      newest: 'v26.7.2',
      note: 'v26.7.1 and v26.7.2 appear in third-party installs and package advisories, not in the stored index: same minor, not pinned unverified',
    },
  },
};

/** The pinned CRD bundles. */
export const CRD_BUNDLES: Readonly<Record<CrdBundleId, PinnedCrdBundle>> = {
  gatewayApi: {
    version: 'v1.6.1',
    checked: {
      where: 'kubernetes-sigs/gateway-api tag v1.6.1: config/crd/{standard,experimental} (with gateway.networking.k8s.io_vap_safeupgrades.yaml), hack/build-install-yaml.sh; '
        + 'CHANGELOG/1.7-CHANGELOG.md (v1.7.0-rc.1, "Major Changes Since v1.6.3")',
      on: CHECKED_ON,
      newest: 'v1.6.3',
      note: 'same minor. v1.6.2 has no API change (envoyproxy/gateway PR 9946); v1.6.3 is named by the 1.7 changelog, whose own release is only a '
        + 'candidate (v1.7.0-rc.1, not a release). v1.6.1 is the bundle the library validates against (upstream/crds/gateway-api)',
    },
  },
  inferencePool: {
    version: 'v1.6.0',
    checked: {
      where: 'kubernetes-sigs/gateway-api-inference-extension tag v1.6.0: config/crd/bases/inference.networking.k8s.io_inferencepools.yaml',
      on: CHECKED_ON,
      newest: 'v1.6.2',
      note: 'v1.6.2 is named by the issue tracker only (the stored copy ends at v1.6.0); v1.6.0 is the CRD the library validates against (upstream/crds/inference)',
    },
  },
  // llm-d router v0.10.0: InferenceObjective (the objectives the library renders) and InferenceModelRewrite,
  // which its endpoint picker watches. The project publishes no CRD release asset: the pinned tag's files.
  llmdInferenceObjectives: {
    version: 'v0.10.0',
    checked: { where: 'llm-d/llm-d-router tag v0.10.0: config/crd/bases/llm-d.ai_inferenceobjectives.yaml', on: CHECKED_ON, newest: 'v0.11.0', note: LLMD_NOTE },
  },
  llmdInferenceModelRewrites: {
    version: 'v0.10.0',
    checked: { where: 'llm-d/llm-d-router tag v0.10.0: config/crd/bases/llm-d.ai_inferencemodelrewrites.yaml', on: CHECKED_ON, newest: 'v0.11.0', note: LLMD_NOTE },
  },
  // Envoy Gateway's own CRDs, from its release asset (the gateway-crds-helm chart rendered with only
  // crds.envoyGateway.enabled): always the Envoy Gateway chart's version.
  envoyGateway: {
    version: 'v1.9.3',
    checked: {
      where: 'envoyproxy/gateway tag v1.9.0: tools/make/kube.mk generate-manifests (envoy-gateway-crds.yaml), .github/workflows/release.yaml (uploaded with every release)',
      on: CHECKED_ON,
      newest: 'v1.9.3',
    },
  },
};

/** The container images the core library uses by default. */
export type ImageId = 'vllm' | 'endpointPicker';

/** A default image of the core library: its repository, its tag, and where the tag was checked. */
export interface PinnedImage {
  /** The image without its tag, such as `vllm/vllm-openai`. */
  readonly repository: string;
  /** The tag, such as `v0.19.0`. */
  readonly version: string;
  readonly checked: PinCheck;
}

/**
 * The default images of the core library (`ModelServer.vllm`, `InferencePool`), checked like the charts. The stack does
 * not install them; they are recorded here with the other pins, and test/platform.test.ts checks that the library renders
 * exactly these.
 */
export const IMAGES: Readonly<Record<ImageId, PinnedImage>> = {
  vllm: {
    repository: 'vllm/vllm-openai',
    version: 'v0.19.0',
    checked: {
      where: 'vllm-project/vllm: tags v0.30.0 (commit ced6857a, 2026-09-21) and v0.31.0 (commit db9527a4, 2026-10-05) as named by third-party source '
        + 'checks and image digests; the v0.32.0 documentation build (docs.vllm.ai/en/v0.32.0/usage/metrics); PRs 39878 and 40669 (the default image '
        + 'is CUDA 13.0 from v0.20.0), 39518 and 56043 (`--model` is deprecated for `vllm serve` and still accepted on main 114abd1c, 2026-09-09)',
      on: CHECKED_ON,
      newest: 'v0.32.0',
      note: 'kept on purpose, thirteen minors behind: what the library relies on could not be read at the v0.31.0 or v0.32.0 tag. The '
        + 'vllm-project/vllm snapshot (1,123,921,920 bytes) is over the 524,288,000 bytes this workplace can fetch, the indexed copies of '
        + 'vllm/v1/metrics/loggers.py and docker/Dockerfile are at commits no tag names, and the package registry is not reachable from here. '
        + 'Unverified at those tags: the metric names (vllm:num_requests_waiting, vllm:kv_cache_usage_perc, vllm:lora_requests_info), the flags '
        + '(--model, --served-model-name, --port, --tensor-parallel-size, --max-model-len, --gpu-memory-utilization) and the image entrypoint. '
        + 'Verified: the CUDA 13.0 images need a driver of branch 580 or newer, which the GPU Operator v26.7.0 default (595.91.07, '
        + 'deployments/gpu-operator/values.yaml) meets; older drivers need the -cu129 tag. Override per pool with ModelServer.vllm({ image })',
    },
  },
  endpointPicker: {
    repository: 'ghcr.io/llm-d/llm-d-router-endpoint-picker',
    version: 'v0.10.0',
    checked: {
      where: 'llm-d/llm-d-router tag v0.10.0: pkg/epp/server/options.go (flags, vLLM metric names), '
        + 'pkg/epp/framework/plugins/datalayer/extractor/metrics/factories.go (the vllm engine config); the image is <repository>-endpoint-picker:<tag>',
      on: CHECKED_ON,
      newest: 'v0.11.0',
      note: LLMD_NOTE,
    },
  },
};

/** The image reference the core library renders by default: `<repository>:<tag>`. */
export function imageReference(image: ImageId): string {
  return `${IMAGES[image].repository}:${IMAGES[image].version}`;
}

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
    case 'envoyGateway':
      return `https://github.com/envoyproxy/gateway/releases/download/${version}/envoy-gateway-crds.yaml`;
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
