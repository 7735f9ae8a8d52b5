import { ApiObject, GroupVersionKind } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/*
 * Built-in Kubernetes objects made from their manifest. The generated L1 classes (k8s.KubeDeployment and the like)
 * resolve their props at every synthesis and then copy each field again through a generated converter, which
 * rebuilds every object one property at a time: for a pool's Deployment that is as much work again as resolving it.
 * An object the library writes once needs neither: its typed props are checked by the compiler, and turned into
 * the manifest once, when the object is made. Internal: not exported from the package.
 */

/**
 * An `ApiObject` of the built-in kind `gvk` from `props` typed as the L1's props (such as `k8s.KubeServiceProps`):
 * IntOrString and Quantity values become their number or string and undefined fields are dropped, once. Lazy
 * values stay and are resolved at synthesis (they must not produce IntOrString or Quantity values).
 *
 * Only for props whose fields all have their JSON names: the L1 props spell a few fields otherwise (`clusterIp`,
 * `hostIp`, `hostIpc`, `loadBalancerIp`, ... for `clusterIP`, `hostIP`, `hostIPC`, `loadBalancerIP`), which the L1's
 * converter renames and this does not (the validator would reject the misspelled field in the tests).
 */
export function plainApiObject<P extends { readonly metadata?: k8s.ObjectMeta }>(
  scope: Construct, id: string, gvk: GroupVersionKind, props: P): ApiObject {
  return new ApiObject(scope, id, { ...plain(props), apiVersion: gvk.apiVersion, kind: gvk.kind });
}

function plain(value: any): any {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof k8s.IntOrString || value instanceof k8s.Quantity) return value.value;
  // Lazy values and other tokens: resolved at synthesis.
  if (value.constructor !== Object) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (v !== undefined) out[key] = plain(v);
  }
  return out;
}
