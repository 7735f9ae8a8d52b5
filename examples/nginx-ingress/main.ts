/*
 * LEGACY. ingress-nginx was retired in March 2026 (final controller v1.15.1, chart 4.15.1): this example is for
 * clusters that still run it. New clusters use Gateway API, and moving there is one line per chart:
 *
 *   -  dataPlane: DataPlane.nginxIngress({ ingressClassName: 'nginx' }),
 *   +  dataPlane: DataPlane.gatewayApi({ gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway() }),
 *
 * (Envoy Gateway admits exactly the limit at once: there, leave the burst out, or use DataPlane.istio() with a burst of at least the limit.)
 *
 * The tutorial's NGINX scenarios, one chart each, all on /v1/chat/completions as in the tutorial. ingress-nginx serves a
 * host and path from one Ingress (its admission webhook rejects a second, and the library rejects two gateways with
 * the same host and path on one IngressClass), so the basic scenario has the tutorial's llm.example.com and the others
 * their own hostname (rate-limit.llm.example.com, header-canary.llm.example.com): all three can be applied together.
 * - nginx-ingress-basic: the tutorial's llm-service (two replicas of the demo server) with cookie affinity,
 *   `llm_session` for an hour.
 * - nginx-ingress-rate-limit: the small model, 1 request a second per client IP with bursts of up to 5.
 * - nginx-ingress-header-canary: `x-llm-model-type: large` to the large model, the other requests to the small
 *   one (the tutorial shows this on Istio; on ingress-nginx it is a canary Ingress).
 * Each tier sets the tutorial's `MODEL_TYPE` and replica count.
 *
 * Corrected from the tutorial values, each because ingress-nginx would otherwise ignore or misread it (the table
 * in docs/tutorial-changes.md lists every difference):
 * - Cookie lifetime `session-cookie-max-age: "3600"` (and `-expires`), whole seconds: ingress-nginx ignores "1h",
 *   and the cookie silently becomes a session cookie.
 * - Burst as `limit-burst-multiplier: "4"`: there is no `limit-burst` annotation, and nginx admits its burst + 1
 *   requests at once, so bursts of up to 5 at 1 a second are nginx's burst 4 = 1 x 4. `limit-rate` and
 *   `limit-rate-after` limit bandwidth in bytes, not requests, so they are not written. The tutorial's
 *   `limit-rpm: "60"` is left out: beside 1 a second, its burst (60 x the multiplier) would never be reached.
 * - Rejections answer 429 only when the controller sets `limit-req-status-code: "429"` (ingress-nginx answers
 *   503 otherwise): `gateway.controllerSettings()` lists it with the other controller settings to put in the
 *   chart's `controller.config`.
 * - Header routing is a second Ingress with `canary: "true"`, `canary-by-header` and `canary-by-header-value`
 *   on the same host and path as the main Ingress, not a snippet (snippet annotations are rejected by default
 *   since v1.12, and this library never writes one).
 * - Timeouts in whole seconds, five minutes (`proxy-read-timeout: "300"`): the default 60 s cuts off slow first
 *   tokens, and `proxy-buffering: "off"` streams tokens as they come.
 * - Retries only where the model did no work: `proxy-next-upstream: "error timeout http_503"`, and nginx never
 *   sends a completion (a POST) again once a replica has it, so for POSTs only connection failures are retried
 *   (503 for GETs such as /v1/models). No backoff: nginx moves to the next replica at once, so the default
 *   backoff of `RetryPolicy.llmSafe()` is left out (an explicit backoff would be rejected).
 * - `ingressClassName` on every Ingress, not the deprecated `kubernetes.io/ingress.class` annotation; no
 *   `ingress.kubernetes.io/rewrite-target: /`, which is not an ingress-nginx annotation.
 *
 * Before applying: ingress-nginx 4.15.1 with the IngressClass `nginx` and `controller.config` set to
 * `gateway.controllerSettings()` of any of the three gateways, the GPU Operator, and the Secret `hf-token` in each namespace.
 */
import { App, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Accelerator, AiGateway, AiGatewayProps, Backend, DataPlane, LlmModelPool, ModelServer, RateLimit, RateLimitKey,
  RetryPolicy, RouteMatch, SessionAffinity, Timeouts,
} from '../../src';

/** Which of the tutorial's scenarios a chart holds. */
type Scenario = 'basic' | 'rate-limit' | 'header-canary';

export class NginxIngressChart extends Chart {
  public readonly gateway: AiGateway;

  constructor(scope: Construct, id: string, dataPlane: DataPlane, scenario: Scenario) {
    super(scope, id, { namespace: `llm-${scenario}` });
    const small = () => new LlmModelPool(this, 'small', {
      name: 'small', modelName: 'small', server: ModelServer.demo({ env: { MODEL_TYPE: 'small' } }), replicas: 1,
    });
    const large = () => new LlmModelPool(this, 'large', {
      name: 'large',
      modelName: 'llama-3-1-8b',
      server: ModelServer.vllm({
        model: 'meta-llama/Llama-3.1-8B-Instruct', huggingFaceToken: { secretName: 'hf-token', key: 'token' }, env: { MODEL_TYPE: 'large' },
      }),
      accelerator: Accelerator.nvidiaGpu({ count: 1 }),
      replicas: 1,
    });
    const defaults: AiGatewayProps['defaults'] = {
      timeouts: Timeouts.of({ request: Duration.minutes(5) }),
      retry: RetryPolicy.llmSafe(),
    };
    const gateway = (extra: AiGatewayProps['defaults'] = {}) => new AiGateway(this, 'gateway', {
      name: 'llm-gateway',
      dataPlane,
      hostnames: [scenario === 'basic' ? 'llm.example.com' : `${scenario}.llm.example.com`],
      defaults: { ...defaults, ...extra },
    });
    const chat = RouteMatch.pathPrefix('/v1/chat/completions');

    switch (scenario) {
      case 'basic': {
        const service = new LlmModelPool(this, 'llm-service', { name: 'llm-service', modelName: 'demo', server: ModelServer.demo(), replicas: 2 });
        // Keep a client on one replica for an hour, so its conversation's prefix stays in that replica's KV cache.
        this.gateway = gateway({ sessionAffinity: SessionAffinity.cookie({ name: 'llm_session', ttl: Duration.hours(1) }) });
        this.gateway.addRoute('chat', { matches: [chat], backend: Backend.pool(service) });
        break;
      }
      case 'rate-limit':
        // 1 request a second per client IP, with bursts of up to 5 requests.
        this.gateway = gateway({ rateLimit: RateLimit.requestsPerSecond(1, { burst: 5, key: RateLimitKey.clientIp() }) });
        this.gateway.addRoute('chat', { matches: [chat], backend: Backend.pool(small()) });
        break;
      case 'header-canary':
        // The header route comes first, as on every data plane; here it becomes the canary Ingress of the next route's path.
        this.gateway = gateway();
        this.gateway.addRoute('large', { matches: [RouteMatch.all([chat, RouteMatch.header('x-llm-model-type', 'large')])], backend: Backend.pool(large()) });
        this.gateway.addRoute('small', { matches: [chat], backend: Backend.pool(small()) });
        break;
    }
  }
}

/** Adds this example's charts to `app` (scripts/synth-examples.ts calls it). */
export function build(app: App): void {
  // One data plane value for the three charts: one controller serves them, and each gateway's controllerSettings() covers them all.
  const dataPlane = DataPlane.nginxIngress({ ingressClassName: 'nginx' });
  for (const scenario of ['basic', 'rate-limit', 'header-canary'] as Scenario[]) {
    new NginxIngressChart(app, `nginx-ingress-${scenario}`, dataPlane, scenario);
  }
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
