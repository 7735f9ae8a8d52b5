import type { Construct } from 'constructs';
import { Gateway, GatewaySpecListenersAllowedRoutesNamespacesFrom, GatewaySpecListenersTlsMode } from '../imports/gateway.networking.k8s.io';
import type { GatewaySpec } from '../routing/resolved';

/*
 * The Gateway API `Gateway` object, shared by the data planes built on Gateway API (Gateway API itself and
 * Envoy AI Gateway). A helper, not a renderer.
 */

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/**
 * A Gateway with a listener per port and hostname, TLS terminated with the listener's Secret, and routes
 * accepted from its own namespace only. The construct id is `Resource`, so `ApiObject.of(gateway)` finds it.
 */
export function renderGatewayObject(scope: Construct, gateway: GatewaySpec, gatewayClassName: string): Gateway {
  const perHost = gateway.hostnames.length > 1;
  return new Gateway(scope, 'Resource', {
    metadata: { name: gateway.name, namespace: gateway.namespace },
    spec: {
      gatewayClassName,
      listeners: gateway.listeners.flatMap(l => gateway.hostnames.map((hostname, i) => ({
        name: `${l.protocol.toLowerCase()}-${l.port}${perHost ? `-${i}` : ''}`,
        hostname,
        port: l.port,
        protocol: l.protocol,
        tls: l.tlsSecret === undefined ? undefined : { mode: GatewaySpecListenersTlsMode.TERMINATE, certificateRefs: [{ kind: 'Secret', name: l.tlsSecret }] },
        allowedRoutes: { namespaces: { from: GatewaySpecListenersAllowedRoutesNamespacesFrom.SAME } },
      }))),
    },
  });
}
