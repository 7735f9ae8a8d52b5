import { InferencePool, InferencePoolProps } from '../../src/inference-pool';
import { ILlmModelPool } from '../../src/llm-model-pool';

/**
 * The pool's InferencePool, made next to the pool (its child `InferencePool`) with `settings` on first use; later
 * calls return that one.
 */
export function pickedBy(pool: ILlmModelPool, settings: Omit<InferencePoolProps, 'pool'> = {}): InferencePool {
  return (pool.node.tryFindChild('InferencePool') as InferencePool | undefined) ?? new InferencePool(pool, 'InferencePool', { pool, ...settings });
}
