/*
 * The tutorial's scenarios as one function, so each data plane's example differs from the others only in the
 * DataPlane it passes: the tutorial's two tiers, `small` (the demo server, one replica, `MODEL_TYPE=small`) and
 * `large` (`MODEL_TYPE=large`, here vLLM on a GPU, autoscaled on queue depth from one replica); llm.example.com
 * on port 80; requests to /v1/chat/completions with `x-llm-model-type: large` go to the large model, the other
 * requests to /v1/chat/completions to the small one, each with its own retries (3 and 2 attempts); a five minute
 * request timeout; the tutorial's circuit breaker (100 requests in flight, 10 pending, 3 retries) with outlier
 * detection; a rate limit answering 429; JWT validation that rejects requests without a valid token;
 * NetworkPolicies so only the gateway reaches the model pods.
 *
 * Where this differs from the tutorial's values, docs/tutorial-changes.md says why (the tutorial's values stay
 * reachable through the options named there):
 * - Request timeout 5 minutes, not 10 s (`Timeouts.of({ request })`): streamed completions last minutes.
 * - Retries only where the model did no work (`RetryPolicy.llmSafe()`), no per-try timeout, not
 *   `retryOn: gateway-error,connect-failure,5xx` with `perTryTimeout: 5s` / `2s` (`RetryPolicy.custom({ conditions:
 *   [RetryCondition.FIVE_XX], perTryTimeout })`): a per-try timeout of seconds cuts every streamed completion off and
 *   sends it again, and a 5xx may come after the GPU did the work.
 * - The large tier is a real model (vLLM on a GPU) instead of the demo image with the GPU commented out.
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
  const small = new LlmModelPool(scope, 'small', {
    name: 'small', modelName: 'small', server: ModelServer.demo({ env: { MODEL_TYPE: 'small' } }), replicas: 1,
  });
  const large = new LlmModelPool(scope, 'large', {
    name: 'large',
    modelName: 'llama-3-1-8b',
    server: ModelServer.vllm({
      model: 'meta-llama/Llama-3.1-8B-Instruct', huggingFaceToken: { secretName: 'hf-token', key: 'token' }, env: { MODEL_TYPE: 'large' },
    }),
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
      // The tutorial's circuit breaker: 100 requests in flight, 10 waiting for a connection, 3 retries at once.
      circuitBreaker: CircuitBreaker.of({
        maxRequests: 100,
        maxPendingRequests: 10,
        maxRetries: 3,
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

  const chat = RouteMatch.pathPrefix('/v1/chat/completions');
  // The tutorial's attempts (3 for the large model, 2 for the small one), only where the model did no work.
  gateway.addRoute('large', {
    matches: [RouteMatch.all([chat, RouteMatch.header('x-llm-model-type', 'large')])],
    backend: Backend.pool(large),
    retry: RetryPolicy.llmSafe({ attempts: 3 }),
  });
  // The small model by default, or when the header asks for it.
  gateway.addRoute('small', {
    matches: [RouteMatch.all([chat, RouteMatch.header('x-llm-model-type', 'small')]), chat],
    backend: Backend.pool(small),
    retry: RetryPolicy.llmSafe({ attempts: 2 }),
  });
  return gateway;
}
