const AI_GATEWAY_ERROR = Symbol.for('cdk8s-ai-gateway.AiGatewayError');

/**
 * The one error type cdk8s-ai-gateway throws for input it rejects.
 *
 * Every message names where the problem is (the construct path, or the factory for a value object),
 * the property, the value, the rule it breaks, and how to fix it. Any other exception is a bug in this
 * library: please report it.
 *
 * TypeScript and JavaScript code can use `instanceof AiGatewayError`. jsii cannot describe subclasses of
 * `Error`, so in Python, Java, Go and C# the error arrives as the runtime's JavaScript error carrying the
 * same message; test it there with `AiGatewayErrors.isAiGatewayError(e)`.
 *
 * (Declared as a constant plus a type because jsii rejects an exported class that extends `Error`.)
 */
class AiGatewayErrorClass extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AiGatewayError';
    Object.setPrototypeOf(this, AiGatewayErrorClass.prototype);
    Object.defineProperty(this, AI_GATEWAY_ERROR, { value: true });
  }
}
export const AiGatewayError = AiGatewayErrorClass;
export type AiGatewayError = AiGatewayErrorClass;

/**
 * Recognises the errors this library throws for input it rejects (see `AiGatewayError`).
 */
export class AiGatewayErrors {
  /**
   * Whether `x` is an error that cdk8s-ai-gateway threw for rejected input. Works across copies of the
   * library loaded side by side, where `instanceof` does not.
   */
  public static isAiGatewayError(x: any): boolean {
    return x !== null && typeof x === 'object' && AI_GATEWAY_ERROR in x;
  }

  private constructor() {}
}
