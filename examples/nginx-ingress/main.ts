/*
 * LEGACY. ingress-nginx was retired in March 2026 (final controller v1.15.1, chart 4.15.1): this example is for
 * clusters that still run it. New clusters use Gateway API, and moving there is one line per chart:
 *
 *   -  dataPlane: DataPlane.nginxIngress({ ingressClassName: 'nginx' }),
 *   +  dataPlane: DataPlane.gatewayApi({ gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway() }),
 *
 * (Envoy Gateway's rate limits have no burst allowance: there, fold the burst into the limit, or use DataPlane.istio().)
 *
 * The seed's three NGINX scenarios, one chart each (own namespace and hostname, so they can be applied side by side):
 * - nginx-ingress-routing: host and path routing, /v1/chat/completions to the large pool and everything else to
 *   the small one, with cookie affinity for an hour.
 * - nginx-ingress-rate-limit: 60 requests a minute per client IP, with a burst of another 60.
 * - nginx-ingress-header-canary: `x-llm-model-type: large` to the large pool, everything else to the small one.
 *
 * Corrected from the tutorial values, each because ingress-nginx would otherwise ignore or misread it:
 * - Cookie lifetime `session-cookie-max-age: "3600"` (and `-expires`), whole seconds: ingress-nginx ignores "1h",
 *   and the cookie silently becomes a session cookie.
 * - Burst as `limit-burst-multiplier: "2"` (60 + 60 = 2 x 60 at once). There is no `limit-burst` annotation,
 *   and `limit-rate` limits bandwidth in bytes per second, not requests. The multiplier is always written:
 *   ingress-nginx's default is 5.
 * - Rejections answer 429 only when the controller sets `limit-req-status-code: "429"` (ingress-nginx answers
 *   503 otherwise): `dataPlane.controllerSettings()` lists it with the other controller settings to put in the
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
 * - `ingressClassName` on every Ingress, not the deprecated `kubernetes.io/ingress.class` annotation.
 *
 * Before applying: ingress-nginx 4.15.1 with the IngressClass `nginx` and `controller.config` set to
 * `dataPlane.controllerSettings()`, the GPU Operator, and the Secret `hf-token` in each namespace.
 */
import { App, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Accelerator, AiGateway, AiGatewayProps, Backend, DataPlane, LlmModelPool, ModelServer, RateLimit, RateLimitKey,
  RetryPolicy, RouteMatch, SessionAffinity, Timeouts,
} from '../../src';

/** Which of the seed's scenarios a chart holds. */
type Scenario = 'routing' | 'rate-limit' | 'header-canary';

const HOSTNAMES: Record<Scenario, string> = {
  'routing': 'chat.example.com',
  'rate-limit': 'api.example.com',
  'header-canary': 'llm.example.com',
};

export class NginxIngressChart extends Chart {
  public readonly gateway: AiGateway;

  constructor(scope: Construct, id: string, dataPlane: DataPlane, scenario: Scenario) {
    super(scope, id, { namespace: `llm-${scenario}` });
    const small = new LlmModelPool(this, 'small', { name: 'small', modelName: 'small', server: ModelServer.demo(), replicas: 2 });
    const large = () => new LlmModelPool(this, 'large', {
      name: 'large',
      modelName: 'llama-3-1-8b',
      server: ModelServer.vllm({ model: 'meta-llama/Llama-3.1-8B-Instruct', huggingFaceToken: { secretName: 'hf-token', key: 'token' } }),
      accelerator: Accelerator.nvidiaGpu({ count: 1 }),
      replicas: 2,
    });
    const defaults: AiGatewayProps['defaults'] = {
      timeouts: Timeouts.of({ request: Duration.minutes(5) }),
      retry: RetryPolicy.llmSafe(),
    };
    const gateway = (extra: AiGatewayProps['defaults'] = {}) => new AiGateway(this, 'gateway', {
      name: 'llm-gateway',
      dataPlane,
      hostnames: [HOSTNAMES[scenario]],
      defaults: { ...defaults, ...extra },
    });

    switch (scenario) {
      case 'routing':
        // Keep a client on one replica for an hour, so its conversation's prefix stays in that replica's KV cache.
        this.gateway = gateway({ sessionAffinity: SessionAffinity.cookie({ name: 'llm-session', ttl: Duration.hours(1) }) });
        this.gateway.addRoute('chat', { matches: [RouteMatch.pathPrefix('/v1/chat/completions')], backend: Backend.pool(large()) });
        this.gateway.addRoute('default', { backend: Backend.pool(small) });
        break;
      case 'rate-limit':
        this.gateway = gateway({ rateLimit: RateLimit.requestsPerMinute(60, { burst: 60, key: RateLimitKey.clientIp() }) });
        this.gateway.addRoute('default', { backend: Backend.pool(small) });
        break;
      case 'header-canary':
        // The header route comes first, as on every data plane; here it becomes the canary Ingress of the catch-all's path.
        this.gateway = gateway();
        this.gateway.addRoute('large', { matches: [RouteMatch.header('x-llm-model-type', 'large')], backend: Backend.pool(large()) });
        this.gateway.addRoute('small', { backend: Backend.pool(small) });
        break;
    }
  }
}

/** Adds this example's charts to `app` (scripts/synth-examples.ts calls it). */
export function build(app: App): void {
  // One data plane for the three charts: one controller serves them, and controllerSettings() covers them all.
  const dataPlane = DataPlane.nginxIngress({ ingressClassName: 'nginx' });
  for (const scenario of ['routing', 'rate-limit', 'header-canary'] as Scenario[]) {
    new NginxIngressChart(app, `nginx-ingress-${scenario}`, dataPlane, scenario);
  }
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
