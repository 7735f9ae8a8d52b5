import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { AiGatewayRegistry } from './routing/registry';
import { invalid } from './validate';

/*
 * Names of the objects the library emits, per app, kind and namespace: two objects of one kind, namespace and name
 * would overwrite each other on `kubectl apply`. Internal: not exported from the package. Kept in the app's
 * AiGatewayRegistry (the construct at the app root that holds what the app's objects share), so an app and its names
 * are collected together.
 *
 * Pools and InferencePools check their names when they are made (ownerOf, then claimName). Gateways record the
 * objects they emit as they emit them (recordObjects): a gateway derives many names from its own (`<name>-2` for a
 * second HTTPRoute, `<name>-<route id>` for a route's policies), so a collision shows up in the middle of rendering a
 * route, where throwing would leave the renderer half-updated. It is reported when the app is synthesized instead,
 * by a validation of the registry, naming both objects and what emitted them.
 */

/** Who emits the object of a name. */
export interface NameOwner {
  /** The construct, for error messages. */
  readonly construct: IConstruct;
  /** What it is, such as `pool a/llama` or `the endpoint picker of InferencePool a/llama-pool`. */
  readonly description: string;
}

/** What emits objects whose names derive from its own: a gateway, or an InferencePool (its picker's DestinationRule). */
export interface Emitter {
  readonly construct: IConstruct;
  /** Such as `gateway test/gw`. */
  readonly description: string;
  /** The emitter's name, from which the objects' names derive. */
  readonly name: string;
}

/**
 * A name owner described as `<what> <construct path>`. The path is computed only for an error message: a platform App
 * records thousands of names and reports none.
 */
export class PathOwner implements NameOwner {
  constructor(private readonly what: string, public readonly construct: IConstruct) {}

  public get description(): string {
    return `${this.what} ${this.construct.node.path}`;
  }
}

/** An object's name owner, as gateways record it: the object, or the object of kind `implied` generated from it. */
class EmittedName implements NameOwner {
  constructor(public readonly construct: ApiObject, public readonly emitter: Emitter, private readonly implied?: string) {}

  public get description(): string {
    const object = `${this.construct.kind} ${this.construct.node.path}`;
    return this.implied === undefined ? object : `the ${this.implied.split('.')[0]} Envoy AI Gateway generates from ${object}`;
  }
}

interface Collision {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly first: NameOwner;
  readonly second: EmittedName;
}

/**
 * The names another object of a kind implies: Envoy AI Gateway v1.1.0 generates an HTTPRoute named like each
 * AIGatewayRoute, in its namespace (internal/controller/ai_gateway_route.go, newHTTPRoute).
 */
const IMPLIED_KINDS: Readonly<Record<string, string>> = {
  'AIGatewayRoute.aigateway.envoyproxy.io': 'HTTPRoute.gateway.networking.k8s.io',
};

/** The names of `scope`'s app, kept in the app's AiGatewayRegistry. */
function registryOf(scope: IConstruct): Map<string, NameOwner> {
  return AiGatewayRegistry.of(scope)._state('object-names', () => new Map<string, NameOwner>());
}

/** The collisions among the names gateways emitted, reported by a validation of the registry. */
function collisionsOf(scope: IConstruct): Collision[] {
  const registry = AiGatewayRegistry.of(scope);
  return registry._state('object-name-collisions', () => {
    const collisions: Collision[] = [];
    registry.node.addValidation({
      validate: () => collisions.filter(c => attached(c.first.construct) && attached(c.second.construct)).map(describeCollision),
    });
    return collisions;
  });
}

function keyOf(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

/** An object's kind as the names are kept: `Kind` for the core group, `Kind.group` otherwise (as kubectl names resources). */
export function qualifiedKind(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? kind : `${kind}.${apiVersion.slice(0, slash)}`;
}

/** The construct that already emits an object of this kind, namespace and name in `scope`'s app, if any. */
export function ownerOf(scope: IConstruct, kind: string, namespace: string | undefined, name: string): NameOwner | undefined {
  const owner = registryOf(scope).get(keyOf(kind, namespace, name));
  return owner === undefined || !attached(owner.construct) ? undefined : owner;
}

/** Records that `owner` emits an object of this kind, namespace and name (check ownerOf first). */
export function claimName(scope: IConstruct, kind: string, namespace: string | undefined, name: string, owner: NameOwner): void {
  registryOf(scope).set(keyOf(kind, namespace, name), owner);
}

/**
 * Records the names of `objects`, which `emitter` emits (and the names they imply). A name another object already has
 * is recorded as a collision, which fails synthesis naming both; changes nothing else. O(1) per object.
 */
export function recordObjects(scope: IConstruct, objects: Iterable<IConstruct>, emitter: Emitter): void {
  const names = registryOf(scope);
  for (const object of objects) {
    if (!(object instanceof ApiObject)) continue;
    const kind = qualifiedKind(object.apiVersion, object.kind);
    record(scope, names, kind, new EmittedName(object, emitter));
    const implied = IMPLIED_KINDS[kind];
    if (implied !== undefined) record(scope, names, implied, new EmittedName(object, emitter, implied));
  }
}

function record(scope: IConstruct, names: Map<string, NameOwner>, kind: string, mine: EmittedName): void {
  const object = mine.construct;
  const key = keyOf(kind, object.metadata.namespace, object.name);
  const first = names.get(key);
  if (first === undefined || !attached(first.construct)) {
    names.set(key, mine);
  } else if (first.construct !== object) {
    collisionsOf(scope).push({ kind: kind.split('.')[0], namespace: object.metadata.namespace, name: object.name, first, second: mine });
  }
}

function describeCollision(c: Collision): string {
  const where = c.namespace === undefined ? 'without a namespace' : `in namespace ${c.namespace}`;
  const firstEmitter = c.first instanceof EmittedName ? c.first.emitter : undefined;
  const first = firstEmitter === undefined ? c.first.description : `${c.first.description} of ${firstEmitter.description}`;
  return invalid(c.second.emitter.construct, 'name', c.second.emitter.name,
    `gives ${c.second.description} the name ${c.kind} ${c.name} ${where}, which ${first} has too, and kubectl apply keeps only the last of the two`,
    'rename one of them: a gateway names its HTTPRoutes and AIGatewayRoutes <name>, <name>-2, <name>-3, ..., its per-route objects '
    + '<name>-<route id> and its DestinationRules <name>-<Service>').message;
}

/** Whether `c` is still in its tree (a route rejected by addRoute is removed with its objects). O(depth). */
function attached(c: IConstruct): boolean {
  for (let x: IConstruct = c; x.node.scope !== undefined; x = x.node.scope) {
    if (x.node.scope.node.tryFindChild(x.node.id) !== x) return false;
  }
  return true;
}
