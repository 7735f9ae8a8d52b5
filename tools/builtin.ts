/*
 * The checks the Kubernetes API server makes in Go code rather than in the OpenAPI schema, for the core kinds
 * the library emits (kubernetes/kubernetes v1.28 pkg/apis/core/validation/validation.go, pkg/apis/apps/validation,
 * pkg/apis/policy/validation, pkg/apis/networking/validation, pkg/apis/autoscaling/validation,
 * pkg/apis/rbac/validation, and k8s.io/apimachinery pkg/util/validation and pkg/apis/meta/v1/validation).
 * Where Kubernetes relaxed a rule after 1.28 (environment variable names in 1.34), the 1.28 rule is checked:
 * the library supports 1.28.
 *
 * Object names, namespaces, label keys and values and annotation keys are checked in validator.ts; this file
 * covers the fields inside the spec: pod templates (container, port, volume and env var names, ports,
 * resources, probes), Deployments (replicas, selector matching the template labels, rollout strategy),
 * Services, PodDisruptionBudgets, HorizontalPodAutoscalers, ConfigMap and Secret keys, NetworkPolicies,
 * Ingresses, Roles and RoleBindings.
 */
import { quantityValue } from './cel/kubernetes';

/** One problem: a JSON path in the document and what is wrong there. */
export interface BuiltinFinding {
  readonly path: string;
  readonly message: string;
}

type JsonObject = { readonly [key: string]: unknown };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectAt(value: unknown): JsonObject {
  return isObject(value) ? value : {};
}

function arrayAt(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function quote(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

function field(parent: string, key: string): string {
  if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

// ---------------------------------------------------------------------------------------------------------
// apimachinery pkg/util/validation

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;
const PERCENT = /^[0-9]+%$/;

export function dnsLabelProblem(name: string): string | undefined {
  return name.length <= 63 && DNS1123_LABEL.test(name) ? undefined
    : "is not a DNS label: at most 63 characters of lowercase letters, digits and '-', starting and ending with a letter or digit";
}

export function dnsSubdomainProblem(name: string): string | undefined {
  return name.length <= 253 && DNS1123_SUBDOMAIN.test(name) ? undefined
    : "is not a DNS subdomain: at most 253 characters of lowercase letters, digits, '-' and '.', starting and ending with a letter or digit";
}

export function dns1035LabelProblem(name: string): string | undefined {
  return name.length <= 63 && DNS1035_LABEL.test(name) ? undefined
    : "is not a DNS-1035 label: at most 63 characters of lowercase letters, digits and '-', starting with a letter and ending with a letter or digit";
}

/** IsValidPortName (IANA_SVC_NAME). */
export function portNameProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > 15) return 'is not a valid port name (IANA_SVC_NAME): it must be 1 to 15 characters';
  if (!/^[-a-z0-9]+$/.test(name)) return "is not a valid port name (IANA_SVC_NAME): only lowercase letters, digits and '-' are allowed";
  if (!/[a-z]/.test(name)) return 'is not a valid port name (IANA_SVC_NAME): it must contain at least one letter';
  if (name.includes('--')) return "is not a valid port name (IANA_SVC_NAME): it must not contain '--'";
  if (name.startsWith('-') || name.endsWith('-')) return "is not a valid port name (IANA_SVC_NAME): it must not begin or end with '-'";
  return undefined;
}

export function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return "is not a qualified name: it has more than one '/'";
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined) {
    const problem = prefix === '' ? 'is empty' : dnsSubdomainProblem(prefix);
    if (problem) return `is not a qualified name: its prefix ${problem}`;
  }
  if (name.length > 63 || !QUALIFIED_NAME_PART.test(name)) {
    return "is not a qualified name: the name part must be 1 to 63 characters of letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
  }
  return undefined;
}

export function labelValueProblem(value: string): string | undefined {
  return value.length <= 63 && LABEL_VALUE.test(value) ? undefined
    : "is invalid: at most 63 characters of letters, digits, '-', '_' or '.', starting and ending with a letter or digit (or empty)";
}

/** IsEnvVarName, as Kubernetes 1.28 to 1.33 check it. */
export function envVarNameProblem(name: string): string | undefined {
  return ENV_VAR_NAME.test(name) ? undefined
    : "is not a valid environment variable name (Kubernetes 1.28): letters, digits, '_', '-' and '.', not starting with a digit";
}

/** IsConfigMapKey (ConfigMap and Secret data keys). */
export function dataKeyProblem(key: string): string | undefined {
  if (key.length === 0 || key.length > 253 || !CONFIG_MAP_KEY.test(key)) {
    return "is not a valid data key: 1 to 253 characters of letters, digits, '-', '_' or '.'";
  }
  if (key === '.' || key === '..' || key.startsWith('..')) return "is not a valid data key: it must not be '.' or '..' or start with '..'";
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Checks

class Findings {
  public readonly list: BuiltinFinding[] = [];

  public add(path: string, message: string): void {
    this.list.push({ path, message });
  }

  /** Reports `problem` about the string at `path` when there is one. */
  public name(path: string, value: unknown, rule: (name: string) => string | undefined, what: string): void {
    if (typeof value !== 'string') return;
    const problem = rule(value);
    if (problem) this.add(path, `${what} ${quote(value)} ${problem}`);
  }

  public nonNegative(path: string, value: unknown): void {
    if (typeof value === 'number' && value < 0) this.add(path, `must be greater than or equal to 0, got ${value}`);
  }

  public port(path: string, value: unknown, what = 'port'): void {
    // Numbers beyond int32 are reported by the schema (format int32) already.
    if (typeof value === 'number' && Math.abs(value) <= 2 ** 31 - 1 && (!Number.isInteger(value) || value < 1 || value > 65535)) {
      this.add(path, `${what} ${value} is out of range: must be between 1 and 65535, inclusive`);
    }
  }

  /** A port given by number (1-65535) or by name (IANA_SVC_NAME). */
  public numberOrNamePort(path: string, value: unknown): void {
    if (typeof value === 'number') {this.port(path, value);} else if (typeof value === 'string') {
      if (/^[0-9]+$/.test(value)) this.port(path, Number(value));
      else this.name(path, value, portNameProblem, 'port name');
    }
  }

  /** IntOrString that must be a non-negative integer or a percentage (at most 100% when `atMost100`). */
  public intOrPercent(path: string, value: unknown, atMost100: boolean): void {
    if (typeof value === 'number') {this.nonNegative(path, value);} else if (typeof value === 'string') {
      if (!PERCENT.test(value)) this.add(path, `${quote(value)} must be an integer or a percentage (e.g. '5%')`);
      else if (atMost100 && Number(value.slice(0, -1)) > 100) this.add(path, `${quote(value)} must not be greater than 100%`);
    }
  }

  public labelSelector(path: string, selector: unknown): void {
    if (!isObject(selector)) return;
    for (const [key, value] of Object.entries(objectAt(selector.matchLabels))) {
      const where = field(field(path, 'matchLabels'), key);
      this.name(where, key, qualifiedNameProblem, 'label key');
      this.name(where, value, labelValueProblem, 'label value');
    }
    arrayAt(selector.matchExpressions).forEach((expression, i) => {
      const where = `${path}.matchExpressions[${i}]`;
      const e = objectAt(expression);
      this.name(`${where}.key`, e.key, qualifiedNameProblem, 'label key');
      const values = arrayAt(e.values);
      if ((e.operator === 'In' || e.operator === 'NotIn') && values.length === 0) {
        this.add(`${where}.values`, `must be specified when operator is ${e.operator}`);
      } else if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && values.length > 0) {
        this.add(`${where}.values`, `may not be specified when operator is ${e.operator}`);
      } else if (typeof e.operator === 'string' && !['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(e.operator)) {
        this.add(`${where}.operator`, `${quote(e.operator)} is not a valid selector operator (In, NotIn, Exists, DoesNotExist)`);
      }
      values.forEach((value, j) => this.name(`${where}.values[${j}]`, value, labelValueProblem, 'label value'));
    });
  }
}

/** The built-in checks for one document of a core kind ("group/kind", group '' for the core group). */
export function builtinChecks(doc: JsonObject, group: string, kind: string): BuiltinFinding[] {
  const f = new Findings();
  const spec = objectAt(doc.spec);
  switch (`${group}/${kind}`) {
    case '/Pod':
      checkPodSpec(f, doc.spec, 'spec');
      break;
    case 'apps/Deployment':
    case 'apps/ReplicaSet':
    case 'apps/StatefulSet':
    case 'apps/DaemonSet':
      checkWorkload(f, kind, spec);
      break;
    case 'batch/Job':
      checkTemplate(f, spec.template, 'spec.template');
      break;
    case 'batch/CronJob':
      checkTemplate(f, objectAt(objectAt(spec.jobTemplate).spec).template, 'spec.jobTemplate.spec.template');
      break;
    case '/Service':
      checkService(f, spec);
      break;
    case '/ConfigMap':
    case '/Secret':
      checkDataKeys(f, doc, kind);
      break;
    case 'policy/PodDisruptionBudget':
      checkPodDisruptionBudget(f, spec);
      break;
    case 'autoscaling/HorizontalPodAutoscaler':
      checkHorizontalPodAutoscaler(f, spec);
      break;
    case 'networking.k8s.io/NetworkPolicy':
      checkNetworkPolicy(f, spec);
      break;
    case 'networking.k8s.io/Ingress':
      checkIngress(f, spec);
      break;
    case 'rbac.authorization.k8s.io/Role':
    case 'rbac.authorization.k8s.io/ClusterRole':
      checkRbacRules(f, doc, kind);
      break;
    case 'rbac.authorization.k8s.io/RoleBinding':
    case 'rbac.authorization.k8s.io/ClusterRoleBinding':
      checkRoleBinding(f, doc, kind);
      break;
    default:
      break;
  }
  return f.list;
}

function checkWorkload(f: Findings, kind: string, spec: JsonObject): void {
  f.nonNegative('spec.replicas', spec.replicas);
  f.nonNegative('spec.minReadySeconds', spec.minReadySeconds);
  f.nonNegative('spec.revisionHistoryLimit', spec.revisionHistoryLimit);
  const selector = spec.selector;
  const template = objectAt(spec.template);
  const labels = objectAt(objectAt(template.metadata).labels);
  if (!isObject(selector)) {
    f.add('spec.selector', 'required: a workload needs a selector');
  } else {
    f.labelSelector('spec.selector', selector);
    const matchLabels = objectAt(selector.matchLabels);
    const expressions = arrayAt(selector.matchExpressions);
    if (Object.keys(matchLabels).length === 0 && expressions.length === 0) {
      f.add('spec.selector', 'empty selector is invalid for a workload: it would select every pod');
    } else if (!selectorMatches(matchLabels, expressions, labels)) {
      f.add('spec.template.metadata.labels', `\`selector\` does not match template \`labels\`: selector ${quote(selector)}, labels ${quote(labels)}`);
    }
  }
  if (kind === 'Deployment') {
    const strategy = objectAt(spec.strategy);
    const rolling = strategy.rollingUpdate;
    if (strategy.type === 'Recreate' && rolling !== undefined) {
      f.add('spec.strategy.rollingUpdate', 'may not be specified when strategy `type` is \'Recreate\'');
    }
    if (isObject(rolling)) {
      f.intOrPercent('spec.strategy.rollingUpdate.maxUnavailable', rolling.maxUnavailable, true);
      f.intOrPercent('spec.strategy.rollingUpdate.maxSurge', rolling.maxSurge, false);
      const zero = (v: unknown) => v === 0 || v === '0%';
      if (zero(rolling.maxUnavailable) && zero(rolling.maxSurge)) {
        f.add('spec.strategy.rollingUpdate.maxUnavailable', 'may not be 0 when `maxSurge` is 0');
      }
    }
    const deadline = spec.progressDeadlineSeconds;
    if (typeof deadline === 'number') {
      f.nonNegative('spec.progressDeadlineSeconds', deadline);
      const minReady = typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0;
      if (deadline <= minReady) f.add('spec.progressDeadlineSeconds', `must be greater than minReadySeconds (${minReady}), got ${deadline}`);
    }
  }
  checkTemplate(f, spec.template, 'spec.template');
}

/** Whether a pod with `labels` is selected: every matchLabels pair is present and every expression holds. */
function selectorMatches(matchLabels: JsonObject, expressions: readonly unknown[], labels: JsonObject): boolean {
  const pairs = Object.entries(matchLabels).every(([key, value]) => labels[key] === value);
  return pairs && expressions.every(expression => {
    const e = objectAt(expression);
    const key = String(e.key);
    const values = arrayAt(e.values);
    const present = Object.prototype.hasOwnProperty.call(labels, key);
    switch (e.operator) {
      case 'In': return present && values.includes(labels[key]);
      case 'NotIn': return !present || !values.includes(labels[key]);
      case 'Exists': return present;
      case 'DoesNotExist': return !present;
      default: return false;
    }
  });
}

function checkTemplate(f: Findings, template: unknown, at: string): void {
  if (!isObject(template)) return;
  checkPodSpec(f, template.spec, `${at}.spec`);
}

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
/** Resource names without a domain that the API server knows (prefixes end with '-'). */
const NATIVE_RESOURCES = ['cpu', 'memory', 'ephemeral-storage'];

function checkPodSpec(f: Findings, podSpec: unknown, at: string): void {
  if (!isObject(podSpec)) return;
  const volumes = new Set<string>();
  arrayAt(podSpec.volumes).forEach((volume, i) => {
    const v = objectAt(volume);
    const where = `${at}.volumes[${i}]`;
    f.name(`${where}.name`, v.name, dnsLabelProblem, 'volume name');
    if (typeof v.name === 'string') {
      if (volumes.has(v.name)) f.add(`${where}.name`, `duplicate volume name ${quote(v.name)}`);
      volumes.add(v.name);
    }
    const sources = Object.keys(v).filter(key => key !== 'name');
    if (sources.length !== 1) f.add(where, `must specify exactly one volume source, found ${sources.length === 0 ? 'none' : sources.join(', ')}`);
    f.name(`${where}.configMap.name`, objectAt(v.configMap).name, dnsSubdomainProblem, 'ConfigMap name');
    f.name(`${where}.secret.secretName`, objectAt(v.secret).secretName, dnsSubdomainProblem, 'Secret name');
    for (const source of ['configMap', 'secret']) {
      arrayAt(objectAt(v[source]).items).forEach((item, j) => {
        f.name(`${where}.${source}.items[${j}].key`, objectAt(item).key, dataKeyProblem, 'key');
      });
    }
  });

  const containerNames = new Set<string>();
  for (const list of ['initContainers', 'containers']) {
    const containers = arrayAt(podSpec[list]);
    if (list === 'containers' && containers.length === 0) f.add(`${at}.containers`, 'required: a pod needs at least one container');
    containers.forEach((container, i) => {
      const where = `${at}.${list}[${i}]`;
      const c = objectAt(container);
      f.name(`${where}.name`, c.name, dnsLabelProblem, 'container name');
      if (typeof c.name === 'string') {
        if (containerNames.has(c.name)) f.add(`${where}.name`, `duplicate container name ${quote(c.name)}`);
        containerNames.add(c.name);
      }
      if (typeof c.image === 'string' && (c.image === '' || c.image.trim() !== c.image)) {
        f.add(`${where}.image`, `image ${quote(c.image)} must be non-empty and have no leading or trailing whitespace`);
      }
      checkContainer(f, c, where, volumes);
    });
  }
  f.name(`${at}.serviceAccountName`, podSpec.serviceAccountName, dnsSubdomainProblem, 'ServiceAccount name');
  f.name(`${at}.priorityClassName`, podSpec.priorityClassName, dnsSubdomainProblem, 'PriorityClass name');
  f.nonNegative(`${at}.terminationGracePeriodSeconds`, podSpec.terminationGracePeriodSeconds);
  for (const [key, value] of Object.entries(objectAt(podSpec.nodeSelector))) {
    const where = field(`${at}.nodeSelector`, key);
    f.name(where, key, qualifiedNameProblem, 'label key');
    f.name(where, value, labelValueProblem, 'label value');
  }
  arrayAt(podSpec.tolerations).forEach((toleration, i) => {
    const t = objectAt(toleration);
    const where = `${at}.tolerations[${i}]`;
    if (typeof t.key === 'string' && t.key !== '') f.name(`${where}.key`, t.key, qualifiedNameProblem, 'toleration key');
    if (t.operator === 'Exists' && typeof t.value === 'string' && t.value !== '') {
      f.add(`${where}.operator`, "value must be empty when `operator` is 'Exists'");
    }
    if ((t.key === undefined || t.key === '') && t.operator !== 'Exists') {
      f.add(`${where}.operator`, "operator must be 'Exists' when `key` is empty, which means \"match all values and all keys\"");
    }
    if (t.tolerationSeconds !== undefined && t.effect !== undefined && t.effect !== 'NoExecute') {
      f.add(`${where}.effect`, "effect must be 'NoExecute' when `tolerationSeconds` is set");
    }
  });
}

function checkContainer(f: Findings, c: JsonObject, at: string, volumes: ReadonlySet<string>): void {
  const portNames = new Set<string>();
  arrayAt(c.ports).forEach((port, i) => {
    const p = objectAt(port);
    const where = `${at}.ports[${i}]`;
    if (typeof p.name === 'string') {
      f.name(`${where}.name`, p.name, portNameProblem, 'port name');
      if (portNames.has(p.name)) f.add(`${where}.name`, `duplicate port name ${quote(p.name)}`);
      portNames.add(p.name);
    }
    f.port(`${where}.containerPort`, p.containerPort, 'containerPort');
    if (p.hostPort !== undefined && p.hostPort !== 0) f.port(`${where}.hostPort`, p.hostPort, 'hostPort');
    if (typeof p.protocol === 'string' && !PROTOCOLS.includes(p.protocol)) {
      f.add(`${where}.protocol`, `${quote(p.protocol)} is not a supported protocol (TCP, UDP, SCTP)`);
    }
  });

  const envNames = arrayAt(c.env);
  envNames.forEach((env, i) => {
    const e = objectAt(env);
    const where = `${at}.env[${i}]`;
    f.name(`${where}.name`, e.name, envVarNameProblem, 'env var name');
    if (e.value !== undefined && e.value !== '' && e.valueFrom !== undefined) {
      f.add(`${where}.valueFrom`, 'may not be specified when `value` is not empty');
    }
    if (isObject(e.valueFrom)) {
      const sources = Object.keys(e.valueFrom);
      if (sources.length !== 1) f.add(`${where}.valueFrom`, `must specify exactly one of fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef; found ${sources.join(', ') || 'none'}`);
      for (const ref of ['configMapKeyRef', 'secretKeyRef']) {
        const r = e.valueFrom[ref];
        if (!isObject(r)) continue;
        f.name(`${where}.valueFrom.${ref}.key`, r.key, dataKeyProblem, 'key');
        if (typeof r.name === 'string' && r.name !== '') f.name(`${where}.valueFrom.${ref}.name`, r.name, dnsSubdomainProblem, 'name');
      }
    }
  });
  arrayAt(c.envFrom).forEach((source, i) => {
    const prefix = objectAt(source).prefix;
    if (typeof prefix === 'string' && prefix !== '') f.name(`${at}.envFrom[${i}].prefix`, prefix, envVarNameProblem, 'prefix');
  });

  checkResources(f, objectAt(c.resources), `${at}.resources`);

  const mountPaths = new Set<string>();
  arrayAt(c.volumeMounts).forEach((mount, i) => {
    const m = objectAt(mount);
    const where = `${at}.volumeMounts[${i}]`;
    if (typeof m.name === 'string' && !volumes.has(m.name)) f.add(`${where}.name`, `volume ${quote(m.name)} is not one of the pod's volumes`);
    if (typeof m.mountPath === 'string') {
      if (m.mountPath === '') f.add(`${where}.mountPath`, 'required: must not be empty');
      if (mountPaths.has(m.mountPath)) f.add(`${where}.mountPath`, `duplicate mountPath ${quote(m.mountPath)}`);
      mountPaths.add(m.mountPath);
    }
  });

  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const p = c[probe];
    if (!isObject(p)) continue;
    const where = `${at}.${probe}`;
    const handlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'].filter(h => p[h] !== undefined);
    if (handlers.length !== 1) f.add(where, `must specify exactly one handler (exec, httpGet, tcpSocket, grpc), found ${handlers.join(', ') || 'none'}`);
    f.numberOrNamePort(`${where}.httpGet.port`, objectAt(p.httpGet).port);
    f.numberOrNamePort(`${where}.tcpSocket.port`, objectAt(p.tcpSocket).port);
    f.port(`${where}.grpc.port`, objectAt(p.grpc).port);
    for (const key of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
      f.nonNegative(`${where}.${key}`, p[key]);
    }
    if (probe !== 'readinessProbe' && p.successThreshold !== undefined && p.successThreshold !== 1) {
      f.add(`${where}.successThreshold`, `must be 1 for a ${probe}, got ${p.successThreshold}`);
    }
  }
}

/** Resource names, non-negative quantities, requests <= limits, and whole, equal extended resources. */
function checkResources(f: Findings, resources: JsonObject, at: string): void {
  const limits = objectAt(resources.limits);
  const requests = objectAt(resources.requests);
  const amounts = (list: JsonObject, which: string) => {
    const result = new Map<string, number>();
    for (const [name, quantity] of Object.entries(list)) {
      const where = field(`${at}.${which}`, name);
      const extended = name.includes('/') && !name.startsWith('kubernetes.io/') && !name.includes('.kubernetes.io/');
      if (name.includes('/')) {f.name(where, name, qualifiedNameProblem, 'resource name');} else if (!NATIVE_RESOURCES.includes(name) && !name.startsWith('hugepages-')) {
        f.add(where, `resource name ${quote(name)} is not a standard resource (cpu, memory, ephemeral-storage, hugepages-<size>) and has no domain prefix (e.g. nvidia.com/gpu)`);
      }
      const value = typeof quantity === 'number' ? quantity : typeof quantity === 'string' ? quantityValue(quantity) : undefined;
      if (value === undefined) continue;
      if (value < 0) f.add(where, `must be greater than or equal to 0, got ${quote(quantity)}`);
      if (extended && !Number.isInteger(value)) f.add(where, `must be a whole number for the extended resource ${quote(name)}, got ${quote(quantity)}`);
      result.set(name, value);
    }
    return result;
  };
  const limitAmounts = amounts(limits, 'limits');
  const requestAmounts = amounts(requests, 'requests');
  for (const [name, request] of requestAmounts) {
    const where = field(`${at}.requests`, name);
    const limit = limitAmounts.get(name);
    const extended = name.includes('/') && !name.startsWith('kubernetes.io/') && !name.includes('.kubernetes.io/');
    if (extended && limit === undefined) f.add(where, `limit must be set for the extended resource ${quote(name)} (it cannot be overcommitted)`);
    if (extended && limit !== undefined && limit !== request) {
      f.add(where, `must be equal to the limit for the extended resource ${quote(name)}: request ${quote(requests[name])}, limit ${quote(limits[name])}`);
    } else if (limit !== undefined && request > limit) {
      f.add(where, `must be less than or equal to the ${name} limit of ${quote(limits[name])}, got ${quote(requests[name])}`);
    }
  }
}

function checkService(f: Findings, spec: JsonObject): void {
  const ports = arrayAt(spec.ports);
  const type = typeof spec.type === 'string' ? spec.type : 'ClusterIP';
  const headless = spec.clusterIP === 'None';
  if (ports.length === 0 && type !== 'ExternalName' && !headless) f.add('spec.ports', 'required: a Service needs at least one port');
  const names = new Set<string>();
  const seen = new Set<string>();
  ports.forEach((port, i) => {
    const p = objectAt(port);
    const where = `spec.ports[${i}]`;
    if (ports.length > 1 && (p.name === undefined || p.name === '')) f.add(`${where}.name`, 'required: every port of a Service with several ports needs a name');
    if (typeof p.name === 'string' && p.name !== '') {
      f.name(`${where}.name`, p.name, dnsLabelProblem, 'port name');
      if (names.has(p.name)) f.add(`${where}.name`, `duplicate port name ${quote(p.name)}`);
      names.add(p.name);
    }
    f.port(`${where}.port`, p.port);
    f.numberOrNamePort(`${where}.targetPort`, p.targetPort);
    const protocol = typeof p.protocol === 'string' ? p.protocol : 'TCP';
    if (!PROTOCOLS.includes(protocol)) f.add(`${where}.protocol`, `${quote(protocol)} is not a supported protocol (TCP, UDP, SCTP)`);
    const identity = `${p.port}/${protocol}`;
    if (seen.has(identity)) f.add(where, `duplicate port ${identity}`);
    seen.add(identity);
    if (p.nodePort !== undefined && p.nodePort !== 0) {
      if (type !== 'NodePort' && type !== 'LoadBalancer') f.add(`${where}.nodePort`, `may not be used when \`type\` is '${type}'`);
      f.port(`${where}.nodePort`, p.nodePort, 'nodePort');
    }
  });
  for (const [key, value] of Object.entries(objectAt(spec.selector))) {
    const where = field('spec.selector', key);
    f.name(where, key, qualifiedNameProblem, 'label key');
    f.name(where, value, labelValueProblem, 'label value');
  }
}

const MAX_DATA_BYTES = 1024 * 1024;

function checkDataKeys(f: Findings, doc: JsonObject, kind: string): void {
  const fields = kind === 'Secret' ? ['data', 'stringData'] : ['data', 'binaryData'];
  const keys = new Map<string, string>();
  let bytes = 0;
  for (const name of fields) {
    for (const [key, value] of Object.entries(objectAt(doc[name]))) {
      const where = field(name, key);
      f.name(where, key, dataKeyProblem, 'key');
      const other = keys.get(key);
      if (other !== undefined && kind === 'ConfigMap') f.add(where, `duplicate of key ${quote(key)} in ${other}`);
      keys.set(key, name);
      if (typeof value === 'string') bytes += name === 'data' && kind === 'Secret' ? Math.floor(value.length * 3 / 4) : Buffer.byteLength(value);
    }
  }
  if (bytes > MAX_DATA_BYTES) f.add('data', `the data totals ${bytes} bytes, more than the ${MAX_DATA_BYTES} a ${kind} may hold`);
  if (kind === 'Secret') {
    const required: Readonly<Record<string, readonly string[]>> = {
      'kubernetes.io/tls': ['tls.crt', 'tls.key'],
      'kubernetes.io/basic-auth': [],
      'kubernetes.io/ssh-auth': ['ssh-privatekey'],
      'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
    };
    const type = typeof doc.type === 'string' ? doc.type : 'Opaque';
    for (const key of required[type] ?? []) {
      if (!keys.has(key)) f.add(field('data', key), `required for a Secret of type ${type}`);
    }
  }
}

function checkPodDisruptionBudget(f: Findings, spec: JsonObject): void {
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    f.add('spec', 'minAvailable and maxUnavailable cannot be both set');
  }
  f.intOrPercent('spec.minAvailable', spec.minAvailable, true);
  f.intOrPercent('spec.maxUnavailable', spec.maxUnavailable, true);
  f.labelSelector('spec.selector', spec.selector);
}

function checkHorizontalPodAutoscaler(f: Findings, spec: JsonObject): void {
  const min = spec.minReplicas;
  const max = spec.maxReplicas;
  if (typeof min === 'number' && min < 1) f.add('spec.minReplicas', `must be greater than or equal to 1, got ${min}`);
  if (typeof max === 'number') {
    if (max < 1) f.add('spec.maxReplicas', `must be greater than or equal to 1, got ${max}`);
    if (typeof min === 'number' && max < min) f.add('spec.maxReplicas', `must be greater than or equal to minReplicas (${min}), got ${max}`);
  }
  const target = objectAt(spec.scaleTargetRef);
  if (target.kind === undefined || target.kind === '') f.add('spec.scaleTargetRef.kind', 'required');
  f.name('spec.scaleTargetRef.name', target.name, name => name.includes('/') || name.includes('%') || name === '' ? 'is not a valid name' : undefined, 'name');
}

function checkNetworkPolicy(f: Findings, spec: JsonObject): void {
  f.labelSelector('spec.podSelector', spec.podSelector);
  for (const direction of ['ingress', 'egress']) {
    arrayAt(spec[direction]).forEach((rule, i) => {
      const r = objectAt(rule);
      const where = `spec.${direction}[${i}]`;
      arrayAt(r.ports).forEach((port, j) => {
        const p = objectAt(port);
        const at = `${where}.ports[${j}]`;
        f.numberOrNamePort(`${at}.port`, p.port);
        if (p.endPort !== undefined) {
          if (typeof p.port !== 'number') f.add(`${at}.endPort`, 'may not be specified when `port` is not a number');
          else if (typeof p.endPort === 'number' && p.endPort < p.port) f.add(`${at}.endPort`, `must be greater than or equal to \`port\` (${p.port}), got ${p.endPort}`);
        }
        if (typeof p.protocol === 'string' && !PROTOCOLS.includes(p.protocol)) f.add(`${at}.protocol`, `${quote(p.protocol)} is not a supported protocol (TCP, UDP, SCTP)`);
      });
      arrayAt(r[direction === 'ingress' ? 'from' : 'to']).forEach((peer, j) => {
        const p = objectAt(peer);
        const at = `${where}.${direction === 'ingress' ? 'from' : 'to'}[${j}]`;
        f.labelSelector(`${at}.podSelector`, p.podSelector);
        f.labelSelector(`${at}.namespaceSelector`, p.namespaceSelector);
        if (p.ipBlock !== undefined && (p.podSelector !== undefined || p.namespaceSelector !== undefined)) {
          f.add(at, 'may not specify more than 1 peer type when ipBlock is set');
        }
        const block = objectAt(p.ipBlock);
        if (typeof block.cidr === 'string' && !isCidr(block.cidr)) f.add(`${at}.ipBlock.cidr`, `${quote(block.cidr)} is not a valid CIDR`);
      });
    });
  }
}

function isCidr(value: string): boolean {
  const match = /^([^/]+)\/([0-9]{1,3})$/.exec(value);
  if (!match) return false;
  const bits = Number(match[2]);
  if (/^[0-9.]+$/.test(match[1])) {
    const octets = match[1].split('.');
    return octets.length === 4 && octets.every(o => /^[0-9]{1,3}$/.test(o) && Number(o) <= 255) && bits <= 32;
  }
  return match[1].includes(':') && bits <= 128;
}

function checkIngress(f: Findings, spec: JsonObject): void {
  f.name('spec.ingressClassName', spec.ingressClassName, dnsSubdomainProblem, 'IngressClass name');
  const backend = (value: unknown, at: string) => {
    const service = objectAt(objectAt(value).service);
    f.name(`${at}.service.name`, service.name, dns1035LabelProblem, 'Service name');
    const port = objectAt(service.port);
    if (isObject(service.port) && (port.name === undefined) === (port.number === undefined)) {
      f.add(`${at}.service.port`, 'must specify exactly one of `name` and `number`');
    }
    f.port(`${at}.service.port.number`, port.number);
    f.name(`${at}.service.port.name`, port.name, portNameProblem, 'port name');
  };
  if (spec.defaultBackend !== undefined) backend(spec.defaultBackend, 'spec.defaultBackend');
  arrayAt(spec.rules).forEach((rule, i) => {
    const r = objectAt(rule);
    const where = `spec.rules[${i}]`;
    if (typeof r.host === 'string') {
      const host = r.host.startsWith('*.') ? r.host.slice(2) : r.host;
      if (/^[0-9.]+$/.test(r.host)) f.add(`${where}.host`, `host ${quote(r.host)} must be a DNS name, not an IP address`);
      else f.name(`${where}.host`, host, dnsSubdomainProblem, 'host');
    }
    arrayAt(objectAt(r.http).paths).forEach((entry, j) => {
      const p = objectAt(entry);
      const at = `${where}.http.paths[${j}]`;
      if (p.pathType === undefined) f.add(`${at}.pathType`, 'required: pathType must be specified');
      if (typeof p.path === 'string' && p.pathType === 'ImplementationSpecific' && p.path !== '' && !p.path.startsWith('/')) {
        f.add(`${at}.path`, `${quote(p.path)} must be an absolute path`);
      }
      if (typeof p.path === 'string' && (p.pathType === 'Exact' || p.pathType === 'Prefix')) {
        if (!p.path.startsWith('/')) f.add(`${at}.path`, `${quote(p.path)} must be an absolute path`);
        if (/\/\/|\/\.\.?(\/|$)|%2f|%2F|\/\.\//.test(p.path)) f.add(`${at}.path`, `${quote(p.path)} must not contain '//', '/./', '/../', or '%2f'`);
      }
      backend(p.backend, `${at}.backend`);
    });
  });
  arrayAt(spec.tls).forEach((tls, i) => {
    const t = objectAt(tls);
    arrayAt(t.hosts).forEach((host, j) => {
      if (typeof host === 'string') f.name(`spec.tls[${i}].hosts[${j}]`, host.startsWith('*.') ? host.slice(2) : host, dnsSubdomainProblem, 'host');
    });
    f.name(`spec.tls[${i}].secretName`, t.secretName, dnsSubdomainProblem, 'Secret name');
  });
}

function checkRbacRules(f: Findings, doc: JsonObject, kind: string): void {
  arrayAt(doc.rules).forEach((rule, i) => {
    const r = objectAt(rule);
    const where = `rules[${i}]`;
    if (arrayAt(r.verbs).length === 0) f.add(`${where}.verbs`, 'required: verbs must contain at least one value');
    const urls = arrayAt(r.nonResourceURLs);
    if (urls.length > 0) {
      if (kind === 'Role') f.add(`${where}.nonResourceURLs`, 'namespaced rules cannot apply to non-resource URLs');
      if (arrayAt(r.apiGroups).length > 0 || arrayAt(r.resources).length > 0) {
        f.add(`${where}.nonResourceURLs`, 'rules cannot apply to both regular resources and non-resource URLs');
      }
    } else {
      if (r.apiGroups === undefined) f.add(`${where}.apiGroups`, "resource rules must supply at least one api group ('' for the core group)");
      if (arrayAt(r.resources).length === 0) f.add(`${where}.resources`, 'resource rules must supply at least one resource');
    }
  });
}

function checkRoleBinding(f: Findings, doc: JsonObject, kind: string): void {
  const ref = objectAt(doc.roleRef);
  const allowed = kind === 'RoleBinding' ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (typeof ref.kind === 'string' && !allowed.includes(ref.kind)) f.add('roleRef.kind', `${quote(ref.kind)} is not one of ${allowed.join(', ')}`);
  if (ref.apiGroup !== 'rbac.authorization.k8s.io') f.add('roleRef.apiGroup', `${quote(ref.apiGroup)} must be 'rbac.authorization.k8s.io'`);
  if (typeof ref.name === 'string' && (ref.name === '' || /[/%]/.test(ref.name))) f.add('roleRef.name', `${quote(ref.name)} is not a valid role name`);
  arrayAt(doc.subjects).forEach((subject, i) => {
    const s = objectAt(subject);
    const where = `subjects[${i}]`;
    if (s.kind === 'ServiceAccount') {
      if (s.apiGroup !== undefined && s.apiGroup !== '') f.add(`${where}.apiGroup`, `${quote(s.apiGroup)} must be '' for a ServiceAccount subject`);
      f.name(`${where}.name`, s.name, dnsSubdomainProblem, 'ServiceAccount name');
      if (kind === 'ClusterRoleBinding' && (s.namespace === undefined || s.namespace === '')) f.add(`${where}.namespace`, 'required for a ServiceAccount subject');
    } else if (s.kind === 'User' || s.kind === 'Group') {
      if (s.apiGroup !== 'rbac.authorization.k8s.io') f.add(`${where}.apiGroup`, `${quote(s.apiGroup)} must be 'rbac.authorization.k8s.io' for a ${s.kind} subject`);
      if (s.name === '') f.add(`${where}.name`, 'required');
    } else if (typeof s.kind === 'string') {
      f.add(`${where}.kind`, `${quote(s.kind)} is not one of ServiceAccount, User, Group`);
    }
  });
}
