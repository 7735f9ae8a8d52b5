import { AiGatewayErrors } from '../src';

/**
 * The error for a rejected input, in the core library's shape: `<where>: '<property>' (<value>) <rule>; <fix>`.
 * It is the core's AiGatewayError, so `AiGatewayErrors.isAiGatewayError(e)` recognises it.
 */
export function invalid(where: string, property: string, value: unknown, rule: string, fix: string): Error {
  return AiGatewayErrors._error(`${where}: '${property}' (${describe(value)}) ${rule}; ${fix}`);
}

function describe(value: unknown): string {
  if (value === undefined) return 'not set';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 80 ? json.slice(0, 77) + '...' : json;
}
