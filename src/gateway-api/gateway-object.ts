import type { Construct } from 'constructs';
import { Gateway, GatewaySpecListenersAllowedRoutesNamespacesFrom, GatewaySpecListenersTlsMode } from '../imports/gateway.networking.k8s.io';
import type { GatewaySpec } from '../routing/resolved';
import { invalid } from '../validate';

/*
 * The Gateway API `Gateway` object, shared by the data planes built on Gateway API (Gateway API itself and
 * Envoy AI Gateway). A helper, not a renderer.
 */

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
/** Gateway API's limits: hostnames of a route, listeners of a Gateway, rules of an HTTPRoute. */
const MAX_HOSTNAMES = 16;
const MAX_LISTENERS = 64;
export const MAX_HTTPROUTE_RULES = 16;

/**
 * A Gateway with a listener per port and hostname, TLS terminated with the listener's Secret, and routes
 * accepted from its own namespace only. The construct id is `Resource`, so `ApiObject.of(gateway)` finds it.
 */
export function renderGatewayObject(scope: Construct, gateway: GatewaySpec, gatewayClassName: string): Gateway {
  if (gateway.hostnames.length > MAX_HOSTNAMES) {
    throw invalid(scope, 'hostnames', `${gateway.hostnames.length} hostnames`, `are more than the ${MAX_HOSTNAMES} a route can carry in Gateway API`,
      'split the hostnames over several AiGateways');
  }
  const listeners = gateway.listeners.length * gateway.hostnames.length;
  if (listeners > MAX_LISTENERS) {
    throw invalid(scope, 'listeners', `${gateway.listeners.length} listeners x ${gateway.hostnames.length} hostnames`,
      `make ${listeners} Gateway listeners, more than the ${MAX_LISTENERS} Gateway API allows`, 'use fewer listeners or hostnames per AiGateway');
  }
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
