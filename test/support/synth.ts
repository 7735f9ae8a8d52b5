import { Chart, Testing } from 'cdk8s';
import { assertValidManifests, ValidateOptions } from '../../tools/validator';

/** A synthesized Kubernetes document, loosely typed for assertions. */
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [key: string]: any }; [key: string]: any };

/**
 * Synthesizes a chart and checks every document strictly against the vendored upstream/ schemas (Kubernetes 1.28 and
 * 1.36, pinned CRDs) before returning them: no test passes on output a cluster would reject.
 */
export function synthValid(chart: Chart, options?: ValidateOptions): Manifest[] {
  const docs = Testing.synth(chart) as Manifest[];
  assertValidManifests(docs, options);
  return docs;
}

/** The one document of `kind` (and `name`, when given); fails when there is none or more than one. */
export function only(docs: readonly Manifest[], kind: string, name?: string): Manifest {
  const found = docs.filter(d => d.kind === kind && (name === undefined || d.metadata.name === name));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind}${name ? `/${name}` : ''}, found ${found.length}: ${docs.map(d => `${d.kind}/${d.metadata.name}`).join(', ')}`);
  }
  return found[0];
}

/** The kinds of the documents, in output order. */
export function kinds(docs: readonly Manifest[]): string[] {
  return docs.map(d => d.kind);
}
