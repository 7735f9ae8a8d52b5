import { LlmModelPool } from '../llm-model-pool';
import type { DestinationSpec, GatewaySpec, MatchConditions, PolicySpec, RetrySpec, RouteSpec } from './resolved';

/*
 * A Mermaid flowchart of a gateway: clients → gateway → one edge per route and destination, labelled with
 * the route's matches and policies, so reviewers can look instead of reading YAML.
 */

/** The Mermaid source (without the surrounding code fence). */
export function mermaidTopology(gateway: GatewaySpec, dataPlane: string, routes: readonly RouteSpec[],
  retried: (retry: RetrySpec) => string[] = retry => retry.conditions.map(c => c.token)): string {
  const lines = ['flowchart LR'];
  const listeners = gateway.listeners.map(l => `${l.protocol} :${l.port}`).join(', ');
  lines.push(`  clients([clients]) --> gw${node(`${gateway.name}<br/>${gateway.hostnames.join(', ')}<br/>${listeners}<br/>${dataPlane}`)}`);
  const nodes = new Map<string, string>();
  const nodeId = (d: DestinationSpec) => {
    const key = `${d.kind}:${d.namespace ?? ''}:${d.name}`;
    let id = nodes.get(key);
    if (id === undefined) {
      id = `b${nodes.size}`;
      nodes.set(key, id);
      lines.push(`  ${id}${node(describeDestination(d))}`);
    }
    return id;
  };
  routes.forEach((route, i) => {
    const label = [`${i + 1}. ${route.id}`, describeMatches(route.matches), ...describePolicies(route.policies, retried)].join('<br/>');
    route.backend.destinations.forEach((d, n) => {
      const share = route.backend.mode === 'weighted' ? `<br/>weight ${d.weight}` : route.backend.mode === 'fallback' ? `<br/>priority ${n}` : '';
      lines.push(`  gw -->|${text(label + share)}| ${nodeId(d)}`);
    });
    for (const d of route.mirror?.backend.destinations ?? []) {
      lines.push(`  gw -.->|${text(`${route.id}: mirror ${route.mirror!.percent}%`)}| ${nodeId(d)}`);
    }
  });
  return lines.join('\n') + '\n';
}

function describeDestination(d: DestinationSpec): string {
  const where = d.namespace === undefined ? '' : ` (${d.namespace})`;
  switch (d.kind) {
    case 'pool': return `pool ${d.name}${where}${model(d)}`;
    case 'inferencePool': return `InferencePool ${d.name}${where}<br/>endpoint picker${model(d)}`;
    case 'provider': return `provider ${d.name}<br/>${d.provider!.api} ${d.provider!.hostname}`;
    default: return `Service ${d.name}${where}:${d.port}`;
  }
}

/** The model and GPUs of one of the library's pools; a model server imported from elsewhere says only that. */
function model(d: DestinationSpec): string {
  const pool = d.pool;
  if (!(pool instanceof LlmModelPool)) return '<br/>model server (imported)';
  const count = pool.accelerator.gpuCount;
  return `${d.kind === 'pool' ? '<br/>' : ', '}model ${pool.modelName}${count > 0 ? `<br/>${count} GPU per replica` : '<br/>CPU'}`;
}

function describeMatches(matches: readonly MatchConditions[]): string {
  if (matches.length === 0) return 'every request';
  return matches.map(m => {
    const parts: string[] = [];
    if (m.path) parts.push(`path ${m.path.kind} ${m.path.value}`);
    if (m.method) parts.push(m.method);
    if (m.model !== undefined) parts.push(`model ${m.model}`);
    for (const h of m.headers) parts.push(h.kind === 'present' ? `header ${h.name}` : `${h.name}${h.kind === 'regex' ? ' ~ ' : '='}${h.value}`);
    for (const q of m.queryParams) parts.push(`?${q.name}=${q.value}`);
    return parts.join(' and ');
  }).join(' or ');
}

function describePolicies(p: PolicySpec, retried: (retry: RetrySpec) => string[]): string[] {
  const out = [`timeout ${p.timeouts.requestSeconds}s${p.timeouts.streamIdleSeconds === undefined ? '' : `, stream idle ${p.timeouts.streamIdleSeconds}s`}`];
  // What the controller really retries on, which may differ from the policy (Istio's HTTPRoute retry).
  const conditions = p.retry === undefined ? [] : retried(p.retry);
  out.push(conditions.length === 0 ? 'no retries' : `retry ${p.retry!.attempts}x on ${conditions.join(',')}`);
  if (p.circuitBreaker) out.push('circuit breaker');
  if (p.sessionAffinity) out.push(`affinity ${p.sessionAffinity.kind} ${p.sessionAffinity.name}`);
  if (p.rateLimit) out.push(`limit ${p.rateLimit.limit} ${p.rateLimit.counts}/${p.rateLimit.unit} per ${p.rateLimit.key.name ?? p.rateLimit.key.kind}`);
  if (p.jwt) out.push(`JWT ${p.jwt.issuer}`);
  return out;
}

/** A node label in double quotes (Mermaid escapes quotes as #quot;). */
function node(label: string): string {
  return `["${escape(label)}"]`;
}

function text(label: string): string {
  return `"${escape(label)}"`;
}

function escape(label: string): string {
  return label.replace(/"/g, '#quot;').replace(/\|/g, '#124;');
}
