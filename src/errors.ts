const AI_GATEWAY_ERROR = Symbol.for('cdk8s-ai-gateway.AiGatewayError');

/**
 * The one error type cdk8s-ai-gateway throws for input it rejects (its `name` is `AiGatewayError`).
 *
 * Every message names where the problem is (the construct path, or the factory for a value object),
 * the property, the value, the rule it breaks, and how to fix it. Any other exception is a bug in this
 * library: please report it.
 *
 * Not exported: jsii cannot describe a subclass of `Error`, so the class would exist in TypeScript only. In
 * every language, tell it from a bug with `AiGatewayErrors.isAiGatewayError(e)`.
 */
export class AiGatewayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AiGatewayError';
    Object.setPrototypeOf(this, AiGatewayError.prototype);
    Object.defineProperty(this, AI_GATEWAY_ERROR, { value: true });
  }
}

/**
 * Recognises the errors this library throws for input it rejects.
 *
 * Every message names where the problem is (the construct path, or the factory for a value object), the
 * property, the value, the rule it breaks, and how to fix it. In TypeScript and JavaScript the error's `name`
 * is `AiGatewayError`; in Python, Java, Go and C# it arrives as the jsii runtime's error carrying the same
 * message. Any other exception is a bug in this library: please report it.
 *
 * @example
 * declare const caught: any; // what a try/catch around the app's construction caught
 * // true: the input was rejected, and the message says how to fix it; false: a bug in this library
 * const rejected = AiGatewayErrors.isAiGatewayError(caught);
 */
export class AiGatewayErrors {
  /**
   * Whether `x` is an error that cdk8s-ai-gateway threw for rejected input. Works across copies of the
   * library loaded side by side, where `instanceof` does not.
   */
  public static isAiGatewayError(x: any): boolean {
    return x !== null && typeof x === 'object' && AI_GATEWAY_ERROR in x;
  }

  /**
   * The library's error for rejected input, for the parts of this package compiled outside the jsii assembly
   * (lib/platform), which import the core only through its entry point.
   * @internal
   */
  public static _error(message: string): Error {
    return new AiGatewayError(message);
  }

  private constructor() {}
}
