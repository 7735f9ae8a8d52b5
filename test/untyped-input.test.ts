/*
 * Wrong-type input, as JavaScript callers (and jsii languages passing null) can give it: null, a string for a
 * Duration or a number, a plain object instead of a value class. At the public boundary (factories and construct
 * props) the library must answer with its own error naming the property, not crash deep inside with a TypeError
 * nor render the wrong value silently. Each row: what is passed, and the property the error must name.
 */
import { Chart, Duration, Testing } from 'cdk8s';
import {
  Accelerator, AiGateway, AiGatewayAddRouteOptions, Autoscaling, Backend, CircuitBreaker, DataPlane, FaultInjection, JwtAuth, Listener, LlmModelPool,
  LlmModelPoolProps, ModelCache, ModelServer, Monitoring, RateLimit, RateLimitKey, RequestMirror, RetryCondition, RetryPolicy, RouteMatch,
  SessionAffinity, Timeouts,
} from '../src';
import { errorOf } from './support/errors';

/** What an untyped caller passes. */
const untyped = (value: unknown): any => value;

function chart(): Chart {
  return new Chart(Testing.app(), 'test', { namespace: 'llm' });
}

function pool(scope: Chart, props: Partial<LlmModelPoolProps> = {}): LlmModelPool {
  return new LlmModelPool(scope, 'pool', {
    modelName: 'llama', server: ModelServer.vllm({ model: 'meta-llama/Llama-3.1-8B-Instruct' }), accelerator: Accelerator.nvidiaGpu({ count: 1 }), ...props,
  });
}

/** A pool built with these props, synthesized. */
function poolWith(props: Record<string, unknown>): void {
  const c = chart();
  pool(c, props as Partial<LlmModelPoolProps>);
  Testing.synth(c);
}

/** A gateway on `dataPlane` with these props, one route with these options, synthesized. */
function gatewayWith(props: Record<string, unknown>, options: (p: LlmModelPool) => Record<string, unknown> = () => ({}),
  dataPlane = DataPlane.istio()): void {
  const c = chart();
  const p = pool(c);
  const gateway = new AiGateway(c, 'gateway', { dataPlane, hostnames: ['llm.example.com'], ...props } as any);
  gateway.addRoute('r', { backend: Backend.pool(p), ...options(p) } as AiGatewayAddRouteOptions);
  Testing.synth(c);
}

/** A route with these options (the backend defaults to the pool), synthesized. */
function routeWith(options: (p: LlmModelPool) => Record<string, unknown>, dataPlane = DataPlane.istio()): void {
  gatewayWith({}, options, dataPlane);
}

const envoyAi = () => DataPlane.envoyAiGateway({ gatewayClassName: 'eg' });

type Row = [string, () => unknown, RegExp];

const ROWS: Row[] = [
  // Construct props.
  ['LlmModelPool modelName null', () => poolWith({ modelName: null }), /'modelName' \(null\)/],
  ['LlmModelPool modelName a number', () => poolWith({ modelName: 8 }), /'modelName'/],
  ['LlmModelPool server a plain object', () => poolWith({ server: { serverName: 'vllm' } }), /'server'/],
  ['LlmModelPool server null', () => poolWith({ server: null }), /'server'/],
  ['LlmModelPool accelerator a plain object', () => poolWith({ accelerator: { count: 1 } }), /'accelerator'/],
  ['LlmModelPool replicas a string', () => poolWith({ replicas: '2' }), /'replicas' \("2"\)/],
  ['LlmModelPool namespaceName a number', () => poolWith({ namespaceName: 5 }), /'namespaceName' \(5\)/],
  ['LlmModelPool startupTimeout a string', () => poolWith({ startupTimeout: '15m' }), /'startupTimeout'/],
  ['LlmModelPool drainTimeout a number', () => poolWith({ drainTimeout: 300 }), /'drainTimeout'/],
  ['LlmModelPool labels with a number value', () => poolWith({ labels: { team: 5 } }), /'labels.team'/],
  ['LlmModelPool memory a string', () => poolWith({ memory: '32Gi' }), /'memory'/],
  ['LlmModelPool cache a plain object', () => poolWith({ cache: { claimName: 'x' } }), /'cache'/],
  ['LlmModelPool autoscaling a plain object', () => poolWith({ autoscaling: { minReplicas: 1, maxReplicas: 2 }, replicas: undefined }), /'autoscaling'/],
  ['LlmModelPool monitoring a plain object', () => poolWith({ monitoring: { kind: 'PodMonitor' } }), /'monitoring'/],
  ['AiGateway dataPlane null', () => gatewayWith({ dataPlane: null }), /'dataPlane'/],
  ['AiGateway dataPlane a string', () => gatewayWith({ dataPlane: 'istio' }), /'dataPlane'/],
  ['AiGateway hostnames a string', () => gatewayWith({ hostnames: 'llm.example.com' }), /'hostnames'/],
  ['AiGateway hostnames with null', () => gatewayWith({ hostnames: [null] }), /'hostnames\[0\]'/],
  ['AiGateway listeners a plain object', () => gatewayWith({ listeners: [{ port: 80 }] }), /'listeners\[0\]'/],
  ['AiGateway defaults.timeouts a plain object', () => gatewayWith({ defaults: { timeouts: { request: Duration.minutes(5) } } }), /'defaults.timeouts'/],
  ['AiGateway defaults.retry a string', () => gatewayWith({ defaults: { retry: 'none' } }), /'defaults.retry'/],
  ['AiGateway allowedNamespaces a string', () => gatewayWith({ allowedNamespaces: 'monitoring' }), /'allowedNamespaces'/],
  ['AiGateway name a number', () => gatewayWith({ name: 7 }), /'name'/],
  ['addRoute options null', () => { const c = chart(); new AiGateway(c, 'g', { dataPlane: DataPlane.istio(), hostnames: ['llm.example.com'] }).addRoute('r', untyped(null)); }, /'backend'/],
  ['addRoute matches a RouteMatch instead of a list', () => routeWith(() => ({ matches: RouteMatch.pathPrefix('/v1') })), /'matches'/],
  ['addRoute mirror a plain object', () => routeWith(p => ({ mirror: { backend: Backend.pool(p) } })), /'mirror'/],
  ['addRoute fault a plain object', () => routeWith(() => ({ fault: { abortHttpStatus: 503 } })), /'fault'/],
  ['addRoute rateLimit a number', () => routeWith(() => ({ rateLimit: 10 })), /'rateLimit'/],
  ['addRoute jwt a plain object', () => routeWith(() => ({ jwt: { issuer: 'https://idp' } })), /'jwt'/],
  ['addRoute circuitBreaker a plain object', () => routeWith(() => ({ circuitBreaker: { maxConnections: 1 } })), /'circuitBreaker'/],
  ['addRoute sessionAffinity a string', () => routeWith(() => ({ sessionAffinity: 'cookie' })), /'sessionAffinity'/],

  // Value factories.
  ['Duration as a string in Timeouts.of', () => routeWith(() => ({ timeouts: Timeouts.of(untyped({ request: '5m' })) })), /'timeouts.request'/],
  ['Duration as a number in Timeouts.of', () => routeWith(() => ({ timeouts: Timeouts.of(untyped({ request: 300 })) })), /'timeouts.request'/],
  ['Timeouts.of(null)', () => Timeouts.of(untyped(null)), /Timeouts.of: 'options' \(null\) is not an object/],
  ['Duration as a string in RetryPolicy.llmSafe backoff', () => routeWith(() => ({ retry: RetryPolicy.llmSafe(untyped({ backoff: '250ms' })) })), /'retry.backoff'/],
  ['RetryPolicy.custom conditions null', () => routeWith(() => ({ retry: RetryPolicy.custom(untyped({ attempts: 2, conditions: null })) })), /'retry.conditions'/],
  ['RetryPolicy.custom a condition as a string', () => routeWith(() => ({ retry: RetryPolicy.custom(untyped({ attempts: 2, conditions: ['5xx'] })) })), /'retry.conditions\[0\]'/],
  ['RetryPolicy.custom perTryTimeout a string', () => routeWith(() => ({ retry: RetryPolicy.custom(untyped({ attempts: 2, conditions: [RetryCondition.CONNECT_FAILURE], perTryTimeout: '2s' })) })), /'retry.perTryTimeout'/],
  ['RetryCondition.httpStatus a string', () => routeWith(() => ({ retry: RetryPolicy.custom({ attempts: 2, conditions: [RetryCondition.httpStatus(untyped('503'))] }) })), /'retry.conditions\[0\]'/],
  ['CircuitBreaker.of(null)', () => CircuitBreaker.of(untyped(null)), /CircuitBreaker.of: 'options' \(null\) is not an object/],
  ['CircuitBreaker.of maxConnections a string', () => routeWith(() => ({ circuitBreaker: CircuitBreaker.of(untyped({ maxConnections: '100' })) })), /'circuitBreaker.maxConnections'/],
  ['CircuitBreaker outlierDetection interval a number', () => routeWith(() => ({ circuitBreaker: CircuitBreaker.of(untyped({ outlierDetection: { interval: 10 } })) })), /'circuitBreaker.outlierDetection.interval'/],
  ['SessionAffinity.cookie ttl a string', () => routeWith(() => ({ sessionAffinity: SessionAffinity.cookie(untyped({ name: 's', ttl: '1h' })) })), /'sessionAffinity.ttl'/],
  ['SessionAffinity.cookie(null)', () => SessionAffinity.cookie(untyped(null)), /SessionAffinity.cookie: 'options' \(null\) is not an object/],
  ['SessionAffinity.header(null)', () => routeWith(() => ({ sessionAffinity: SessionAffinity.header(untyped(null)) })), /'sessionAffinity.name'/],
  ['RateLimit.requestsPerSecond a string', () => routeWith(() => ({ rateLimit: RateLimit.requestsPerSecond(untyped('10')) })), /'rateLimit.limit'/],
  ['RateLimit key a plain object', () => routeWith(() => ({ rateLimit: RateLimit.requestsPerSecond(10, untyped({ key: { kind: 'global' } })) })), /'rateLimit.key'/],
  ['RateLimitKey.header(null)', () => routeWith(() => ({ rateLimit: RateLimit.tokensPerHour(1000, { key: RateLimitKey.header(untyped(null)) }) }), envoyAi()), /'rateLimit.key.name'/],
  ['JwtAuth.of issuer a number', () => gatewayWith({ defaults: { jwt: JwtAuth.of(untyped({ issuer: 5, jwksUri: 'https://idp/jwks' })) } }), /'defaults.jwt.issuer'/],
  ['JwtAuth.of(null)', () => JwtAuth.of(untyped(null)), /JwtAuth.of: 'options' \(null\) is not an object/],
  ['JwtAuth.of requiredClaims values null', () => gatewayWith({ defaults: { jwt: JwtAuth.of(untyped({ issuer: 'https://idp', jwksUri: 'https://idp/jwks', requiredClaims: [{ claim: 'tier', values: null }] })) } }),
    /'defaults.jwt.requiredClaims\[0\].values'/],
  ['JwtAuth.of audiences a string', () => gatewayWith({ defaults: { jwt: JwtAuth.of(untyped({ issuer: 'https://idp', jwksUri: 'https://idp/jwks', audiences: 'llm' })) } }), /'defaults.jwt.audiences'/],
  ['RequestMirror.to(null)', () => RequestMirror.to(untyped(null)), /RequestMirror.to: 'backend' \(null\) is not an instance of Backend/],
  ['RequestMirror.to percent a string', () => routeWith(p => ({ mirror: RequestMirror.to(Backend.pool(p), untyped({ percent: '10' })) })), /'mirror.percent'/],
  ['FaultInjection.of delay a number', () => routeWith(() => ({ fault: FaultInjection.of(untyped({ delay: 100 })) })), /'fault.delay'/],
  ['FaultInjection.of(null)', () => FaultInjection.of(untyped(null)), /FaultInjection.of: 'options' \(null\) is not an object/],
  ['RouteMatch.pathPrefix(null)', () => RouteMatch.pathPrefix(untyped(null)), /'path' \(null\)/],
  ['RouteMatch.pathExact a number', () => RouteMatch.pathExact(untyped(1)), /'path'/],
  ['RouteMatch.header value null', () => RouteMatch.header('x-a', untyped(null)), /'value' \(null\)/],
  ['RouteMatch.header value a number', () => RouteMatch.header('x-a', untyped(5)), /'value' \(5\)/],
  ['RouteMatch.header name null', () => RouteMatch.header(untyped(null), 'a'), /'name' \(null\)/],
  ['RouteMatch.headerRegex regex null', () => RouteMatch.headerRegex('x-a', untyped(null)), /'regex'/],
  ['RouteMatch.headerPresent(undefined)', () => RouteMatch.headerPresent(untyped(undefined)), /'name'/],
  ['RouteMatch.method a string not in HttpMethod', () => RouteMatch.method(untyped('FETCH')), /'method'/],
  ['RouteMatch.queryParam value null', () => RouteMatch.queryParam('tier', untyped(null)), /'value'/],
  ['RouteMatch.model(null)', () => RouteMatch.model(untyped(null)), /'name'/],
  ['RouteMatch.all(null)', () => RouteMatch.all(untyped(null)), /'matches'/],
  ['RouteMatch.all with a plain object', () => RouteMatch.all(untyped([{ path: '/v1' }])), /'matches\[0\]'/],
  ['Backend.pool(null)', () => Backend.pool(untyped(null)), /Backend.pool: 'pool' \(null\) is not a model pool/],
  ['Backend.pool port a string', () => routeWith(p => ({ backend: Backend.pool(p, untyped({ port: '8000' })) })), /'backend.port'/],
  ['Backend.service(null)', () => Backend.service(untyped(null)), /Backend.service: 'options' \(null\) is not an object/],
  ['Backend.service port a string', () => routeWith(() => ({ backend: Backend.service(untyped({ name: 'svc', port: '80' })) })), /'backend.port'/],
  ['Backend.service name null', () => routeWith(() => ({ backend: Backend.service(untyped({ name: null, port: 80 })) })), /'backend.name'/],
  ['Backend.weighted(null)', () => Backend.weighted(untyped(null)), /Backend.weighted: 'targets' \(null\) is not a list/],
  ['Backend.weighted a target without a Backend', () => routeWith(p => ({ backend: Backend.weighted(untyped([{ backend: Backend.pool(p), weight: 1 }, { backend: p, weight: 1 }])) })), /'backend\[1\].backend' \(a LlmModelPool\) is not an instance of Backend/],
  ['Backend.weighted weight a string', () => routeWith(p => ({ backend: Backend.weighted(untyped([{ backend: Backend.pool(p), weight: '1' }, { backend: Backend.pool(p), weight: 1 }])) })), /'backend\[0\].weight'/],
  ['Backend.fallback(null)', () => Backend.fallback(untyped(null)), /Backend.fallback: 'backends' \(null\) is not a list/],
  ['Backend.fallback with null', () => routeWith(p => ({ backend: Backend.fallback(untyped([Backend.pool(p), null])) }), envoyAi()), /'backend\[1\]'/],
  ['Backend.inferencePool(null)', () => Backend.inferencePool(untyped(null)), /Backend.inferencePool: 'inferencePool' \(null\) is not an InferencePool/],
  ['Backend.provider hostname null', () => routeWith(() => ({ backend: Backend.provider(untyped({ name: 'openai', api: 'OpenAI', hostname: null })) }), envoyAi()), /'backend.hostname'/],
  ['Backend.provider api not a ProviderApi', () => routeWith(() => ({ backend: Backend.provider(untyped({ name: 'openai', api: 'openai', hostname: 'api.openai.com', apiKey: { secretName: 's', key: 'apiKey' } })) }), envoyAi()),
    /'backend.api'/],
  ['Listener.https(null)', () => Listener.https(untyped(null)), /Listener.https: 'options' \(null\) is not an object/],
  ['Listener.https tlsSecret a number', () => gatewayWith({ listeners: [Listener.https(untyped({ tlsSecret: 5 }))] }), /'listeners\[0\].tlsSecret'/],
  ['Listener.http port a string', () => gatewayWith({ listeners: [Listener.http(untyped({ port: '80' }))] }), /'listeners\[0\].port'/],
  ['Accelerator.nvidiaGpu(null)', () => poolWith({ accelerator: Accelerator.nvidiaGpu(untyped(null)) }), /'accelerator.count' \(not set\)/],
  ['Accelerator.nvidiaGpu count a string', () => poolWith({ accelerator: Accelerator.nvidiaGpu(untyped({ count: '1' })) }), /'accelerator.count'/],
  ['ModelServer.vllm(null)', () => ModelServer.vllm(untyped(null)), /ModelServer.vllm: 'options' \(null\) is not an object/],
  ['ModelServer.vllm model null', () => poolWith({ server: ModelServer.vllm(untyped({ model: null })) }), /'server.model'/],
  ['ModelServer.vllm extraArgs a string', () => poolWith({ server: ModelServer.vllm(untyped({ model: 'm', extraArgs: '--x' })) }), /ModelServer.vllm: 'extraArgs' \("--x"\) is not a list of strings/],
  ['ModelServer.custom port a string', () => poolWith({ server: ModelServer.custom(untyped({ image: 'i', port: '8080' })), accelerator: Accelerator.none() }), /'server.port'/],
  ['ModelServer.custom(null)', () => ModelServer.custom(untyped(null)), /ModelServer.custom: 'options' \(null\) is not an object/],
  ['ModelCache.persistentVolumeClaim(null)', () => poolWith({ cache: ModelCache.persistentVolumeClaim(untyped(null)) }), /'cache.claimName'/],
  ['ModelCache.emptyDir sizeLimit a string', () => poolWith({ cache: ModelCache.emptyDir(untyped({ sizeLimit: '100Gi' })) }), /'cache.sizeLimit'/],
  ['Autoscaling.onQueueDepth(null)', () => poolWith({ autoscaling: Autoscaling.onQueueDepth(untyped(null)) }), /'autoscaling.minReplicas' \(not set\)/],
  ['Autoscaling.onQueueDepth scaleDownStabilization a string', () => poolWith({ autoscaling: Autoscaling.onQueueDepth(untyped({ minReplicas: 1, maxReplicas: 2, scaleDownStabilization: '5m' })) }),
    /'autoscaling.scaleDownStabilization'/],
  ['Monitoring.podMonitor interval a number', () => poolWith({ monitoring: Monitoring.podMonitor(untyped({ interval: 15 })) }), /'monitoring.interval'/],
  ['DataPlane.gatewayApi(null)', () => DataPlane.gatewayApi(untyped(null)), /DataPlane.gatewayApi: 'options' \(null\) is not an object/],
  ['DataPlane.istio gatewaySelector a string', () => DataPlane.istio(untyped({ gatewaySelector: 'ingress' })), /DataPlane.istio: 'gatewaySelector' \("ingress"\) is not a map of strings/],
  ['DataPlane.nginxIngress controllerPodLabels with a number', () => DataPlane.nginxIngress(untyped({ ingressClassName: 'nginx', controllerPodLabels: { app: 1 } })),
    /'controllerPodLabels.app' \(1\) is not a string/],
  ['DataPlane.nginxIngress ingressClassName null', () => gatewayWith({ dataPlane: DataPlane.nginxIngress(untyped({ ingressClassName: null })) }), /'dataPlane.ingressClassName'/],
  ['DataPlane.envoyAiGateway(undefined)', () => DataPlane.envoyAiGateway(untyped(undefined)), /DataPlane.envoyAiGateway: 'options' \(not set\) is not an object/],
];

describe('wrong-type input from JavaScript gets the library\'s error naming the property', () => {
  test.each(ROWS)('%s', (_name, fn, property) => {
    expect(errorOf(fn)).toMatch(property);
  });
});
