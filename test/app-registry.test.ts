import { App, Chart, Duration, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Accelerator, AiGateway, AiGatewayProps, AiGatewayRegistry, Backend, CircuitBreaker, DataPlane, GatewayImplementation, InferencePool, LlmModelPool,
  MeshEnrollment, ModelServer, RouteMatch, SessionAffinity, Timeouts,
} from '../src';
import { errorOf } from './support/errors';
import { Manifest, synthValid } from './support/synth';

/*
 * The App-wide view (src/routing/registry.ts): one construct at the App root holds what the cluster keeps once for
 * all gateways, so DataPlane values stay immutable and conflicts between gateways are rejected naming both.
 */

function app() {
  const a = Testing.app();
  const chart = new Chart(a, 'test', { namespace: 'llm' });
  const small = new LlmModelPool(chart, 'small', { name: 'small', modelName: 'small', server: ModelServer.demo() });
  return { app: a, chart, small };
}

function gateway(scope: Construct, id: string, dataPlane: DataPlane, props: Partial<AiGatewayProps> = {}) {
  return new AiGateway(scope, id, { dataPlane, hostnames: ['llm.example.com'], ...props });
}

const nginx = () => DataPlane.nginxIngress({ ingressClassName: 'nginx' });
const chat = RouteMatch.pathPrefix('/v1/chat/completions');
const kindsOf = (docs: Manifest[], kind: string) => docs.filter(d => d.kind === kind);

describe('the registry is a construct of the App', () => {
  test('created once at the App root with the id AiGatewayRegistry, listing the gateways by namespace and name', () => {
    const { app: a, chart, small } = app();
    const one = gateway(chart, 'one', DataPlane.istio(), { hostnames: ['a.example.com'] });
    const two = gateway(chart, 'two', DataPlane.istio(), { hostnames: ['b.example.com'], namespaceName: 'team' });
    one.addRoute('r', { matches: [chat], backend: Backend.pool(small) });
    two.addRoute('r', { matches: [chat], backend: Backend.pool(small) });
    const registry = a.node.findChild(AiGatewayRegistry.ID);
    expect(registry).toBeInstanceOf(AiGatewayRegistry);
    expect(AiGatewayRegistry.of(one)).toBe(registry);
    expect(AiGatewayRegistry.of(chart)).toBe(registry);
    expect(registry.node.path).toBe('AiGatewayRegistry');
    expect(AiGatewayRegistry.of(chart).gateways).toEqual([one, two]);
    expect(AiGatewayRegistry.of(chart).findGateway('team', two.name)).toBe(two);
    expect(AiGatewayRegistry.of(chart).findGateway('llm', 'nope')).toBeUndefined();
    expect(AiGatewayRegistry.of(chart).claimedRoutes).toEqual([
      'a.example.com path prefix /v1/chat/completions → test/one/r',
      'b.example.com path prefix /v1/chat/completions → test/two/r',
    ]);
    // It emits nothing: the App synthesizes as before, every document valid.
    expect(synthValid(chart).length).toBeGreaterThan(0);
    expect(() => a.synthYaml()).not.toThrow();
  });

  test('a model pool alone creates it too: it holds the names of the objects pools and InferencePools emit', () => {
    const a = new App();
    const chart = new Chart(a, 'models', { namespace: 'llm' });
    new LlmModelPool(chart, 'small', { name: 'small', modelName: 'small', server: ModelServer.demo() });
    expect(a.node.tryFindChild(AiGatewayRegistry.ID)).toBeInstanceOf(AiGatewayRegistry);
    expect(AiGatewayRegistry.of(chart).gateways).toEqual([]);
    expect(() => new LlmModelPool(new Chart(a, 'more', { namespace: 'llm' }), 'small', { name: 'small', modelName: 'small', server: ModelServer.demo() }))
      .toThrow(/^more\/small: 'name' \("small"\)/);
  });

  test('the id is reserved at the App root', () => {
    const a = new App();
    new Construct(a, AiGatewayRegistry.ID);
    expect(errorOf(() => AiGatewayRegistry.of(a))).toBe(
      "AiGatewayRegistry: 'id' (\"AiGatewayRegistry\") is reserved for the App's AiGatewayRegistry, which the gateways of the App share; "
      + 'give the construct at AiGatewayRegistry another id');
  });

  test('two gateways of one name in one namespace are still rejected, naming both', () => {
    const { chart } = app();
    gateway(chart, 'one', DataPlane.istio(), { name: 'llm' });
    expect(errorOf(() => gateway(chart, 'two', DataPlane.istio(), { name: 'llm' }))).toBe(
      "test/two: 'name' (\"llm\") is already the name of gateway test/one in namespace llm, and the two would emit objects of the same names, "
      + 'of which kubectl apply keeps only the last; give each AiGateway in a namespace its own name');
  });
});

describe('the same host and match on two gateways of one controller', () => {
  // kubernetes/ingress-nginx controller-v1.15.1 internal/ingress/controller/controller.go checkOverlap: the admission
  // webhook rejects an Ingress whose host and path another Ingress of the class defines (unless one of them is a canary).
  const NGINX_CONFLICT = "test/two/r: 'matches[0]' (\"path prefix /v1/chat/completions\") is also the match of route 'r' of gateway test/one "
    + 'on hostname llm.example.com, port 80, and the same controller (ingress-nginx, IngressClass nginx) cannot route one request to two gateways; '
    + 'give the gateways different hostnames, or route this match on one gateway only';

  test('ingress-nginx: rejected naming both routes and the host and path, with two DataPlane values', () => {
    const { chart, small } = app();
    gateway(chart, 'one', nginx(), { namespaceName: 'llm' }).addRoute('r', { matches: [chat], backend: Backend.pool(small) });
    const two = gateway(chart, 'two', nginx(), { name: 'other' });
    expect(errorOf(() => two.addRoute('r', { matches: [chat], backend: Backend.pool(small) }))).toBe(NGINX_CONFLICT);
    // The rejected route leaves nothing behind.
    expect(two.routes).toEqual([]);
    expect(two.node.tryFindChild('r')).toBeUndefined();
  });

  test('ingress-nginx: caught exactly the same way when both gateways share one DataPlane value', () => {
    const { chart, small } = app();
    const dataPlane = nginx();
    gateway(chart, 'one', dataPlane).addRoute('r', { matches: [chat], backend: Backend.pool(small) });
    const two = gateway(chart, 'two', dataPlane, { name: 'other' });
    expect(errorOf(() => two.addRoute('r', { matches: [chat], backend: Backend.pool(small) }))).toBe(NGINX_CONFLICT);
  });

  test('Istio: two gateways on the same gateway pods and port, the catch-all on both', () => {
    const { chart, small } = app();
    gateway(chart, 'one', DataPlane.istio()).addRoute('r', { backend: Backend.pool(small) });
    const two = gateway(chart, 'two', DataPlane.istio());
    // A path prefix of / alone takes what the catch-all takes.
    expect(errorOf(() => two.addRoute('r', { matches: [RouteMatch.pathPrefix('/')], backend: Backend.pool(small) }))).toBe(
      "test/two/r: 'matches[0]' (\"every request (the catch-all)\") is also the match of route 'r' of gateway test/one on hostname llm.example.com, port 80, "
      + 'and the same controller (istio, gateway pods istio=ingress in istio-ingress) cannot route one request to two gateways; '
      + 'give the gateways different hostnames, or route this match on one gateway only');
  });

  test('Gateway API and Envoy AI Gateway: the same GatewayClass, header and model matches compared condition by condition', () => {
    const { chart, small } = app();
    const eg = () => DataPlane.gatewayApi({ gatewayClassName: 'eg' });
    gateway(chart, 'one', eg()).addRoute('r', { matches: [RouteMatch.all([chat, RouteMatch.header('X-Tier', 'large')])], backend: Backend.pool(small) });
    const two = gateway(chart, 'two', eg());
    expect(errorOf(() => two.addRoute('r', { matches: [RouteMatch.all([RouteMatch.header('x-tier', 'large'), chat])], backend: Backend.pool(small) }))).toBe(
      "test/two/r: 'matches[0]' (\"path prefix /v1/chat/completions, header x-tier exact large\") is also the match of route 'r' of gateway test/one "
      + 'on hostname llm.example.com, port 80, and the same controller (gateway-api, GatewayClass eg) cannot route one request to two gateways; '
      + 'give the gateways different hostnames, or route this match on one gateway only');

    const ai = () => DataPlane.envoyAiGateway({ gatewayClassName: 'ai' });
    gateway(chart, 'three', ai()).addRoute('r', { matches: [RouteMatch.model('llama')], backend: Backend.pool(small) });
    expect(errorOf(() => gateway(chart, 'four', ai()).addRoute('r', { matches: [RouteMatch.model('llama')], backend: Backend.pool(small) })))
      .toMatch(/^test\/four\/r: 'matches\[0\]' \("model llama"\) is also the match of route 'r' of gateway test\/three on hostname llm.example.com, port 80/);
  });

  test('a wildcard hostname overlaps the names it covers, whichever gateway comes first', () => {
    const first = app();
    gateway(first.chart, 'one', nginx(), { hostnames: ['*.example.com'] }).addRoute('r', { matches: [chat], backend: Backend.pool(first.small) });
    expect(errorOf(() => gateway(first.chart, 'two', nginx(), { name: 'other', hostnames: ['llm.eu.example.com'] })
      .addRoute('r', { matches: [chat], backend: Backend.pool(first.small) }))).toBe(
      "test/two/r: 'matches[0]' (\"path prefix /v1/chat/completions\") is also the match of route 'r' of gateway test/one "
      + 'on hostname llm.eu.example.com (overlapping *.example.com), port 80, and the same controller (ingress-nginx, IngressClass nginx) cannot route '
      + 'one request to two gateways; give the gateways different hostnames, or route this match on one gateway only');

    const second = app();
    const dataPlane = nginx();
    gateway(second.chart, 'one', dataPlane, { hostnames: ['a.example.com'] }).addRoute('r', { matches: [chat], backend: Backend.pool(second.small) });
    gateway(second.chart, 'two', dataPlane, { name: 'two', hostnames: ['llm.example.com'] }).addRoute('r', { matches: [chat], backend: Backend.pool(second.small) });
    // test/two holds a name under the wildcard too, but only its own: the other gateway's claim is still found.
    expect(errorOf(() => gateway(second.chart, 'three', dataPlane, { name: 'three', hostnames: ['*.example.com'] })
      .addRoute('r', { matches: [chat], backend: Backend.pool(second.small) }))).toMatch(
      /^test\/three\/r: 'matches\[0\]' \("path prefix \/v1\/chat\/completions"\) is also the match of route 'r' of gateway test\/one on hostname \*.example.com \(overlapping a.example.com\), port 80/);
  });

  test('no false positives: other hostnames, other matches, other controllers, other ports, and the routes of one gateway', () => {
    const { chart, small } = app();
    const dataPlane = nginx();
    gateway(chart, 'one', dataPlane).addRoute('r', { matches: [chat], backend: Backend.pool(small) });
    // Another hostname (a wildcard covers subdomains only, never its own base name).
    gateway(chart, 'two', dataPlane, { name: 'two', hostnames: ['*.llm.example.com'] }).addRoute('r', { matches: [chat], backend: Backend.pool(small) });
    // Another path on the same hostname.
    gateway(chart, 'three', dataPlane, { name: 'three' }).addRoute('r', { matches: [RouteMatch.pathExact('/v1/models')], backend: Backend.pool(small) });
    // Another IngressClass is another controller.
    gateway(chart, 'four', DataPlane.nginxIngress({ ingressClassName: 'internal' }), { name: 'four' })
      .addRoute('r', { matches: [chat], backend: Backend.pool(small) });
    // Istio on other gateway pods, and a Gateway API gateway on its own listener port.
    gateway(chart, 'five', DataPlane.istio({ gatewaySelector: { istio: 'internal' } })).addRoute('r', { matches: [chat], backend: Backend.pool(small) });
    gateway(chart, 'six', DataPlane.istio()).addRoute('r', { matches: [chat], backend: Backend.pool(small) });
    // One gateway may repeat a match: its data plane decides (the first route takes the requests).
    const seven = gateway(chart, 'seven', DataPlane.gatewayApi({ gatewayClassName: 'eg' }), { hostnames: ['seven.example.com'] });
    seven.addRoute('a', { matches: [chat, RouteMatch.pathExact('/v1/models')], backend: Backend.pool(small) });
    expect(AiGatewayRegistry.of(chart).gateways).toHaveLength(7);
    synthValid(chart);
  });
});

describe('Istio: one DestinationRule per backend host in the App', () => {
  // istio/istio 1.30.3 pilot/pkg/model/destination_rule.go mergeDestinationRule: of several DestinationRules for one
  // host, the first one's top-level trafficPolicy is kept and the others' dropped, for every gateway's traffic there.
  test('two gateways routing to one pool emit one DestinationRule when they agree', () => {
    const { chart, small } = app();
    const breaker = CircuitBreaker.of({ maxRequests: 100 });
    gateway(chart, 'one', DataPlane.istio(), { hostnames: ['a.example.com'] }).addRoute('r', { backend: Backend.pool(small), circuitBreaker: breaker });
    gateway(chart, 'two', DataPlane.istio(), { hostnames: ['b.example.com'] }).addRoute('r', { backend: Backend.pool(small), circuitBreaker: breaker });
    const rules = kindsOf(synthValid(chart), 'DestinationRule');
    expect(rules).toHaveLength(1);
    expect(rules[0].spec.host).toBe('small.llm.svc.cluster.local');
    expect(rules[0].spec.trafficPolicy.connectionPool.http.http2MaxRequests).toBe(100);
  });

  test('so does the Istio implementation of Gateway API beside the Istio data plane', () => {
    const { chart, small } = app();
    gateway(chart, 'one', DataPlane.istio(), { hostnames: ['a.example.com'] }).addRoute('r', { backend: Backend.pool(small) });
    gateway(chart, 'two', DataPlane.gatewayApi({ gatewayClassName: 'istio', implementation: GatewayImplementation.istio() }), { hostnames: ['b.example.com'] })
      .addRoute('r', { backend: Backend.pool(small) });
    expect(kindsOf(synthValid(chart), 'DestinationRule')).toHaveLength(1);
  });

  test('a different traffic policy for the host is rejected, naming both gateways and the setting', () => {
    const { chart, small } = app();
    gateway(chart, 'one', DataPlane.istio(), { hostnames: ['a.example.com'] })
      .addRoute('r', { backend: Backend.pool(small), sessionAffinity: SessionAffinity.header('x-user') });
    const two = gateway(chart, 'two', DataPlane.istio(), { hostnames: ['b.example.com'] });
    expect(errorOf(() => two.addRoute('r', { backend: Backend.pool(small) }))).toBe(
      "test/two/r: 'sessionAffinity' (\"small.llm.svc.cluster.local\") differs from route 'r' of gateway test/one, which sends to the same backend, "
      + 'and Istio applies one DestinationRule per backend host to every gateway; give every route to this backend, on both gateways, the same sessionAffinity');
    expect(two.routes).toEqual([]);
  });
});

/*
 * The endpoint picker's DestinationRule (TLS to its self-signed certificate) is the picker host's one DestinationRule
 * too, kept in the same App-wide bookkeeping: no route of any Istio gateway may emit another for that host.
 */
describe('Istio: the endpoint picker\'s DestinationRule is its host\'s one DestinationRule', () => {
  function picked() {
    const { chart } = app();
    const pool = new LlmModelPool(chart, 'llama', {
      name: 'llama', modelName: 'llama', server: ModelServer.vllm({ model: 'meta-llama/Llama-3.1-8B-Instruct' }), accelerator: Accelerator.nvidiaGpu({ count: 1 }),
    });
    const inferencePool = new InferencePool(chart, 'ip', { pool });
    const istioApi = () => DataPlane.gatewayApi({ gatewayClassName: 'istio', implementation: GatewayImplementation.istio() });
    const toPicker = Backend.service({ name: inferencePool.pickerName, port: 9002 });
    return { chart, inferencePool, istioApi, toPicker };
  }

  test('two Istio gateways routing to one InferencePool emit one picker DestinationRule, held by the registry', () => {
    const { chart, inferencePool, istioApi } = picked();
    gateway(chart, 'one', istioApi(), { hostnames: ['a.example.com'] }).addRoute('r', { backend: Backend.inferencePool(inferencePool) });
    gateway(chart, 'two', istioApi(), { hostnames: ['b.example.com'] }).addRoute('r', { backend: Backend.inferencePool(inferencePool) });
    const rules = kindsOf(synthValid(chart), 'DestinationRule');
    expect(rules.map(r => [r.metadata.name, r.spec.host])).toEqual([['llama-epp', 'llama-epp.llm.svc.cluster.local']]);
    expect(inferencePool.pickerDestinationRule?.name).toBe('llama-epp');
  });

  test('a route to the picker Service after the picker has its DestinationRule is rejected, naming the InferencePool', () => {
    const { chart, inferencePool, istioApi, toPicker } = picked();
    gateway(chart, 'one', istioApi(), { hostnames: ['a.example.com'] }).addRoute('r', { backend: Backend.inferencePool(inferencePool) });
    const two = gateway(chart, 'two', DataPlane.istio(), { hostnames: ['b.example.com'] });
    expect(errorOf(() => two.addRoute('r', { backend: toPicker }))).toBe(
      "test/two/r: 'backend' (\"llama-epp.llm.svc.cluster.local\") is the endpoint picker Service of InferencePool test/ip, whose DestinationRule originates "
      + 'TLS to the picker, and Istio applies one DestinationRule per host; route to the InferencePool with Backend.inferencePool(...), not to its picker Service');
    expect(two.routes).toEqual([]);
    two.addRoute('pool', { backend: Backend.pool(inferencePool.pool) });
    expect(kindsOf(synthValid(chart), 'DestinationRule').map(r => r.spec.host)).toEqual(['llama-epp.llm.svc.cluster.local', 'llama.llm.svc.cluster.local']);
  });

  test("an InferencePool whose picker host already has a route's DestinationRule is rejected, naming that route and gateway", () => {
    const { chart, inferencePool, istioApi, toPicker } = picked();
    gateway(chart, 'one', DataPlane.istio(), { hostnames: ['a.example.com'] }).addRoute('r', { backend: toPicker });
    const two = gateway(chart, 'two', istioApi(), { hostnames: ['b.example.com'] });
    expect(errorOf(() => two.addRoute('r', { backend: Backend.inferencePool(inferencePool) }))).toBe(
      "test/two/r: 'backend' (\"test/ip\") needs a DestinationRule that originates TLS to its endpoint picker (llama-epp.llm.svc.cluster.local), and route 'r' "
      + 'of gateway test/one already has the DestinationRule of that host, of which Istio applies one; do not route to the picker Service with '
      + 'Backend.service(...): route to the InferencePool with Backend.inferencePool(...) only');
    expect(two.routes).toEqual([]);
    expect(inferencePool.pickerDestinationRule).toBeUndefined();
    two.addRoute('pool', { backend: Backend.pool(inferencePool.pool) });
    expect(kindsOf(synthValid(chart), 'DestinationRule').map(r => r.metadata.name)).toEqual(['test-one-c892494d-llama-epp', 'test-two-c858067c-llama']);
  });
});

describe('Istio: one Namespace object per enrolled namespace in the App', () => {
  test('two gateways enrolling one namespace emit it once', () => {
    const { chart, small } = app();
    const dataPlane = DataPlane.istio({ meshEnrollment: MeshEnrollment.sidecar() });
    gateway(chart, 'one', dataPlane, { hostnames: ['a.example.com'] }).addRoute('r', { backend: Backend.pool(small) });
    gateway(chart, 'two', DataPlane.istio({ meshEnrollment: MeshEnrollment.sidecar() }), { hostnames: ['b.example.com'] }).addRoute('r', { backend: Backend.pool(small) });
    const namespaces = kindsOf(synthValid(chart), 'Namespace');
    expect(namespaces.map(n => [n.metadata.name, n.metadata.labels])).toEqual([['llm', { 'istio-injection': 'enabled' }]]);
  });

  test('sidecar and ambient for one namespace are rejected, naming both gateways', () => {
    const { chart, small } = app();
    gateway(chart, 'one', DataPlane.istio({ meshEnrollment: MeshEnrollment.sidecar() }), { hostnames: ['a.example.com'] })
      .addRoute('r', { backend: Backend.pool(small) });
    const two = gateway(chart, 'two', DataPlane.istio({ meshEnrollment: MeshEnrollment.ambient() }), { hostnames: ['b.example.com'] });
    expect(errorOf(() => two.addRoute('r', { backend: Backend.pool(small) }))).toBe(
      "test/two: 'dataPlane.meshEnrollment' (\"ambient\") enrolls namespace llm (of pool small), which gateway test/one enrolls in sidecar mode, "
      + 'and a namespace has one mode; give both gateways the same MeshEnrollment, or put the pools in different namespaces');
    expect(two.routes).toEqual([]);
  });
});

describe('ingress-nginx: one upstream per Service port in the App', () => {
  test('two gateways of one IngressClass with different affinity for one Service are rejected, naming both', () => {
    const { chart, small } = app();
    gateway(chart, 'one', nginx(), { hostnames: ['a.example.com'] })
      .addRoute('r', { backend: Backend.pool(small), sessionAffinity: SessionAffinity.header('x-user') });
    const two = gateway(chart, 'two', nginx(), { hostnames: ['b.example.com'] });
    expect(errorOf(() => two.addRoute('r', { backend: Backend.pool(small) }))).toBe(
      "test/two/r: 'sessionAffinity' (\"small:80\") differs from route 'r' of gateway test/one, which sends to the same Service port, and ingress-nginx "
      + 'keeps load balancing and affinity per Service port (the first Ingress wins); give every route to this backend the same sessionAffinity (set it in the gateway defaults)');
  });

  test('a DataPlane value reused in a second App starts afresh there', () => {
    const dataPlane = nginx();
    const first = app();
    gateway(first.chart, 'gw', dataPlane).addRoute('r', { backend: Backend.pool(first.small), sessionAffinity: SessionAffinity.header('x-user') });
    const second = app();
    // The same Service, host and path with another affinity: valid in an App of its own.
    gateway(second.chart, 'gw', dataPlane).addRoute('r', { backend: Backend.pool(second.small), timeouts: Timeouts.of({ request: Duration.seconds(0) }) });
    expect(kindsOf(synthValid(second.chart), 'Ingress')).toHaveLength(1);
    expect(kindsOf(synthValid(first.chart), 'Ingress')).toHaveLength(1);
    // Controller settings follow each App's routes; the value itself carries none.
    expect(AiGatewayRegistry.of(second.chart).gateways[0].controllerSettings()['worker-shutdown-timeout']).toBe('3600s');
    expect(AiGatewayRegistry.of(first.chart).gateways[0].controllerSettings()['worker-shutdown-timeout']).toBe('300s');
    expect(dataPlane.controllerSettings()['worker-shutdown-timeout']).toBe('300s');
  });

  test('worker-shutdown-timeout covers the longest stream of every gateway of the IngressClass, whatever DataPlane values they use', () => {
    const { chart, small } = app();
    const one = gateway(chart, 'one', nginx(), { hostnames: ['a.example.com'] });
    one.addRoute('r', { backend: Backend.pool(small) });
    gateway(chart, 'two', nginx(), { hostnames: ['b.example.com'] })
      .addRoute('r', { backend: Backend.pool(small), timeouts: Timeouts.of({ request: Duration.minutes(20) }) });
    const other = gateway(chart, 'three', DataPlane.nginxIngress({ ingressClassName: 'internal' }), { hostnames: ['c.example.com'] });
    other.addRoute('r', { backend: Backend.pool(small) });
    expect(one.controllerSettings()['worker-shutdown-timeout']).toBe('1200s');
    expect(other.controllerSettings()['worker-shutdown-timeout']).toBe('300s');
  });
});

/*
 * Names derived from a gateway's name: a gateway whose rules fill several HTTPRoutes names them <name>, <name>-2, ...
 * (docs/data-planes.md), its per-route policies and Ingresses <name>-<route id>. Two objects of one kind, namespace and
 * name overwrite each other on kubectl apply (the last applied wins), so the App's registry records every name the
 * gateways emit and synthesis fails naming both.
 */
describe('object names across gateways', () => {
  const named = (scope: Construct, id: string, dataPlane: DataPlane, props: Partial<AiGatewayProps> = {}) =>
    gateway(scope, id, dataPlane, { name: id, ...props });
  const envoyGateway = () => DataPlane.gatewayApi({ gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway() });
  /** 17 header routes: the seventeenth rule goes into the gateway's second HTTPRoute (an HTTPRoute holds 16). */
  const spread = (gw: AiGateway, backend: Backend) => {
    for (let i = 0; i < 17; i++) gw.addRoute(`m${i}`, { matches: [RouteMatch.header('x-model', `m${i}`)], backend });
  };
  const HTTPROUTE_COLLISION = "test/gw-2: 'name' (\"gw-2\") gives HTTPRoute test/gw-2/HTTPRoute the name HTTPRoute gw-2 in namespace llm, which "
    + 'HTTPRoute test/gw/HTTPRoute-2 of gateway test/gw has too, and kubectl apply keeps only the last of the two; rename one of them';

  test('a gateway gw spreading its routes over HTTPRoutes, then a gateway gw-2 in the namespace: synthesis fails naming both HTTPRoutes and gateways', () => {
    const { chart, small } = app();
    spread(named(chart, 'gw', envoyGateway(), { hostnames: ['a.example.com'] }), Backend.pool(small));
    named(chart, 'gw-2', envoyGateway(), { hostnames: ['b.example.com'] }).addRoute('r', { backend: Backend.pool(small) });
    expect(() => Testing.synth(chart)).toThrow(HTTPROUTE_COLLISION);
  });

  test('the other order: gateway gw-2 first, then gw spreading into an HTTPRoute gw-2', () => {
    const { chart, small } = app();
    named(chart, 'gw-2', envoyGateway(), { hostnames: ['b.example.com'] }).addRoute('r', { backend: Backend.pool(small) });
    spread(named(chart, 'gw', envoyGateway(), { hostnames: ['a.example.com'] }), Backend.pool(small));
    expect(() => Testing.synth(chart)).toThrow("test/gw: 'name' (\"gw\") gives HTTPRoute test/gw/HTTPRoute-2 the name HTTPRoute gw-2 in namespace llm, which "
      + 'HTTPRoute test/gw-2/HTTPRoute of gateway test/gw-2 has too, and kubectl apply keeps only the last of the two; rename one of them');
  });

  test('in different namespaces the same names are fine', () => {
    const { chart, small } = app();
    spread(named(chart, 'gw', envoyGateway(), { hostnames: ['a.example.com'] }), Backend.pool(small));
    named(chart, 'gw-2', envoyGateway(), { hostnames: ['b.example.com'], namespaceName: 'other' })
      .addRoute('r', { backend: Backend.service({ name: 'small', port: 80, namespaceName: 'llm' }) });
    const routes = kindsOf(synthValid(chart), 'HTTPRoute');
    expect(routes.map(r => `${r.metadata.namespace}/${r.metadata.name}`)).toEqual(['llm/gw', 'llm/gw-2', 'other/gw-2']);
  });

  test("Envoy AI Gateway's second AIGatewayRoute ai-2 generates an HTTPRoute ai-2, which a Gateway API gateway ai-2 emits too", () => {
    // envoyproxy/ai-gateway v1.1.0 internal/controller/ai_gateway_route.go: the HTTPRoute of an AIGatewayRoute has its name and namespace.
    const { chart, small } = app();
    named(chart, 'ai-2', envoyGateway(), { hostnames: ['b.example.com'] }).addRoute('r', { backend: Backend.pool(small) });
    const ai = named(chart, 'ai', DataPlane.envoyAiGateway({ gatewayClassName: 'eg' }), { hostnames: ['a.example.com'] });
    for (let i = 0; i < 15; i++) ai.addRoute(`m${i}`, { matches: [RouteMatch.model(`m${i}`)], backend: Backend.pool(small) });
    expect(() => Testing.synth(chart)).toThrow("test/ai: 'name' (\"ai\") gives the HTTPRoute Envoy AI Gateway generates from AIGatewayRoute "
      + 'test/ai/AIGatewayRoute-2 the name HTTPRoute ai-2 in namespace llm, which HTTPRoute test/ai-2/HTTPRoute of gateway test/ai-2 has too');
  });

  test.each([
    ['Gateway API', envoyGateway, 'BackendTrafficPolicy', 'BackendTrafficPolicy-b-c', 'BackendTrafficPolicy-c'],
    ['ingress-nginx', nginx, 'Ingress', 'Ingress-b-c', 'Ingress-c'],
  ])("per-route objects on %s: gateway a's route b-c and gateway a-b's route c both name theirs a-b-c", (_plane, dataPlane, kind, first, second) => {
    const { chart, small } = app();
    named(chart, 'a', dataPlane(), { hostnames: ['a.example.com'] }).addRoute('b-c', { backend: Backend.pool(small) });
    named(chart, 'a-b', dataPlane(), { hostnames: ['b.example.com'] }).addRoute('c', { backend: Backend.pool(small) });
    expect(() => Testing.synth(chart)).toThrow(`test/a-b: 'name' ("a-b") gives ${kind} test/a-b/${second} the name ${kind} a-b-c in namespace llm, `
      + `which ${kind} test/a/${first} of gateway test/a has too`);
  });

  test("an Istio DestinationRule <gateway>-<Service> named like an InferencePool's picker DestinationRule <name>-epp", () => {
    const { chart } = app();
    const pool = new LlmModelPool(chart, 'llama', {
      name: 'llama', modelName: 'llama', server: ModelServer.vllm({ model: 'meta-llama/Llama-3.1-8B-Instruct' }), accelerator: Accelerator.nvidiaGpu({ count: 1 }),
    });
    const inferencePool = new InferencePool(chart, 'ip', { pool });
    named(chart, 'picked', DataPlane.gatewayApi({ gatewayClassName: 'istio', implementation: GatewayImplementation.istio() }), { hostnames: ['a.example.com'] })
      .addRoute('r', { backend: Backend.inferencePool(inferencePool) });
    // A gateway named llama routing to a Service named epp names that host's DestinationRule llama-epp.
    const epp = new LlmModelPool(chart, 'epp', { name: 'epp', modelName: 'epp', server: ModelServer.demo() });
    named(chart, 'gw', DataPlane.istio(), { hostnames: ['b.example.com'], name: 'llama' }).addRoute('r', { backend: Backend.pool(epp) });
    expect(() => Testing.synth(chart)).toThrow("test/gw: 'name' (\"llama\") gives DestinationRule test/gw/DestinationRule-epp.llm.svc.cluster.local "
      + 'the name DestinationRule llama-epp in namespace llm, which DestinationRule test/ip/PickerDestinationRule of InferencePool test/ip has too');
  });

  test('a route the gateway rejects leaves no name behind', () => {
    const { chart, small } = app();
    const a = named(chart, 'a', envoyGateway(), { hostnames: ['a.example.com'] });
    expect(() => a.addRoute('b-c', { matches: [RouteMatch.model('x')], backend: Backend.pool(small) }))
      .toThrow(/'matches\[0\]' .* cannot be expressed by the Gateway API/);
    named(chart, 'a-b', envoyGateway(), { hostnames: ['b.example.com'] }).addRoute('c', { backend: Backend.pool(small) });
    a.addRoute('r', { backend: Backend.pool(small) });
    expect(kindsOf(synthValid(chart), 'BackendTrafficPolicy').map(p => p.metadata.name)).toEqual(['a-r', 'a-b-c']);
  });
});
