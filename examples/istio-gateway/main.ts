/*
 * The seed's scenarios (see ../common/seed-scenario.ts) on Istio: Gateway, VirtualService,
 * DestinationRules, RequestAuthentication with a DENY AuthorizationPolicy, an EnvoyFilter local rate limit
 * answering 429, and NetworkPolicies.
 *
 * Before applying: Istio 1.31.1 from https://blob.istio.io/istio-release/charts (base, istiod, and the `gateway` chart
 * as release `istio-ingress` in namespace `istio-ingress`, whose pods are labelled `istio: ingress`), the GPU
 * Operator, and the Secret `hf-token`.
 */
import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { AiGateway, DataPlane } from '../../src';
import { seedScenario } from '../common/seed-scenario';

export class IstioGatewayChart extends Chart {
  public readonly gateway: AiGateway;

  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'llm' });
    this.gateway = seedScenario(this, { dataPlane: DataPlane.istio() });
  }
}

/** Adds this example's charts to `app` (scripts/synth-examples.ts calls it). */
export function build(app: App): void {
  new IstioGatewayChart(app, 'istio-gateway');
}

if (require.main === module) {
  const app = new App();
  build(app);
  app.synth();
}
