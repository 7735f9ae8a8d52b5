/*
 * Envoy AI Gateway: requests name their model in the OpenAI body (`"model": "llama-3-8b"`), and the gateway
 * routes on it. llama-3-8b runs on a GPU pool behind an InferencePool (GPU-aware endpoint picking);
 * llama-3-70b runs on a self-hosted GPU pool first and falls back to AWS Bedrock when the pool refuses,
 * fails or is overloaded (429/5xx before the first byte). Every tenant (header `x-tenant-id`) gets a budget of
 * two million tokens an hour; the budget is charged after each response, from the token counts the gateway
 * reads from it.
 *
 * Before applying: Gateway API v1.6.1 and InferencePool v1.6.0 CRDs, Envoy Gateway v1.9.3 configured for
 * Envoy AI Gateway (extension manager, Backend API) with its rate limit service and Redis (token budgets
 * are global limits), Envoy AI Gateway v1.1.0 (which declares Envoy Gateway v1.8.1; why the pair is v1.9.3 is in
 * docs/platform.md, "The Envoy AI Gateway ↔ Envoy Gateway pairing"), the GPU Operator, the Secret `hf-token`, and the
 * Secret `bedrock-credentials` holding an AWS credentials file under the key `credentials`. The ControllerStack
 * (docs/platform.md) installs these versions.
 */
import { App, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Accelerator, AiGateway, Backend, DataPlane, InferencePool, LlmModelPool, ModelServer, ProviderApi, RateLimit, RateLimitKey, RouteMatch, Timeouts,
} from '../../src';

export class EnvoyAiGatewayChart extends Chart {
  public readonly gateway: AiGateway;

  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'llm' });
    const token = { secretName: 'hf-token', key: 'token' };
    const small = new LlmModelPool(this, 'llama-8b', {
      name: 'llama-8b',
      modelName: 'llama-3-8b',
      server: ModelServer.vllm({ model: 'meta-llama/Llama-3.1-8B-Instruct', huggingFaceToken: token }),
      accelerator: Accelerator.nvidiaGpu({ count: 1 }),
      replicas: 2,
    });
    const smallPicked = new InferencePool(this, 'llama-8b-inference-pool', { pool: small });
    const large = new LlmModelPool(this, 'llama-70b', {
      name: 'llama-70b',
      modelName: 'llama-3-70b',
      server: ModelServer.vllm({ model: 'meta-llama/Llama-3.1-70B-Instruct', huggingFaceToken: token }),
      accelerator: Accelerator.nvidiaGpu({ count: 4 }),
      replicas: 1,
    });

    this.gateway = new AiGateway(this, 'gateway', {
      name: 'ai-gateway',
      dataPlane: DataPlane.envoyAiGateway({ gatewayClassName: 'eg' }),
      hostnames: ['llm.example.com'],
      defaults: {
        // Minutes for a whole completion; a stream may pause a minute between tokens (time to first token included).
        timeouts: Timeouts.of({ request: Duration.minutes(5), streamIdle: Duration.minutes(1) }),
        rateLimit: RateLimit.tokensPerHour(2_000_000, { key: RateLimitKey.header('x-tenant-id') }),
      },
    });
    this.gateway.addRoute('llama-8b', {
      matches: [RouteMatch.model('llama-3-8b')],
      backend: Backend.inferencePool(smallPicked),
    });
    this.gateway.addRoute('llama-70b', {
      matches: [RouteMatch.model('llama-3-70b')],
      backend: Backend.fallback([
        Backend.pool(large),
        Backend.provider({
          name: 'bedrock',
          api: ProviderApi.AWS_BEDROCK,
          hostname: 'bedrock-runtime.us-east-1.amazonaws.com',
          region: 'us-east-1',
          apiKey: { secretName: 'bedrock-credentials', key: 'credentials' },
          modelName: 'meta.llama3-1-70b-instruct-v1:0',
        }),
      ]),
    });
  }
}

/** Adds this example's charts to `app` (scripts/synth-examples.ts calls it). */
export function build(app: App): void {
  new EnvoyAiGatewayChart(app, 'envoy-ai-gateway');
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
