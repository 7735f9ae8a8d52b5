import { IConstruct } from 'constructs';

/*
 * Names of the objects the library's model constructs emit, per app and namespace: two constructs whose objects
 * share a kind, namespace and name would overwrite each other on `kubectl apply`. Internal: not exported from the
 * package. Keyed by the app's root construct (a WeakMap, so an app and its names are collected together); a later
 * change moves this into an app-wide construct.
 */

/** Who emits the object of a name. */
export interface NameOwner {
  /** The construct, for error messages. */
  readonly construct: IConstruct;
  /** What it is, such as `pool a/llama` or `the endpoint picker of InferencePool a/llama-pool`. */
  readonly description: string;
}

const registries = new WeakMap<IConstruct, Map<string, NameOwner>>();

function registryOf(scope: IConstruct): Map<string, NameOwner> {
  const root = scope.node.root;
  let names = registries.get(root);
  if (names === undefined) {
    names = new Map();
    registries.set(root, names);
  }
  return names;
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
