import { IConstruct } from 'constructs';
import { AiGatewayRegistry } from './routing/registry';

/*
 * Names of the objects the library's model constructs emit, per app and namespace: two constructs whose objects
 * share a kind, namespace and name would overwrite each other on `kubectl apply`. Internal: not exported from the
 * package. Kept in the app's AiGatewayRegistry (the construct at the app root that holds what the app's objects share),
 * so an app and its names are collected together.
 */

/** Who emits the object of a name. */
export interface NameOwner {
  /** The construct, for error messages. */
  readonly construct: IConstruct;
  /** What it is, such as `pool a/llama` or `the endpoint picker of InferencePool a/llama-pool`. */
  readonly description: string;
}

/** The names of `scope`'s app, kept in the app's AiGatewayRegistry. */
function registryOf(scope: IConstruct): Map<string, NameOwner> {
  return AiGatewayRegistry.of(scope)._state('object-names', () => new Map<string, NameOwner>());
}

function keyOf(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

/** The construct that already emits an object of this kind, namespace and name in `scope`'s app, if any. */
export function ownerOf(scope: IConstruct, kind: string, namespace: string | undefined, name: string): NameOwner | undefined {
  return registryOf(scope).get(keyOf(kind, namespace, name));
}

/** Records that `owner` emits an object of this kind, namespace and name (check ownerOf first). */
export function claimName(scope: IConstruct, kind: string, namespace: string | undefined, name: string, owner: NameOwner): void {
  registryOf(scope).set(keyOf(kind, namespace, name), owner);
}
