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
 * IntOrString and Quantity values become their number or string, once. The rest of `props` becomes the manifest as
 * it is, not copied (as the L1 classes keep their props): cdk8s drops undefined fields and copies every value when it
 * resolves the object at synthesis, so the caller must not change `props` afterwards. Lazy values stay and are
 * resolved at synthesis (they must not produce IntOrString or Quantity values).
 *
 * Only for props whose fields all have their JSON names: the L1 props spell a few fields otherwise (`clusterIp`,
 * `hostIp`, `hostIpc`, `loadBalancerIp`, ... for `clusterIP`, `hostIP`, `hostIPC`, `loadBalancerIP`), which the L1's
 * converter renames and this does not (the validator would reject the misspelled field in the tests).
 */
export function plainApiObject<P extends { readonly metadata?: k8s.ObjectMeta }>(
  scope: Construct, id: string, gvk: GroupVersionKind, props: P): ApiObject {
  return new ApiObject(scope, id, { ...plain(props), apiVersion: gvk.apiVersion, kind: gvk.kind });
}

/**
 * `value` with IntOrString and Quantity values replaced by their value. Copy on write: an object or array that holds
 * none is returned as it is, so the manifest is the caller's objects, not a second copy of them.
 */
function plain(value: any): any {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = plain(value[i]);
      if (out === undefined && v !== value[i]) out = value.slice(0, i);
      if (out !== undefined) out.push(v);
    }
    return out ?? value;
  }
  if (value instanceof k8s.IntOrString || value instanceof k8s.Quantity) return value.value;
  // Lazy values and other tokens: resolved at synthesis.
  if (value.constructor !== Object) return value;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const v = plain(value[key]);
    if (out === undefined && v !== value[key]) out = { ...value };
    if (out !== undefined) out[key] = v;
  }
  return out ?? value;
}
