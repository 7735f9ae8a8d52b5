import { InferencePool } from '../../src/inference-pool';
import { ILlmModelPool } from '../../src/llm-model-pool';

/** The pool's InferencePool with default settings, made next to the pool (its child `InferencePool`) on first use. */
export function pickedBy(pool: ILlmModelPool): InferencePool {
  return (pool.node.tryFindChild('InferencePool') as InferencePool | undefined) ?? new InferencePool(pool, 'InferencePool', { pool });
}
