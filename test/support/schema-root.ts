import * as fs from 'fs';
import * as path from 'path';

/** The environment variable that points at a copy of the shared schema folder. */
export const SCHEMAS_ENV = 'CDK8S_AI_GATEWAY_SCHEMAS';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/**
 * The folder holding the upstream schemas (Kubernetes definitions, CRDs, ingress-nginx annotations).
 * They are upstream data read at build and test time, never copied into this repository.
 */
export function schemaRoot(): string {
  const root = process.env[SCHEMAS_ENV] ?? path.join(REPO_ROOT, '..', 'shared', 'schemas');
  if (!fs.existsSync(path.join(root, 'README.md')) || !fs.existsSync(path.join(root, 'crds'))) {
    throw new Error(
      `No schema folder at ${root}: put the shared folder beside the repository (../shared/schemas) ` +
      `or set ${SCHEMAS_ENV} to a folder with kubernetes/, crds/ and ingress-nginx/.`);
  }
  return root;
}
