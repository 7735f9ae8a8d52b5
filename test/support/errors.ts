import { AiGatewayErrors } from '../../src';
import { AiGatewayError } from '../../src/errors';

/**
 * The message of the error `fn` throws, after checking it is the library's own error type (a rejected input,
 * not a bug). Fails when `fn` does not throw.
 */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AiGatewayError);
    expect(AiGatewayErrors.isAiGatewayError(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected an AiGatewayError');
}
