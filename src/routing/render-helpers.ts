import { isDeepStrictEqual } from 'util';
import type { IConstruct } from 'constructs';
import { invalid } from '../validate';
import type { DestinationSpec } from './resolved';

/*
 * Small helpers data-plane renderers share. Renderers never import each other; what two of them need lives here.
 */

/** `<service>.<namespace>.svc.cluster.local` for a Kubernetes destination. */
export function fullyQualifiedHost(scope: IConstruct, property: string, d: DestinationSpec, dataPlane: string): string {
  if (d.namespace === undefined) {
    throw invalid(scope, property, d.name, `has no namespace, and the ${dataPlane} data plane needs fully qualified Service hosts`,
      'set namespace on the pool, the Service backend, the gateway or the chart');
  }
  return `${d.name}.${d.namespace}.svc.cluster.local`;
}

/**
 * Relative weights as whole percentages summing to exactly 100 (largest remainder), for data planes that
 * want percentages. A weight of 0 stays 0.
 */
export function normalizeWeights(weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map(w => (w * 100) / total);
  const result = exact.map(Math.floor);
  const order = exact.map((e, i) => ({ i, remainder: e - Math.floor(e) })).sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  let missing = 100 - result.reduce((a, b) => a + b, 0);
  for (const { i } of order) {
    if (missing === 0) break;
    result[i]++;
    missing--;
  }
  return result;
}

/** Whether two resolved policies are the same. */
export function samePolicy(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
}
