/*
 * The compatibility matrix: each controller release line with the Gateway API and Inference Extension versions it is
 * built against (its go.mod at the release tag) and the CRD bundle minors it supports. ControllerStack installs only
 * combinations the matrix allows: checkCompatibility() runs on every plan, so a user who overrides a version gets a
 * synth-time error naming both versions and a working pair, and a pin that leaves the matrix fails the tests.
 */
import { CHARTS, CRD_BUNDLES, ISTIO_RETIRED_CHART_REPOSITORY } from './charts';
import { invalid } from './invalid';

/** The controllers whose releases depend on the Gateway API or Inference Extension CRDs. */
export type MatrixController = 'istio' | 'envoyGateway' | 'envoyAiGateway' | 'llmdRouter';

/** What a release needs from one CRD bundle. */
export interface BundleSupport {
  /** The bundle version the release's code is built against (its go.mod), such as `v1.6.0`. */
  readonly builtAgainst: string;
  /** The bundle minors the release works with, such as `['1.6']`. */
  readonly minors: string[];
  /** Why the release works with each of those minors. */
  readonly basis: string;
}

/** One controller release line in the matrix. */
export interface ControllerCompatibility {
  readonly controller: MatrixController;
  /** The release line, a minor version such as `1.31`. */
  readonly line: string;
  /** The lowest patch release of the line that may be installed, with the reason. */
  readonly minimum?: { readonly version: string; readonly reason: string };
  /** The Gateway API CRDs the line reads. */
  readonly gatewayApi?: BundleSupport;
  /** The Inference Extension (InferencePool) CRDs the line reads. */
  readonly inferenceExtension?: BundleSupport;
  /** The Envoy Gateway lines it runs on (Envoy AI Gateway only), with the basis. */
  readonly envoyGateway?: { readonly lines: string[]; readonly basis: string };
  /** The upstream files the row is read from (repository, tag, path). */
  readonly sources: string[];
}

/** The display name of each matrix controller. */
export const CONTROLLER_NAMES: Readonly<Record<MatrixController, string>> = {
  istio: 'Istio',
  envoyGateway: 'Envoy Gateway',
  envoyAiGateway: 'Envoy AI Gateway',
  llmdRouter: 'llm-d router',
};

// InferencePool v1 CRD, diffed between tags (kubernetes-sigs/gateway-api-inference-extension
// config/crd/bases/inference.networking.k8s.io_inferencepools.yaml): v1.4.0 -> v1.6.0 only drops `endpointPickerRef`
// from `required` (the library always renders one); v1.0.2 -> v1.6.0 also adds `targetPorts[].appProtocol` and status
// `controllerName`, which a reader built on v1.0.2 does not see.
const GIE_V14_TO_V16 = 'InferencePool v1 is the same schema from GIE v1.4.0 to v1.6.0 except that v1.6 no longer requires endpointPickerRef';

/** The compatibility matrix. */
export const COMPATIBILITY: readonly ControllerCompatibility[] = [
  {
    controller: 'istio',
    line: '1.30',
    minimum: { version: '1.30.4', reason: 'ISTIO-SECURITY-2026-006: 1.30.4 fixed 13 Envoy CVEs and a BackendTLSPolicy fail-open (GHSA-qm8v-g4f9-qhjx)' },
    gatewayApi: {
      builtAgainst: 'v1.5.1',
      minors: ['1.5'],
      basis: 'built against v1.5.1; pkg/config/schema/gatewayapi/minimumversions.go requires TLSRoute CRDs of v1.5.0 or later',
    },
    inferenceExtension: { builtAgainst: 'v1.4.0', minors: ['1.4', '1.5', '1.6'], basis: GIE_V14_TO_V16 },
    sources: [
      'istio/istio 1.30.3 go.mod (sigs.k8s.io/gateway-api v1.5.1, gateway-api-inference-extension v1.4.0)',
      'istio/istio 1.30.3 pkg/config/schema/gatewayapi/minimumversions.go',
      'istio/istio.io content/en/news/security/istio-security-2026-006/index.md',
    ],
  },
  {
    controller: 'istio',
    line: '1.31',
    minimum: { version: '1.31.1', reason: '1.31.1 fixed the BackendTLSPolicy fail-open (GHSA-qm8v-g4f9-qhjx) that 1.30.4 fixed for 1.30' },
    gatewayApi: {
      builtAgainst: 'v1.6.0',
      minors: ['1.6'],
      basis: 'built against v1.6.0; minimumversions.go ignores TCPRoute CRDs older than v1.6.0 (and its analyzer warns on outdated CRDs)',
    },
    inferenceExtension: { builtAgainst: 'v1.5.0', minors: ['1.5', '1.6'], basis: GIE_V14_TO_V16 },
    sources: [
      'istio/istio 1.31.0-rc.0 go.mod (sigs.k8s.io/gateway-api v1.6.0, gateway-api-inference-extension v1.5.0)',
      'istio/istio 1.31.0-rc.0 pkg/config/schema/gatewayapi/minimumversions.go',
      'istio/istio.io content/en/news/releases/1.31.x/announcing-1.31.1/index.md',
    ],
  },
  {
    controller: 'envoyGateway',
    line: '1.8',
    minimum: { version: 'v1.8.1', reason: 'the release Envoy AI Gateway v1.1.0 is built on' },
    gatewayApi: { builtAgainst: 'v1.5.1', minors: ['1.5'], basis: 'Envoy Gateway\'s compatibility matrix: v1.8 is built with Gateway API v1.5.1 (end of life 2026-11-08)' },
    sources: ['envoyproxy/gateway v1.8.3 go.mod (sigs.k8s.io/gateway-api v1.5.1)', 'envoyproxy/gateway v1.9.0 site/content/en/news/releases/matrix.md'],
  },
  {
    controller: 'envoyGateway',
    line: '1.9',
    minimum: { version: 'v1.9.1', reason: 'v1.9.1 release notes: upgrade from 1.8 straight to v1.9.1, skipping v1.9.0 (its SDS timeout change leaves TLS listeners without certificates)' },
    gatewayApi: {
      builtAgainst: 'v1.6.1',
      minors: ['1.6'],
      basis: 'Envoy Gateway\'s compatibility matrix: v1.9 is built with Gateway API v1.6.1; v1.9.0 release notes: TCPRoute/UDPRoute are read as v1, so the v1.6 CRDs are required',
    },
    sources: [
      'envoyproxy/gateway v1.9.0 go.mod (sigs.k8s.io/gateway-api v1.6.1)',
      'envoyproxy/gateway v1.9.0 site/content/en/news/releases/matrix.md',
      'envoyproxy/gateway release-notes/v1.9.0.yaml, v1.9.1.yaml',
    ],
  },
  {
    controller: 'envoyAiGateway',
    line: '1.1',
    gatewayApi: {
      builtAgainst: 'v1.5.1',
      minors: ['1.5', '1.6'],
      basis: 'declares Gateway API v1.5.x; v1.6 is allowed because Envoy Gateway 1.9 requires it and v1.5.1 -> v1.6.1 is additive for what it writes '
        + '(HTTPRoute stays v1; TCPRoute and UDPRoute gain v1 and keep v1alpha2)',
    },
    inferenceExtension: {
      builtAgainst: 'v1.0.2',
      minors: ['1.0', '1.1', '1.2', '1.3', '1.4', '1.5', '1.6'],
      basis: 'reads InferencePool v1 with the v1.0.2 types: later bundles only add fields it does not read (targetPorts[].appProtocol, status controllerName)',
    },
    envoyGateway: {
      lines: ['1.8', '1.9'],
      basis: 'declares Envoy Gateway v1.8.1+; 1.9 because 1.8 reached end of life on 2026-11-08 and envoyproxy/ai-gateway main moved to Envoy Gateway v1.9.0 '
        + '(PR 2507) with no extension-server change beyond a new optional field. Envoy Gateway 1.9\'s mergeBackends breaks its backend resolution: '
        + 'it is off by default and the stack never turns it on',
    },
    sources: [
      'envoyproxy/ai-gateway v1.1.0 go.mod (envoyproxy/gateway v1.8.1, gateway-api v1.5.1, gateway-api-inference-extension v1.0.2)',
      'envoyproxy/ai-gateway v1.1.0 site/docs/compatibility.md, site/src/data/releases/v1.1.json',
      'envoyproxy/ai-gateway PR 2507 (chore: bump Envoy Gateway to v1.9.0)',
    ],
  },
  {
    controller: 'llmdRouter',
    line: '0.10',
    inferenceExtension: { builtAgainst: 'v1.5.0', minors: ['1.5', '1.6'], basis: GIE_V14_TO_V16 },
    sources: ['llm-d/llm-d-router v0.10.0 go.mod (sigs.k8s.io/gateway-api-inference-extension v1.5.0), hack/verify-helm.sh (GIE_VERSION v1.5.0)'],
  },
];

/** A version split into numbers; `v` and pre-release suffixes are ignored. */
export function parseVersion(version: string): { readonly major: number; readonly minor: number; readonly patch: number } | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  return m === null ? undefined : { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

/** `1.31` for `1.31.1` or `v1.31.1-rc.0`. */
export function minorOf(version: string): string | undefined {
  const v = parseVersion(version);
  return v === undefined ? undefined : `${v.major}.${v.minor}`;
}

/** Negative when `a` is an earlier release than `b` (major, minor, patch). */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (x === undefined || y === undefined) return 0;
  return x.major - y.major || x.minor - y.minor || x.patch - y.patch;
}

/** The matrix row for `version` of `controller`, if the matrix lists its line. */
export function compatibilityOf(controller: MatrixController, version: string): ControllerCompatibility | undefined {
  const line = minorOf(version);
  return COMPATIBILITY.find(r => r.controller === controller && r.line === line);
}

/** One installed controller: its version and the property that set it. */
export interface InstalledController {
  readonly version: string;
  /** Such as `charts.istiod.version`. */
  readonly property: string;
  /** The pinned version (what the property is when not overridden). */
  readonly pinned: string;
}

/** What a plan installs, for checkCompatibility. Leave out what is not installed. */
export interface InstalledVersions {
  readonly controllers: { readonly [K in MatrixController]?: InstalledController };
  /** The Gateway API bundle applied (absent when the cluster manages the CRDs). */
  readonly gatewayApi?: InstalledController;
  /** The Inference Extension bundle applied. */
  readonly inferenceExtension?: InstalledController;
}

/** The pinned versions, as the matrix check sees them. */
export const PINNED = {
  istio: CHARTS.istiod.version,
  envoyGateway: CHARTS.envoyGateway.version,
  envoyAiGateway: CHARTS.aiGateway.version,
  llmdRouter: CRD_BUNDLES.llmdInferenceObjectives.version,
  gatewayApi: CRD_BUNDLES.gatewayApi.version,
  inferenceExtension: CRD_BUNDLES.inferencePool.version,
} as const;

/**
 * Throws the library's error when the installed versions leave the matrix: a controller line it does not list, a
 * patch below the line's minimum, a CRD bundle minor the controller does not support, or Envoy AI Gateway on an
 * Envoy Gateway line it does not run on. Each message names both versions and the pinned pair, which works.
 */
export function checkCompatibility(where: string, installed: InstalledVersions, matrix: readonly ControllerCompatibility[] = COMPATIBILITY): void {
  const rowOf = (controller: MatrixController, version: string) => matrix.find(r => r.controller === controller && r.line === minorOf(version));
  const order: MatrixController[] = ['istio', 'envoyGateway', 'envoyAiGateway', 'llmdRouter'];
  for (const controller of order) {
    const c = installed.controllers[controller];
    if (c === undefined) continue;
    const name = CONTROLLER_NAMES[controller];
    const lines = matrix.filter(r => r.controller === controller).map(r => r.line);
    const row = rowOf(controller, c.version);
    if (row === undefined) {
      throw invalid(where, c.property, c.version, `is not in the compatibility matrix, which lists ${lines.map(l => `${name} ${l}`).join(' and ')}`,
        `use a listed release, such as the pinned ${c.pinned}`);
    }
    if (row.minimum !== undefined && compareVersions(c.version, row.minimum.version) < 0) {
      throw invalid(where, c.property, c.version, `is below ${row.minimum.version}, the first ${name} ${row.line} release the matrix allows (${row.minimum.reason})`,
        `use ${row.minimum.version} or later, or the pinned ${c.pinned}`);
    }
    const bundles: Array<['gatewayApi' | 'inferenceExtension', string]> = [['gatewayApi', 'Gateway API'], ['inferenceExtension', 'Inference Extension']];
    for (const [bundle, bundleName] of bundles) {
      const support = row[bundle];
      const applied = installed[bundle];
      if (support === undefined || applied === undefined) continue;
      if (support.minors.includes(minorOf(applied.version) ?? '')) continue;
      // Name what the user changed: the controller when it is not the pin, else the bundle.
      const [property, value] = c.version !== c.pinned ? [c.property, c.version] : [applied.property, applied.version];
      throw invalid(where, property, value,
        `pairs ${name} ${c.version} with ${bundleName} ${applied.version}, which the compatibility matrix does not allow: ${name} ${row.line} is built against `
        + `${bundleName} ${support.builtAgainst} and supports ${support.minors.map(m => `v${m}.x`).join(', ')}`,
        `pin a pair the matrix allows, such as ${name} ${c.pinned} with ${bundleName} ${PINNED[bundle]}`);
    }
  }
  const ai = installed.controllers.envoyAiGateway;
  const eg = installed.controllers.envoyGateway;
  if (ai !== undefined && eg !== undefined) {
    const row = rowOf('envoyAiGateway', ai.version)!;
    if (row.envoyGateway !== undefined && !row.envoyGateway.lines.includes(minorOf(eg.version) ?? '')) {
      const [property, value] = eg.version !== eg.pinned ? [eg.property, eg.version] : [ai.property, ai.version];
      throw invalid(where, property, value,
        `pairs Envoy AI Gateway ${ai.version} with Envoy Gateway ${eg.version}, which the compatibility matrix does not allow: Envoy AI Gateway ${row.line} `
        + `runs on Envoy Gateway ${row.envoyGateway.lines.join(' and ')}`,
        `pin a pair the matrix allows, such as Envoy AI Gateway ${ai.pinned} with Envoy Gateway ${eg.pinned}`);
    }
  }
}

/** Istio 1.31 and later are published only at the new chart home. */
export function checkIstioChartRepository(where: string, property: string, repository: string, version: string): void {
  const v = parseVersion(version);
  if (v !== undefined && (v.major > 1 || v.minor >= 31) && repository.replace(/\/+$/, '') === ISTIO_RETIRED_CHART_REPOSITORY) {
    throw invalid(where, property, repository, `does not publish Istio ${version}: from 1.31 on Istio's charts are only at https://blob.istio.io/istio-release/charts `
      + 'and oci://ghcr.io/istio/release/charts, and this repository is retired in December 2026', 'leave it out for https://blob.istio.io/istio-release/charts');
  }
}
