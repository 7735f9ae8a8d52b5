import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { DestinationRule, DestinationRuleSpecTrafficPolicy, DestinationRuleSpecTrafficPolicyLoadBalancerSimple } from '../imports/networking.istio.io';
import { AuthorizationPolicy, AuthorizationPolicySpecAction, RequestAuthentication } from '../imports/security.istio.io';
import { AiGatewayRegistry } from '../routing/registry';
import { samePolicy } from '../routing/render-helpers';
import type { DestinationSpec, JwtSpec, PolicySpec, RouteSpec } from '../routing/resolved';
import { invalid } from '../validate';

/*
 * Istio objects that both the Istio data plane and the Gateway API data plane's Istio implementation render:
 * DestinationRules for backend traffic policy and the JWT pair. Shared helpers, not a renderer.
 */

type BackendPolicies = Pick<PolicySpec, 'circuitBreaker' | 'sessionAffinity'>;

/** The DestinationRule of one backend host, and the gateway and route that created it. */
interface HostRule {
  readonly gateway: string;
  readonly route: string;
  readonly policies: BackendPolicies;
  /** The DestinationRule. */
  readonly object: ApiObject;
}

/**
 * One DestinationRule per backend host in the whole App (Istio applies one rule per host, whichever gateway's
 * routes send there): routes to the same host, on any gateway, must agree on its policies. The rules live in the
 * App's AiGatewayRegistry; this object is one gateway's view of them.
 */
export class DestinationRules {
  private readonly rules: Map<string, HostRule>;

  constructor(private readonly scope: Construct, private readonly namePrefix: string) {
    this.rules = AiGatewayRegistry.of(scope)._state('istio/destination-rules', () => new Map<string, HostRule>());
  }

  /** Throws when `route` asks for other policies for `host` than an earlier route; changes nothing. */
  public check(route: RouteSpec, host: string): void {
    const existing = this.rules.get(host);
    if (existing === undefined) return;
    const mine = backendPolicies(route);
    if (samePolicy(existing.policies, mine)) return;
    const differing = (['circuitBreaker', 'sessionAffinity'] as const).filter(k => !samePolicy(existing.policies[k] ?? null, mine[k] ?? null));
    if (existing.gateway === this.scope.node.path) {
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
    this.rules.set(host, { gateway: this.scope.node.path, route: route.id, policies, object });
    return object;
  }
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
