/*
 * The tutorial's two tiers of one service, each with its `MODEL_TYPE`: a small tier on CPU (the demo server
 * standing in for a small model, one replica) and a large tier on GPUs: a 70B model sharded over four H100s
 * with vLLM, scaled by KEDA on vLLM's queue depth between one and four replicas, and scraped by the Prometheus
 * Operator.
 *
 * Before applying: the GPU Operator (or NVIDIA's device plugin), KEDA and the Prometheus Operator are
 * installed, and the Secret `hf-token` in namespace `llm` holds a Hugging Face token under `token`.
 */
import { App, Chart, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Accelerator, Autoscaling, LlmModelPool, ModelCache, ModelServer, Monitoring } from '../../src';

export class TiersChart extends Chart {
  public readonly small: LlmModelPool;
  public readonly large: LlmModelPool;

  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'llm' });

    this.small = new LlmModelPool(this, 'small', {
      name: 'small',
      modelName: 'small',
      // The tutorial's llm-small-model: one replica, MODEL_TYPE=small.
      server: ModelServer.demo({ env: { MODEL_TYPE: 'small' } }),
      replicas: 1,
    });

    this.large = new LlmModelPool(this, 'large', {
      name: 'large',
      modelName: 'llama-3-1-70b',
      server: ModelServer.vllm({
        model: 'meta-llama/Llama-3.1-70B-Instruct',
        maxModelLen: 32768,
        gpuMemoryUtilization: 0.92,
        huggingFaceToken: { secretName: 'hf-token', key: 'token' },
        env: { MODEL_TYPE: 'large' },
      }),
      accelerator: Accelerator.nvidiaGpu({ count: 4, product: 'NVIDIA-H100-80GB-HBM3' }),
      cpu: Cpu.units(16),
      memory: Size.gibibytes(192),
      sharedMemory: Size.gibibytes(16),
      cache: ModelCache.emptyDir({ sizeLimit: Size.gibibytes(200) }),
      // 140 GB of weights over the network: give loading up to 30 minutes.
      startupTimeout: Duration.minutes(30),
      autoscaling: Autoscaling.onQueueDepth({ minReplicas: 1, maxReplicas: 4, targetQueueDepth: 8 }),
      monitoring: Monitoring.podMonitor({ labels: { release: 'kube-prometheus-stack' } }),
    });
  }
}

/** Adds this example's charts to `app` (scripts/synth-examples.ts calls it). */
export function build(app: App): void {
  new TiersChart(app, 'tiers');
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
