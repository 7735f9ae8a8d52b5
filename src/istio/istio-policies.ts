import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import {
  DestinationRule, DestinationRuleSpecTrafficPolicy, DestinationRuleSpecTrafficPolicyLoadBalancerSimple, DestinationRuleSpecTrafficPolicyTlsMode,
} from '../imports/networking.istio.io';
import { AuthorizationPolicy, AuthorizationPolicySpecAction, RequestAuthentication } from '../imports/security.istio.io';
import type { InferencePool } from '../inference-pool';
import { recordObjects } from '../object-names';
import { AiGatewayRegistry } from '../routing/registry';
import { samePolicy } from '../routing/render-helpers';
import type { DestinationSpec, JwtSpec, PolicySpec, RouteSpec } from '../routing/resolved';
import { invalid } from '../validate';

/*
 * Istio objects that both the Istio data plane and the Gateway API data plane's Istio implementation render:
 * DestinationRules for backend traffic policy and the JWT pair. Shared helpers, not a renderer.
 */

type BackendPolicies = Pick<PolicySpec, 'circuitBreaker' | 'sessionAffinity'>;

/**
 * The DestinationRule of one host, and what created it: a route of a gateway (with the route's backend policies), or
 * the endpoint picker of an InferencePool (TLS to the picker).
 */
type HostRule = {
  readonly gateway: string;
  readonly route: string;
  readonly policies: BackendPolicies;
  readonly picker?: undefined;
  /** The DestinationRule. */
  readonly object: ApiObject;
} | {
  /** The InferencePool whose picker Service the host is. */
  readonly picker: InferencePool;
  readonly object: ApiObject;
};

/** The App's DestinationRules by host, in its AiGatewayRegistry. */
function hostRules(scope: IConstruct): Map<string, HostRule> {
  return AiGatewayRegistry.of(scope)._state('istio/destination-rules', () => new Map<string, HostRule>());
}

/**
 * One DestinationRule per backend host in the whole App (Istio applies one rule per host, whichever gateway's
 * routes send there): routes to the same host, on any gateway, must agree on its policies, and no route may send to
 * an endpoint picker's Service, whose DestinationRule is the picker's. The rules live in the App's
 * AiGatewayRegistry; this object is one gateway's view of them.
 */
export class DestinationRules {
  private readonly rules: Map<string, HostRule>;
  /** The gateway's construct path, which names it in errors about another gateway's routes. */
  private readonly gatewayPath: string;

  constructor(private readonly scope: Construct, private readonly namePrefix: string) {
    this.rules = hostRules(scope);
    this.gatewayPath = scope.node.path;
  }

  /** Throws when `route` asks for other policies for `host` than an earlier route; changes nothing. */
  public check(route: RouteSpec, host: string): void {
    const existing = this.rules.get(host);
    if (existing === undefined) return;
    if (existing.picker !== undefined) {
      throw invalid(route.scope, 'backend', host,
        `is the endpoint picker Service of InferencePool ${existing.picker.node.path}, whose DestinationRule originates TLS to the picker, `
        + 'and Istio applies one DestinationRule per host',
        'route to the InferencePool with Backend.inferencePool(...), not to its picker Service');
    }
    const mine = backendPolicies(route);
    if (samePolicy(existing.policies, mine)) return;
    const differing = (['circuitBreaker', 'sessionAffinity'] as const).filter(k => !samePolicy(existing.policies[k] ?? null, mine[k] ?? null));
    if (existing.gateway === this.gatewayPath) {
      throw invalid(route.scope, 'circuitBreaker/sessionAffinity', host,
        `differ from route '${existing.route}', which sends to the same backend, and Istio keeps these in one DestinationRule per backend`,
        'give every route to this backend the same circuitBreaker and sessionAffinity (set them in the gateway defaults)');
    }
    throw invalid(route.scope, differing.join('/'), host,
      `differs from route '${existing.route}' of gateway ${existing.gateway}, which sends to the same backend, and Istio applies one DestinationRule per backend host to every gateway`,
      `give every route to this backend, on both gateways, the same ${differing.join(' and ')}`);
  }

  /**
   * Adds the rule for `host` the first time in the App; later routes to the host must ask for the same policies (see
   * check). Returns the host's DestinationRule, whichever route or gateway created it.
   */
  public add(route: RouteSpec, d: DestinationSpec, host: string): ApiObject {
    this.check(route, host);
    const existing = this.rules.get(host);
    if (existing !== undefined) return existing.object;
    const policies = backendPolicies(route);
    const object = new DestinationRule(this.scope, `DestinationRule-${host}`, {
      metadata: { name: `${this.namePrefix}-${d.name}`, namespace: d.namespace },
      spec: { host, trafficPolicy: trafficPolicy(policies) },
    });
    this.rules.set(host, { gateway: this.gatewayPath, route: route.id, policies, object });
    return object;
  }
}

/*
 * Istio calls the picker through the Gateway API inference extension, which istiod enables only with the
 * environment variable ENABLE_GATEWAY_API_INFERENCE_EXTENSION=true (Helm: istiod `env.ENABLE_GATEWAY_API_INFERENCE_EXTENSION: "true"`).
 * The picker serves ext-proc over TLS with a self-signed certificate by default, so the gateway must
 * originate TLS without verifying it.
 */

/** The host of an InferencePool's endpoint picker Service. */
function pickerHost(inferencePool: InferencePool): string {
  return `${inferencePool.pickerName}.${inferencePool.namespaceName}.svc.cluster.local`;
}

/**
 * Throws when the App already has a DestinationRule for the picker's host that is not the picker's (a route of an Istio
 * gateway sending to the picker Service); changes nothing. `scope` is the gateway's (its App's registry).
 */
export function checkPickerDestinationRule(scope: IConstruct, routeScope: IConstruct, property: string, inferencePool: InferencePool): void {
  const host = pickerHost(inferencePool);
  const existing = hostRules(scope).get(host);
  if (existing === undefined || existing.picker === inferencePool) return;
  const owner = existing.picker !== undefined ? `the endpoint picker of InferencePool ${existing.picker.node.path}` : `route '${existing.route}' of gateway ${existing.gateway}`;
  throw invalid(routeScope, property, inferencePool.node.path,
    `needs a DestinationRule that originates TLS to its endpoint picker (${host}), and ${owner} already has the DestinationRule of that host, `
    + 'of which Istio applies one',
    'do not route to the picker Service with Backend.service(...): route to the InferencePool with Backend.inferencePool(...) only');
}

/**
 * The DestinationRule that originates TLS to an InferencePool's endpoint picker, through the App's one DestinationRule
 * per host (created once, as a child of the InferencePool; check first with checkPickerDestinationRule).
 */
export function pickerDestinationRule(scope: IConstruct, routeScope: IConstruct, property: string, inferencePool: InferencePool): ApiObject {
  checkPickerDestinationRule(scope, routeScope, property, inferencePool);
  const rules = hostRules(scope);
  const host = pickerHost(inferencePool);
  const existing = rules.get(host);
  if (existing !== undefined) return existing.object;
  const name = inferencePool.pickerName;
  const namespace = inferencePool.namespaceName;
  const object = inferencePool._pickerDestinationRule((parent, id) => new DestinationRule(parent, id, {
    metadata: { name, namespace },
    spec: { host, trafficPolicy: { tls: { mode: DestinationRuleSpecTrafficPolicyTlsMode.SIMPLE, insecureSkipVerify: true } } },
  }));
  rules.set(host, { picker: inferencePool, object });
  recordObjects(scope, [object], { construct: inferencePool, description: `InferencePool ${inferencePool.node.path}`, name: inferencePool.name });
  return object;
}

function backendPolicies(route: RouteSpec): BackendPolicies {
  return { circuitBreaker: route.policies.circuitBreaker, sessionAffinity: route.policies.sessionAffinity };
}

function trafficPolicy(p: BackendPolicies): DestinationRuleSpecTrafficPolicy {
  const a = p.sessionAffinity;
  const cb = p.circuitBreaker;
  const od = cb?.outlierDetection;
  const hasHttpLimits = cb !== undefined && [cb.maxPendingRequests, cb.maxRequests, cb.maxRetries].some(v => v !== undefined);
  return {
    // LLM requests vary in cost by orders of magnitude: send each to the replica with the fewest in flight.
    loadBalancer: a === undefined ? { simple: DestinationRuleSpecTrafficPolicyLoadBalancerSimple.LEAST_UNDERSCORE_REQUEST } : {
      consistentHash: a.kind === 'cookie'
        ? { httpCookie: { name: a.name, ttl: `${a.ttlSeconds}s`, path: a.path } }
        : { httpHeaderName: a.name },
    },
    connectionPool: cb === undefined || (cb.maxConnections === undefined && !hasHttpLimits) ? undefined : {
      tcp: cb.maxConnections === undefined ? undefined : { maxConnections: cb.maxConnections },
      http: !hasHttpLimits ? undefined : {
        http1MaxPendingRequests: cb.maxPendingRequests,
        http2MaxRequests: cb.maxRequests,
        maxRetries: cb.maxRetries,
      },
    },
    outlierDetection: od === undefined ? undefined : {
      consecutive5XxErrors: od.consecutiveErrors,
      interval: `${od.intervalSeconds}s`,
      baseEjectionTime: `${od.baseEjectionSeconds}s`,
      maxEjectionPercent: od.maxEjectionPercent,
    },
  };
}

/** How the JWT pair finds the gateway: by pod labels, or (Gateway API) by a reference to the Gateway. */
export interface JwtAttachment {
  readonly selector?: Record<string, string>;
  readonly gatewayRef?: { readonly name: string };
}

/**
 * RequestAuthentication validates tokens; alone it lets token-less requests through, so a DENY
 * AuthorizationPolicy rejects requests without a valid token, and those without a required claim value.
 */
export function renderJwtPair(scope: IConstruct & Construct, jwt: JwtSpec, options: {
  readonly name: string;
  readonly namespace?: string;
  readonly hostnames: readonly string[];
  readonly attach: JwtAttachment;
}): void {
  const target = options.attach.gatewayRef === undefined
    ? { selector: { matchLabels: options.attach.selector! } }
    : { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: options.attach.gatewayRef.name }] };
  // The generated binding writes jwksUri under its proto name, jwks_uri, which the CRD and istiod accept too.
  new RequestAuthentication(scope, 'RequestAuthentication', {
    metadata: { name: `${options.name}-jwt`, namespace: options.namespace },
    spec: {
      ...target,
      jwtRules: [{
        issuer: jwt.issuer,
        jwksUri: jwt.jwksUri,
        jwks: jwt.jwks,
        audiences: jwt.audiences.length > 0 ? [...jwt.audiences] : undefined,
        forwardOriginalToken: jwt.forwardToken,
      }],
    },
  });
  // Hosts with and without a port: a Host header of llm.example.com:80 must not slip past the DENY rules.
  const to = [{ operation: { hosts: options.hostnames.flatMap(h => [h, `${h}:*`]) } }];
  new AuthorizationPolicy(scope, 'AuthorizationPolicy', {
    metadata: { name: `${options.name}-require-jwt`, namespace: options.namespace },
    spec: {
      ...target,
      action: AuthorizationPolicySpecAction.DENY,
      rules: [
        // No valid token (missing, or failed validation): deny.
        { from: [{ source: { notRequestPrincipals: ['*'] } }], to },
        // A required claim without an allowed value: deny.
        ...jwt.requiredClaims.map(c => ({ to, when: [{ key: `request.auth.claims[${c.claim}]`, notValues: [...c.values] }] })),
      ],
    },
  });
}
