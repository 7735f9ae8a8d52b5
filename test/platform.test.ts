import * as fs from 'fs';
import { join } from 'path';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Chart, Testing as Cdk8sTesting } from 'cdk8s';
import { TerraformStack, Testing } from 'cdktf';
import {
  CHARTS, ChartId, checkCompatibility, COMPATIBILITY, ControllerStack, ControllerStackProps, CRD_BUNDLES, DEFAULT_NAMESPACES,
  ENVOY_GATEWAY_CONTROLLER_NAME, GatewayNeeds, imageReference, IMAGES, ISTIO_CONTROLLER_NAME, istioGatewayPodLabels, isPinnedVersion,
  MatrixController, minorOf,
  parseVersion, PINNED, PinCheck, PlanOptions, planControllers,
} from '../platform';
import {
  Accelerator, AiGateway, AiGatewayErrors, Backend, DataPlane, GatewayApiChannel, GatewayImplementation, LlmModelPool, ModelServer, RateLimit,
  RateLimitKey, RetryPolicy, RouteMatch,
} from '../src';
import { pickedBy } from './support/inference-pool';

// ---------------------------------------------------------------------------------------------------------
// Helpers: the cdk8s half (gateways and their manifests) and the Terraform half (the synthesized stack).

interface HelmRelease {
  readonly name: string;
  readonly namespace: string;
  readonly repository: string;
  readonly chart: string;
  readonly version: string;
  readonly create_namespace: boolean;
  readonly atomic: boolean;
  readonly wait: boolean;
  readonly values: string[];
  readonly depends_on?: string[];
}

interface TerraformData {
  readonly triggers_replace: Record<string, string>;
  readonly depends_on?: string[];
  readonly provisioner: Array<{ 'local-exec': { command: string; when?: string; environment?: Record<string, string> } }>;
}

interface Synthesized {
  readonly json: string;
  readonly releases: Record<string, HelmRelease>;
  readonly data: Record<string, TerraformData>;
  readonly providers: unknown[];
  /** The release named `name`. */
  release(name: string): HelmRelease;
  /** The parsed values of the release named `name`. */
  values(name: string): any;
  /** The Terraform addresses a resource depends on, as release names or terraform_data ids. */
  dependsOn(resource: { depends_on?: string[] }): string[];
}

function synth(props: ControllerStackProps, configure?: (stack: TerraformStack) => Partial<ControllerStackProps>): Synthesized {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  new ControllerStack(stack, 'controllers', { ...props, ...configure?.(stack) });
  const json = Testing.synth(stack, true);
  const parsed = JSON.parse(json);
  const releases: Record<string, HelmRelease> = parsed.resource?.helm_release ?? {};
  const data: Record<string, TerraformData> = parsed.resource?.terraform_data ?? {};
  const release = (name: string) => {
    const found = Object.values(releases).find(r => r.name === name);
    if (found === undefined) throw new Error(`no release ${name}; releases: ${Object.values(releases).map(r => r.name).join(', ')}`);
    return found;
  };
  return {
    json,
    releases,
    data,
    providers: parsed.provider?.helm ?? [],
    release,
    values: name => JSON.parse(release(name).values[0]),
    dependsOn: resource => (resource.depends_on ?? []).map(address => {
      const [type, id] = address.split('.');
      return type === 'helm_release' ? releases[id].name : `${type}:${id.replace(/^controllers_/, '').replace(/_[0-9A-F]{8}$/, '')}`;
    }),
  };
}

function releaseNames(s: Synthesized): string[] {
  return Object.values(s.releases).map(r => r.name).sort();
}

function dataIds(s: Synthesized): string[] {
  return Object.keys(s.data).map(id => id.replace(/^controllers_/, '').replace(/_[0-9A-F]{8}$/, '')).sort();
}

function command(d: TerraformData, when?: string): string {
  return d.provisioner.map(p => p['local-exec']).find(p => p.when === when)!.command;
}

function chart(namespace = 'llm'): Chart {
  return new Chart(Cdk8sTesting.app(), 'test', { namespace });
}

function pool(scope: Chart, name: string, vllm = false): LlmModelPool {
  return new LlmModelPool(scope, name, {
    name,
    modelName: name,
    server: vllm ? ModelServer.vllm({ model: 'meta-llama/Llama-3.1-8B-Instruct' }) : ModelServer.demo(),
    accelerator: vllm ? Accelerator.nvidiaGpu({ count: 1 }) : undefined,
  });
}

/** A gateway with one route (no retries: the standard Gateway API channel cannot express them). */
function gateway(scope: Chart, id: string, dataPlane: DataPlane,
  route: (gw: AiGateway) => void = gw => gw.addRoute('all', { backend: Backend.pool(pool(scope, `${id}-pool`)), retry: RetryPolicy.none() })): AiGateway {
  const gw = new AiGateway(scope, id, { name: id, dataPlane, hostnames: [`${id}.example.com`] });
  route(gw);
  return gw;
}

function manifests(scope: Chart, kind: string): any[] {
  return Cdk8sTesting.synth(scope).filter(d => d.kind === kind);
}

/** An error ControllerStack throws: an AiGatewayError whose message matches `pattern`. */
function expectRejected(fn: () => unknown, pattern: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeDefined();
  expect(AiGatewayErrors.isAiGatewayError(error)).toBe(true);
  expect((error as Error).message).toMatch(pattern);
}

const PLAN_OPTIONS: PlanOptions = {
  where: 'stack/controllers',
  keda: false,
  prometheus: false,
  gpuOperator: false,
  charts: CHARTS,
  crdBundles: CRD_BUNDLES,
  installGatewayApiCrds: true,
  installInferencePoolCrds: true,
  namespaces: DEFAULT_NAMESPACES,
};

function need(path: string, installation: GatewayNeeds['installation'], more: Partial<GatewayNeeds> = {}): GatewayNeeds {
  return { path, installation, controllerSettings: {}, usesInferencePools: false, usesGlobalRateLimits: false, ...more };
}

// ---------------------------------------------------------------------------------------------------------

describe('pinned versions', () => {
  test('every chart and CRD bundle names one exact release', () => {
    for (const [id, c] of Object.entries(CHARTS)) {
      expect([id, isPinnedVersion(c.version)]).toEqual([id, true]);
      expect(c.version).not.toMatch(/latest|\*|\^|~|>|</);
      expect(c.repository).toMatch(/^(https|oci):\/\//);
    }
    expect(Object.fromEntries(Object.entries(CRD_BUNDLES).map(([id, c]) => [id, c.version]))).toEqual({
      gatewayApi: 'v1.6.1',
      inferencePool: 'v1.6.0',
      llmdInferenceObjectives: 'v0.10.0',
      llmdInferenceModelRewrites: 'v0.10.0',
      envoyGateway: 'v1.9.3',
    });
    // Envoy Gateway's CRDs are its chart's release.
    expect(CRD_BUNDLES.envoyGateway.version).toBe(CHARTS.envoyGateway.version);
  });

  test('the pinned controller versions', () => {
    const versions = Object.fromEntries(Object.entries(CHARTS).map(([id, c]) => [id, c.version]));
    expect(versions).toEqual({
      ingressNginx: '4.15.1',
      istioBase: '1.31.1',
      istiod: '1.31.1',
      istioGateway: '1.31.1',
      envoyGateway: 'v1.9.3',
      aiGatewayCrds: 'v1.1.0',
      aiGateway: 'v1.1.0',
      valkey: '0.11.0',
      keda: '2.20.2',
      kubePrometheusStack: '92.3.0',
      gpuOperator: 'v26.7.0',
    });
  });

  test('every pin records where and when it was checked, and is at most one minor behind the newest release found or says why', () => {
    const pins: Array<[string, string, PinCheck]> = [
      ...Object.entries(CHARTS).map(([id, c]) => [`charts.${id}`, c.version, c.checked] as [string, string, PinCheck]),
      ...Object.entries(CRD_BUNDLES).map(([id, c]) => [`crdBundles.${id}`, c.version, c.checked] as [string, string, PinCheck]),
      ...Object.entries(IMAGES).map(([id, c]) => [`images.${id}`, c.version, c.checked] as [string, string, PinCheck]),
    ];
    for (const [id, version, checked] of pins) {
      expect([id, checked.where.length > 20, checked.on]).toEqual([id, true, expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/)]);
      const pin = parseVersion(version)!;
      const newest = parseVersion(checked.newest)!;
      expect([id, newest !== undefined]).toEqual([id, true]);
      // Never ahead of what was found; more than one minor (or any major) behind needs a recorded reason.
      const behind = newest.major !== pin.major ? Infinity : newest.minor - pin.minor;
      expect([id, behind >= 0]).toEqual([id, true]);
      if (behind > 1) expect([id, checked.note]).toEqual([id, expect.any(String)]);
    }
    // docs/platform.md's table of pins shows each pin and the newest release found next to it.
    const docs = fs.readFileSync(join(__dirname, '..', 'docs', 'platform.md'), 'utf8');
    for (const [id, version, checked] of pins) {
      expect([id, docs.includes(`| ${version} | `), docs.includes(` | ${checked.newest} | `)]).toEqual([id, true, true]);
    }
    // The Valkey chart index (valkey-io/valkey-helm gh-pages index.yaml) lists 0.1.0 to 0.11.0: the old 1.0.0 pin never existed.
    expect(CHARTS.valkey.checked.where).toContain('index.yaml');
  });

  test('the core library renders the recorded default images: vLLM v0.19.0, and the endpoint picker of the llm-d router whose CRDs the stack installs', () => {
    const scope = chart();
    const server = pool(scope, 'llama', true);
    pickedBy(server);
    const images = Cdk8sTesting.synth(scope).filter(d => d.kind === 'Deployment')
      .map(d => [d.metadata.name, d.spec.template.spec.containers[0].image]);
    expect(images).toEqual([['llama', imageReference('vllm')], ['llama-epp', imageReference('endpointPicker')]]);
    expect(imageReference('vllm')).toBe('vllm/vllm-openai:v0.19.0');
    // One llm-d router release: the picker reads the InferenceObjective and InferenceModelRewrite CRDs of its own tag.
    expect(IMAGES.endpointPicker.version).toBe(CRD_BUNDLES.llmdInferenceObjectives.version);
    expect(IMAGES.endpointPicker.version).toBe(CRD_BUNDLES.llmdInferenceModelRewrites.version);
  });

  test('the pins are a combination the compatibility matrix allows', () => {
    const pinned = (version: string, property: string) => ({ version, property, pinned: version });
    expect(() => checkCompatibility('pins', {
      controllers: {
        istio: pinned(PINNED.istio, 'charts.istiod.version'),
        envoyGateway: pinned(PINNED.envoyGateway, 'charts.envoyGateway.version'),
        envoyAiGateway: pinned(PINNED.envoyAiGateway, 'charts.aiGateway.version'),
        llmdRouter: pinned(PINNED.llmdRouter, 'crdBundles.llmdInferenceObjectives.version'),
      },
      gatewayApi: pinned(PINNED.gatewayApi, 'crdBundles.gatewayApi.version'),
      inferenceExtension: pinned(PINNED.inferenceExtension, 'crdBundles.inferencePool.version'),
    })).not.toThrow();
    // Every pinned controller has its row, and every row names its upstream sources.
    for (const controller of ['istio', 'envoyGateway', 'envoyAiGateway', 'llmdRouter'] as MatrixController[]) {
      const listed = COMPATIBILITY.some(r => r.controller === controller && r.line === minorOf(PINNED[controller]));
      expect([controller, listed]).toEqual([controller, true]);
    }
    for (const row of COMPATIBILITY) expect(row.sources.length).toBeGreaterThan(0);
    // The bundles the stack installs are the ones the library validates its output against (upstream/SOURCES.md).
    const sources = fs.readFileSync(join(__dirname, '..', 'upstream', 'SOURCES.md'), 'utf8');
    expect(sources).toContain(`Gateway API ${CRD_BUNDLES.gatewayApi.version} (standard channel)`);
    expect(sources).toContain(`GIE ${CRD_BUNDLES.inferencePool.version} (InferencePool v1, GA)`);
    expect(sources).toContain(`llm-d-router ${CRD_BUNDLES.llmdInferenceObjectives.version}`);
  });

  test('every release of every data plane is pinned, namespaced and ordered after what it needs', () => {
    const scope = chart();
    const s = synth({
      gateways: [
        gateway(scope, 'istio', DataPlane.istio()),
        gateway(scope, 'ai', DataPlane.envoyAiGateway({ gatewayClassName: 'eg' }), gw => gw.addRoute('all', {
          backend: Backend.inferencePool(pickedBy(pool(scope, 'ai-pool', true))),
          rateLimit: RateLimit.tokensPerHour(1_000_000, { key: RateLimitKey.header('x-tenant-id') }),
        })),
        gateway(scope, 'nginx', DataPlane.nginxIngress({ ingressClassName: 'nginx' }), gw => gw.addRoute('all', {
          backend: Backend.pool(pool(scope, 'nginx-pool')), retry: RetryPolicy.none(),
        })),
      ],
      keda: true,
      prometheus: true,
      gpuOperator: true,
    });
    expect(releaseNames(s)).toEqual([
      'aieg', 'aieg-crd', 'eg', 'gpu-operator', 'ingress-nginx', 'istio-base', 'istio-ingress', 'istiod', 'keda', 'kube-prometheus-stack', 'valkey',
    ]);
    const chartIds: Record<string, ChartId> = {
      'aieg': 'aiGateway',
      'aieg-crd': 'aiGatewayCrds',
      'eg': 'envoyGateway',
      'gpu-operator': 'gpuOperator',
      'ingress-nginx': 'ingressNginx',
      'istio-base': 'istioBase',
      'istio-ingress': 'istioGateway',
      'istiod': 'istiod',
      'keda': 'keda',
      'kube-prometheus-stack': 'kubePrometheusStack',
      'valkey': 'valkey',
    };
    for (const r of Object.values(s.releases)) {
      const pinned = CHARTS[chartIds[r.name]];
      expect({ name: r.name, repository: r.repository, chart: r.chart, version: r.version })
        .toEqual({ name: r.name, repository: pinned.repository, chart: pinned.chart, version: pinned.version });
      expect(isPinnedVersion(r.version)).toBe(true);
      expect(r.namespace).toMatch(/^[a-z0-9-]+$/);
      expect(r.create_namespace).toBe(true);
      expect(r.wait).toBe(true);
    }
    const namespaces = Object.fromEntries(Object.values(s.releases).map(r => [r.name, r.namespace]));
    expect(namespaces).toEqual({
      'aieg': 'envoy-ai-gateway-system',
      'aieg-crd': 'envoy-ai-gateway-system',
      'eg': 'envoy-gateway-system',
      'gpu-operator': 'gpu-operator',
      'ingress-nginx': 'ingress-nginx',
      'istio-base': 'istio-system',
      'istio-ingress': 'istio-ingress',
      'istiod': 'istio-system',
      'keda': 'keda',
      'kube-prometheus-stack': 'monitoring',
      'valkey': 'valkey-system',
    });
    // CRDs before controllers, controllers before what extends them.
    expect(s.dependsOn(s.release('istiod'))).toEqual(['terraform_data:gateway-api-crds', 'terraform_data:inference-pool-crds', 'terraform_data:llm-d-inference-objective-crds', 'terraform_data:llm-d-inference-model-rewrite-crds', 'istio-base']);
    expect(s.dependsOn(s.release('istio-ingress'))).toEqual(['istiod']);
    expect(s.dependsOn(s.release('eg'))).toEqual([
      'terraform_data:gateway-api-crds', 'terraform_data:inference-pool-crds', 'terraform_data:llm-d-inference-objective-crds', 'terraform_data:llm-d-inference-model-rewrite-crds',
      'terraform_data:envoy-gateway-crds', 'valkey',
    ]);
    expect(s.dependsOn(s.release('aieg'))).toEqual(['aieg-crd', 'eg']);
    expect(s.json).not.toMatch(/"version": ""|latest/);
    // The Helm provider itself is pinned too (the archived prebuilt bindings' provider version).
    expect(JSON.parse(s.json).terraform.required_providers.helm).toEqual({ source: 'helm', version: '3.1.1' });
  });
});

describe('Istio', () => {
  test('base, istiod and the gateway release the Istio Gateway selects; no Gateway API CRDs', () => {
    const scope = chart();
    const s = synth({ gateways: [gateway(scope, 'gw', DataPlane.istio())] });
    expect(releaseNames(s)).toEqual(['istio-base', 'istio-ingress', 'istiod']);
    // Istio's charts come from their new home (https://blob.istio.io/istio-release/charts, istio/istio.io
    // content/en/news/releases/1.31.x/announcing-1.31/upgrade-notes): 1.31 is not published at the old one.
    for (const [name, chartName] of [['istio-base', 'base'], ['istiod', 'istiod'], ['istio-ingress', 'gateway']]) {
      expect(s.release(name)).toMatchObject({ repository: 'https://blob.istio.io/istio-release/charts', chart: chartName, version: '1.31.1' });
    }
    expect(s.release('istio-ingress').namespace).toBe('istio-ingress');
    expect(s.values('istiod')).toEqual({});
    expect(s.values('istio-base')).toEqual({ defaultRevision: 'default' });
    expect(s.dependsOn(s.release('istiod'))).toEqual(['istio-base']);
    expect(Object.keys(s.data)).toEqual([]);
  });

  test('the gateway release is derived from the selector the Istio Gateway renders, and lands where the NetworkPolicy admits from', () => {
    const scope = chart();
    const gw = gateway(scope, 'gw', DataPlane.istio({ gatewaySelector: { istio: 'llm-edge' }, gatewayNamespace: 'edge' }));
    const s = synth({ gateways: [gw] });

    // cdk8s half: the Istio Gateway's selector, and the namespace and labels the pools admit traffic from.
    const [istioGateway] = manifests(scope, 'Gateway');
    const selector: Record<string, string> = istioGateway.spec.selector;
    const [policy] = manifests(scope, 'NetworkPolicy');
    const from = policy.spec.ingress[0].from[0];

    // Terraform half: the gateway chart's release, and the labels the chart gives its pods.
    const [release] = Object.values(s.releases).filter(r => r.chart === 'gateway');
    expect(release.name).toBe('istio-llm-edge');
    const podLabels = istioGatewayPodLabels(release.name);
    expect(podLabels).toMatchObject(selector);
    expect(podLabels).toMatchObject(from.podSelector.matchLabels);
    expect(release.namespace).toBe(from.namespaceSelector.matchLabels['kubernetes.io/metadata.name']);
    expect(release.namespace).toBe('edge');
  });

  test('one gateway release per selector and namespace', () => {
    const scope = chart();
    const s = synth({
      gateways: [
        gateway(scope, 'a', DataPlane.istio()),
        gateway(scope, 'b', DataPlane.istio()),
        gateway(scope, 'c', DataPlane.istio({ gatewaySelector: { istio: 'internal' } })),
      ],
    });
    expect(releaseNames(s)).toEqual(['istio-base', 'istio-ingress', 'istio-internal', 'istiod']);
  });

  test('a selector the gateway chart cannot produce is rejected', () => {
    const scope = chart();
    const gw = gateway(scope, 'gw', DataPlane.istio({ gatewaySelector: { app: 'my-gateway' } }));
    expectRejected(() => synth({ gateways: [gw] }),
      /^test\/gw: 'dataPlane.gatewaySelector' \({"app":"my-gateway"}\) does not have the form { istio: <name> }, the only label the Istio gateway chart derives from its release name; select the gateway pods with { istio: '<name>' }/);
    const two = gateway(scope, 'two', DataPlane.istio({ gatewaySelector: { istio: 'ingress', team: 'llm' } }));
    expectRejected(() => synth({ gateways: [two] }), /^test\/two: 'dataPlane.gatewaySelector' \({"istio":"ingress","team":"llm"}\) does not have the form/);
    const long = gateway(scope, 'long', DataPlane.istio({ gatewaySelector: { istio: 'x'.repeat(48) } }));
    expectRejected(() => synth({ gateways: [long] }),
      /^test\/long: 'dataPlane.gatewaySelector.istio' \("x{48}"\) gives the release name 'istio-x{48}', longer than Helm's 53 characters; use at most 47 characters/);
  });

  test('istiod gets the Inference Extension flag when a Gateway API route uses an InferencePool', () => {
    const scope = chart();
    const plain = gateway(scope, 'plain', DataPlane.gatewayApi({ gatewayClassName: 'istio', implementation: GatewayImplementation.istio() }));
    const without = synth({ gateways: [plain] });
    expect(without.values('istiod')).toEqual({});
    expect(dataIds(without)).toEqual(['gateway-api-crds']);

    const gpu = gateway(scope, 'gpu', DataPlane.gatewayApi({ gatewayClassName: 'istio', implementation: GatewayImplementation.istio() }),
      gw => gw.addRoute('all', { backend: Backend.inferencePool(pickedBy(pool(scope, 'gpu-pool', true))), retry: RetryPolicy.none() }));
    expect(gpu.usesInferencePools).toBe(true);
    const s = synth({ gateways: [plain, gpu] });
    expect(s.values('istiod')).toEqual({ env: { ENABLE_GATEWAY_API_INFERENCE_EXTENSION: 'true' } });
    expect(dataIds(s)).toEqual(['gateway-api-crds', 'inference-pool-crds', 'llm-d-inference-model-rewrite-crds', 'llm-d-inference-objective-crds']);
    // Gateway API Istio: istiod deploys the gateway pods and creates GatewayClass `istio` itself.
    expect(releaseNames(s)).toEqual(['istio-base', 'istiod']);
    expect(s.dependsOn(s.release('istiod'))).toEqual(['terraform_data:gateway-api-crds', 'terraform_data:inference-pool-crds', 'terraform_data:llm-d-inference-objective-crds', 'terraform_data:llm-d-inference-model-rewrite-crds', 'istio-base']);
  });

  test('a GatewayClass other than `istio` is created for Istio', () => {
    const scope = chart();
    const gw = gateway(scope, 'gw', DataPlane.gatewayApi({ gatewayClassName: 'llm', implementation: GatewayImplementation.istio() }));
    const s = synth({ gateways: [gw] });
    const gatewayClass = Object.entries(s.data).find(([id]) => id.includes('gateway-class-llm'))![1];
    expect(command(gatewayClass)).toContain(`"controllerName":"${ISTIO_CONTROLLER_NAME}"`);
    expect(manifests(scope, 'Gateway')[0].spec.gatewayClassName).toBe('llm');
  });
});

describe('Envoy Gateway and Envoy AI Gateway', () => {
  function aiGateway(scope: Chart, options: { inferencePool?: boolean; tokens?: boolean } = {}): AiGateway {
    return gateway(scope, 'ai', DataPlane.envoyAiGateway({ gatewayClassName: 'eg' }), gw => gw.addRoute('llama', {
      matches: [RouteMatch.model('llama')],
      backend: options.inferencePool ? Backend.inferencePool(pickedBy(pool(scope, 'llama', true))) : Backend.pool(pool(scope, 'llama', true)),
      rateLimit: options.tokens ? RateLimit.tokensPerHour(2_000_000, { key: RateLimitKey.header('x-tenant-id') }) : undefined,
    }));
  }

  test('Envoy Gateway configured for the AI Gateway extension, then its CRD chart and controller', () => {
    const scope = chart();
    const s = synth({ gateways: [aiGateway(scope)] });
    expect(releaseNames(s)).toEqual(['aieg', 'aieg-crd', 'eg']);
    const config = s.values('eg').config.envoyGateway;
    expect(config).toEqual({
      gateway: { controllerName: ENVOY_GATEWAY_CONTROLLER_NAME },
      extensionApis: { enableBackend: true, enableEnvoyPatchPolicy: true },
      extensionManager: {
        hooks: {
          xdsTranslator: {
            post: ['Translation', 'Cluster', 'Route'],
            translation: { cluster: { includeAll: true }, listener: { includeAll: true }, route: { includeAll: true }, secret: { includeAll: true } },
          },
        },
        service: { fqdn: { hostname: 'ai-gateway-controller.envoy-ai-gateway-system.svc.cluster.local', port: 1063 } },
      },
    });
    // The extension manager's address is the AI Gateway controller's Service, from the same constant.
    expect(s.values('aieg')).toEqual({ controller: { fullnameOverride: 'ai-gateway-controller' }, envoyGateway: { namespace: 'envoy-gateway-system' } });
    expect(s.release('eg')).toMatchObject({ repository: 'oci://docker.io/envoyproxy', chart: 'gateway-helm', version: 'v1.9.3', namespace: 'envoy-gateway-system' });
    expect(s.release('aieg-crd')).toMatchObject({ chart: 'ai-gateway-crds-helm', version: 'v1.1.0' });
    expect(s.dependsOn(s.release('aieg'))).toEqual(['aieg-crd', 'eg']);
    expect(Testing.toHaveResourceWithProperties(s.json, 'helm_release', { name: 'aieg', chart: 'ai-gateway-helm', version: 'v1.1.0' })).toBe(true);
  });

  test('InferencePool backend resources and CRDs when a route uses an InferencePool', () => {
    const scope = chart();
    const s = synth({ gateways: [aiGateway(scope, { inferencePool: true })] });
    expect(s.values('eg').config.envoyGateway.extensionManager.backendResources).toEqual([{ group: 'inference.networking.k8s.io', kind: 'InferencePool', version: 'v1' }]);
    const crds = Object.entries(s.data).find(([id]) => id.includes('inference-pool-crds'))![1];
    expect(command(crds)).toContain('-f https://github.com/kubernetes-sigs/gateway-api-inference-extension/releases/download/v1.6.0/manifests.yaml');
  });

  test('a Redis (Valkey) for token budgets, and the rate limit service pointed at it', () => {
    const scope = chart();
    const withoutLimits = synth({ gateways: [aiGateway(scope)] });
    expect(withoutLimits.values('eg').config.envoyGateway.rateLimit).toBeUndefined();

    const s = synth({ gateways: [aiGateway(chart(), { tokens: true })] });
    expect(releaseNames(s)).toEqual(['aieg', 'aieg-crd', 'eg', 'valkey']);
    // 0.11.0 is the newest valkey chart in https://valkey.io/valkey-helm/index.yaml (valkey-io/valkey-helm gh-pages; there is no 1.0.0).
    expect(s.release('valkey')).toMatchObject({ repository: 'https://valkey.io/valkey-helm/', chart: 'valkey', version: '0.11.0', namespace: 'valkey-system' });
    expect(s.values('valkey')).toEqual({ fullnameOverride: 'valkey' });
    expect(s.values('eg').config.envoyGateway.rateLimit).toEqual({ backend: { type: 'Redis', redis: { url: 'valkey.valkey-system.svc.cluster.local:6379' } } });
    expect(s.dependsOn(s.release('eg'))).toContain('valkey');
  });

  test('the GatewayClass the Gateway names, for the controller Envoy Gateway is configured with', () => {
    const scope = chart();
    const gw = aiGateway(scope);
    const s = synth({ gateways: [gw] });
    const [k8sGateway] = manifests(scope, 'Gateway');
    const [gatewayClassId, gatewayClass] = Object.entries(s.data).find(([id]) => id.includes('gateway-class-'))!;
    expect(gatewayClassId).toContain(`gateway-class-${k8sGateway.spec.gatewayClassName}`);
    expect(gatewayClass.triggers_replace).toEqual({ name: k8sGateway.spec.gatewayClassName, controllerName: s.values('eg').config.envoyGateway.gateway.controllerName });
    const manifest = JSON.parse(/'({.*})'/.exec(command(gatewayClass))![1]);
    expect(manifest).toEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: 'eg', labels: { 'app.kubernetes.io/managed-by': 'cdk8s-ai-gateway' } },
      spec: { controllerName: 'gateway.envoyproxy.io/gatewayclass-controller' },
    });
    expect(command(gatewayClass, 'destroy')).toBe('kubectl delete gatewayclass eg --ignore-not-found');
    expect(s.dependsOn(gatewayClass)).toEqual(['terraform_data:gateway-api-crds', 'eg']);
  });

  test('plain Envoy Gateway (Gateway API) without the AI Gateway; with it once a route uses an InferencePool', () => {
    const scope = chart();
    const plain = gateway(scope, 'plain', DataPlane.gatewayApi({ gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway() }));
    const s = synth({ gateways: [plain] });
    expect(releaseNames(s)).toEqual(['eg']);
    expect(s.values('eg')).toEqual({
      config: { envoyGateway: { gateway: { controllerName: ENVOY_GATEWAY_CONTROLLER_NAME } } },
      crds: { enabled: false, gatewayAPI: { safeUpgradePolicy: { enabled: false } } },
    });

    const gpu = gateway(scope, 'gpu', DataPlane.gatewayApi({ gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway() }),
      gw => gw.addRoute('all', { backend: Backend.inferencePool(pickedBy(pool(scope, 'gpu-pool', true))) }));
    const withPools = synth({ gateways: [plain, gpu] });
    expect(releaseNames(withPools)).toEqual(['aieg', 'aieg-crd', 'eg']);
    expect(withPools.values('eg').config.envoyGateway.extensionManager.backendResources).toHaveLength(1);
  });

  test('Envoy Gateway goes where the data plane runs the proxies; different proxy namespaces are rejected', () => {
    const scope = chart();
    const a = gateway(scope, 'a', DataPlane.envoyAiGateway({ gatewayClassName: 'eg', proxyNamespace: 'edge' }));
    expect(synth({ gateways: [a] }).release('eg').namespace).toBe('edge');
    expect(synth({ gateways: [a] }).values('aieg').envoyGateway).toEqual({ namespace: 'edge' });
    const b = gateway(scope, 'b', DataPlane.gatewayApi({ gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway() }));
    expectRejected(() => synth({ gateways: [a, b] }),
      /^test\/b: 'dataPlane.proxyNamespace' \("envoy-gateway-system"\) differs from the one of test\/a \(edge\), and one Envoy Gateway runs the proxies of every gateway in its own namespace; give every Envoy Gateway based data plane the same proxyNamespace$/);
  });

  test('one GatewayClass name for two controllers is rejected', () => {
    const scope = chart();
    const envoy = gateway(scope, 'envoy', DataPlane.gatewayApi({ gatewayClassName: 'shared', implementation: GatewayImplementation.envoyGateway() }));
    const istio = gateway(scope, 'istio', DataPlane.gatewayApi({ gatewayClassName: 'shared', implementation: GatewayImplementation.istio() }));
    expectRejected(() => synth({ gateways: [istio, envoy] }),
      /^test\/envoy: 'dataPlane.gatewayClassName' \("shared"\) is also the GatewayClass of test\/istio \(istio\), and a GatewayClass has one controller; give the envoy-gateway gateways their own gatewayClassName$/);
  });
});

describe('Gateway API CRDs', () => {
  test('the standard channel from a pinned release manifest, applied server-side before the controllers', () => {
    const scope = chart();
    const s = synth({ gateways: [gateway(scope, 'gw', DataPlane.gatewayApi({ gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway() }))] });
    const crds = s.data[Object.keys(s.data).find(id => id.includes('gateway-api-crds'))!];
    expect(crds.triggers_replace).toEqual({ url: 'https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/standard-install.yaml', version: 'v1.6.1' });
    expect(command(crds)).toBe('kubectl apply --server-side --force-conflicts --field-manager=cdk8s-ai-gateway '
      + '-f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/standard-install.yaml '
      + '&& kubectl wait --for condition=Established --timeout=120s crd --all');
    expect(crds.provisioner.filter(p => p['local-exec'].when === 'destroy')).toEqual([]);
    expect(s.dependsOn(s.release('eg'))).toEqual(['terraform_data:gateway-api-crds', 'terraform_data:envoy-gateway-crds']);
  });

  test('the experimental channel when any gateway needs it', () => {
    const scope = chart();
    const s = synth({
      gateways: [
        gateway(scope, 'std', DataPlane.gatewayApi({ gatewayClassName: 'istio', implementation: GatewayImplementation.istio() })),
        gateway(scope, 'exp', DataPlane.gatewayApi({ gatewayClassName: 'istio', implementation: GatewayImplementation.istio(), channel: GatewayApiChannel.EXPERIMENTAL })),
      ],
    });
    expect(Object.values(s.data)[0].triggers_replace.url).toBe('https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/experimental-install.yaml');
  });

  test('left out where the cluster manages them; kubeconfig and context reach kubectl and the provider', () => {
    const scope = chart();
    const gw = gateway(scope, 'gw', DataPlane.envoyAiGateway({ gatewayClassName: 'eg' }));
    const s = synth({ gateways: [gw], installGatewayApiCrds: false, kubeconfig: { path: '/etc/kube/config', context: "prod's" } });
    expect(dataIds(s)).toEqual(['envoy-gateway-crds', 'gateway-class-eg']);
    const gatewayClass = s.data[Object.keys(s.data).find(id => id.includes('gateway-class-eg'))!];
    expect(command(gatewayClass)).toContain("| kubectl --context 'prod'\\''s' apply --server-side");
    expect(gatewayClass.provisioner[0]['local-exec'].environment).toEqual({ KUBECONFIG: '/etc/kube/config' });
    expect(s.providers).toEqual([{ kubernetes: { config_context: "prod's", config_path: '/etc/kube/config' } }]);
  });

  test('a generic implementation gets the CRDs only, and a warning', () => {
    const scope = chart();
    const gw = gateway(scope, 'gw', DataPlane.gatewayApi({ gatewayClassName: 'nginx' }));
    const plan = planControllers([need('test/gw', gw.dataPlane.installation)], PLAN_OPTIONS);
    expect(plan.releases).toEqual([]);
    expect(plan.crdBundles.map(c => c.id)).toEqual(['gateway-api-crds']);
    expect(plan.warnings).toEqual([
      "test/gw: the generic Gateway API data plane's implementation (GatewayClass 'nginx') is not installed by the ControllerStack; "
      + 'install it and its GatewayClass yourself (the stack applies the Gateway API CRDs)',
    ]);
  });
});

describe('the compatibility matrix at synth time', () => {
  function istioGateway(scope: Chart, id = 'gw', pools = false): AiGateway {
    return gateway(scope, id, DataPlane.gatewayApi({ gatewayClassName: 'istio', implementation: GatewayImplementation.istio() }),
      pools ? gw => gw.addRoute('all', { backend: Backend.inferencePool(pickedBy(pool(scope, `${id}-pool`, true))), retry: RetryPolicy.none() }) : undefined);
  }
  const istio = (version: string) => ({ istioBase: { version }, istiod: { version }, istioGateway: { version } });

  test('Istio 1.30.3 is never installed: 1.30.4 fixed 13 Envoy CVEs (ISTIO-SECURITY-2026-006)', () => {
    expectRejected(() => synth({ gateways: [istioGateway(chart())], charts: istio('1.30.3'), crdBundles: { gatewayApi: { version: 'v1.5.1' } } }),
      /^test\/controllers: 'charts.istiod.version' \("1.30.3"\) is below 1.30.4, the first Istio 1.30 release the matrix allows \(ISTIO-SECURITY-2026-006: .*\); use 1.30.4 or later, or the pinned 1.31.1$/);
  });

  test('an Istio release the matrix does not list is rejected', () => {
    expectRejected(() => synth({ gateways: [istioGateway(chart())], charts: istio('1.29.6') }),
      /^test\/controllers: 'charts.istiod.version' \("1.29.6"\) is not in the compatibility matrix, which lists Istio 1.30 and Istio 1.31; use a listed release, such as the pinned 1.31.1$/);
  });

  test('Istio 1.30 with the Gateway API v1.6 CRDs names both versions and a working pair', () => {
    // istio/istio 1.30.3 go.mod: sigs.k8s.io/gateway-api v1.5.1.
    expectRejected(() => synth({ gateways: [istioGateway(chart())], charts: istio('1.30.5') }),
      /^test\/controllers: 'charts.istiod.version' \("1.30.5"\) pairs Istio 1.30.5 with Gateway API v1.6.1, which the compatibility matrix does not allow: Istio 1.30 is built against Gateway API v1.5.1 and supports v1.5.x; pin a pair the matrix allows, such as Istio 1.31.1 with Gateway API v1.6.1$/);
    // The same Istio with the Gateway API release it is built against is allowed.
    expect(synth({ gateways: [istioGateway(chart())], charts: istio('1.30.5'), crdBundles: { gatewayApi: { version: 'v1.5.1' } } }).release('istiod').version).toBe('1.30.5');
  });

  test('older Gateway API CRDs under the pinned Istio name the bundle', () => {
    // istio/istio 1.31.0-rc.0 pkg/config/schema/gatewayapi/minimumversions.go: TCPRoute CRDs older than v1.6.0 are not watched.
    expectRejected(() => synth({ gateways: [istioGateway(chart())], crdBundles: { gatewayApi: { version: 'v1.5.1' } } }),
      /^test\/controllers: 'crdBundles.gatewayApi.version' \("v1.5.1"\) pairs Istio 1.31.1 with Gateway API v1.5.1, .*Istio 1.31 is built against Gateway API v1.6.0 and supports v1.6.x; pin a pair the matrix allows, such as Istio 1.31.1 with Gateway API v1.6.1$/);
  });

  test('Inference Extension CRDs older than the controllers read are rejected', () => {
    expectRejected(() => synth({ gateways: [istioGateway(chart(), 'gpu', true)], crdBundles: { inferencePool: { version: 'v1.4.0' } } }),
      /^test\/controllers: 'crdBundles.inferencePool.version' \("v1.4.0"\) pairs Istio 1.31.1 with Inference Extension v1.4.0, .*built against Inference Extension v1.5.0 and supports v1.5.x, v1.6.x; pin a pair the matrix allows, such as Istio 1.31.1 with Inference Extension v1.6.0$/);
  });

  test('Envoy Gateway 1.8 (built on Gateway API v1.5.1, end of life 2026-11-08) is rejected with the v1.6 CRDs', () => {
    const gw = gateway(chart(), 'gw', DataPlane.envoyAiGateway({ gatewayClassName: 'eg' }));
    expectRejected(() => synth({ gateways: [gw], charts: { envoyGateway: { version: 'v1.8.6' } } }),
      /^test\/controllers: 'charts.envoyGateway.version' \("v1.8.6"\) pairs Envoy Gateway v1.8.6 with Gateway API v1.6.1, .*Envoy Gateway 1.8 is built against Gateway API v1.5.1 and supports v1.5.x; pin a pair the matrix allows, such as Envoy Gateway v1.9.3 with Gateway API v1.6.1$/);
    expectRejected(() => synth({ gateways: [gw], charts: { envoyGateway: { version: 'v1.9.0' } } }),
      /^test\/controllers: 'charts.envoyGateway.version' \("v1.9.0"\) is below v1.9.1, the first Envoy Gateway 1.9 release the matrix allows/);
  });

  test('Envoy AI Gateway on an Envoy Gateway line it does not run on names both versions', () => {
    // A matrix where Envoy Gateway 1.10 exists but Envoy AI Gateway 1.1 does not list it.
    const matrix = [
      ...COMPATIBILITY,
      { controller: 'envoyGateway' as const, line: '1.10', gatewayApi: { builtAgainst: 'v1.6.1', minors: ['1.6'], basis: 'test' }, sources: ['test'] },
    ];
    const at = (version: string, property: string, pinned: string) => ({ version, property, pinned });
    expect(() => checkCompatibility('stack', {
      controllers: { envoyGateway: at('v1.10.0', 'charts.envoyGateway.version', 'v1.9.3'), envoyAiGateway: at('v1.1.0', 'charts.aiGateway.version', 'v1.1.0') },
      gatewayApi: at('v1.6.1', 'crdBundles.gatewayApi.version', 'v1.6.1'),
    }, matrix)).toThrow(/^stack: 'charts.envoyGateway.version' \("v1.10.0"\) pairs Envoy AI Gateway v1.1.0 with Envoy Gateway v1.10.0, which the compatibility matrix does not allow: Envoy AI Gateway 1.1 runs on Envoy Gateway 1.8 and 1.9; pin a pair the matrix allows, such as Envoy AI Gateway v1.1.0 with Envoy Gateway v1.9.3$/);
  });

  test('charts of one upstream release carry one version', () => {
    expectRejected(() => synth({ charts: { istiod: { version: '1.31.0' } } }),
      /^test\/controllers: 'charts.istioBase.version' \("1.31.1"\) differs from charts.istiod.version \(1.31.0\): the two charts are one upstream release; give both the same version, such as the pinned 1.31.1$/);
    expectRejected(() => synth({ charts: { aiGatewayCrds: { version: 'v1.0.0' } } }), /^test\/controllers: 'charts.aiGatewayCrds.version' \("v1.0.0"\) differs from charts.aiGateway.version/);
    expectRejected(() => synth({ crdBundles: { envoyGateway: { version: 'v1.9.2' } } }),
      /^test\/controllers: 'crdBundles.envoyGateway.version' \("v1.9.2"\) differs from charts.envoyGateway.version \(v1.9.3\): Envoy Gateway's CRDs and its controller are one release; leave it out: it follows the chart$/);
    expectRejected(() => synth({ crdBundles: { llmdInferenceModelRewrites: { version: 'v0.9.0' } } }),
      /^test\/controllers: 'crdBundles.llmdInferenceModelRewrites.version' \("v0.9.0"\) differs from crdBundles.llmdInferenceObjectives.version \(v0.10.0\)/);
  });

  test('Istio 1.31 is not published at the retired chart repository', () => {
    const old = 'https://istio-release.storage.googleapis.com/charts';
    expectRejected(() => synth({ charts: { istiod: { repository: old } } }),
      /^test\/controllers: 'charts.istiod.repository' \("https:\/\/istio-release.storage.googleapis.com\/charts"\) does not publish Istio 1.31.1: .*; leave it out for https:\/\/blob.istio.io\/istio-release\/charts$/);
  });

  test('a cluster that manages its own Gateway API CRDs gets a warning instead of a check', () => {
    const scope = chart();
    const gw = istioGateway(scope);
    const plan = planControllers([need('test/gw', gw.dataPlane.installation)], { ...PLAN_OPTIONS, installGatewayApiCrds: false });
    expect(plan.warnings).toEqual([
      "stack/controllers: the cluster's own Gateway API CRDs are not checked against the compatibility matrix (the pinned controllers need Gateway API v1.6.x)",
    ]);
  });
});

describe('one owner per CRD', () => {
  test("Envoy Gateway's CRDs from its release asset; its chart installs no CRDs and no safe-upgrades policy", () => {
    const scope = chart();
    const s = synth({ gateways: [gateway(scope, 'gw', DataPlane.envoyAiGateway({ gatewayClassName: 'eg' }))] });
    const egCrds = s.data[Object.keys(s.data).find(id => id.includes('envoy-gateway-crds'))!];
    // envoyproxy/gateway v1.9.0 tools/make/kube.mk generate-manifests: envoy-gateway-crds.yaml is gateway-crds-helm rendered
    // with only crds.envoyGateway.enabled (its crds.gatewayAPI.enabled defaults to false), uploaded by .github/workflows/release.yaml.
    expect(egCrds.triggers_replace).toEqual({ url: 'https://github.com/envoyproxy/gateway/releases/download/v1.9.3/envoy-gateway-crds.yaml', version: 'v1.9.3' });
    expect(command(egCrds)).toMatch(/^kubectl apply --server-side --force-conflicts --field-manager=cdk8s-ai-gateway -f https:\/\/github.com\/envoyproxy\/gateway\/releases\/download\/v1.9.3\/envoy-gateway-crds.yaml /);
    // envoyproxy/gateway v1.9.0 charts/gateway-helm/Chart.yaml: the crds subchart (Envoy Gateway's CRDs, Gateway API v1.6.1
    // experimental CRDs, the safe-upgrades ValidatingAdmissionPolicy template) has `condition: crds.enabled`; v1.9.0 release
    // notes: with separately managed Gateway API CRDs set crds.gatewayAPI.safeUpgradePolicy.enabled=false, since --skip-crds
    // does not skip templates. The Gateway API bundle (config/crd/standard/gateway.networking.k8s.io_vap_safeupgrades.yaml
    // at v1.6.1) is the policy's one owner.
    expect(s.release('eg')).toMatchObject({ skip_crds: true });
    expect(s.values('eg').crds).toEqual({ enabled: false, gatewayAPI: { safeUpgradePolicy: { enabled: false } } });
    expect(s.dependsOn(s.release('eg'))).toEqual(['terraform_data:gateway-api-crds', 'terraform_data:envoy-gateway-crds']);
    // No other release skips its CRDs: each owns its own (Istio base, the AI Gateway CRD chart, KEDA, the Prometheus Operator, the GPU Operator).
    expect(Object.values(s.releases).filter(r => (r as any).skip_crds).map(r => r.name)).toEqual(['eg']);
  });

  test("Envoy Gateway's CRDs follow an overridden chart version, and stay the stack's where the cluster owns the Gateway API CRDs", () => {
    const scope = chart();
    const gw = gateway(scope, 'gw', DataPlane.gatewayApi({ gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway() }));
    const s = synth({ gateways: [gw], charts: { envoyGateway: { version: 'v1.9.1' } }, installGatewayApiCrds: false });
    expect(dataIds(s)).toEqual(['envoy-gateway-crds', 'gateway-class-eg']);
    expect(s.data[Object.keys(s.data).find(id => id.includes('envoy-gateway-crds'))!].triggers_replace.version).toBe('v1.9.1');
    expect(s.values('eg').crds.gatewayAPI.safeUpgradePolicy.enabled).toBe(false);
  });
});

describe('ingress-nginx', () => {
  function nginx(scope: Chart, id: string, ingressClassName: string): AiGateway {
    return gateway(scope, id, DataPlane.nginxIngress({ ingressClassName }), gw => gw.addRoute('all', { backend: Backend.pool(pool(scope, `${id}-pool`)), retry: RetryPolicy.none() }));
  }

  test('the final chart, its IngressClass the one the Ingresses name, 429 for rate limits and LLM-length timeouts', () => {
    const scope = chart();
    const gw = nginx(scope, 'gw', 'nginx');
    const s = synth({ gateways: [gw] });
    expect(releaseNames(s)).toEqual(['ingress-nginx']);
    expect(s.release('ingress-nginx')).toMatchObject({ repository: 'https://kubernetes.github.io/ingress-nginx', chart: 'ingress-nginx', version: '4.15.1', namespace: 'ingress-nginx' });
    const controller = s.values('ingress-nginx').controller;
    const [ingress] = manifests(scope, 'Ingress');
    expect(controller.ingressClassResource).toEqual({ name: ingress.spec.ingressClassName, enabled: true, default: false, controllerValue: 'k8s.io/ingress-nginx' });
    expect(controller.ingressClass).toBe(ingress.spec.ingressClassName);
    expect(controller.config).toMatchObject({ 'limit-req-status-code': '429', 'proxy-read-timeout': '300', 'proxy-send-timeout': '300' });
    // Everything the data plane says its Ingresses rely on is in the controller's ConfigMap.
    expect(controller.config).toMatchObject(gw.dataPlane.controllerSettings());
    expect(Object.keys(s.data)).toEqual([]);
  });

  test('one controller per IngressClass, with its own controller value', () => {
    const scope = chart();
    const s = synth({ gateways: [nginx(scope, 'a', 'nginx'), nginx(scope, 'b', 'llm'), nginx(scope, 'c', 'llm')] });
    expect(releaseNames(s)).toEqual(['ingress-nginx', 'ingress-nginx-llm']);
    expect(s.values('ingress-nginx-llm').controller.ingressClassResource).toMatchObject({ name: 'llm', controllerValue: 'k8s.io/ingress-nginx-llm' });
    expect(manifests(scope, 'Ingress').map(i => i.spec.ingressClassName).sort()).toEqual(['llm', 'llm', 'nginx']);
  });

  test('settings that disagree for one controller are rejected', () => {
    const installation = { controller: 'ingress-nginx', ingressClassName: 'nginx', gatewayNamespace: 'ingress-nginx' };
    expectRejected(() => planControllers([
      need('app/a', installation, { controllerSettings: { 'worker-shutdown-timeout': '300s' } }),
      need('app/b', installation, { controllerSettings: { 'worker-shutdown-timeout': '600s' } }),
    ], PLAN_OPTIONS),
    /^app\/b: 'controllerSettings.worker-shutdown-timeout' \("600s"\) conflicts with app\/a, which needs "300s" from the same ingress-nginx controller \(IngressClass 'nginx'\); give the two gateways different IngressClasses, or settings that agree$/);
    expectRejected(() => planControllers([need('app/a', installation), need('app/b', { ...installation, gatewayNamespace: 'other' })], PLAN_OPTIONS),
      /^app\/b: 'dataPlane.controllerNamespace' \("other"\) differs from the one of app\/a \(ingress-nginx\) for the same IngressClass 'nginx'/);
    expectRejected(() => planControllers([need('app/a', { ...installation, ingressClassName: 'x'.repeat(40) })], PLAN_OPTIONS),
      /^app\/a: 'dataPlane.ingressClassName' \("x{40}"\) gives the release name 'ingress-nginx-x{40}', which is not a Helm release name/);
  });
});

describe('add-ons', () => {
  test('KEDA, kube-prometheus-stack and the GPU Operator without any gateway', () => {
    const s = synth({ keda: true, prometheus: true, gpuOperator: true });
    expect(releaseNames(s)).toEqual(['gpu-operator', 'keda', 'kube-prometheus-stack']);
    expect(s.release('keda')).toMatchObject({ repository: 'https://kedacore.github.io/charts', version: '2.20.2', namespace: 'keda' });
    expect(s.release('kube-prometheus-stack')).toMatchObject({ version: '92.3.0', namespace: 'monitoring' });
    expect(s.values('kube-prometheus-stack')).toEqual({ prometheus: { prometheusSpec: { podMonitorSelectorNilUsesHelmValues: false, serviceMonitorSelectorNilUsesHelmValues: false } } });
    expect(s.release('gpu-operator')).toMatchObject({ repository: 'https://helm.ngc.nvidia.com/nvidia', version: 'v26.7.0', namespace: 'gpu-operator', atomic: false });
    // NVIDIA/gpu-operator v26.7.0 deployments/gpu-operator/values.yaml: dcgmExporter.serviceMonitor.enabled is true, and
    // controllers/object_controls.go creates that ServiceMonitor only if the ServiceMonitor CRD exists: install it after the Prometheus stack.
    expect(s.dependsOn(s.release('gpu-operator'))).toEqual(['kube-prometheus-stack']);
    expect(synth({ gpuOperator: true }).release('gpu-operator').depends_on ?? []).toEqual([]);
    expect(Object.keys(s.data)).toEqual([]);
  });

  test('namespaces can be moved', () => {
    const s = synth({ keda: true, namespaces: { keda: 'autoscaling' } });
    expect(s.release('keda').namespace).toBe('autoscaling');
    expectRejected(() => synth({ keda: true, namespaces: { keda: 'Auto_Scaling' } }), /^test\/controllers: 'namespaces.keda' \("Auto_Scaling"\) is not a namespace name/);
  });
});

describe('overrides', () => {
  test('a chart version, repository or CRD version replaces the pinned one', () => {
    const scope = chart();
    const s = synth({
      gateways: [gateway(scope, 'gw', DataPlane.gatewayApi({ gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway() }))],
      keda: true,
      charts: { keda: { version: '2.21.0' }, envoyGateway: { repository: 'oci://registry.example.com/envoyproxy', version: undefined } },
      crdBundles: { gatewayApi: { version: 'v1.6.2' } },
    });
    expect(s.release('keda').version).toBe('2.21.0');
    expect(s.release('eg')).toMatchObject({ repository: 'oci://registry.example.com/envoyproxy', version: 'v1.9.3' });
    expect(s.data[Object.keys(s.data).find(id => id.includes('gateway-api-crds'))!].triggers_replace.url)
      .toBe('https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.2/standard-install.yaml');
  });

  test.each(['latest', '', '^2.20.0', '2.x', '>=2.20.0', '2.20'])('chart version %j is rejected', version => {
    expectRejected(() => synth({ keda: true, charts: { keda: { version } } }),
      /^test\/controllers: 'charts.keda.version' \(.*\) is not one exact chart version \(no range, wildcard, "latest" or empty value\); pin a release, such as "2.20.2"$/);
  });

  test('CRD bundle versions and URLs must be pinned', () => {
    expectRejected(() => synth({ crdBundles: { gatewayApi: { version: 'latest' } } }),
      /^test\/controllers: 'crdBundles.gatewayApi.version' \("latest"\) is not one exact release tag/);
    expectRejected(() => synth({ crdBundles: { gatewayApi: { url: 'https://github.com/kubernetes-sigs/gateway-api/releases/latest/download/standard-install.yaml' } } }),
      /^test\/controllers: 'crdBundles.gatewayApi.url' \(".*"\) is not a pinned https URL/);
    expectRejected(() => synth({ charts: { istiod: { chart: ' ' } } }), /^test\/controllers: 'charts.istiod.chart' \(" "\) is empty; leave it out for "istiod"$/);
  });
});

describe('the stack', () => {
  test('uses the Helm provider it is given, and creates none', () => {
    const s = synth({ keda: true }, stack => ({ provider: new HelmProvider(stack, 'mine', { alias: 'prod', kubernetes: { configPath: '/kube' } }) }));
    expect(s.providers).toEqual([{ alias: 'prod', kubernetes: { config_path: '/kube' } }]);
    expect(s.release('keda')).toMatchObject({ provider: 'helm.prod' });
  });

  test('creates a Helm provider for the default kubeconfig', () => {
    expect(synth({ keda: true }).providers).toEqual([{ kubernetes: { config_path: '~/.kube/config' } }]);
  });

  test('fails the synth when a route added later changes what the gateways need', () => {
    const scope = chart();
    const gw = gateway(scope, 'gw', DataPlane.envoyAiGateway({ gatewayClassName: 'eg' }),
      first => first.addRoute('llama', { matches: [RouteMatch.model('llama')], backend: Backend.pool(pool(scope, 'llama', true)) }));
    const app = Testing.app();
    const stack = new TerraformStack(app, 'test');
    new ControllerStack(stack, 'controllers', { gateways: [gw] });
    expect(() => Testing.synth(stack, true)).not.toThrow();
    gw.addRoute('tenant', {
      matches: [RouteMatch.header('x-tenant', 'a')],
      backend: Backend.pool(pool(scope, 'late', true)),
      rateLimit: RateLimit.tokensPerHour(1000, { key: RateLimitKey.header('x-tenant-id') }),
    });
    expect(() => Testing.synth(stack, true)).toThrow(/test\/controllers: 'gateways' changed after the ControllerStack was created .*; create the ControllerStack after adding every route/);
  });

  test('a controller it cannot install is rejected', () => {
    expectRejected(() => planControllers([need('app/gw', { controller: 'kong' })], PLAN_OPTIONS),
      /^app\/gw: 'dataPlane' \("kong"\) names a controller ControllerStack cannot install; install that controller yourself and leave this AiGateway out of the ControllerStack$/);
  });

  test('the same gateways give the same JSON', () => {
    const build = () => {
      const scope = chart();
      return synth({ gateways: [gateway(scope, 'gw', DataPlane.envoyAiGateway({ gatewayClassName: 'eg' }))], keda: true }).json;
    };
    expect(build()).toBe(build());
  });
});
