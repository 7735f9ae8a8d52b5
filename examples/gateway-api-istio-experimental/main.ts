/*
 * The seed's scenarios (see ../common/seed-scenario.ts) on Gateway API with Istio as the implementation.
 * Gateway API's standard channel has no retries, so this example uses the experimental channel (HTTPRoute
 * `retry`), and validates against the experimental CRDs. Istio's Gateway API implementation has no rate
 * limit policy: the rate limit is left out (use DataPlane.istio() or Envoy Gateway for it). Circuit
 * breaking comes from DestinationRules; JWT from RequestAuthentication and a DENY AuthorizationPolicy
 * attached to the Gateway.
 *
 * Before applying: Gateway API v1.6.1 experimental CRDs and Istio 1.31.1 from https://blob.istio.io/istio-release/charts
 * (istiod with PILOT_ENABLE_ALPHA_GATEWAY_API=true for experimental fields), the GPU Operator, and the Secret `hf-token`.
 */
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AiGateway, DataPlane, GatewayApiChannel, GatewayImplementation } from '../../src';
import { seedScenario } from '../common/seed-scenario';

export class GatewayApiIstioChart extends Chart {
  public readonly gateway: AiGateway;

  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'llm' });
    this.gateway = seedScenario(this, {
      dataPlane: DataPlane.gatewayApi({ gatewayClassName: 'istio', implementation: GatewayImplementation.istio(), channel: GatewayApiChannel.EXPERIMENTAL }),
      rateLimit: false,
    });
  }
}

/** Adds this example's charts to `app` (scripts/synth-examples.ts calls it). */
export function build(app: App): void {
  new GatewayApiIstioChart(app, 'gateway-api-istio-experimental');
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
