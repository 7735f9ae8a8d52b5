import { invalid, requireArray, requireHeaderName, requireInstance, requireNonEmpty, requireString } from '../validate';
import { MatchConditions, ValueCondition } from './resolved';

/** HTTP request methods a route can match. */
export enum HttpMethod {
  GET = 'GET',
  POST = 'POST',
  PUT = 'PUT',
  DELETE = 'DELETE',
  PATCH = 'PATCH',
  HEAD = 'HEAD',
  OPTIONS = 'OPTIONS',
}

/**
 * Which requests a route takes.
 *
 * One `RouteMatch` holds one or more conditions, and a request matches it only when **all** of its
 * conditions hold (AND); combine conditions with `RouteMatch.all([...])`. A route with several matches
 * takes a request when **any** of them matches (OR). A route without matches takes every request: it is the
 * catch-all and must be the gateway's last route.
 *
 * @example
 * // POST /v1/chat/completions with the header x-llm-model-type: large
 * RouteMatch.all([
 *   RouteMatch.pathPrefix('/v1/chat/completions'),
 *   RouteMatch.method(HttpMethod.POST),
 *   RouteMatch.header('x-llm-model-type', 'large'),
 * ]);
 */
export class RouteMatch {
  /** Paths that start with `prefix`, segment by segment (`/v1` matches `/v1/models`, not `/v10`). */
  public static pathPrefix(prefix: string): RouteMatch {
    return new RouteMatch({ path: { kind: 'prefix', value: requirePath('RouteMatch.pathPrefix', prefix) }, headers: [], queryParams: [] });
  }

  /** Exactly this path. */
  public static pathExact(path: string): RouteMatch {
    return new RouteMatch({ path: { kind: 'exact', value: requirePath('RouteMatch.pathExact', path) }, headers: [], queryParams: [] });
  }

  /** A header with exactly this value. Header names are compared case-insensitively. */
  public static header(name: string, value: string): RouteMatch {
    requireValue('RouteMatch.header', value, 'use RouteMatch.headerPresent(name) to match any value');
    return new RouteMatch({ headers: [{ name: headerName('RouteMatch.header', name), kind: 'exact', value }], queryParams: [] });
  }

  /** A header whose whole value matches an RE2 regular expression. */
  public static headerRegex(name: string, regex: string): RouteMatch {
    requireNonEmpty('RouteMatch.headerRegex', 'regex', regex);
    if (regex.length > 4096) {
      throw invalid('RouteMatch.headerRegex', 'regex', regex, 'is longer than the 4096 characters a Gateway API header match holds', 'use a shorter regex');
    }
    return new RouteMatch({ headers: [{ name: headerName('RouteMatch.headerRegex', name), kind: 'regex', value: regex }], queryParams: [] });
  }

  /** A header that is present, whatever its value. */
  public static headerPresent(name: string): RouteMatch {
    return new RouteMatch({ headers: [{ name: headerName('RouteMatch.headerPresent', name), kind: 'present' }], queryParams: [] });
  }

  /** The request method. */
  public static method(method: HttpMethod): RouteMatch {
    if (!Object.values(HttpMethod).includes(method)) {
      throw invalid('RouteMatch.method', 'method', method, 'is not an HTTP method this library matches', `use one of HttpMethod.${Object.keys(HttpMethod).join(', HttpMethod.')}`);
    }
    return new RouteMatch({ headers: [], queryParams: [], method });
  }

  /** A query parameter with exactly this value. */
  public static queryParam(name: string, value: string): RouteMatch {
    requireName('RouteMatch.queryParam', name);
    requireValue('RouteMatch.queryParam', value, 'give the value the parameter must have', 1024);
    return new RouteMatch({ headers: [], queryParams: [{ name, kind: 'exact', value }] });
  }

  /**
   * The `model` field of an OpenAI-style request body (`{"model": "llama-3-8b", ...}`). Only data planes
   * that read the body can route on it (Envoy AI Gateway); others reject it with an alternative.
   */
  public static model(name: string): RouteMatch {
    requireNonEmpty('RouteMatch.model', 'name', name);
    return new RouteMatch({ headers: [], queryParams: [], model: name });
  }

  /**
   * One match that requires every condition of `matches` (AND). At most one path, one method and one model
   * condition; a header or query parameter may be named once.
   */
  public static all(matches: RouteMatch[]): RouteMatch {
    requireArray('RouteMatch.all', 'matches', matches);
    matches.forEach((m, i) => requireInstance('RouteMatch.all', `matches[${i}]`, m, RouteMatch, 'RouteMatch.pathPrefix(...), RouteMatch.header(...) and the like'));
    if (matches.length === 0) {
      throw invalid('RouteMatch.all', 'matches', [], 'is empty', 'pass at least one RouteMatch, or leave the route without matches to take every request');
    }
    let combined: MatchConditions = { headers: [], queryParams: [] };
    for (const match of matches) {
      const c = match.conditions;
      combined = {
        path: single('path', combined.path, c.path),
        method: single('method', combined.method, c.method),
        model: single('model', combined.model, c.model),
        headers: unique('header', [...combined.headers, ...c.headers], true),
        queryParams: unique('query parameter', [...combined.queryParams, ...c.queryParams], false),
      };
    }
    return new RouteMatch(combined);
  }

  private constructor(private readonly conditions: MatchConditions) {}

  /** @internal */
  public get _conditions(): MatchConditions {
    return this.conditions;
  }
}

/** The characters of a path (RFC 3986 pchar and "/"), with percent-encoded octets. */
const PATH_CHARACTERS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+$/;
const MAX_PATH = 1024;

/**
 * A request path as Gateway API's HTTPRoute accepts it (gateway-api v1.6.1 HTTPRoute CRD: the CEL rules on
 * matches[].path and maxLength 1024). Requests arrive percent-encoded and normalized, so a path outside these
 * rules could not match on any data plane either.
 */
function requirePath(where: string, path: string): string {
  requireString(where, 'path', path);
  const fix = 'start it with "/", percent-encode other characters (a space is %20, "{" is %7B, "é" is %C3%A9), and leave out "?", "#", '
    + 'empty segments ("//"), dot segments ("/./", "/../") and encoded slashes (%2F)';
  if (typeof path !== 'string' || !path.startsWith('/')) throw invalid(where, 'path', path, 'is not a request path', fix);
  if (path.length > MAX_PATH) throw invalid(where, 'path', path, `is longer than the ${MAX_PATH} characters Gateway API allows`, 'match on a shorter prefix');
  const rule = !PATH_CHARACTERS.test(path) ? 'has characters a request path cannot carry unencoded'
    : path.includes('//') ? 'has an empty segment ("//"), which Gateway API rejects'
      : /\/\.\.?(\/|$)/.test(path) ? 'has a dot segment ("/." or "/.."), which requests never carry after normalization'
        : /%2f/i.test(path) ? 'has an encoded slash (%2F), which Gateway API rejects' : undefined;
  if (rule !== undefined) throw invalid(where, 'path', path, rule, fix);
  return path;
}

/** Header and query parameter names: RFC 7230 tokens of at most 256 characters (Gateway API and Envoy AI Gateway). */
const MAX_NAME = 256;
const TOKEN = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;

function requireName(where: string, name: string): string {
  if (typeof name !== 'string' || !TOKEN.test(name) || name.length > MAX_NAME) {
    throw invalid(where, 'name', name, `is not a name Gateway API can match (an HTTP token of 1 to ${MAX_NAME} letters, digits and !#$%&'*+-.^_\`|~)`,
      'use letters, digits and "-", such as x-tenant-id');
  }
  return name;
}

/** Visible ASCII with single spaces or tabs inside: what Gateway API (and so most data planes) can match. */
const MATCH_VALUE = /^[!-~]+([\t ]?[!-~]+)*$/;

function requireValue(where: string, value: string, fix: string, max = 4096) {
  requireString(where, 'value', value);
  if (typeof value !== 'string' || value.length === 0) throw invalid(where, 'value', value, 'is empty, which Gateway API based data planes cannot match', fix);
  if (!MATCH_VALUE.test(value) || value.length > max) {
    throw invalid(where, 'value', value, `is not a value Gateway API can match (visible ASCII with single inner spaces, at most ${max} characters)`,
      'use RouteMatch.headerRegex for other values, or match on another header');
  }
}

function headerName(where: string, name: string): string {
  const lower = requireHeaderName(where, 'name', name);
  return requireName(where, lower);
}

function single<T>(what: string, a: T | undefined, b: T | undefined): T | undefined {
  if (a !== undefined && b !== undefined) {
    throw invalid('RouteMatch.all', what, [a, b], `is given twice, and one request cannot match two ${what}s`,
      `keep one ${what} condition per match, or pass the alternatives to the route as separate matches (ORed)`);
  }
  return a ?? b;
}

function unique(what: string, conditions: ValueCondition[], caseInsensitive: boolean): ValueCondition[] {
  const seen = new Set<string>();
  for (const c of conditions) {
    const key = caseInsensitive ? c.name.toLowerCase() : c.name;
    if (seen.has(key)) {
      throw invalid('RouteMatch.all', what, c.name, `is given twice; a ${what} can have one condition per match`,
        'combine them into one condition (a regex), or pass the alternatives as separate matches (ORed)');
    }
    seen.add(key);
  }
  return conditions;
}
