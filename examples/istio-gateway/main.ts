/*
 * The seed's Istio scenarios as one gateway: llm.example.com on port 80; requests with the header
 * `x-llm-model-type: large` go to the large model, everything else to the small one, each with its own
 * retry policy; circuit breaking with connection-pool limits and outlier detection; a local rate limit
 * answering 429; JWT validation that rejects requests without a token; NetworkPolicies so only the Istio
 * ingress gateway reaches the model pods.
 *
 * Where this differs from the usual tutorial values, it is on purpose (the tutorial's values stay
 * reachable through the options named):
 * - Request timeout 5 minutes, not 10 s (`Timeouts.of({ request })`): streamed completions last minutes.
 * - Retries only where the model did no work (`RetryPolicy.llmSafe()`), no per-try timeout, not
 *   `retryOn: 5xx` with `perTryTimeout: 2s` (`RetryPolicy.custom({ conditions: [RetryCondition.FIVE_XX],
 *   perTryTimeout })`): a 2 s per-try timeout cuts every completion off and sends it again, and a 5xx may
 *   come after the GPU did the work.
 * - `LEAST_REQUEST` load balancing rather than round robin: LLM requests differ in cost by orders of magnitude.
 * - The JWT policy pairs RequestAuthentication with a DENY AuthorizationPolicy: RequestAuthentication alone
 *   lets requests without a token through.
 *
 * Before applying: Istio 1.30 (base, istiod, and the `gateway` chart as release `istio-ingress` in namespace
 * `istio-ingress`, whose pods are labelled `istio: ingress`), the GPU Operator, and the Secret `hf-token`.
 */
import { App, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Accelerator, AiGateway, Backend, CircuitBreaker, DataPlane, JwtAuth, LlmModelPool, ModelServer, RateLimit, RetryPolicy, RouteMatch, Timeouts,
} from '../../src';

export class IstioGatewayChart extends Chart {
  public readonly gateway: AiGateway;

  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'llm' });

    const small = new LlmModelPool(this, 'small', { name: 'small', modelName: 'small', server: ModelServer.demo(), replicas: 2 });
    const large = new LlmModelPool(this, 'large', {
      name: 'large',
      modelName: 'llama-3-1-8b',
      server: ModelServer.vllm({ model: 'meta-llama/Llama-3.1-8B-Instruct', huggingFaceToken: { secretName: 'hf-token', key: 'token' } }),
      accelerator: Accelerator.nvidiaGpu({ count: 1 }),
      replicas: 2,
    });

    this.gateway = new AiGateway(this, 'gateway', {
      name: 'llm-gateway',
      dataPlane: DataPlane.istio(),
      hostnames: ['llm.example.com'],
      defaults: {
        timeouts: Timeouts.of({ request: Duration.minutes(5) }),
        circuitBreaker: CircuitBreaker.of({
          maxConnections: 100,
          maxPendingRequests: 50,
          maxRequests: 200,
          outlierDetection: { consecutiveErrors: 5, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30), maxEjectionPercent: 50 },
        }),
        rateLimit: RateLimit.requestsPerMinute(600, { burst: 60 }),
        jwt: JwtAuth.of({
          issuer: 'https://auth.example.com',
          jwksUri: 'https://auth.example.com/.well-known/jwks.json',
          audiences: ['llm-gateway'],
        }),
      },
    });

    // One GPU replica's work is expensive: retry once, only where the model did no work.
    this.gateway.addRoute('large', {
      matches: [RouteMatch.header('x-llm-model-type', 'large')],
      backend: Backend.pool(large),
      retry: RetryPolicy.llmSafe({ attempts: 1 }),
    });
    // The small CPU tier is cheap: retry up to three times.
    this.gateway.addRoute('small', {
      backend: Backend.pool(small),
      retry: RetryPolicy.llmSafe({ attempts: 3 }),
    });
  }
}

/** Adds this example's charts to `app` (scripts/synth-examples.ts calls it). */
export function build(app: App): void {
  new IstioGatewayChart(app, 'istio-gateway');
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
