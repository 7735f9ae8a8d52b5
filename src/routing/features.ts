import type { RouteSpec } from './resolved';

/*
 * The catalogue of features the neutral model can ask of a data plane, and how to find which ones a route
 * uses. Data planes declare their support per feature (DataPlaneImpl.support); AiGateway checks every
 * feature a route uses before the renderer sees it, so nothing is dropped silently.
 */

/** Feature ids, with the title the README's capability table shows. */
export const FEATURES = {
  'tls': 'HTTPS listener (TLS from a Secret)',
  'match.path': 'RouteMatch.pathPrefix / pathExact',
  'match.header': 'RouteMatch.header (exact)',
  'match.headerRegex': 'RouteMatch.headerRegex',
  'match.headerPresent': 'RouteMatch.headerPresent',
  'match.method': 'RouteMatch.method',
  'match.query': 'RouteMatch.queryParam',
  'match.model': 'RouteMatch.model (OpenAI body field)',
  'backend.pool': 'Backend.pool',
  'backend.service': 'Backend.service',
  'backend.inferencePool': 'Backend.inferencePool (GPU-aware endpoint picking)',
  'backend.weighted': 'Backend.weighted (canary)',
  'backend.provider': 'Backend.provider (hosted LLM provider)',
  'backend.fallback': 'Backend.fallback (ordered fallback)',
  'mirror': 'RequestMirror',
  'fault': 'FaultInjection',
  'timeout.request': 'Timeouts request',
  'timeout.streamIdle': 'Timeouts streamIdle',
  'retry': 'RetryPolicy (attempts, conditions)',
  'retry.perTryTimeout': 'RetryPolicy perTryTimeout',
  'retry.backoff': 'RetryPolicy backoff',
  'circuitBreaker.limits': 'CircuitBreaker connection limits',
  'circuitBreaker.outlierDetection': 'CircuitBreaker outlierDetection',
  'sessionAffinity.cookie': 'SessionAffinity.cookie',
  'sessionAffinity.header': 'SessionAffinity.header',
  'rateLimit.requests': 'RateLimit requests',
  'rateLimit.requests.global': 'RateLimit requests, one budget for all clients',
  'rateLimit.requests.clientIp': 'RateLimit requests per client IP',
  'rateLimit.requests.header': 'RateLimit requests per header value',
  'rateLimit.requests.jwtClaim': 'RateLimit requests per JWT claim',
  'rateLimit.tokens': 'RateLimit tokens (token budgets)',
  'jwt': 'JwtAuth in gateway defaults',
  'jwt.route': 'JwtAuth set on a route',
  'networkIsolation': 'NetworkPolicy: only the gateway reaches model pods',
} as const;

export type FeatureId = keyof typeof FEATURES;

/** One use of a feature: where in the route it comes from, for the error message. */
export interface FeatureUse {
  readonly feature: FeatureId;
  /** The route property that asks for it, such as `matches[0]` or `rateLimit.key`. */
  readonly property: string;
  /** What the user wrote, such as `RouteMatch.model("llama")`. */
  readonly value: string;
}

/** Every feature a resolved route uses. */
export function featuresOf(route: RouteSpec): FeatureUse[] {
  const uses: FeatureUse[] = [];
  const use = (feature: FeatureId, property: string, value: string) => uses.push({ feature, property, value });

  route.matches.forEach((m, i) => {
    const at = `matches[${i}]`;
    if (m.path) use('match.path', at, `RouteMatch.path${m.path.kind === 'prefix' ? 'Prefix' : 'Exact'}("${m.path.value}")`);
    for (const h of m.headers) {
      if (h.kind === 'exact') use('match.header', at, `RouteMatch.header("${h.name}")`);
      if (h.kind === 'regex') use('match.headerRegex', at, `RouteMatch.headerRegex("${h.name}")`);
      if (h.kind === 'present') use('match.headerPresent', at, `RouteMatch.headerPresent("${h.name}")`);
    }
    if (m.method) use('match.method', at, `RouteMatch.method(${m.method})`);
    for (const q of m.queryParams) use('match.query', at, `RouteMatch.queryParam("${q.name}")`);
    if (m.model !== undefined) use('match.model', at, `RouteMatch.model("${m.model}")`);
  });

  backendFeatures(route.backend.mode, route.backend.destinations.map(d => d.kind), 'backend', use);
  if (route.mirror) {
    use('mirror', 'mirror', `RequestMirror (${route.mirror.percent}%)`);
    backendFeatures('single', route.mirror.backend.destinations.map(d => d.kind), 'mirror.backend', use);
  }
  if (route.fault) use('fault', 'fault', 'FaultInjection');

  const p = route.policies;
  use('timeout.request', 'timeouts.request', `${p.timeouts.requestSeconds}s`);
  if (p.timeouts.streamIdleSeconds !== undefined) use('timeout.streamIdle', 'timeouts.streamIdle', `${p.timeouts.streamIdleSeconds}s`);
  // The library's default retries are rendered where the data plane can, and left out where it cannot.
  if (p.retry && !p.retry.isDefault) {
    use('retry', 'retry', `${p.retry.attempts} attempts on ${p.retry.conditions.map(c => c.token).join(',')}`);
    if (p.retry.perTrySeconds !== undefined) use('retry.perTryTimeout', 'retry.perTryTimeout', `${p.retry.perTrySeconds}s`);
    if (p.retry.backoffMillis !== undefined && p.retry.backoffExplicit) use('retry.backoff', 'retry.backoff', `${p.retry.backoffMillis}ms`);
  }
  const cb = p.circuitBreaker;
  if (cb) {
    if ([cb.maxConnections, cb.maxPendingRequests, cb.maxRequests, cb.maxRetries].some(v => v !== undefined)) use('circuitBreaker.limits', 'circuitBreaker', 'CircuitBreaker limits');
    if (cb.outlierDetection) use('circuitBreaker.outlierDetection', 'circuitBreaker.outlierDetection', 'outlier detection');
  }
  if (p.sessionAffinity) {
    use(p.sessionAffinity.kind === 'cookie' ? 'sessionAffinity.cookie' : 'sessionAffinity.header', 'sessionAffinity',
      `SessionAffinity.${p.sessionAffinity.kind}("${p.sessionAffinity.name}")`);
  }
  const rl = p.rateLimit;
  if (rl) {
    if (rl.counts === 'tokens') {
      use('rateLimit.tokens', 'rateLimit', `RateLimit.tokensPer${capitalize(rl.unit)}(${rl.limit})`);
    } else {
      use('rateLimit.requests', 'rateLimit', `RateLimit.requestsPer${capitalize(rl.unit)}(${rl.limit})`);
      if (rl.key.kind === 'global') {
        use('rateLimit.requests.global', 'rateLimit.key', 'RateLimitKey.allClients()');
      } else {
        use(`rateLimit.requests.${rl.key.kind}` as FeatureId, 'rateLimit.key', `RateLimitKey.${rl.key.kind}(${rl.key.name ? `"${rl.key.name}"` : ''})`);
      }
    }
  }
  if (p.jwt) use('jwt', 'jwt', `JwtAuth (issuer ${p.jwt.issuer})`);
  if (route.ownPolicies.has('jwt')) use('jwt.route', 'jwt', p.jwt ? `JwtAuth (issuer ${p.jwt.issuer})` : 'JwtAuth.none()');
  return uses;
}

function backendFeatures(mode: string, kinds: readonly string[], property: string,
  use: (feature: FeatureId, property: string, value: string) => void) {
  if (mode === 'weighted') use('backend.weighted', property, 'Backend.weighted');
  if (mode === 'fallback') use('backend.fallback', property, 'Backend.fallback');
  for (const kind of new Set(kinds)) use(`backend.${kind}` as FeatureId, property, `Backend.${kind}`);
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
