import { Duration } from 'cdk8s';
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
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 80 ? json.slice(0, 77) + '...' : json;
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

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
  if (value.length === 0 || value.length > 63 || !LABEL_VALUE.test(value)) {
    throw invalid(where, property, value, 'cannot be a Kubernetes label value (1 to 63 characters: letters, digits, "-", "_", "." and alphanumeric at both ends)',
      'choose a short name such as "llama-3-8b" and pass the full model id to the model server');
  }
  return value;
}

/** A DNS-1123 label (namespaces, Service names, container names). @internal */
export function requireDnsLabel(where: IConstruct | string, property: string, value: string): string {
  if (value.length === 0 || value.length > 63 || !DNS_LABEL.test(value)) {
    throw invalid(where, property, value, 'is not a DNS-1123 label (1 to 63 lowercase letters, digits and "-", alphanumeric at both ends)',
      'use lowercase letters, digits and "-" only');
  }
  return value;
}

/** A DNS-1123 subdomain (object names, Secret names). @internal */
export function requireDnsSubdomain(where: IConstruct | string, property: string, value: string): string {
  if (value.length === 0 || value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    throw invalid(where, property, value, 'is not a valid Kubernetes object name (lowercase DNS-1123 subdomain, at most 253 characters)',
      'use lowercase letters, digits, "-" and "."');
  }
  return value;
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/** An HTTP header name (an RFC 9110 token); returns it in lowercase, as HTTP/2 sends it. @internal */
export function requireHeaderName(where: IConstruct | string, property: string, name: string): string {
  if (!HEADER_NAME.test(name)) {
    throw invalid(where, property, name, 'is not an HTTP header name', 'use letters, digits and "-", such as x-tenant-id');
  }
  return name.toLowerCase();
}

/** A path that starts with "/" and has no spaces. @internal */
export function requireHttpPath(where: IConstruct | string, property: string, value: string): string {
  if (!value.startsWith('/') || /\s/.test(value)) {
    throw invalid(where, property, value, 'is not an HTTP path', 'start it with "/" and leave out spaces');
  }
  return value;
}

/** A duration as whole milliseconds, at least 1 (cdk8s itself throws a plain Error for fractions). @internal */
export function wholeMillis(scope: IConstruct, property: string, duration: Duration): number {
  const ms = duration.toMilliseconds({ integral: false });
  if (!Number.isInteger(ms) || ms < 1) {
    throw invalid(scope, property, `${ms}ms`, 'must be a whole number of milliseconds, at least 1', 'use Duration.millis(n) or Duration.seconds(n)');
  }
  return ms;
}

/** The largest value of the int32 fields Kubernetes and Envoy APIs use. @internal */
export const INT32_MAX = 2_147_483_647;

/** @internal */
export function requireNonEmpty(where: IConstruct | string, property: string, value: string): string {
  if (value.trim().length === 0) {
    throw invalid(where, property, value, 'must not be empty', `set '${property}'`);
  }
  return value;
}

/** A duration as whole seconds, at least `min`. @internal */
export function wholeSeconds(scope: IConstruct, property: string, duration: Duration, min: number): number {
  const ms = duration.toMilliseconds({ integral: false });
  if (ms % 1000 !== 0 || ms / 1000 < min) {
    throw invalid(scope, property, `${ms / 1000}s`, `must be whole seconds, at least ${min}`, 'use Duration.seconds(n) or Duration.minutes(n)');
  }
  return ms / 1000;
}
