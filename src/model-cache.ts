import { Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { requireDnsSubdomain, sizeQuantity } from './validate';

/** Options for `ModelCache.emptyDir`. */
export interface EmptyDirCacheOptions {
  /**
   * The most node disk the cache may use; the pod is evicted beyond it.
   * @default - no limit (bounded by the node's ephemeral storage)
   */
  readonly sizeLimit?: Size;
}

/**
 * Where a model server keeps downloaded weights and compiled kernels.
 *
 * @example
 * ModelCache.emptyDir({ sizeLimit: Size.gibibytes(100) }); // per pod, downloaded at each start
 * ModelCache.persistentVolumeClaim('llama-weights'); // shared, survives restarts
 */
export class ModelCache {
  /** A per-pod `emptyDir` on the node's disk: simple, but every new pod downloads the model again. */
  public static emptyDir(options: EmptyDirCacheOptions = {}): ModelCache {
    return new ModelCache(undefined, options.sizeLimit);
  }

  /**
   * An existing PersistentVolumeClaim in the pool's namespace. For more than one replica the claim must
   * allow `ReadWriteMany` access. The server writes its caches there too, so it is mounted read-write.
   */
  public static persistentVolumeClaim(claimName: string): ModelCache {
    return new ModelCache(claimName, undefined);
  }

  private constructor(private readonly claimName: string | undefined, private readonly sizeLimit: Size | undefined) {}

  /** @internal */
  public _volume(scope: IConstruct, property: string, name: string): k8s.Volume {
    if (this.claimName !== undefined) {
      requireDnsSubdomain(scope, `${property}.claimName`, this.claimName);
      return { name, persistentVolumeClaim: { claimName: this.claimName } };
    }
    return {
      name,
      emptyDir: this.sizeLimit ? { sizeLimit: k8s.Quantity.fromString(sizeQuantity(scope, `${property}.sizeLimit`, this.sizeLimit)) } : {},
    };
  }
}
