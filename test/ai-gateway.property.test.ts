/*
 * Property-based tests: random AiGateways (see support/arbitraries.ts) on Istio, and with fewer runs on every
 * other data plane, either synthesize to manifests
 * that pass strict schema validation, or are rejected with the library's own error. Any other exception (a
 * TypeError, a cdk8s or constructs error, ...) is a bug, and fast-check reports the smallest scenario that
 * throws it.
 *
 * These tests assert behaviour only. How long synthesis takes is measured by the benchmark (npm run bench),
 * not by a timed test.
 */
import { Chart, Testing, Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import {
  Accelerator, AiGateway, AiGatewayErrors, Backend, DataPlane, GatewayApiChannel, GatewayImplementation, InferencePool, LlmModelPool, ModelServer,
  PickerFailureMode, ProviderApi, RateLimit, RateLimitKey, RouteMatch,
} from '../src';
import { BackendScenario, buildScenario, gatewayScenario, GatewayScenario, PoliciesScenario, RejectedRoute } from '../tools/arbitraries';
import { Manifest, only } from './support/synth';
import { formatIssues, validateManifests } from '../tools/validator';

/** Random scenarios per property. */
const RUNS = 1000;

/** The least share of runs that must synthesize, and the least that must be rejected. */
const MIN_SHARE = 0.1;

/**
 * What the library reports at synth (node.addValidation) rather than by throwing in a constructor: a gateway
 * without routes, and (ingress-nginx) a canary route no later route pairs with.
 */
const SYNTH_VALIDATIONS = ['the gateway has no routes', 'ingress-nginx drops a canary'];

type Outcome =
  | { readonly kind: 'synthesized'; readonly docs: Manifest[] }
  | { readonly kind: 'rejected'; readonly message: string };

/** Whether `e` is a rejection of the input, as opposed to a bug. */
function isRejection(e: unknown): boolean {
  return AiGatewayErrors.isAiGatewayError(e)
    || (e instanceof Error && e.message.startsWith('Validation failed') && SYNTH_VALIDATIONS.some(m => e.message.includes(m)));
}

/** Builds and synthesizes the scenario; rethrows anything that is not a rejection. */
function outcome(s: GatewayScenario, build: () => Chart = () => buildScenario(s)): Outcome {
  try {
    return { kind: 'synthesized', docs: Testing.synth(build()) as Manifest[] };
  } catch (e) {
    if (isRejection(e)) return { kind: 'rejected', message: (e as Error).message };
    throw e;
  }
}

const virtualService = (docs: Manifest[]) => only(docs, 'VirtualService');

describe('AiGateway on Istio, random scenarios', () => {
  test('every scenario synthesizes to valid manifests (and YAML) or is rejected with an AiGatewayError', () => {
    let synthesized = 0;
    let rejected = 0;
    fc.assert(fc.property(gatewayScenario(), s => {
      const result = outcome(s);
      if (result.kind === 'rejected') {
        rejected++;
        return;
      }
      synthesized++;
      const issues = validateManifests(result.docs);
      if (issues.length > 0) throw new Error(`${issues.length} schema issue(s):\n${formatIssues(issues)}`);
      // The YAML cdk8s writes (YAML 1.1, as kubectl reads it) holds exactly these documents. Checked for the Istio
      // objects, where user strings (header and query values, regexes) end up; the pools' objects are fixed text.
      const istio = result.docs.filter(d => d.apiVersion.includes('istio.io/'));
      expect(parseAllDocuments(Yaml.stringify(...istio), { version: '1.1' }).map(d => d.toJS())).toEqual(istio);
    }), { numRuns: RUNS });
    // The generator must keep exercising both paths.
    expect(synthesized).toBeGreaterThanOrEqual(MIN_SHARE * RUNS);
    expect(rejected).toBeGreaterThanOrEqual(MIN_SHARE * RUNS);
  });

  test('scenarios built only from valid values are never rejected', () => {
    fc.assert(fc.property(gatewayScenario({ intent: 'valid' }), s => {
      const result = outcome(s);
      if (result.kind === 'rejected') throw new Error(`rejected a valid scenario: ${result.message}`);
    }), { numRuns: RUNS });
  });

  test('synthesizing the same scenario twice gives identical output', () => {
    fc.assert(fc.property(gatewayScenario(), s => {
      const first = outcome(s);
      const second = outcome(s);
      expect(second).toEqual(first);
    }), { numRuns: RUNS });
  });

  test('the VirtualService lists the routes in the order they were added', () => {
    fc.assert(fc.property(gatewayScenario(), s => {
      const result = outcome(s);
      if (result.kind === 'rejected') return;
      const vs = virtualService(result.docs);
      // Envoy route names are qualified with the gateway's namespace (they are shared by the gateway pods).
      const prefix = vs.metadata.namespace === undefined ? vs.metadata.name : `${vs.metadata.namespace}-${vs.metadata.name}`;
      expect(vs.spec.http.map((h: { name: string }) => h.name)).toEqual(s.routes.map(r => `${prefix}-${r.id}`));
    }), { numRuns: RUNS });
  });

  test('every VirtualService destination, mirrors included, is a fully qualified Service host', () => {
    fc.assert(fc.property(gatewayScenario(), s => {
      const result = outcome(s);
      if (result.kind === 'rejected') return;
      const hosts = (virtualService(result.docs).spec.http as any[]).flatMap(h => [
        ...h.route.map((r: any) => r.destination.host),
        ...(h.mirrors ?? []).map((m: any) => m.destination.host),
      ]);
      expect(hosts.length).toBeGreaterThan(0);
      for (const host of hosts) expect(host).toMatch(/\.svc\.cluster\.local$/);
    }), { numRuns: RUNS });
  });

  /*
   * Without InferencePool backends: an InferencePool is the user's construct, made next to its pool before any route
   * refers to it, so it stays when Istio rejects the route, and whether a second one for the same pool is rejected
   * (one name per namespace) depends on which routes made one before. test/inference-pool.test.ts covers those.
   */
  test('a rejected route leaves the gateway as it was', () => {
    const usesInferencePool = (b: BackendScenario): boolean => b.kind === 'inferencePool'
      || (b.kind === 'weighted' && b.targets.some(t => usesInferencePool(t.backend)))
      || (b.kind === 'fallback' && b.backends.some(usesInferencePool));
    fc.assert(fc.property(gatewayScenario({ intent: 'mixed' }).map(g => ({
      ...g,
      routes: g.routes.filter(r => !usesInferencePool(r.backend) && !(r.mirror !== undefined && usesInferencePool(r.mirror.backend))),
    })), s => {
      // Add every route to one gateway, going on after each rejected one.
      const rejectedRoutes: RejectedRoute[] = [];
      const skipping = outcome(s, () => buildScenario(s, { rejectedRoutes }));
      const rejected = new Set(rejectedRoutes.map(r => r.index));
      const acceptedBefore = (index: number) => s.routes.filter((_, i) => i < index && !rejected.has(i));
      // The same output as adding only the accepted routes...
      expect(outcome({ ...s, routes: acceptedBefore(s.routes.length) })).toEqual(skipping);
      // ...and each rejected route is rejected, for the same reason, by a gateway that never saw the others.
      for (const { index, message } of rejectedRoutes) {
        expect(outcome({ ...s, routes: [...acceptedBefore(index), s.routes[index]] })).toEqual({ kind: 'rejected', message });
      }
    }), { numRuns: RUNS });
  });
});

/** The other data planes: the same random scenarios, fewer runs each. */
const OTHER_RUNS = 300;
/** The least share of runs that must synthesize on each of them. */
const MIN_OTHER_SHARE = 0.01;
/** ingress-nginx takes few random gateways even after forIngress (canaries need a main route on the same path). */
const MIN_INGRESS_SHARE = 0.005;
/**
 * ingress-nginx expresses little of the model, so most random routes (and gateway defaults) are rejected.
 * For it, the scenario keeps only what an Ingress can carry, so its rendering is exercised too; what it
 * rejects is covered by test/nginx-ingress.test.ts.
 */
function forIngress(s: GatewayScenario): GatewayScenario {
  const keep = (p: PoliciesScenario): PoliciesScenario => ({
    timeouts: p.timeouts,
    sessionAffinity: p.sessionAffinity,
    rateLimit: p.rateLimit?.kind === 'requests' ? { ...p.rateLimit, key: { kind: 'clientIp' } } : p.rateLimit,
  });
  return {
    ...s,
    gateway: { ...s.gateway, listeners: undefined, defaults: s.gateway.defaults === undefined ? undefined : keep(s.gateway.defaults) },
    routes: s.routes.map(r => ({ ...keep(r), id: r.id, matches: r.matches, backend: r.backend, mirror: r.mirror })),
  };
}

const OTHER_DATA_PLANES: Array<[string, () => DataPlane, 'standard' | 'experimental', (s: GatewayScenario) => GatewayScenario, number]> = [
  ['Gateway API with Envoy Gateway', () => DataPlane.gatewayApi({ gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway() }), 'standard', s => s, MIN_OTHER_SHARE],
  ['Gateway API with Istio, experimental channel',
    () => DataPlane.gatewayApi({ gatewayClassName: 'istio', implementation: GatewayImplementation.istio(), channel: GatewayApiChannel.EXPERIMENTAL }), 'experimental', s => s, MIN_OTHER_SHARE],
  // On the standard channel a generic implementation rejects the default retry policy, so nearly every scenario
  // is rejected there: the experimental channel exercises its rendering.
  ['Gateway API, generic, experimental channel', () => DataPlane.gatewayApi({ gatewayClassName: 'nginx', channel: GatewayApiChannel.EXPERIMENTAL }), 'experimental', s => s, MIN_OTHER_SHARE],
  ['Envoy AI Gateway', () => DataPlane.envoyAiGateway({ gatewayClassName: 'eg' }), 'standard', s => s, MIN_OTHER_SHARE],
  ['ingress-nginx', () => DataPlane.nginxIngress({ ingressClassName: 'nginx' }), 'standard', forIngress, MIN_INGRESS_SHARE],
];

describe.each(OTHER_DATA_PLANES)('AiGateway on %s, random scenarios', (_name, dataPlane, channel, adapt, minShare) => {
  test('every scenario synthesizes to valid manifests or is rejected with an AiGatewayError, deterministically', () => {
    let synthesized = 0;
    fc.assert(fc.property(gatewayScenario().map(adapt), s => {
      // Routes the data plane rejects are skipped, so the rest of the gateway is still rendered and checked.
      const first = outcome(s, () => buildScenario(s, { dataPlane, rejectedRoutes: [] }));
      if (first.kind === 'rejected') return;
      synthesized++;
      const issues = validateManifests(first.docs, { gatewayApiChannel: channel });
      if (issues.length > 0) throw new Error(`${issues.length} schema issue(s):\n${formatIssues(issues)}`);
      const second = outcome(s, () => buildScenario(s, { dataPlane, rejectedRoutes: [] }));
      expect(second).toEqual(first);
    }), { numRuns: OTHER_RUNS });
    // Some scenarios must get through, or the property proves nothing about the renderer.
    expect(synthesized).toBeGreaterThan(OTHER_RUNS * minShare);
  });
});

/*
 * Backends that only the Gateway API based data planes render (InferencePools, hosted providers, fallback),
 * which the general generator rarely gets right: a focused generator of model-routing gateways.
 */
const CREDENTIAL_KEYS: Record<ProviderApi, string> = {
  [ProviderApi.OPENAI]: 'apiKey',
  [ProviderApi.ANTHROPIC]: 'apiKey',
  [ProviderApi.AZURE_OPENAI]: 'apiKey',
  [ProviderApi.AWS_BEDROCK]: 'credentials',
  [ProviderApi.GCP_VERTEX_AI]: 'service_account.json',
};

interface AiRouteScenario {
  readonly model: string;
  readonly backend: 'inferencePool' | 'pool' | 'provider' | 'fallback' | 'weighted';
  readonly api: ProviderApi;
  readonly pool: number;
  readonly tokenBudget?: number;
  readonly failOpen: boolean;
}

const aiRoutes = fc.array(fc.record({
  model: fc.constantFrom('llama-3-8b', 'llama-3-70b', 'qwen', 'mistral'),
  backend: fc.constantFrom<AiRouteScenario['backend']>('inferencePool', 'pool', 'provider', 'fallback', 'weighted'),
  api: fc.constantFrom(...Object.values(ProviderApi)),
  pool: fc.nat({ max: 1 }),
  tokenBudget: fc.option(fc.integer({ min: 1, max: 10_000_000 }), { nil: undefined }),
  failOpen: fc.boolean(),
}), { minLength: 1, maxLength: 6 });

function buildAiGateway(routes: readonly AiRouteScenario[], dataPlane: DataPlane, match: (model: string) => RouteMatch): Chart {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'llm' });
  const pools = [1, 2].map(gpus => new LlmModelPool(chart, `pool-${gpus}`, {
    name: `pool-${gpus}`, modelName: `model-${gpus}`, server: ModelServer.vllm({ model: 'meta-llama/Llama-3.1-8B-Instruct' }), accelerator: Accelerator.nvidiaGpu({ count: gpus }),
  }));
  const gateway = new AiGateway(chart, 'gateway', { dataPlane, hostnames: ['llm.example.com'] });
  // One InferencePool per pool and failure mode, made on first use: a second failure mode for a pool is a second
  // InferencePool of the same name, which the library rejects.
  const inferencePools = new Map<string, InferencePool>();
  const inferencePoolOf = (pool: LlmModelPool, failureMode: PickerFailureMode) => {
    const key = `${pool.name}/${failureMode}`;
    let made = inferencePools.get(key);
    if (made === undefined) {
      made = new InferencePool(pool, `InferencePool-${pool.node.children.length}`, { pool, failureMode });
      inferencePools.set(key, made);
    }
    return made;
  };
  routes.forEach((r, i) => {
    const provider = Backend.provider({
      name: `provider-${i}`,
      api: r.api,
      hostname: 'provider.example.com',
      region: 'us-east-1',
      project: 'acme',
      apiKey: { secretName: 'provider', key: CREDENTIAL_KEYS[r.api] },
    });
    const pool = pools[r.pool];
    const makeBackend = {
      inferencePool: () => Backend.inferencePool(inferencePoolOf(pool, r.failOpen ? PickerFailureMode.FAIL_OPEN : PickerFailureMode.FAIL_CLOSE)),
      pool: () => Backend.pool(pool),
      provider: () => provider,
      fallback: () => Backend.fallback([Backend.pool(pool), provider]),
      weighted: () => Backend.weighted([{ backend: Backend.pool(pools[0]), weight: 3 }, { backend: Backend.pool(pools[1]), weight: 1 }]),
    }[r.backend];
    try {
      gateway.addRoute(`r${i}`, {
        matches: [match(r.model)],
        // Inside the try: a second InferencePool of one name is rejected when it is made.
        backend: makeBackend(),
        rateLimit: r.tokenBudget === undefined ? undefined : RateLimit.tokensPerHour(r.tokenBudget, { key: RateLimitKey.header('x-tenant-id') }),
      });
    } catch (e) {
      // A data plane may reject a route (Gateway API cannot route on the model); the rest is still rendered.
      if (!AiGatewayErrors.isAiGatewayError(e)) throw e;
    }
  });
  return chart;
}

describe.each([
  ['Envoy AI Gateway', () => DataPlane.envoyAiGateway({ gatewayClassName: 'eg' }), (model: string) => RouteMatch.model(model)],
  // Gateway API cannot read the body: the same gateways routing on a header.
  ['Gateway API with Envoy Gateway', () => DataPlane.gatewayApi({ gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway() }),
    (model: string) => RouteMatch.header('x-model', model)],
])('model-routing gateways with InferencePools, providers and fallback on %s', (_name, dataPlane, match) => {
  test('synthesize to valid manifests or are rejected with an AiGatewayError', () => {
    let synthesized = 0;
    fc.assert(fc.property(aiRoutes, routes => {
      const result = outcome({} as GatewayScenario, () => buildAiGateway(routes, dataPlane(), match));
      if (result.kind === 'rejected') return;
      synthesized++;
      const issues = validateManifests(result.docs);
      if (issues.length > 0) throw new Error(`${issues.length} schema issue(s):\n${formatIssues(issues)}`);
    }), { numRuns: OTHER_RUNS });
    // Gateway API rejects providers and fallback, so fewer gateways keep a route there.
    expect(synthesized).toBeGreaterThan(OTHER_RUNS / 5);
  });
});
