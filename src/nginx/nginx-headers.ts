import type { RouteSpec, ValueCondition } from '../routing/resolved';
import { invalid } from '../validate';

/*
 * Header conditions as ingress-nginx reads them: the canary Ingress's header condition and the header names nginx
 * passes to its variables.
 */

/** The header condition of a route's canary Ingress. */
export interface CanaryCondition {
  readonly header: string;
  readonly value?: string;
  readonly pattern?: string;
}

/** canary-by-header-value and cookie names: ingress-nginx's BasicChars (spaces are dropped before the check). */
const BASIC_CHARS = /^[A-Za-z0-9\-._~:/ ]*$/;
/** canary-by-header-pattern: ingress-nginx's IsValidRegex. */
const REGEX_CHARS = /^[A-Za-z0-9\-._~:/^$[\](){}*+?|&=\\]*$/;
/** Header names nginx reads by default (it ignores headers with "_" or other characters). */
export const NGINX_HEADER = /^[a-z0-9-]+$/;

export function canaryCondition(route: RouteSpec, property: string, h: ValueCondition): CanaryCondition {
  if (!NGINX_HEADER.test(h.name)) throw badHeaderName(route, property, h.name);
  if (h.kind === 'present') return { header: h.name, pattern: '.*' };
  if (h.kind === 'regex') {
    if (!REGEX_CHARS.test(h.value!)) {
      throw invalid(route.scope, property, h.value!,
        'has characters ingress-nginx rejects in canary-by-header-pattern (letters, digits and - . _ ~ : / ^ $ [ ] ( ) { } * + ? | & = \\ only)',
        'rewrite the regex with those characters, or use DataPlane.gatewayApi(...)');
    }
    // The model matches the whole value; nginx's regex finds a match anywhere in it.
    return { header: h.name, pattern: `^(?:${h.value})$` };
  }
  // canary-by-header-value ignores an empty value: match the empty value with a pattern.
  if (h.value === '') return { header: h.name, pattern: '^$' };
  if (!BASIC_CHARS.test(h.value!)) {
    throw invalid(route.scope, property, h.value!,
      'has characters ingress-nginx rejects in canary-by-header-value (letters, digits, spaces and - . _ ~ : / only)',
      'match a value made of those characters, or use DataPlane.gatewayApi(...)');
  }
  return { header: h.name, value: h.value };
}

export function badHeaderName(route: RouteSpec, property: string, name: string) {
  return invalid(route.scope, property, name, 'is a header name nginx ignores by default (it reads names of letters, digits and "-" only)',
    'use a header name of letters, digits and "-", such as x-llm-model-type');
}
