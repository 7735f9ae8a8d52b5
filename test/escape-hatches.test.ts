import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import {
  AiGateway, AiGatewayRoute, Backend, CircuitBreaker, DataPlane, GatewayImplementation, JwtAuth, LlmModelPool, ModelServer, RateLimit, RouteMatch,
  SessionAffinity,
} from '../src';
import { Manifest, only, synthValid } from './support/synth';

/*
 * AiGatewayRoute.routeObjects and policyObjects: the objects a route's rule and policies land in, on every data plane,
 * as the escape hatch for what the library does not model. Each test finds the returned objects in the synthesized
 * output by kind and name, checks they hold the route (a rule or entry named after it), and patches one.
 */

function setup(dataPlane: DataPlane) {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'llm' });
  const pool = (name: string) => new LlmModelPool(chart, name, { name, modelName: name, server: ModelServer.demo() });
  const gw = new AiGateway(chart, 'gw', { name: 'llm-gateway', dataPlane, hostnames: ['llm.example.com'], networkIsolation: false });
  return { chart, gw, pool };
}

/** The synthesized document of an ApiObject (same kind, name and namespace). */
function docOf(docs: Manifest[], object: ApiObject): Manifest {
  const found = docs.filter(d => d.kind === object.kind && d.metadata.name === object.name && d.metadata.namespace === object.metadata.namespace);
  expect(found).toHaveLength(1);
  return found[0];
}

const describeObjects = (objects: ApiObject[]) => objects.map(o => `${o.kind}/${o.name}`);

/** Routes m0 ... m(n-1) to a pool each, matched by `match`. */
function models(s: ReturnType<typeof setup>, n: number, match: (model: string) => RouteMatch): AiGatewayRoute[] {
  return Array.from({ length: n }, (_, i) => s.gw.addRoute(`m${i}`, { matches: [match(`m${i}`)], backend: Backend.pool(s.pool(`m${i}`)) }));
}

describe('Istio', () => {
  test("the VirtualService holds the route's http entry, the DestinationRule of its host and the rate-limit EnvoyFilter hold its policies; patches reach the output", () => {
    const s = setup(DataPlane.istio());
    const [chat] = models(s, 1, m => RouteMatch.header('x-model', m));
    const limited = s.gw.addRoute('limited', {
      matches: [RouteMatch.header('x-model', 'limited')], backend: Backend.pool(s.pool('limited')), rateLimit: RateLimit.requestsPerSecond(5),
    });
    expect(describeObjects(chat.routeObjects)).toEqual(['VirtualService/llm-gateway']);
    expect(describeObjects(chat.policyObjects)).toEqual(['DestinationRule/llm-gateway-m0']);
    expect(describeObjects(limited.policyObjects)).toEqual(['DestinationRule/llm-gateway-limited', 'EnvoyFilter/llm-llm-gateway-local-ratelimit']);
    expect(limited.routeObjects[0]).toBe(chat.routeObjects[0]);

    chat.routeObjects[0].addJsonPatch(JsonPatch.add('/spec/exportTo', ['.']));
    // The route's entry is the first the VirtualService holds: index 0.
    chat.routeObjects[0].addJsonPatch(JsonPatch.add('/spec/http/0/headers', { request: { set: { 'x-route': 'm0' } } }));
    chat.policyObjects[0].addJsonPatch(JsonPatch.add('/spec/trafficPolicy/connectionPool', { http: { idleTimeout: '600s' } }));
    const docs = synthValid(s.chart);
    const vs = docOf(docs, chat.routeObjects[0]);
    expect(vs.spec.http.map((h: any) => h.name)).toEqual(['llm-llm-gateway-m0', 'llm-llm-gateway-limited']);
    expect(vs.spec.exportTo).toEqual(['.']);
    expect(vs.spec.http[0].headers).toEqual({ request: { set: { 'x-route': 'm0' } } });
    const rule = docOf(docs, chat.policyObjects[0]);
    expect(rule.spec.host).toBe('m0.llm.svc.cluster.local');
    expect(rule.spec.trafficPolicy.connectionPool).toEqual({ http: { idleTimeout: '600s' } });
    const filter = docOf(docs, limited.policyObjects[1]);
    expect(filter.spec.configPatches.some((p: any) => p.match.routeConfiguration?.vhost?.route?.name === 'llm-llm-gateway-limited')).toBe(true);
  });

  test('routes to one backend host share its DestinationRule, which every one of them lists', () => {
    const s = setup(DataPlane.istio());
    const shared = s.pool('shared');
    const a = s.gw.addRoute('a', { matches: [RouteMatch.header('x-model', 'a')], backend: Backend.pool(shared) });
    const b = s.gw.addRoute('b', { backend: Backend.pool(shared) });
    expect(b.policyObjects).toHaveLength(1);
    expect(b.policyObjects[0]).toBe(a.policyObjects[0]);
  });
});

describe('Gateway API', () => {
  test('with many routes, the HTTPRoute returned is the one of several that holds the rule; its BackendTrafficPolicy targets that rule; patches reach the output', () => {
    const s = setup(DataPlane.gatewayApi({ gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway() }));
    const routes = models(s, 20, m => RouteMatch.header('x-model', m));
    const auth = s.gw.addRoute('auth', {
      matches: [RouteMatch.header('x-model', 'auth')], backend: Backend.pool(s.pool('auth')), jwt: JwtAuth.of({ issuer: 'https://idp', jwksUri: 'https://idp/jwks' }),
    });
    // An HTTPRoute holds 16 rules: m16 is in the second.
    const m16 = routes[16];
    expect(describeObjects(m16.routeObjects)).toEqual(['HTTPRoute/llm-gateway-2']);
    expect(describeObjects(routes[0].routeObjects)).toEqual(['HTTPRoute/llm-gateway']);
    expect(describeObjects(m16.policyObjects)).toEqual(['BackendTrafficPolicy/llm-gateway-m16']);
    expect(describeObjects(auth.policyObjects)).toEqual(['BackendTrafficPolicy/llm-gateway-auth', 'SecurityPolicy/llm-gateway-auth']);

    m16.routeObjects[0].addJsonPatch(JsonPatch.add('/metadata/labels', { team: 'a' }));
    m16.policyObjects[0].addJsonPatch(JsonPatch.add('/spec/useClientProtocol', true));
    const docs = synthValid(s.chart);
    const holder = docOf(docs, m16.routeObjects[0]);
    expect(holder.spec.rules.map((r: any) => r.name)).toContain('m16');
    expect(holder.metadata.labels).toEqual({ team: 'a' });
    expect(only(docs, 'HTTPRoute', 'llm-gateway').metadata.labels).toBeUndefined();
    const policy = docOf(docs, m16.policyObjects[0]);
    expect(policy.spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'llm-gateway-2', sectionName: 'm16' }]);
    expect(policy.spec.useClientProtocol).toBe(true);
    expect(docOf(docs, auth.policyObjects[1]).spec.targetRefs[0].sectionName).toBe('auth');
  });

  test('with the Istio implementation the policy objects are the DestinationRules of the backend hosts', () => {
    const s = setup(DataPlane.gatewayApi({ gatewayClassName: 'istio', implementation: GatewayImplementation.istio() }));
    const route = s.gw.addRoute('r', { backend: Backend.pool(s.pool('p')), circuitBreaker: CircuitBreaker.of({ maxConnections: 10 }) });
    expect(describeObjects(route.routeObjects)).toEqual(['HTTPRoute/llm-gateway']);
    expect(describeObjects(route.policyObjects)).toEqual(['DestinationRule/llm-gateway-p']);
    const docs = synthValid(s.chart);
    expect(docOf(docs, route.policyObjects[0]).spec).toMatchObject({ host: 'p.llm.svc.cluster.local', trafficPolicy: { connectionPool: { tcp: { maxConnections: 10 } } } });
  });
});

describe('Envoy AI Gateway', () => {
  test('the AIGatewayRoute holding the rule, every AIGatewayRoute for a catch-all; its BackendTrafficPolicy; patches reach the output', () => {
    const s = setup(DataPlane.envoyAiGateway({ gatewayClassName: 'eg' }));
    const routes = models(s, 20, m => RouteMatch.model(m));
    const fallback = s.gw.addRoute('default', { backend: Backend.pool(s.pool('small')) });
    // 14 model rules per AIGatewayRoute (the fifteenth is kept for the catch-all): m14 is in the second.
    expect(describeObjects(routes[14].routeObjects)).toEqual(['AIGatewayRoute/llm-gateway-2']);
    expect(describeObjects(fallback.routeObjects)).toEqual(['AIGatewayRoute/llm-gateway', 'AIGatewayRoute/llm-gateway-2']);
    expect(describeObjects(routes[14].policyObjects)).toEqual(['BackendTrafficPolicy/llm-gateway-m14']);

    routes[14].routeObjects[0].addJsonPatch(JsonPatch.add('/metadata/annotations', { owner: 'team-a' }));
    const docs = synthValid(s.chart);
    const holder = docOf(docs, routes[14].routeObjects[0]);
    expect(holder.spec.rules.map((r: any) => r.name)).toContain('m14');
    expect(holder.metadata.annotations).toEqual({ owner: 'team-a' });
    for (const object of fallback.routeObjects) expect(docOf(docs, object).spec.rules.map((r: any) => r.name)).toContain('default');
    expect(docOf(docs, routes[14].policyObjects[0]).spec.targetRefs).toEqual([
      { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'llm-gateway-2', sectionName: 'm14' },
    ]);
  });
});

describe('ingress-nginx', () => {
  test("a route's own Ingress, its canary Ingress for a header or weighted route, no policy objects; patches reach the output", () => {
    const s = setup(DataPlane.nginxIngress({ ingressClassName: 'nginx' }));
    const split = s.gw.addRoute('split', {
      matches: [RouteMatch.pathPrefix('/v2')],
      backend: Backend.weighted([{ backend: Backend.pool(s.pool('a')), weight: 90 }, { backend: Backend.pool(s.pool('b')), weight: 10 }]),
    });
    const large = s.gw.addRoute('large', { matches: [RouteMatch.header('x-llm-model-type', 'large')], backend: Backend.pool(s.pool('large')) });
    const small = s.gw.addRoute('small', { backend: Backend.pool(s.pool('small')), sessionAffinity: SessionAffinity.header('x-session') });
    expect(describeObjects(large.routeObjects)).toEqual(['Ingress/llm-gateway-large-canary']);
    expect(describeObjects(split.routeObjects)).toEqual(['Ingress/llm-gateway-split', 'Ingress/llm-gateway-split-canary']);
    expect(describeObjects(small.routeObjects)).toEqual(['Ingress/llm-gateway-small']);
    expect([large, split, small].flatMap(r => r.policyObjects)).toEqual([]);

    large.routeObjects[0].addJsonPatch(JsonPatch.add('/metadata/annotations/nginx.ingress.kubernetes.io~1proxy-request-buffering', 'off'));
    const docs = synthValid(s.chart);
    const canary = docOf(docs, large.routeObjects[0]);
    expect(canary.metadata.annotations['nginx.ingress.kubernetes.io/canary-by-header']).toBe('x-llm-model-type');
    expect(canary.metadata.annotations['nginx.ingress.kubernetes.io/proxy-request-buffering']).toBe('off');
    expect(docOf(docs, split.routeObjects[1]).metadata.annotations['nginx.ingress.kubernetes.io/canary-weight']).toBe('10');
    expect(docOf(docs, small.routeObjects[0]).spec.rules[0].http.paths[0]).toMatchObject({ path: '/', backend: { service: { name: 'small' } } });
  });
});
