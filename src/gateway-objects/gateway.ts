import type { Construct, IConstruct } from 'constructs';
import { Gateway, GatewaySpecListenersAllowedRoutesNamespacesFrom, GatewaySpecListenersTlsMode } from '../imports/gateway.networking.k8s.io';
import type { GatewaySpec } from '../routing/resolved';
import { invalid } from '../validate';

/*
 * The Gateway API `Gateway` object, shared by the data planes built on Gateway API (Gateway API itself and
 * Envoy AI Gateway), kept apart from both renderers. A helper, not a renderer.
 */

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
/** Gateway API's limits: hostnames of a route, listeners of a Gateway, rules of an HTTPRoute. */
const MAX_HOSTNAMES = 16;
const MAX_LISTENERS = 64;
export const MAX_HTTPROUTE_RULES = 16;

/** The units of a Gateway API Duration, largest first, in milliseconds. */
const DURATION_UNITS: ReadonlyArray<readonly [string, number]> = [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]];
/** The most a part of a Gateway API Duration can count (five digits). */
const MAX_DURATION_PART = 99_999;

/**
 * A Gateway API Duration (GEP-2257), the format of HTTPRoute timeouts and of every Envoy Gateway and Envoy AI
 * Gateway duration: the CRDs accept `^([0-9]{1,5}(h|m|s|ms)){1,4}$`, at most four parts of at most five digits.
 * Rendered in the largest unit that holds the value exactly (`48h`, `100s`, `2500ms`), or in parts
 * (`27h46m40s1ms`) when no single unit does; longer than 99999 hours is rejected.
 */
export function gatewayDuration(where: IConstruct, property: string, millis: number): string {
  if (millis === 0) return '0s';
  for (const [unit, size] of DURATION_UNITS) {
    if (millis % size === 0 && millis / size <= MAX_DURATION_PART) return `${millis / size}${unit}`;
  }
  if (millis / 3_600_000 >= MAX_DURATION_PART + 1) {
    throw invalid(where, property, `${millis}ms`, `is longer than a Gateway API duration can be (at most ${MAX_DURATION_PART} hours)`, 'use a shorter duration');
  }
  let rest = millis;
  const parts: string[] = [];
  for (const [unit, size] of DURATION_UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join('');
}

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
