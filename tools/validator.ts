/*
 * Strict validation of synthesized manifests against the pinned upstream schemas vendored in upstream/ (see
 * upstream/SOURCES.md). It judges documents the way `kubectl apply` with server-side field validation `Strict` would,
 * without a cluster: an unknown field is an error. Schemas are read from upstreamRoot() when first needed (a CRD
 * file when its group is first looked up) and cached for the rest of the process.
 *
 * What is checked
 * - Core kinds (v1 Service, apps/v1 Deployment, policy/v1 PodDisruptionBudget, ...): against the definition
 *   whose `x-kubernetes-group-version-kind` matches, in kubernetes/<version>/_definitions.json, once per
 *   requested version (KUBERNETES_VERSIONS by default). A group/version/kind absent from a version's
 *   definitions is "not served" by it. `$ref`s are resolved; objects with `properties` or
 *   `additionalProperties` are closed; `type`, `required`, `enum`, int32/int64 ranges, IntOrString
 *   (`format: int-or-string`), Quantity (string in the quantity grammar, or number), base64 (`format: byte`)
 *   and RFC 3339 times (`format: date-time`). Identical issues found on several versions are reported once,
 *   naming every version.
 * - Object metadata: the ObjectMeta schema (Kubernetes v1.36.0 for custom resources, whose CRDs rarely
 *   describe it) plus the API server's naming rules: `name` (or `generateName`) is required; names are DNS
 *   subdomains (DNS-1035 labels for Services, DNS-1123 labels for Namespaces, path segments for RBAC kinds);
 *   a namespace is a DNS-1123 label; label keys, label values and annotation keys have the qualified-name
 *   syntax; annotations total at most 256 KiB. Labels and annotations of pod templates are checked too.
 * - Custom kinds: against `schema.openAPIV3Schema` of the document's version in the CRD under crds/ with its
 *   group and kind (HTTPRoute from the Gateway API channel chosen in ValidateOptions). A version that is
 *   missing or has `served: false` is "not served". Schema defaults are applied first, as the API server
 *   does. Every object is closed unless it says `x-kubernetes-preserve-unknown-fields: true` or has
 *   `additionalProperties`; that includes objects without `properties` (the API server prunes every field
 *   of those). Also: `x-kubernetes-int-or-string`, `x-kubernetes-embedded-resource` (apiVersion, kind and
 *   metadata allowed), `nullable`, `type`, `required`, `enum`, `minimum`/`maximum` (and exclusive),
 *   `multipleOf`, `minLength`/`maxLength`, `pattern` (as a JavaScript RegExp; one that does not compile is
 *   an issue), `minItems`/`maxItems`, `minProperties`/`maxProperties`, formats byte/date-time/ipv4/ipv6,
 *   `x-kubernetes-list-type` set/map uniqueness, and `allOf`/`anyOf`/`oneOf`/`not` as value validations
 *   (they never declare fields, so they cannot open a closed object).
 * - CEL: every `x-kubernetes-validations` rule of the CRD, at every node that carries one, on the defaulted
 *   document (tools/cel/kubernetes.ts: @bufbuild/cel with the Kubernetes library functions; `self` typed by the
 *   schema). `message`, `messageExpression`, `fieldPath` and `reason` shape the issue. A rule that does not
 *   compile or cannot be evaluated (e.g. `url()` of a string that is not a URL, a field read without `has()`) is
 *   an issue too: nothing is ever counted as passed without running. crdValidationRules() lists every rule.
 * - The API server's checks in Go code for the core kinds the library emits (tools/builtin.ts): container,
 *   port, volume and env var names (the Kubernetes 1.28 env var rule), port ranges, resources (non-negative
 *   quantities, requests <= limits, whole extended resources such as GPUs requested as limited), probes,
 *   workload selectors matching the template labels, replicas and rollout strategy, Service ports,
 *   PodDisruptionBudgets, HorizontalPodAutoscalers, ConfigMap and Secret keys, NetworkPolicy ports and
 *   peers, Ingress hosts, paths and backends, RBAC rules and bindings, label selectors.
 * - ingress-nginx: every `nginx.ingress.kubernetes.io/*` annotation on a document must be one the controller
 *   knows (ingress-nginx/annotations.txt); the controller silently ignores the others.
 *
 * What is not checked
 * - Transition rules (CEL rules naming `oldSelf`): they only run when an object is updated.
 * - API server checks of core kinds the library does not emit, and of fields it never sets (security
 *   contexts, affinity, topology spread, ...); the CEL cost budget.
 * - Other formats (uri, hostname, ...); list-type uniqueness in core kinds.
 * - Whether an alpha or beta core API is enabled in a cluster: "served" means "in the definitions".
 * - Anything that spans documents: a route's backend Service exists, a namespace exists, ...
 *
 * Stricter than the API server on purpose: a `null` value is an issue unless the schema says `nullable` (the
 * server would treat it as unset, or prune it from a custom resource), and the int32/int64 ranges are checked
 * in custom kinds too (their controllers could not decode a larger number).
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import {
  builtinChecks, dns1035LabelProblem, dnsLabelProblem, dnsSubdomainProblem, labelValueProblem, qualifiedNameProblem,
} from './builtin';
import { CelInput, CelSchema, ruleFindings, ValidationRule } from './cel/kubernetes';
import { upstreamRoot } from './upstream';

/** The Kubernetes versions core kinds are checked against unless ValidateOptions names others. */
export const KUBERNETES_VERSIONS: readonly string[] = ['v1.28.0', 'v1.36.0'];

/** One reason a cluster would reject a document, or silently ignore part of it. */
export interface ValidationIssue {
  /** The document: kind/namespace/name, e.g. "Deployment/default/llm-service" (its index when it has no name). */
  readonly document: string;
  /** JSON path in the document, e.g. "spec.template.spec.containers[0].resources". Empty for the whole document. */
  readonly path: string;
  /** What is wrong, e.g. "unknown field 'foo'". */
  readonly message: string;
  /** The schema that judged it, e.g. "kubernetes v1.28.0 io.k8s.api.apps.v1.Deployment". */
  readonly schema: string;
}

/** What to validate against. */
export interface ValidateOptions {
  /**
   * Gateway API channel for gateway.networking.k8s.io HTTPRoute: 'standard' or 'experimental'.
   * Other Gateway API kinds always come from the standard channel.
   * @default 'standard'
   */
  readonly gatewayApiChannel?: 'standard' | 'experimental';
  /**
   * Kubernetes versions to check core kinds against (folders under kubernetes/).
   * @default KUBERNETES_VERSIONS
   */
  readonly kubernetesVersions?: readonly string[];
}

/** Validates every document and returns all issues found, in document order; an empty list means valid. */
export function validateManifests(docs: readonly any[], options: ValidateOptions = {}): ValidationIssue[] {
  const versions = options.kubernetesVersions ?? KUBERNETES_VERSIONS;
  if (versions.length === 0) {
    throw new Error('validateManifests: kubernetesVersions is empty; name at least one version, e.g. v1.36.0');
  }
  const channel = options.gatewayApiChannel ?? 'standard';
  return docs.flatMap((doc: unknown, index) => validateDocument(doc, index, versions, channel));
}

/** One `x-kubernetes-validations` rule of a vendored CRD, and where it is. */
export interface CrdValidationRule {
  /** The CRD's name and source folder, e.g. "httproutes.gateway.networking.k8s.io (gateway-api/standard)". */
  readonly crd: string;
  readonly version: string;
  /** The schema node, e.g. "spec.rules[].matches[].path". */
  readonly path: string;
  readonly rule: ValidationRule;
}

/** Every CEL rule of every version of every CRD under crds/ (the ones the validator evaluates). */
export function crdValidationRules(): CrdValidationRule[] {
  const rules: CrdValidationRule[] = [];
  for (const crd of crdCatalog().all()) {
    for (const [version, { schema }] of crd.versions) {
      const walk = (node: Schema | undefined, at: string): void => {
        if (!node) return;
        for (const rule of node['x-kubernetes-validations'] ?? []) rules.push({ crd: `${crd.name} (${crd.source})`, version, path: at, rule });
        for (const [key, child] of Object.entries(node.properties ?? {})) walk(child, at ? `${at}.${key}` : key);
        walk(node.items, `${at}[]`);
        if (typeof node.additionalProperties === 'object') walk(node.additionalProperties, `${at}{}`);
        for (const part of [...node.allOf ?? [], ...node.anyOf ?? [], ...node.oneOf ?? []]) walk(part, at);
        walk(node.not, at);
      };
      walk(schema, '');
    }
  }
  return rules;
}

/** Throws an Error whose message lists every issue (one per line: document, path, message, schema). */
export function assertValidManifests(docs: readonly any[], options?: ValidateOptions): void {
  const issues = validateManifests(docs, options);
  if (issues.length > 0) {
    throw new Error(`${issues.length} schema issue(s) in ${docs.length} document(s):\n${formatIssues(issues)}`);
  }
}

/** Formats issues one per line: `document: path: message (schema)`. */
export function formatIssues(issues: readonly ValidationIssue[]): string {
  return issues
    .map(issue => `${issue.document}: ${issue.path ? `${issue.path}: ` : ''}${issue.message} (${issue.schema})`)
    .join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// Documents

type Channel = 'standard' | 'experimental';

interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** What a schema walk finds; `schema` overrides the label of the schema being walked. */
interface Finding {
  readonly path: string;
  readonly message: string;
  readonly schema?: string;
}

/** An issue before it is attributed to a document. */
type DocumentIssue = Omit<ValidationIssue, 'document'>;

/** Attributes findings to the schema that judged them, unless a finding names its own. */
function judgedBy(schema: string): (finding: Finding) => DocumentIssue {
  return finding => ({ path: finding.path, message: finding.message, schema: finding.schema ?? schema });
}

const TYPE_META = 'kubernetes TypeMeta';
const METADATA_RULES = 'kubernetes ObjectMeta rules';
const INGRESS_NGINX = 'ingress-nginx/annotations.txt';
const NO_SCHEMA = 'no schema';
const BUILTIN = 'kubernetes API server rules';

/** The Kubernetes version whose ObjectMeta judges the metadata of custom resources. */
const CUSTOM_RESOURCE_METADATA_VERSION = 'v1.36.0';

function validateDocument(doc: unknown, index: number, versions: readonly string[], channel: Channel): ValidationIssue[] {
  const document = documentLabel(doc, index);
  return documentIssues(doc, versions, channel).map(issue => ({ document, ...issue }));
}

function documentIssues(doc: unknown, versions: readonly string[], channel: Channel): DocumentIssue[] {
  if (!isObject(doc)) {
    return [{ path: '', message: `document is ${describeValue(doc)}, expected an object`, schema: TYPE_META }];
  }
  const { gvk, findings } = checkTypeMeta(doc);
  if (!gvk) return findings.map(judgedBy(TYPE_META));

  const issues = [
    ...checkIngressNginxAnnotations(doc).map(judgedBy(INGRESS_NGINX)),
    ...checkNames(doc.metadata, gvk).map(judgedBy(METADATA_RULES)),
  ];
  if (isKubernetesGroup(gvk.group, versions)) {
    const builtin = builtinChecks(doc, gvk.group, gvk.kind).map(judgedBy(BUILTIN));
    return [...issues, ...validateCore(doc, gvk, versions), ...builtin];
  }

  const crd = crdCatalog().find(gvk.group, gvk.kind, channel);
  if (crd) return [...issues, ...validateCustom(doc, gvk, crd)];

  const onlyExperimental = channel === 'standard' && crdCatalog().find(gvk.group, gvk.kind, 'experimental')?.experimental;
  const why = onlyExperimental
    ? "; it is only in the Gateway API experimental channel (gatewayApiChannel: 'experimental')"
    : ': not a Kubernetes API group, and no CRD under crds/ defines it';
  const message = `no schema for apiVersion/kind ${apiVersionOf(gvk)} ${gvk.kind}${why}`;
  return [...issues, { path: 'apiVersion', message, schema: NO_SCHEMA }];
}

/** kind/namespace/name, or the document's index in place of a missing name. */
function documentLabel(doc: unknown, index: number): string {
  const position = `docs[${index}]`;
  if (!isObject(doc)) return position;
  const metadata = isObject(doc.metadata) ? doc.metadata : {};
  const parts = [nonEmptyString(doc.kind) ?? '(no kind)'];
  const namespace = nonEmptyString(metadata.namespace);
  if (namespace) parts.push(namespace);
  parts.push(nonEmptyString(metadata.name) ?? position);
  return parts.join('/');
}

/** apiVersion and kind, split into group, version and kind when they are well formed. */
function checkTypeMeta(doc: JsonObject): { gvk?: GroupVersionKind; findings: Finding[] } {
  const apiVersion = nonEmptyString(doc.apiVersion);
  const kind = nonEmptyString(doc.kind);
  const findings: Finding[] = [];
  if (!apiVersion) findings.push({ path: 'apiVersion', message: `expected a non-empty string, got ${describeValue(doc.apiVersion)}` });
  if (!kind) findings.push({ path: 'kind', message: `expected a non-empty string, got ${describeValue(doc.kind)}` });
  if (!apiVersion || !kind) return { findings };

  const parts = apiVersion.split('/');
  if (parts.length > 2 || parts.some(part => part === '')) {
    return { findings: [{ path: 'apiVersion', message: `'${apiVersion}' is not 'version' or 'group/version'` }] };
  }
  const [group, version] = parts.length === 2 ? parts : ['', parts[0]];
  return { gvk: { group, version, kind }, findings };
}

function apiVersionOf(gvk: { readonly group: string; readonly version: string }): string {
  return gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
}

/** Core kinds: groups without a dot (v1, apps, policy, ...) and every group the Kubernetes definitions mention. */
function isKubernetesGroup(group: string, versions: readonly string[]): boolean {
  return !group.includes('.') || versions.some(version => kubernetesApi(version).groups.has(group));
}

/** Checks a core kind against each Kubernetes version; a finding of several versions is reported once. */
function validateCore(doc: JsonObject, gvk: GroupVersionKind, versions: readonly string[]): DocumentIssue[] {
  const notServed: DocumentIssue[] = [];
  const merged = new Map<string, { finding: Finding; definition: string; versions: string[] }>();
  for (const version of versions) {
    const api = kubernetesApi(version);
    const definition = api.byGvk.get(gvkKey(gvk));
    if (!definition) {
      const served = api.apiVersionsByKind.get(`${gvk.group}/${gvk.kind}`);
      const hint = served ? `; it serves ${served.join(', ')}` : '';
      const message = `apiVersion ${apiVersionOf(gvk)} kind ${gvk.kind} is not served by Kubernetes ${version}${hint}`;
      notServed.push({ path: 'apiVersion', message, schema: `kubernetes ${version}` });
      continue;
    }
    const walker = new Walker('kubernetes', api.definitions);
    walker.check(doc, api.definitions[definition], '');
    for (const finding of walker.findings) {
      const key = [definition, finding.schema, finding.path, finding.message].join('\0');
      const entry = merged.get(key) ?? { finding, definition, versions: [] };
      entry.versions.push(version);
      merged.set(key, entry);
    }
  }
  const found = [...merged.values()].map(({ finding, definition, versions: judged }) =>
    judgedBy(`kubernetes ${judged.join(', ')} ${definition}`)(finding));
  return [...notServed, ...found];
}

function validateCustom(doc: JsonObject, gvk: GroupVersionKind, crd: CustomResourceDefinition): DocumentIssue[] {
  const version = crd.versions.get(gvk.version);
  if (!version?.served) {
    const served = [...crd.versions].filter(([, v]) => v.served).map(([name]) => `${gvk.group}/${name}`);
    const why = version ? ' (the version exists but has served: false)' : '';
    const message = `apiVersion ${apiVersionOf(gvk)} kind ${gvk.kind} is not served by CRD ${crd.name}${why}; it serves ${served.join(', ') || 'nothing'}`;
    return [{ path: 'apiVersion', message, schema: `CRD ${crd.name} (${crd.source})` }];
  }

  const walker = new Walker('custom');
  walker.check(withDefaults(doc, version.schema), version.schema, '');
  const issues = walker.findings.map(judgedBy(`CRD ${crd.name} ${gvk.version} (${crd.source})`));

  if (isObject(doc.metadata)) {
    const api = kubernetesApi(CUSTOM_RESOURCE_METADATA_VERSION);
    const metadata = new Walker('kubernetes', api.definitions);
    metadata.check(doc.metadata, { $ref: `#/definitions/${OBJECT_META}` }, 'metadata');
    issues.push(...metadata.findings.map(judgedBy(`kubernetes ${CUSTOM_RESOURCE_METADATA_VERSION} ${OBJECT_META}`)));
  }
  return issues;
}

// ---------------------------------------------------------------------------------------------------------
// Schema walking

/** The schema keywords that Kubernetes definitions and CRD structural schemas use. */
interface Schema {
  readonly '$ref'?: string;
  readonly 'type'?: string;
  readonly 'format'?: string;
  readonly 'properties'?: Readonly<Record<string, Schema>>;
  readonly 'additionalProperties'?: Schema | boolean;
  readonly 'items'?: Schema;
  readonly 'required'?: readonly string[];
  readonly 'enum'?: readonly unknown[];
  readonly 'default'?: unknown;
  readonly 'nullable'?: boolean;
  readonly 'minimum'?: number;
  readonly 'maximum'?: number;
  readonly 'exclusiveMinimum'?: boolean;
  readonly 'exclusiveMaximum'?: boolean;
  readonly 'multipleOf'?: number;
  readonly 'minLength'?: number;
  readonly 'maxLength'?: number;
  readonly 'pattern'?: string;
  readonly 'minItems'?: number;
  readonly 'maxItems'?: number;
  readonly 'minProperties'?: number;
  readonly 'maxProperties'?: number;
  readonly 'allOf'?: readonly Schema[];
  readonly 'anyOf'?: readonly Schema[];
  readonly 'oneOf'?: readonly Schema[];
  readonly 'not'?: Schema;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-embedded-resource'?: boolean;
  readonly 'x-kubernetes-list-type'?: string;
  readonly 'x-kubernetes-list-map-keys'?: readonly string[];
  readonly 'x-kubernetes-group-version-kind'?: readonly GroupVersionKind[];
  readonly 'x-kubernetes-validations'?: readonly ValidationRule[];
}

type Definitions = Readonly<Record<string, Schema>>;

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** The resource.Quantity grammar, as the API server's own CRD patterns spell it. */
const QUANTITY_PATTERN = /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;

/** Fields an `x-kubernetes-embedded-resource` object may carry besides its declared properties. */
const EMBEDDED_RESOURCE_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

/**
 * How a schema is read:
 * - 'kubernetes': Kubernetes definitions; `$ref`s resolve against them; an object without properties is free-form.
 * - 'custom': a CRD structural schema; every object is closed unless it preserves unknown fields.
 * - 'predicate': a sub-schema of allOf/anyOf/oneOf/not; only value validations, never unknown-field errors.
 */
type Mode = 'kubernetes' | 'custom' | 'predicate';

class Walker {
  public readonly findings: Finding[] = [];
  /** Values converted for CEL in this walk, by the JSON object they came from. */
  private readonly celValues = new WeakMap<object, CelInput>();

  constructor(
    private readonly mode: Mode,
    private readonly definitions?: Definitions,
  ) {}

  public check(value: unknown, schema: Schema, at: string): void {
    if (schema.$ref !== undefined) {
      this.checkRef(value, schema.$ref, at);
      return;
    }
    if (value === null) {
      this.checkNull(schema, at);
      return;
    }
    if (!this.checkType(value, schema, at)) return;
    if (isObject(value)) this.checkObject(value, schema, at);
    else if (Array.isArray(value)) this.checkArray(value, schema, at);
    else if (typeof value === 'string') this.checkString(value, schema, at);
    else if (typeof value === 'number') this.checkNumber(value, schema, at);
    this.checkEnum(value, schema, at);
    this.checkCombinators(value, schema, at);
    if (this.mode === 'custom' && schema['x-kubernetes-validations']) this.checkRules(value, schema, at);
  }

  /**
   * The CRD's CEL rules at this node, with `self` bound to the (defaulted) value. A rule that does not compile
   * or cannot be evaluated is an issue too (the API server would reject the object or the CRD); transition
   * rules (`oldSelf`) only run on updates and are left out.
   */
  private checkRules(value: unknown, schema: Schema, at: string): void {
    for (const finding of ruleFindings(value, schema as CelSchema, at, this.celValues)) this.report(finding.path, finding.message);
  }

  private report(at: string, message: string, schema?: string): void {
    this.findings.push(schema === undefined ? { path: at, message } : { path: at, message, schema });
  }

  private checkRef(value: unknown, ref: string, at: string): void {
    const name = ref.replace(/^#\/definitions\//, '');
    if (name === INT_OR_STRING) {
      if (!isInteger(value) && typeof value !== 'string') this.report(at, `expected integer or string, got ${describeValue(value)}`);
      return;
    }
    if (name === QUANTITY) {
      if (typeof value === 'string' ? !QUANTITY_PATTERN.test(value) : typeof value !== 'number') {
        this.report(at, `expected a quantity (a number, or a string such as "8Gi", "500m" or "1e3"), got ${describeValue(value)}`);
      }
      return;
    }
    const target = this.definitions?.[name];
    if (!target) {
      this.report(at, `schema error: $ref ${ref} does not resolve`);
      return;
    }
    this.check(value, target, at);
    if (name === OBJECT_META && isObject(value)) {
      for (const finding of checkLabelsAndAnnotations(value, at)) this.report(finding.path, finding.message, METADATA_RULES);
    }
  }

  private checkNull(schema: Schema, at: string): void {
    if (schema.nullable) return;
    if (this.mode === 'kubernetes') this.report(at, 'null value; omit the field instead');
    else if (this.mode === 'custom') this.report(at, 'null value for a field that is not nullable (the API server prunes it); omit the field');
    else if (schema.type !== undefined) this.report(at, `expected ${schema.type}, got null`);
  }

  /** Reports a value of the wrong type; returns whether the value has the right type. */
  private checkType(value: unknown, schema: Schema, at: string): boolean {
    if (schema['x-kubernetes-int-or-string'] || schema.format === 'int-or-string') {
      if (isInteger(value) || typeof value === 'string') return true;
      this.report(at, `expected integer or string, got ${describeValue(value)}`);
      return false;
    }
    if (schema.type === undefined || hasType(value, schema.type)) return true;
    this.report(at, `expected ${schema.type}, got ${describeValue(value)}`);
    return false;
  }

  private checkObject(value: JsonObject, schema: Schema, at: string): void {
    const properties = schema.properties ?? {};
    const additional = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
    for (const [key, child] of Object.entries(value)) {
      const where = fieldPath(at, key);
      const known = hasOwn(properties, key) ? properties[key] : additional;
      if (known) this.check(child, known, where);
      else if (!this.allowsUnknownField(schema, key)) this.report(where, `unknown field '${key}'`);
    }
    for (const key of schema.required ?? []) {
      if (!hasOwn(value, key)) this.report(fieldPath(at, key), `missing required field '${key}'`);
    }
    const count = Object.keys(value).length;
    if (schema.minProperties !== undefined && count < schema.minProperties) {
      this.report(at, `must have at least ${schema.minProperties} field(s), has ${count}`);
    }
    if (schema.maxProperties !== undefined && count > schema.maxProperties) {
      this.report(at, `must have at most ${schema.maxProperties} field(s), has ${count}`);
    }
  }

  private allowsUnknownField(schema: Schema, key: string): boolean {
    if (this.mode === 'predicate') return true;
    if (schema['x-kubernetes-preserve-unknown-fields'] === true || schema.additionalProperties === true) return true;
    if (schema['x-kubernetes-embedded-resource'] === true && EMBEDDED_RESOURCE_FIELDS.has(key)) return true;
    // Kubernetes definitions describe free-form objects (FieldsV1, RawExtension) as a bare `type: object`; in a
    // CRD schema the same shape means "no fields": the API server prunes every one of them.
    return this.mode === 'kubernetes' && schema.properties === undefined && schema.additionalProperties === undefined;
  }

  private checkArray(value: readonly unknown[], schema: Schema, at: string): void {
    const items = schema.items;
    if (items) value.forEach((item, index) => this.check(item, items, `${at}[${index}]`));
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      this.report(at, `must have at least ${schema.minItems} item(s), has ${value.length}`);
    }
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      this.report(at, `must have at most ${schema.maxItems} item(s), has ${value.length}`);
    }
    if (this.mode === 'custom') this.checkListType(value, schema, at);
  }

  /** `x-kubernetes-list-type: set` items are unique; `map` items are unique by their list-map keys. */
  private checkListType(value: readonly unknown[], schema: Schema, at: string): void {
    const listType = schema['x-kubernetes-list-type'];
    if (listType !== 'set' && listType !== 'map') return;
    const keys = schema['x-kubernetes-list-map-keys'] ?? [];
    const seen = new Set<string>();
    value.forEach((item, index) => {
      if (listType === 'map' && !isObject(item)) return;
      const identity = listType === 'map' && isObject(item) ? keys.map(key => item[key]) : item;
      const fingerprint = JSON.stringify(identity);
      if (seen.has(fingerprint)) {
        const what = listType === 'map' && isObject(item)
          ? `entry with ${keys.map(key => `${key}=${quote(item[key])}`).join(', ')} in a list of type map`
          : `value ${quote(item)} in a list of type set`;
        this.report(`${at}[${index}]`, `duplicate ${what}`);
      }
      seen.add(fingerprint);
    });
  }

  private checkString(value: string, schema: Schema, at: string): void {
    if (schema.minLength !== undefined || schema.maxLength !== undefined) {
      const length = [...value].length;
      if (schema.minLength !== undefined && length < schema.minLength) {
        this.report(at, `must be at least ${schema.minLength} character(s), got ${length}`);
      }
      if (schema.maxLength !== undefined && length > schema.maxLength) {
        this.report(at, `must be at most ${schema.maxLength} character(s), got ${length}`);
      }
    }
    if (schema.pattern !== undefined) {
      const pattern = compilePattern(schema.pattern);
      if (pattern === null) this.report(at, `the schema's pattern ${schema.pattern} does not compile as a JavaScript RegExp, so ${quote(value)} cannot be checked`);
      else if (!pattern.test(value)) this.report(at, `${quote(value)} does not match pattern ${schema.pattern}`);
    }
    const problem = schema.format === undefined ? undefined : stringFormatProblem(value, schema.format);
    if (problem) this.report(at, `${quote(value)} ${problem}`);
  }

  private checkNumber(value: number, schema: Schema, at: string): void {
    const { minimum, maximum, multipleOf } = schema;
    if (minimum !== undefined && (schema.exclusiveMinimum ? value <= minimum : value < minimum)) {
      this.report(at, `must be ${schema.exclusiveMinimum ? 'greater than' : 'at least'} ${minimum}, got ${value}`);
    }
    if (maximum !== undefined && (schema.exclusiveMaximum ? value >= maximum : value > maximum)) {
      this.report(at, `must be ${schema.exclusiveMaximum ? 'less than' : 'at most'} ${maximum}, got ${value}`);
    }
    if (multipleOf !== undefined && multipleOf > 0 && !Number.isInteger(value / multipleOf)) {
      this.report(at, `must be a multiple of ${multipleOf}, got ${value}`);
    }
    const range = schema.type === 'integer' && schema.format !== undefined ? INTEGER_RANGES[schema.format] : undefined;
    if (range && (value < range[0] || value > range[1])) {
      this.report(at, `${value} is out of range for ${schema.format}`);
    }
  }

  private checkEnum(value: unknown, schema: Schema, at: string): void {
    if (schema.enum === undefined) return;
    const fingerprint = JSON.stringify(value);
    if (!schema.enum.some(allowed => allowed === value || JSON.stringify(allowed) === fingerprint)) {
      this.report(at, `${quote(value)} is not one of ${schema.enum.map(quote).join(', ')}`);
    }
  }

  /** allOf/anyOf/oneOf/not are value validations: they constrain the value but never declare fields. */
  private checkCombinators(value: unknown, schema: Schema, at: string): void {
    for (const part of schema.allOf ?? []) {
      const predicate = new Walker('predicate', this.definitions);
      predicate.check(value, part, at);
      this.findings.push(...predicate.findings);
    }
    if (schema.anyOf && !schema.anyOf.some(part => this.matches(value, part))) {
      this.report(at, `must satisfy at least one of: ${schema.anyOf.map(summarize).join(' | ')}`);
    }
    if (schema.oneOf) {
      const matched = schema.oneOf.filter(part => this.matches(value, part));
      if (matched.length !== 1) this.report(at, oneOfMessage(value, schema.oneOf, matched.length));
    }
    if (schema.not && this.matches(value, schema.not)) {
      this.report(at, `must not satisfy: ${summarize(schema.not)}`);
    }
  }

  private matches(value: unknown, schema: Schema): boolean {
    const predicate = new Walker('predicate', this.definitions);
    predicate.check(value, schema, '');
    return predicate.findings.length === 0;
  }
}

const INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int64: [-(2 ** 63), 2 ** 63 - 1],
};

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** What is wrong with a string of the given format, for the formats the API server checks; undefined if fine. */
function stringFormatProblem(value: string, format: string): string | undefined {
  switch (format) {
    case 'byte': return BASE64.test(value) ? undefined : 'is not base64 (format byte)';
    case 'date-time': return RFC3339.test(value) && !Number.isNaN(Date.parse(value)) ? undefined : 'is not an RFC 3339 date-time';
    case 'ipv4': return net.isIPv4(value) ? undefined : 'is not an IPv4 address';
    case 'ipv6': return net.isIPv6(value) ? undefined : 'is not an IPv6 address';
    default: return undefined;
  }
}

/** Regular expressions by pattern, compiled once; null when the pattern is not valid JavaScript. */
const patterns = new Map<string, RegExp | null>();

function compilePattern(pattern: string): RegExp | null {
  let compiled = patterns.get(pattern);
  if (compiled === undefined) {
    try {
      compiled = new RegExp(pattern, 'u');
    } catch {
      compiled = null;
    }
    patterns.set(pattern, compiled);
  }
  return compiled;
}

function oneOfMessage(value: unknown, alternatives: readonly Schema[], matched: number): string {
  const exclusive = mutuallyExclusiveFields(alternatives);
  if (exclusive && isObject(value)) {
    const set = exclusive.filter(field => hasOwn(value, field));
    return `at most one of ${exclusive.map(f => `'${f}'`).join(', ')} may be set, found ${set.map(f => `'${f}'`).join(' and ')}`;
  }
  return `must satisfy exactly one of: ${alternatives.map(summarize).join(' | ')}; satisfies ${matched === 0 ? 'none' : matched}`;
}

/** The fields of the CRD idiom for "at most one of": oneOf [not anyOf [required a, required b], required a, required b]. */
function mutuallyExclusiveFields(alternatives: readonly Schema[]): string[] | undefined {
  const [none, ...each] = alternatives;
  const fields = none?.not?.anyOf?.map(part => part.required?.length === 1 ? part.required[0] : undefined);
  if (!fields || fields.length !== each.length) return undefined;
  const idiom = fields.every((field, i) => field !== undefined && each[i].required?.length === 1 && each[i].required?.[0] === field);
  return idiom ? fields as string[] : undefined;
}

/** A short description of a value-validation schema for messages, e.g. "requires 'exact'". */
function summarize(schema: Schema): string {
  const parts: string[] = [];
  if (schema.type) parts.push(`type ${schema.type}`);
  if (schema.required) parts.push(`requires ${schema.required.map(f => `'${f}'`).join(', ')}`);
  if (schema.enum) parts.push(`one of ${schema.enum.map(quote).join(', ')}`);
  if (schema.pattern) parts.push(`matches ${schema.pattern}`);
  if (schema.format) parts.push(`format ${schema.format}`);
  if (schema.properties) {
    parts.push(Object.entries(schema.properties).map(([key, sub]) => `${key} (${summarize(sub)})`).join(', '));
  }
  if (schema.anyOf) parts.push(`any of [${schema.anyOf.map(summarize).join(' | ')}]`);
  if (schema.oneOf) parts.push(`exactly one of [${schema.oneOf.map(summarize).join(' | ')}]`);
  if (schema.allOf) parts.push(`all of [${schema.allOf.map(summarize).join(' | ')}]`);
  if (schema.not) parts.push(`not (${summarize(schema.not)})`);
  return parts.join(', ') || 'anything';
}

/**
 * The document with the schema's defaults filled in, as the API server does before validating a custom
 * resource (so a defaulted field satisfies `required` and combinators). The input is never modified.
 */
function withDefaults(value: unknown, schema: Schema): unknown {
  if (Array.isArray(value)) {
    const items = schema.items;
    return items ? value.map(item => withDefaults(item, items)) : value;
  }
  const properties = schema.properties;
  const additional = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  if (!isObject(value) || (!properties && !additional)) return value;

  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const childSchema = properties && hasOwn(properties, key) ? properties[key] : additional;
    result[key] = childSchema ? withDefaults(child, childSchema) : child;
  }
  for (const [key, property] of Object.entries(properties ?? {})) {
    if (!hasOwn(result, key) && property.default !== undefined) result[key] = withDefaults(property.default, property);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// Object metadata rules (k8s.io/apimachinery validation)

const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/** A naming rule: what is wrong with a name, or undefined when it is fine. */
type NameRule = (name: string) => string | undefined;

const dnsSubdomain: NameRule = dnsSubdomainProblem;
const dnsLabel: NameRule = dnsLabelProblem;
const dns1035Label: NameRule = dns1035LabelProblem;
const pathSegment: NameRule = name => name !== '.' && name !== '..' && !/[/%]/.test(name) ? undefined
  : "is not a path segment name: it may not be '.' or '..' or contain '/' or '%'";

/** Kinds whose names follow another rule than the default DNS subdomain, by "group/kind". */
const NAME_RULES: Readonly<Record<string, NameRule>> = {
  '/Service': dns1035Label,
  '/Namespace': dnsLabel,
  'rbac.authorization.k8s.io/Role': pathSegment,
  'rbac.authorization.k8s.io/ClusterRole': pathSegment,
  'rbac.authorization.k8s.io/RoleBinding': pathSegment,
  'rbac.authorization.k8s.io/ClusterRoleBinding': pathSegment,
};

/** The root metadata: a name (or generateName) that suits the kind, and a valid namespace. */
function checkNames(metadata: unknown, gvk: GroupVersionKind): Finding[] {
  if (metadata === undefined) return [{ path: 'metadata', message: "missing required field 'metadata'" }];
  if (!isObject(metadata)) return []; // the schema reports the wrong type
  const findings: Finding[] = [];
  const rule = NAME_RULES[`${gvk.group}/${gvk.kind}`] ?? dnsSubdomain;
  const { name, generateName, namespace } = metadata;
  if (name === undefined && generateName === undefined) {
    findings.push({ path: 'metadata.name', message: "missing required field 'name' (or 'generateName')" });
  }
  if (typeof name === 'string') {
    const problem = rule(name);
    if (problem) findings.push({ path: 'metadata.name', message: `${quote(name)} ${problem}` });
  }
  if (typeof generateName === 'string') {
    // The API server appends a random suffix, so a trailing '-' is fine.
    const problem = rule(generateName.length > 1 ? generateName.replace(/-$/, 'a') : generateName);
    if (problem) findings.push({ path: 'metadata.generateName', message: `${quote(generateName)} ${problem}` });
  }
  if (typeof namespace === 'string' && namespace !== '') {
    const problem = dnsLabel(namespace);
    if (problem) findings.push({ path: 'metadata.namespace', message: `${quote(namespace)} ${problem}` });
  }
  return findings;
}

/** Label keys and values, annotation keys and total annotation size of any ObjectMeta (root or template). */
function checkLabelsAndAnnotations(metadata: JsonObject, at: string): Finding[] {
  const findings: Finding[] = [];
  const labels = isObject(metadata.labels) ? metadata.labels : {};
  for (const [key, value] of Object.entries(labels)) {
    const where = fieldPath(fieldPath(at, 'labels'), key);
    const problem = qualifiedNameProblem(key);
    if (problem) findings.push({ path: where, message: `label key ${quote(key)} ${problem}` });
    const valueProblem = typeof value === 'string' ? labelValueProblem(value) : undefined;
    if (valueProblem) findings.push({ path: where, message: `label value ${quote(value)} ${valueProblem}` });
  }
  const annotations = isObject(metadata.annotations) ? metadata.annotations : {};
  let bytes = 0;
  for (const [key, value] of Object.entries(annotations)) {
    const problem = qualifiedNameProblem(key.toLowerCase());
    if (problem) findings.push({ path: fieldPath(fieldPath(at, 'annotations'), key), message: `annotation key ${quote(key)} ${problem}` });
    bytes += Buffer.byteLength(key) + (typeof value === 'string' ? Buffer.byteLength(value) : 0);
  }
  if (bytes > MAX_ANNOTATIONS_BYTES) {
    findings.push({ path: fieldPath(at, 'annotations'), message: `annotations total ${bytes} bytes, more than the ${MAX_ANNOTATIONS_BYTES} allowed` });
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------------------
// ingress-nginx annotations

const INGRESS_NGINX_PREFIX = 'nginx.ingress.kubernetes.io/';

function checkIngressNginxAnnotations(doc: JsonObject): Finding[] {
  const annotations = isObject(doc.metadata) && isObject(doc.metadata.annotations) ? doc.metadata.annotations : {};
  const known = ingressNginxAnnotations();
  return Object.keys(annotations)
    .filter(key => key.startsWith(INGRESS_NGINX_PREFIX) && !known.has(key))
    .map(key => {
      const suggestion = closest(key, known);
      const hint = suggestion ? ` (did you mean '${suggestion}'?)` : '';
      return {
        path: fieldPath('metadata.annotations', key),
        message: `unknown ingress-nginx annotation '${key}'; the controller silently ignores it${hint}`,
      };
    });
}

/** The known name nearest to `word` by edit distance, if it is close enough to be a likely typo. */
function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(word, name);
    if (distance <= 3 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

// ---------------------------------------------------------------------------------------------------------
// Schema loading, cached per process

interface KubernetesApi {
  readonly definitions: Definitions;
  /** Definition name by "group/version/kind". */
  readonly byGvk: ReadonlyMap<string, string>;
  /** The apiVersions that serve each "group/kind". */
  readonly apiVersionsByKind: ReadonlyMap<string, readonly string[]>;
  /** Every API group the definitions mention ('' for the core group). */
  readonly groups: ReadonlySet<string>;
}

const kubernetesApis = new Map<string, KubernetesApi>();

function gvkKey(gvk: GroupVersionKind): string {
  return `${gvk.group}/${gvk.version}/${gvk.kind}`;
}

function kubernetesApi(version: string): KubernetesApi {
  const cached = kubernetesApis.get(version);
  if (cached) return cached;

  const folder = path.join(upstreamRoot(), 'kubernetes');
  const file = path.join(folder, version, '_definitions.json');
  if (!fs.existsSync(file)) {
    const available = fs.existsSync(folder) ? fs.readdirSync(folder).join(', ') : 'none';
    throw new Error(`No Kubernetes definitions for ${version} (${file}); available: ${available}`);
  }
  const definitions = (JSON.parse(fs.readFileSync(file, 'utf8')) as { definitions: Definitions }).definitions;
  const byGvk = new Map<string, string>();
  const apiVersionsByKind = new Map<string, string[]>();
  const groups = new Set<string>();
  for (const [name, schema] of Object.entries(definitions)) {
    for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) {
      byGvk.set(gvkKey(gvk), name);
      groups.add(gvk.group);
      const kindKey = `${gvk.group}/${gvk.kind}`;
      apiVersionsByKind.set(kindKey, [...apiVersionsByKind.get(kindKey) ?? [], apiVersionOf(gvk)]);
    }
  }
  const api: KubernetesApi = { definitions, byGvk, apiVersionsByKind, groups };
  kubernetesApis.set(version, api);
  return api;
}

interface CustomResourceDefinition {
  /** metadata.name, e.g. httproutes.gateway.networking.k8s.io */
  readonly name: string;
  readonly group: string;
  readonly kind: string;
  /** The folder under crds/ it was read from, e.g. gateway-api/standard */
  readonly source: string;
  /** Whether it is the Gateway API experimental channel's copy of a gateway.networking.k8s.io kind. */
  readonly experimental: boolean;
  readonly versions: ReadonlyMap<string, { readonly served: boolean; readonly schema: Schema }>;
}

const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

/**
 * Every CRD under crds/, indexed by group and kind. Files are parsed lazily: a file named like its CRD
 * (`<group>_<plural>.yaml`, the upstream convention) when its group is first looked up, every other file
 * when a lookup misses.
 */
class CrdCatalog {
  private readonly unparsed: string[];
  private readonly standard = new Map<string, CustomResourceDefinition>();
  private readonly experimental = new Map<string, CustomResourceDefinition>();

  constructor(private readonly root: string) {
    this.unparsed = yamlFiles(root).sort();
  }

  /** Every CRD, both channels. */
  public all(): CustomResourceDefinition[] {
    this.parse(() => true);
    return [...this.standard.values(), ...this.experimental.values()];
  }

  public find(group: string, kind: string, channel: Channel): CustomResourceDefinition | undefined {
    const key = `${group}/${kind}`;
    const lookup = () => (channel === 'experimental' ? this.experimental.get(key) : undefined) ?? this.standard.get(key);
    this.parse(file => path.basename(file).startsWith(`${group}_`));
    if (!lookup()) this.parse(() => true);
    return lookup();
  }

  private parse(wanted: (file: string) => boolean): void {
    for (const file of this.unparsed.filter(wanted)) {
      this.unparsed.splice(this.unparsed.indexOf(file), 1);
      for (const crd of readCrds(file, this.root)) {
        const index = crd.experimental ? this.experimental : this.standard;
        const key = `${crd.group}/${crd.kind}`;
        const other = index.get(key);
        if (other) throw new Error(`Two CRDs define ${key}: ${other.source}/${other.name} and ${crd.source}/${crd.name}`);
        index.set(key, crd);
      }
    }
  }
}

let catalog: CrdCatalog | undefined;

function crdCatalog(): CrdCatalog {
  catalog ??= new CrdCatalog(path.join(upstreamRoot(), 'crds'));
  return catalog;
}

function yamlFiles(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(entry.name) ? [full] : [];
  });
}

/** The CRDs in one YAML file (it may hold several documents; other kinds are ignored). */
function readCrds(file: string, root: string): CustomResourceDefinition[] {
  const source = path.relative(root, path.dirname(file)).split(path.sep).join('/');
  const crds: CustomResourceDefinition[] = [];
  for (const doc of yamlDocuments(file)) {
    if (!isObject(doc) || doc.kind !== 'CustomResourceDefinition') continue;
    const spec = isObject(doc.spec) ? doc.spec : {};
    const names = isObject(spec.names) ? spec.names : {};
    const metadata = isObject(doc.metadata) ? doc.metadata : {};
    if (typeof spec.group !== 'string' || typeof names.kind !== 'string' || !Array.isArray(spec.versions)) {
      throw new Error(`${file}: not an apiextensions.k8s.io/v1 CRD (spec.group, spec.names.kind and spec.versions are required)`);
    }
    const versions = new Map<string, { served: boolean; schema: Schema }>();
    for (const version of spec.versions as unknown[]) {
      if (!isObject(version) || typeof version.name !== 'string') continue;
      const schema = isObject(version.schema) && isObject(version.schema.openAPIV3Schema) ? version.schema.openAPIV3Schema : {};
      versions.set(version.name, { served: version.served === true, schema: withTypeMeta(schema as Schema) });
    }
    crds.push({
      name: typeof metadata.name === 'string' ? metadata.name : `${names.kind}.${spec.group}`,
      group: spec.group,
      kind: names.kind,
      source,
      experimental: spec.group === GATEWAY_API_GROUP && source.split('/').includes('experimental'),
      versions,
    });
  }
  return crds;
}

/**
 * Parsed CRD files are kept as JSON under node_modules/.cache, by the SHA-256 of the file's text: parsing the
 * YAML of the large CRDs takes seconds, reading their JSON milliseconds, and every jest worker and test file
 * starts from nothing. A changed file gets a new key, so the cache never serves a stale parse.
 */
const PARSED_CACHE = path.resolve(__dirname, '..', 'node_modules', '.cache', 'cdk8s-ai-gateway-validator');

/** The documents of a YAML file, from the cache when it has them. */
function yamlDocuments(file: string): unknown[] {
  const text = fs.readFileSync(file, 'utf8');
  const cached = path.join(PARSED_CACHE, `${crypto.createHash('sha256').update(text).digest('hex')}.json`);
  try {
    return JSON.parse(fs.readFileSync(cached, 'utf8')) as unknown[];
  } catch {
    // not cached yet (or unreadable): parse the YAML
  }
  const docs = parseAllDocuments(text).map(parsed => {
    if (parsed.errors.length > 0) throw new Error(`${file}: ${parsed.errors[0].message}`);
    return parsed.toJS() as unknown;
  });
  try {
    fs.mkdirSync(PARSED_CACHE, { recursive: true });
    // Written whole, then renamed: concurrent jest workers never read half a file.
    const partial = `${cached}.${process.pid}.partial`;
    fs.writeFileSync(partial, JSON.stringify(docs));
    fs.renameSync(partial, cached);
  } catch {
    // a read-only checkout still validates, only more slowly
  }
  return docs;
}

/**
 * A CRD's root schema with the fields every object has: the API server always accepts apiVersion, kind and
 * metadata (Istio's schemas list only spec and status). metadata is judged separately, as ObjectMeta.
 */
function withTypeMeta(schema: Schema): Schema {
  const properties = schema.properties ?? {};
  return {
    ...schema,
    type: schema.type ?? 'object',
    properties: {
      ...properties,
      apiVersion: properties.apiVersion ?? { type: 'string' },
      kind: properties.kind ?? { type: 'string' },
      metadata: { ...properties.metadata, 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
  };
}

let knownIngressNginxAnnotations: ReadonlySet<string> | undefined;

function ingressNginxAnnotations(): ReadonlySet<string> {
  knownIngressNginxAnnotations ??= new Set(
    fs.readFileSync(path.join(upstreamRoot(), 'ingress-nginx', 'annotations.txt'), 'utf8')
      .split('\n')
      .map(line => line.trim())
      .filter(line => line !== '' && !line.startsWith('#')),
  );
  return knownIngressNginxAnnotations;
}

// ---------------------------------------------------------------------------------------------------------
// JSON helpers

type JsonObject = { readonly [key: string]: unknown };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasOwn(value: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(value, key);
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object': return isObject(value);
    case 'array': return Array.isArray(value);
    case 'string': return typeof value === 'string';
    case 'integer': return isInteger(value);
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    case 'boolean': return typeof value === 'boolean';
    default: return true;
  }
}

/** A JSON path segment: `.name` for plain keys, `["app.kubernetes.io/name"]` for the rest. */
function fieldPath(parent: string, key: string): string {
  if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

/** A value for messages, with its JSON type: `string "two"`, `boolean true`, `object`. */
function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'number') return `${Number.isInteger(value) ? 'integer' : 'number'} ${value}`;
  return `${typeof value} ${quote(value)}`;
}

/** A value as short JSON for messages. */
function quote(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
