import type { DataPlaneImpl } from '../routing/data-plane';

/** Options for `DataPlane.nginxIngress` (legacy: ingress-nginx is retired). */
export interface NginxIngressDataPlaneOptions {
  /** The IngressClass of the ingress-nginx controller, such as `nginx`. */
  readonly ingressClassName: string;
}

/** @internal */
export function nginxIngressDataPlane(_options: NginxIngressDataPlaneOptions): DataPlaneImpl {
  throw new Error('not implemented yet');
}
