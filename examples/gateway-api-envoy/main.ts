/*
 * The seed's scenarios (see ../common/seed-scenario.ts) on Gateway API with Envoy Gateway, standard channel:
 * a Gateway and one HTTPRoute, a BackendTrafficPolicy per route rule (retries, least-request balancing,
 * circuit breaking, passive health checks, local rate limit), a SecurityPolicy for JWT on the Gateway, and
 * NetworkPolicies admitting the Envoy proxies. The only line that differs from examples/istio-gateway is
 * the data plane.
 *
 * Before applying: Gateway API v1.6.1 standard CRDs, Envoy Gateway v1.9.3 with a GatewayClass `eg`, the GPU
 * Operator, and the Secret `hf-token`.
 */
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AiGateway, DataPlane, GatewayImplementation } from '../../src';
import { seedScenario } from '../common/seed-scenario';

export class GatewayApiEnvoyChart extends Chart {
  public readonly gateway: AiGateway;

  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'llm' });
    this.gateway = seedScenario(this, {
      dataPlane: DataPlane.gatewayApi({ gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway() }),
    });
  }
}

/** Adds this example's charts to `app` (scripts/synth-examples.ts calls it). */
export function build(app: App): void {
  new GatewayApiEnvoyChart(app, 'gateway-api-envoy');
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
