import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { AiGatewayError } from './errors';

/*
 * Checks shared by constructs and value objects. Each throws AiGatewayError through `invalid`, so every
 * message has the same shape. `where` is a construct or a factory name.
 */

/**
 * Builds the error for a rejected value: `<where>: '<property>' (<value>) <rule>; <fix>`.
 * `where` is a construct (its path is used) or the name of a factory such as `Accelerator.nvidiaGpu`.
 * @internal
 */
export function invalid(where: IConstruct | string, property: string, value: unknown, rule: string, fix: string): AiGatewayError {
  const at = typeof where === 'string' ? where : where.node.path;
  return new AiGatewayError(`${at}: '${property}' (${describe(value)}) ${rule}; ${fix}`);
}

/** A short, readable rendering of a rejected value for error messages. @internal */
export function describe(value: unknown): string {
  if (value === undefined) return 'not set';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    // A construct or another object with cycles, passed where a value was expected.
    return `a ${(value as object).constructor?.name ?? 'value'}`;
  }
  return json === undefined ? String(value) : json.length > 80 ? json.slice(0, 77) + '...' : json;
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/*
 * Type checks for callers without a type checker (JavaScript, or a jsii language passing null): a wrong type
 * gets the library's error naming the property, instead of a TypeError deep inside or a mangled value.
 * (The string and Duration checks are part of the helpers below.)
 */

/** A string. @internal */
export function requireString(where: IConstruct | string, property: string, value: unknown): string {
  if (typeof value !== 'string') throw invalid(where, property, value, 'is not a string', `pass '${property}' as a string`);
  return value;
}

/** An object with properties (an options struct), not null, an array or a primitive. @internal */
export function requireObject<T>(where: IConstruct | string, property: string, value: T): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(where, property, value, 'is not an object', `pass '${property}' as an object literal such as { ... }`);
  }
  return value;
}

/** An array. @internal */
export function requireArray<T>(where: IConstruct | string, property: string, value: T[]): T[] {
  if (!Array.isArray(value)) throw invalid(where, property, value, 'is not a list', `pass '${property}' as a list [...]`);
  return value;
}

/** An instance of one of the library's value classes, made by its factories (`what` names them). @internal */
export function requireInstance<T>(where: IConstruct | string, property: string, value: T,
  type: { readonly name: string; readonly prototype: unknown }, what: string): T {
  if (!(value instanceof (type as any))) {
    throw invalid(where, property, value, `is not an instance of ${type.name}`, `build it with ${what}`);
  }
  return value;
}

/** @internal */
export function requireWholeNumber(where: IConstruct | string, property: string, value: number, min: number, max?: number): number {
  const inRange = Number.isInteger(value) && value >= min && (max === undefined || value <= max);
  if (!inRange) {
    const range = max === undefined ? `${min} or more` : `from ${min} to ${max}`;
    throw invalid(where, property, value, `must be a whole number ${range}`, `set '${property}' to a whole number ${range}`);
  }
  return value;
}

/** @internal */
export function requirePort(where: IConstruct | string, property: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw invalid(where, property, value, 'is not a TCP port', 'use a whole number from 1 to 65535');
  }
  return value;
}

/** A Kubernetes label value: at most 63 characters, alphanumeric at both ends, `-_.` inside. @internal */
export function requireLabelValue(where: IConstruct | string, property: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 63 || !LABEL_VALUE.test(value)) {
    throw invalid(where, property, value, 'cannot be a Kubernetes label value (1 to 63 characters: letters, digits, "-", "_", "." and alphanumeric at both ends)',
      'choose a short name such as "llama-3-8b" and pass the full model id to the model server');
  }
  return value;
}

/** A DNS-1123 label (namespaces, Service names, container names). @internal */
export function requireDnsLabel(where: IConstruct | string, property: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 63 || !DNS_LABEL.test(value)) {
    throw invalid(where, property, value, 'is not a DNS-1123 label (1 to 63 lowercase letters, digits and "-", alphanumeric at both ends)',
      'use lowercase letters, digits and "-" only');
  }
  return value;
}

const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A Service name: a DNS-1035 label, which unlike a DNS-1123 label starts with a letter (the API server's
 * ValidateServiceName, for Services and for the Services an Ingress backend names). @internal
 */
export function requireServiceName(where: IConstruct | string, property: string, value: string,
  fix = 'choose a name that starts with a letter'): string {
  if (typeof value !== 'string' || value.length > 63 || !DNS_1035_LABEL.test(value)) {
    throw invalid(where, property, value, 'cannot name a Service (1 to 63 lowercase letters, digits and "-", starting with a letter)', fix);
  }
  return value;
}

/** A DNS-1123 subdomain (object names, Secret names). @internal */
export function requireDnsSubdomain(where: IConstruct | string, property: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    throw invalid(where, property, value, 'is not a valid Kubernetes object name (lowercase DNS-1123 subdomain, at most 253 characters)',
      'use lowercase letters, digits, "-" and "."');
  }
  return value;
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/** An HTTP header name (an RFC 9110 token); returns it in lowercase, as HTTP/2 sends it. @internal */
export function requireHeaderName(where: IConstruct | string, property: string, name: string): string {
  if (typeof name !== 'string' || !HEADER_NAME.test(name)) {
    throw invalid(where, property, name, 'is not an HTTP header name', 'use letters, digits and "-", such as x-tenant-id');
  }
  return name.toLowerCase();
}

/** A path that starts with "/" and has no spaces. @internal */
export function requireHttpPath(where: IConstruct | string, property: string, value: string): string {
  if (typeof value !== 'string' || !value.startsWith('/') || /\s/.test(value)) {
    throw invalid(where, property, value, 'is not an HTTP path', 'start it with "/" and leave out spaces');
  }
  return value;
}

/** A duration as whole milliseconds, at least 1 (cdk8s itself throws a plain Error for fractions). @internal */
export function wholeMillis(scope: IConstruct, property: string, duration: Duration): number {
  const ms = millisOf(scope, property, duration);
  if (!Number.isInteger(ms) || ms < 1) {
    throw invalid(scope, property, `${ms}ms`, 'must be a whole number of milliseconds, at least 1', 'use Duration.millis(n) or Duration.seconds(n)');
  }
  return ms;
}

/** A Duration's milliseconds; JavaScript callers may pass something else, such as a number of seconds. */
function millisOf(scope: IConstruct, property: string, duration: Duration): number {
  if (typeof (duration as Duration | undefined)?.toMilliseconds !== 'function') {
    throw invalid(scope, property, duration, 'is not a Duration', 'use Duration.seconds(n), Duration.minutes(n) and the like');
  }
  return duration.toMilliseconds({ integral: false });
}

/** The largest value of the int32 fields Kubernetes and Envoy APIs use. @internal */
export const INT32_MAX = 2_147_483_647;

/** @internal */
export function requireNonEmpty(where: IConstruct | string, property: string, value: string): string {
  if (typeof value !== 'string') {
    throw invalid(where, property, value, 'is not a string', `set '${property}' to a string`);
  }
  if (value.trim().length === 0) {
    throw invalid(where, property, value, 'must not be empty', `set '${property}'`);
  }
  return value;
}

/** A duration as whole seconds, at least `min` and, when given, at most `max`. @internal */
export function wholeSeconds(scope: IConstruct, property: string, duration: Duration, min: number, max?: number): number {
  const ms = millisOf(scope, property, duration);
  if (ms % 1000 !== 0 || ms / 1000 < min) {
    throw invalid(scope, property, `${ms / 1000}s`, `must be whole seconds, at least ${min}`, 'use Duration.seconds(n) or Duration.minutes(n)');
  }
  if (max !== undefined && ms / 1000 > max) {
    throw invalid(scope, property, `${ms / 1000}s`, `must be at most ${max} seconds`, `use a duration of at most ${max} seconds`);
  }
  return ms / 1000;
}

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/**
 * A label (or annotation) key as the API server checks it: an optional prefix that is a DNS-1123 subdomain of at
 * most 253 characters and a "/", then a name of 1 to 63 letters, digits, "-", "_" and ".", alphanumeric at both
 * ends (Kubernetes apimachinery validation.IsQualifiedName). @internal
 */
export function requireLabelKey(where: IConstruct | string, property: string, key: string): string {
  const slash = typeof key === 'string' ? key.lastIndexOf('/') : -1;
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  const valid = typeof key === 'string' && key.indexOf('/') === slash
    && name.length <= 63 && LABEL_NAME.test(name)
    && (prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix)));
  if (!valid) {
    throw invalid(where, property, key,
      'is not a Kubernetes label key (an optional DNS subdomain prefix and "/", then 1 to 63 letters, digits, "-", "_" and ".", alphanumeric at both ends)',
      'use a key such as "team" or "example.com/team"');
  }
  return key;
}

/** The keys of a label map (the values are checked by the caller). @internal */
export function requireLabelKeys(where: IConstruct | string, property: string, labels: Record<string, string>): void {
  requireStringMap(where, property, labels);
  for (const key of Object.keys(labels)) requireLabelKey(where, `${property}.${key}`, key);
}

/**
 * A map of labels: keys as `requireLabelKey`, values of at most 63 characters, empty or alphanumeric at both ends
 * with "-", "_" and "." inside. @internal
 */
export function requireLabels(where: IConstruct | string, property: string, labels: Record<string, string>): Record<string, string> {
  requireLabelKeys(where, property, labels);
  for (const [key, value] of Object.entries(labels)) {
    if (value.length > 63 || !LABEL_VALUE.test(value)) {
      throw invalid(where, `${property}.${key}`, value,
        'is not a Kubernetes label value (at most 63 letters, digits, "-", "_" and ".", alphanumeric at both ends)',
        'use a value such as "platform" or "v1.2"');
    }
  }
  return labels;
}

/** A record of strings, as JavaScript callers may pass anything. @internal */
export function requireStringMap(where: IConstruct | string, property: string, value: Record<string, string>): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(where, property, value, 'is not a map of strings', `set '${property}' to an object such as { key: 'value' }`);
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') {
      throw invalid(where, `${property}.${key}`, item, 'is not a string', 'give every value as a string');
    }
  }
  return value;
}

/** A list of strings, as JavaScript callers may pass a single string (which would be spread into characters). @internal */
export function requireStringList(where: IConstruct | string, property: string, value: string[]): string[] {
  if (!Array.isArray(value)) {
    throw invalid(where, property, value, 'is not a list of strings', `pass a list, such as ['${typeof value === 'string' ? value : '--flag'}']`);
  }
  value.forEach((item, i) => {
    if (typeof item !== 'string') throw invalid(where, `${property}[${i}]`, item, 'is not a string', 'give every item as a string');
  });
  return value;
}

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * A key of a Secret or ConfigMap: 1 to 253 letters, digits, "-", "_" and ".", neither "." nor ".." nor starting
 * with ".." (Kubernetes apimachinery validation.IsConfigMapKey). @internal
 */
export function requireSecretKey(where: IConstruct | string, property: string, key: string): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > 253 || !SECRET_KEY.test(key) || key === '.' || key.startsWith('..')) {
    throw invalid(where, property, key, 'is not a Secret key (1 to 253 letters, digits, "-", "_" and ".", not "." and not starting with "..")',
      'use the key as it appears in the Secret\'s data, such as "token"');
  }
  return key;
}

const CPU_QUANTITY = /^(\d+(\.\d+)?|\.\d+)(e[-+]?\d+)?m?$/;

/** A CPU amount as a Kubernetes quantity: a finite number of cores (or millicores) above 0. @internal */
export function cpuQuantity(where: IConstruct | string, property: string, cpu: Cpu): string {
  const amount = cpu?.amount;
  const cores = typeof amount === 'string' && CPU_QUANTITY.test(amount) ? parseFloat(amount) : NaN;
  if (!(cores > 0) || !Number.isFinite(cores)) {
    throw invalid(where, property, amount, 'is not a CPU amount above 0', 'use Cpu.units(n) or Cpu.millis(n) with a finite number above 0, such as Cpu.units(4)');
  }
  return amount;
}

/**
 * A Size as a Kubernetes quantity in whole mebibytes (`512Mi`), or whole kibibytes when it is not a whole number of
 * mebibytes (`1536Ki`); at least 1 KiB. cdk8s throws its own error when converting such sizes to mebibytes. @internal
 */
export function sizeQuantity(where: IConstruct | string, property: string, size: Size): string {
  return quantityOfKibibytes(sizeInKibibytes(where, property, size));
}

/** Whole kibibytes as a quantity: `512Mi` when a whole number of mebibytes, else `1536Ki`. @internal */
export function quantityOfKibibytes(kib: number): string {
  return kib % 1024 === 0 ? `${kib / 1024}Mi` : `${kib}Ki`;
}

/** A Size in whole kibibytes, at least 1 (the smallest unit `Size` has). @internal */
export function sizeInKibibytes(where: IConstruct | string, property: string, size: Size): number {
  const kib = size?.toKibibytes?.({ rounding: SizeRoundingBehavior.NONE });
  if (typeof kib !== 'number' || !Number.isInteger(kib) || kib < 1 || kib > Number.MAX_SAFE_INTEGER) {
    throw invalid(where, property, typeof kib === 'number' ? `${kib}Ki` : size,
      'must be a whole number of kibibytes, at least 1', 'use Size.kibibytes(n), Size.mebibytes(n) or Size.gibibytes(n) with a whole n of 1 or more');
  }
  return kib;
}
