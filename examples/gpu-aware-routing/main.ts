/*
 * GPU-aware routing: two vLLM pools, each behind an InferencePool whose endpoint picker chooses the replica
 * by queue depth, KV-cache use and prefix-cache affinity (Gateway API Inference Extension, llm-d router).
 * Requests choose the model by header; an InferenceObjective gives interactive traffic priority over batch
 * traffic (clients send `x-llm-d-inference-objective: interactive`).
 *
 * Before applying: Gateway API v1.6.1 and InferencePool v1.6.0 CRDs, the llm-d InferenceObjective CRD,
 * Envoy Gateway v1.9.3 with a GatewayClass `eg`, the GPU Operator, and the Secret `hf-token`.
 */
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Accelerator, AiGateway, Backend, DataPlane, GatewayImplementation, InferencePool, LlmModelPool, ModelServer, RouteMatch,
} from '../../src';

export class GpuAwareRoutingChart extends Chart {
  public readonly gateway: AiGateway;

  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'llm' });
    const token = { secretName: 'hf-token', key: 'token' };
    const llama = new LlmModelPool(this, 'llama', {
      name: 'llama',
      modelName: 'llama-3-1-8b',
      server: ModelServer.vllm({ model: 'meta-llama/Llama-3.1-8B-Instruct', huggingFaceToken: token }),
      accelerator: Accelerator.nvidiaGpu({ count: 1 }),
      replicas: 4,
    });
    const qwen = new LlmModelPool(this, 'qwen', {
      name: 'qwen',
      modelName: 'qwen-2-5-32b',
      server: ModelServer.vllm({ model: 'Qwen/Qwen2.5-32B-Instruct', huggingFaceToken: token }),
      accelerator: Accelerator.nvidiaGpu({ count: 2 }),
      replicas: 2,
    });
    // Each pool's InferencePool and endpoint picker, next to the pool (same chart, the pool's namespace).
    const qwenPicked = new InferencePool(this, 'qwen-inference-pool', { pool: qwen, pickerReplicas: 2 });
    // Envoy Gateway's InferencePools always fail closed (Envoy AI Gateway's extension server serves them), so
    // availability comes from picker replicas, not from PickerFailureMode.FAIL_OPEN.
    const llamaPicked = new InferencePool(this, 'llama-inference-pool', {
      pool: llama,
      pickerReplicas: 2,
      scorers: { queue: 2, kvCache: 2, prefixCache: 3 },
      objectives: [{ name: 'interactive', priority: 10 }, { name: 'batch', priority: -10 }],
    });

    this.gateway = new AiGateway(this, 'gateway', {
      name: 'inference-gateway',
      dataPlane: DataPlane.gatewayApi({ gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway() }),
      hostnames: ['llm.example.com'],
    });
    this.gateway.addRoute('qwen', {
      matches: [RouteMatch.header('x-model', 'qwen-2-5-32b')],
      // The line that makes routing GPU-aware: Backend.pool(qwen) -> Backend.inferencePool(qwenPicked).
      backend: Backend.inferencePool(qwenPicked),
    });
    this.gateway.addRoute('llama', { backend: Backend.inferencePool(llamaPicked) });
  }
}

/** Adds this example's charts to `app` (scripts/synth-examples.ts calls it). */
export function build(app: App): void {
  new GpuAwareRoutingChart(app, 'gpu-aware-routing');
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
