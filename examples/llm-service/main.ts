/*
 * The seed's llm-service: two replicas of a CPU-only demo server behind a ClusterIP Service, for clusters
 * without GPUs. Swap `ModelServer.demo()` for `ModelServer.vllm({...})` and add an accelerator to serve a
 * real model.
 *
 *   npm run synth                           # every example, validated, into dist/examples/
 *   npx ts-node examples/llm-service/main.ts  # this one, into dist/
 */
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { LlmModelPool, ModelServer } from '../../src';

export class LlmServiceChart extends Chart {
  public readonly pool: LlmModelPool;

  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'default' });
    this.pool = new LlmModelPool(this, 'llm-service', {
      name: 'llm-service',
      modelName: 'demo',
      server: ModelServer.demo(),
      replicas: 2,
    });
  }
}

/** Adds this example's charts to `app` (scripts/synth-examples.ts calls it). */
export function build(app: App): void {
  new LlmServiceChart(app, 'llm-service');
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
