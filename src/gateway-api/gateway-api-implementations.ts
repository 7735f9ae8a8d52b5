import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { backendTrafficPolicySpec, checkEnvoyGatewayJwt, envoyProxyWorkload, renderSecurityPolicy } from '../envoy-gateway/envoy-gateway-policies';
import { GATEWAY_GROUP, gatewayDuration } from '../gateway-objects/gateway';
import type { GatewayApiImplementationKind } from '../gateway-objects/inference-pool-refs';
import { HttpRouteSpecRules as ExperimentalRule, HttpRouteSpecRulesSessionPersistenceType } from '../imports/experimental-gateway.networking.k8s.io';
import { BackendTrafficPolicy } from '../imports/gateway.envoyproxy.io';
import { DestinationRules, renderJwtPair } from '../istio/istio-policies';
import type { GatewayWorkload } from '../routing/data-plane';
import { ENVOY_GATEWAY_RANKING, GATEWAY_API_RANKING, MatchRanking } from '../routing/precedence';
import { fullyQualifiedHost } from '../routing/render-helpers';
import type { GatewaySpec, RetrySpec, RouteSpec } from '../routing/resolved';
import { invalid } from '../validate';

/*
 * What each Gateway API implementation adds to Gateway API itself, one strategy object per implementation, so the
 * Gateway API renderer (gateway-api-data-plane.ts) never asks which implementation it renders for. Internal.
 */

/** The fields of an HTTPRoute rule that an implementation decides. */
export type ImplementationRuleFields = Pick<ExperimentalRule, 'retry' | 'sessionPersistence'> & { readonly backendRequest?: string };

/** An implementation's part of one gateway: the per-rule half, once its gateway-wide objects are rendered. */
export interface BoundImplementation {
  /** Rejects what has no effect with the implementation, and returns its fields of the route's rule. Renders nothing. */
  ruleFields(route: RouteSpec): ImplementationRuleFields;
  /**
   * Checks the route's policy objects and returns how to render them once its rule has a place in HTTPRoute
   * `routeName`: what a rejected route would leave behind is rendered only by `render`.
   */
  rulePolicies(route: RouteSpec, routeName: string): { render(): ApiObject[] };
}

/** A Gateway API implementation. */
export interface HttpRouteImplementation {
  readonly kind: GatewayApiImplementationKind;
  /** The orders the implementation sorts rules in: rules spread over several HTTPRoutes keep the user's order under each. */
  readonly rankings: readonly MatchRanking[];
  /** Whether the endpoint picker needs a DestinationRule for its TLS (see InferencePoolRenderer). */
  readonly pickerDestinationRule: boolean;
  /** The pods that serve the Gateway, for NetworkPolicies. */
  workload(gateway: GatewaySpec): GatewayWorkload;
  /** The conditions a rule with `retry` is really retried on, for the topology. */
  retried(experimental: boolean, retry: RetrySpec): string[];
  /** Renders the gateway-wide objects (JWT) and returns the per-rule half. */
  bind(scope: Construct, gateway: GatewaySpec, experimental: boolean): BoundImplementation;
}

/** GEP-1762: automated deployments label their pods with the Gateway's name, in the Gateway's namespace. */
function gep1762Workload(gateway: GatewaySpec): GatewayWorkload {
  return { namespace: gateway.namespace ?? 'default', labels: { 'gateway.networking.k8s.io/gateway-name': gateway.name }, extraPorts: [] };
}

function perTryTimeout(route: RouteSpec): string | undefined {
  const perTry = route.policies.retry?.perTrySeconds;
  return perTry === undefined ? undefined : gatewayDuration(route.scope, 'retry.perTryTimeout', perTry * 1000);
}

const NO_POLICIES = { render: (): ApiObject[] => [] };

/**
 * Envoy Gateway: a BackendTrafficPolicy per rule holds retries (the per-try timeout too), circuit breaking,
 * affinity, rate limits, timeouts and faults; SecurityPolicies hold JWT, on the Gateway and on rules.
 */
export function envoyGatewayImplementation(proxyNamespace: string): HttpRouteImplementation {
  return {
    kind: 'envoy-gateway',
    // Envoy Gateway orders matches its own way too; the order must hold under both.
    rankings: [GATEWAY_API_RANKING, ENVOY_GATEWAY_RANKING],
    pickerDestinationRule: false,
    workload: gateway => envoyProxyWorkload(gateway, proxyNamespace),
    retried: (_experimental, retry) => retry.conditions.map(c => c.token),
    bind: (scope, gateway) => {
      const jwt = gateway.defaults.jwt;
      if (jwt !== undefined) {
        checkEnvoyGatewayJwt(scope, 'defaults.jwt', jwt, 'Envoy Gateway');
        renderSecurityPolicy(scope, 'SecurityPolicy', gateway.name, gateway.namespace, { group: GATEWAY_GROUP, kind: 'Gateway', name: gateway.name }, jwt);
      }
      return {
        ruleFields: route => {
          if (route.backend.destinations.some(d => d.inference?.failureMode === 'FailOpen')) {
            throw invalid(route.scope, 'backend.failureMode', 'PickerFailureMode.FAIL_OPEN', 'is ignored by Envoy Gateway, whose InferencePools are served by '
              + 'Envoy AI Gateway\'s extension server, and it always fails closed when the endpoint picker is unavailable (envoyproxy/ai-gateway v1.1.0)',
            'leave failureMode out (FAIL_CLOSE), and run more than one picker replica (pickerReplicas) for availability; or use GatewayImplementation.istio()');
          }
          // Retries and the per-try timeout live in the BackendTrafficPolicy (see backendTrafficPolicySpec).
          return {};
        },
        rulePolicies: (route, routeName) => envoyGatewayRulePolicies(scope, gateway, route, routeName),
      };
    },
  };
}

/**
 * One BackendTrafficPolicy per route rule with every effective setting (a rule's policy replaces the Gateway's),
 * and a SecurityPolicy when the route sets its own JWT.
 */
function envoyGatewayRulePolicies(scope: Construct, gateway: GatewaySpec, route: RouteSpec, routeName: string): { render(): ApiObject[] } {
  // The rule's section of the HTTPRoute that holds it.
  const target = { group: GATEWAY_GROUP, kind: 'HTTPRoute', name: routeName, sectionName: route.id };
  const spec = backendTrafficPolicySpec(route, [target]);
  const jwt = route.policies.jwt;
  if (route.ownPolicies.has('jwt')) checkEnvoyGatewayJwt(route.scope, 'jwt', jwt, 'Envoy Gateway');
  if (route.ownPolicies.has('jwt') && jwt === undefined) {
    throw invalid(route.scope, 'jwt', 'JwtAuth.none()', 'cannot switch off the Gateway\'s JWT policy for one route with envoy-gateway',
      'give the route its own AiGateway and hostname, or leave JWT out of the gateway defaults and set it per route');
  }
  return {
    render: () => {
      const objects: ApiObject[] = [new BackendTrafficPolicy(scope, `BackendTrafficPolicy-${route.id}`, {
        metadata: { name: `${gateway.name}-${route.id}`, namespace: gateway.namespace },
        spec,
      })];
      if (route.ownPolicies.has('jwt')) {
        objects.push(renderSecurityPolicy(scope, `SecurityPolicy-${route.id}`, `${gateway.name}-${route.id}`, gateway.namespace, target, jwt!));
      }
      return objects;
    },
  };
}

/** What Istio 1.30 retries for every HTTPRoute retry, besides the listed codes (pilot/pkg/config/kube/gateway/conversion.go). */
const ISTIO_HTTPROUTE_RETRY_ON = ['connect-failure', 'refused-stream'];

/**
 * Istio: DestinationRules (one per backend host in the App) for circuit breaking and affinity, RequestAuthentication
 * with a DENY AuthorizationPolicy on the Gateway for JWT, and HTTPRoute retry on the experimental channel.
 */
export function istioImplementation(): HttpRouteImplementation {
  return {
    kind: 'istio',
    rankings: [GATEWAY_API_RANKING],
    pickerDestinationRule: true,
    workload: gep1762Workload,
    retried: (experimental, retry) => experimental ? [...ISTIO_HTTPROUTE_RETRY_ON, ...statusConditions(retry)] : [],
    bind: (scope, gateway, experimental) => {
      const destinationRules = new DestinationRules(scope, gateway.name);
      const jwt = gateway.defaults.jwt;
      if (jwt !== undefined) {
        renderJwtPair(scope, jwt, {
          name: gateway.name, namespace: gateway.namespace, hostnames: gateway.hostnames, attach: { gatewayRef: { name: gateway.name } },
        });
      }
      return {
        ruleFields: route => {
          const retry = experimental && route.policies.retry !== undefined ? experimentalRetry(route, ISTIO_HTTPROUTE_RETRY_ON) : undefined;
          if (route.policies.circuitBreaker !== undefined && route.backend.destinations.some(d => d.kind === 'inferencePool')) {
            throw invalid(route.scope, 'circuitBreaker', 'CircuitBreaker', 'has no DestinationRule to live in for an InferencePool with the Istio implementation',
              'leave the circuit breaker out of routes to InferencePools, or use GatewayImplementation.envoyGateway()');
          }
          return { retry, backendRequest: perTryTimeout(route) };
        },
        rulePolicies: route => {
          const hosts = route.backend.destinations.filter(d => d.kind !== 'inferencePool')
            .map(d => ({ d, host: fullyQualifiedHost(route.scope, 'backend', d, 'Gateway API') }));
          hosts.forEach(x => destinationRules.check(route, x.host));
          return {
            // Routes to one host share its DestinationRule: each object once.
            render: () => [...new Set(hosts.map(x => destinationRules.add(route, x.d, x.host)))],
          };
        },
      };
    },
  };
}

/** Any conformant implementation: Gateway API's own fields only (HTTPRoute retry and sessionPersistence on the experimental channel). */
export function genericImplementation(): HttpRouteImplementation {
  return {
    kind: 'generic',
    rankings: [GATEWAY_API_RANKING],
    pickerDestinationRule: false,
    workload: gep1762Workload,
    retried: (experimental, retry) => experimental ? retry.conditions.map(c => c.token) : [],
    bind: (_scope, _gateway, experimental) => ({
      ruleFields: route => {
        const p = route.policies;
        const retry = experimental && p.retry !== undefined ? experimentalRetry(route, undefined) : undefined;
        if (p.sessionAffinity?.path !== undefined) {
          throw invalid(route.scope, 'sessionAffinity.path', p.sessionAffinity.path, 'cannot be expressed by HTTPRoute sessionPersistence, which has no cookie path',
            'leave the path out, or use GatewayImplementation.envoyGateway() or GatewayImplementation.istio()');
        }
        return {
          retry,
          backendRequest: perTryTimeout(route),
          sessionPersistence: p.sessionAffinity === undefined ? undefined : {
            type: p.sessionAffinity.kind === 'cookie' ? HttpRouteSpecRulesSessionPersistenceType.COOKIE : HttpRouteSpecRulesSessionPersistenceType.HEADER,
            sessionName: p.sessionAffinity.name,
            absoluteTimeout: p.sessionAffinity.ttlSeconds === undefined ? undefined
              : gatewayDuration(route.scope, 'sessionAffinity.ttl', p.sessionAffinity.ttlSeconds * 1000),
            cookieConfig: p.sessionAffinity.kind === 'cookie' ? { lifetimeType: 'Permanent' as any } : undefined,
          },
        };
      },
      rulePolicies: () => NO_POLICIES,
    }),
  };
}

const CONNECTION_CONDITIONS = new Set(['connect-failure', 'refused-stream', 'reset-before-request']);
const STATUS_GROUPS: Record<string, number[]> = { '5xx': [500, 502, 503, 504], 'gateway-error': [502, 503, 504] };

function statusConditions(retry: RetrySpec): string[] {
  return retry.conditions.filter(c => c.status !== undefined || STATUS_GROUPS[c.token]).map(c => c.token);
}

/**
 * The experimental HTTPRoute retry: status codes. Connection errors are retried as the implementation decides. Where
 * it always retries a fixed set (`alwaysRetried`: Istio 1.30 retries connect-failure and refused-stream, never
 * reset-before-request), RetryPolicy.llmSafe() (the default too) retries without the others, and a custom policy
 * that lists one is rejected.
 */
function experimentalRetry(route: RouteSpec, alwaysRetried: readonly string[] | undefined) {
  const retry = route.policies.retry!;
  const codes = new Set<number>();
  for (const c of retry.conditions) {
    if (c.status !== undefined) {
      codes.add(c.status);
    } else if (STATUS_GROUPS[c.token]) {
      STATUS_GROUPS[c.token].forEach(code => codes.add(code));
    } else if (!CONNECTION_CONDITIONS.has(c.token)) {
      throw invalid(route.scope, 'retry.conditions', c.token, 'cannot be expressed by an HTTPRoute retry, which lists status codes only',
        'retry on status codes (RetryCondition.httpStatus), or use GatewayImplementation.envoyGateway()');
    } else if (alwaysRetried !== undefined && !alwaysRetried.includes(c.token) && !retry.llmSafe && !retry.isDefault) {
      throw invalid(route.scope, 'retry.conditions', c.token, `is not retried by Istio's HTTPRoute retry, which retries ${alwaysRetried.join(', ')} `
        + 'and the listed status codes (Istio 1.30)', 'leave it out, use RetryPolicy.llmSafe() (which retries the others there), or use DataPlane.istio()');
    }
  }
  return {
    attempts: retry.attempts,
    codes: codes.size === 0 ? undefined : [...codes].sort((a, b) => a - b),
    backoff: retry.backoffMillis === undefined ? undefined : gatewayDuration(route.scope, 'retry.backoff', retry.backoffMillis),
  };
}
