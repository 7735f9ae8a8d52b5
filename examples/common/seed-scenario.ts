/*
 * The seed's scenarios as one function, so each data plane's example differs from the others only in the
 * DataPlane it passes: a small CPU tier (the seed's demo model service, two replicas) and a large GPU tier
 * autoscaled on queue depth; llm.example.com on port 80; requests with `x-llm-model-type: large` go to the large
 * model, everything else to the small one, each with its own retry policy; a five minute request timeout;
 * circuit breaking with connection-pool limits and outlier detection; a rate limit answering 429; JWT
 * validation that rejects requests without a valid token; NetworkPolicies so only the gateway reaches the
 * model pods.
 *
 * Where this differs from the usual tutorial values, it is on purpose (the tutorial's values stay
 * reachable through the options named):
 * - Request timeout 5 minutes, not 10 s (`Timeouts.of({ request })`): streamed completions last minutes.
 * - Retries only where the model did no work (`RetryPolicy.llmSafe()`), no per-try timeout, not
 *   `retryOn: 5xx` with `perTryTimeout: 2s` (`RetryPolicy.custom({ conditions: [RetryCondition.FIVE_XX],
 *   perTryTimeout })`): a 2 s per-try timeout cuts every completion off and sends it again, and a 5xx may
 *   come after the GPU did the work.
 * - Least-request load balancing rather than round robin: LLM requests differ in cost by orders of magnitude.
 * - JWT validation always rejects requests without a token (Istio's RequestAuthentication alone lets them
 *   through).
 */
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Accelerator, AiGateway, Autoscaling, Backend, CircuitBreaker, DataPlane, JwtAuth, LlmModelPool, ModelServer, Monitoring, RateLimit, RetryPolicy,
  RouteMatch, Timeouts,
} from '../../src';

/** Options for `seedScenario`. */
export interface SeedScenarioOptions {
  /** The data plane: the one line that differs between the examples. */
  readonly dataPlane: DataPlane;
  /**
   * Include the rate limit (leave it out for data planes that cannot express it).
   * @default true
   */
  readonly rateLimit?: boolean;
}

/** The small (CPU demo) and large (vLLM on a GPU) pools behind one gateway. */
export function seedScenario(scope: Construct, options: SeedScenarioOptions): AiGateway {
  const small = new LlmModelPool(scope, 'small', { name: 'small', modelName: 'small', server: ModelServer.demo(), replicas: 2 });
  const large = new LlmModelPool(scope, 'large', {
    name: 'large',
    modelName: 'llama-3-1-8b',
    server: ModelServer.vllm({ model: 'meta-llama/Llama-3.1-8B-Instruct', huggingFaceToken: { secretName: 'hf-token', key: 'token' } }),
    accelerator: Accelerator.nvidiaGpu({ count: 1 }),
    // The large tier scales on vLLM's queue depth (KEDA), scraped by the Prometheus Operator.
    autoscaling: Autoscaling.onQueueDepth({ minReplicas: 1, maxReplicas: 4 }),
    monitoring: Monitoring.podMonitor({ labels: { release: 'kube-prometheus-stack' } }),
  });

  const gateway = new AiGateway(scope, 'gateway', {
    name: 'llm-gateway',
    dataPlane: options.dataPlane,
    hostnames: ['llm.example.com'],
    // Prometheus (kube-prometheus-stack in `monitoring`) scrapes the large tier on its serving port.
    allowedNamespaces: ['monitoring'],
    defaults: {
      timeouts: Timeouts.of({ request: Duration.minutes(5) }),
      circuitBreaker: CircuitBreaker.of({
        maxConnections: 100,
        maxPendingRequests: 50,
        maxRequests: 200,
        outlierDetection: { consecutiveErrors: 5, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30), maxEjectionPercent: 50 },
      }),
      rateLimit: options.rateLimit === false ? undefined : RateLimit.requestsPerMinute(600),
      jwt: JwtAuth.of({
        issuer: 'https://auth.example.com',
        jwksUri: 'https://auth.example.com/.well-known/jwks.json',
        audiences: ['llm-gateway'],
      }),
    },
  });

  // One GPU replica's work is expensive: retry once, only where the model did no work.
  gateway.addRoute('large', {
    matches: [RouteMatch.header('x-llm-model-type', 'large')],
    backend: Backend.pool(large),
    retry: RetryPolicy.llmSafe({ attempts: 1 }),
  });
  // The small CPU tier is cheap: retry up to three times.
  gateway.addRoute('small', {
    backend: Backend.pool(small),
    retry: RetryPolicy.llmSafe({ attempts: 3 }),
  });
  return gateway;
}
