import type { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import type { UpstreamContract } from './contracts';
import { FeatureId, FEATURES } from './features';
import type { DestinationSpec, GatewaySpec, RetrySpec, RouteSpec } from './resolved';
import { SupportLevel } from './support-level';
import { EnvoyAiGatewayDataPlaneOptions, envoyAiGatewayDataPlane } from '../envoy-ai-gateway/envoy-ai-gateway-data-plane';
import { GatewayApiDataPlaneOptions, gatewayApiDataPlane } from '../gateway-api/gateway-api-data-plane';
import { IstioDataPlaneOptions, istioDataPlane } from '../istio/istio-data-plane';
import { NginxIngressDataPlaneOptions, nginxIngressDataPlane } from '../nginx/nginx-ingress-data-plane';
import { requireObject, requireStringMap } from '../validate';

/** What a data plane declares about one feature. */
export interface FeatureSupport {
  /** The feature's id, such as `rateLimit.tokens`. */
  readonly feature: string;
  /** What the feature is, in the words of this library's API. */
  readonly title: string;
  /** How well the data plane expresses it. */
  readonly level: SupportLevel;
  /** How it is rendered, or why it cannot be. */
  readonly how: string;
  /**
   * What to do instead, for unsupported features.
   * @default - none needed
   */
  readonly alternative?: string;
  /**
   * The upstream behaviours the rendered settings rely on, each with its source and the test that asserts it.
   * @default - none (unsupported features render nothing)
   */
  readonly contracts?: UpstreamContract[];
}

/**
 * What a data plane's controller must look like for the rendered objects to work: which controller, and the
 * names the objects refer to. Controller installation (the `platform` entry point, or your own Helm values)
 * reads it, so the two halves cannot disagree.
 */
export interface DataPlaneInstallation {
  /** The controller: `istio`, `envoy-gateway`, `envoy-ai-gateway`, `ingress-nginx`, or `gateway-api` (any other implementation). */
  readonly controller: string;
  /**
   * The GatewayClass the Gateway names.
   * @default - none (not a Gateway API data plane)
   */
  readonly gatewayClassName?: string;
  /**
   * The Gateway API channel whose CRDs the objects need.
   * @default - none (not a Gateway API data plane)
   */
  readonly gatewayApiChannel?: string;
  /**
   * The IngressClass the Ingresses name.
   * @default - none (not ingress-nginx)
   */
  readonly ingressClassName?: string;
  /**
   * The labels of the Istio ingress gateway pods the Istio Gateway selects.
   * @default - none (not the Istio data plane)
   */
  readonly gatewaySelector?: Record<string, string>;
  /**
   * The namespace of the gateway or proxy pods.
   * @default - none
   */
  readonly gatewayNamespace?: string;
}

/** A data plane's declaration for one feature. @internal */
export interface SupportDeclaration {
  readonly level: SupportLevel;
  readonly how: string;
  readonly alternative?: string;
}

/** The pods that carry the gateway's traffic, for NetworkPolicies. @internal */
export interface GatewayWorkload {
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** Ports on the model pods besides the serving port that the gateway's traffic arrives on (ambient HBONE). */
  readonly extraPorts: number[];
}

/** The objects one route was rendered into, for `AiGatewayRoute.routeObjects` and `policyObjects`. @internal */
export interface RenderedRoute {
  /** The objects that hold the route's rule (shared with the other rules they hold), in creation order. */
  readonly routeObjects: ApiObject[];
  /** The objects that hold the route's policies: its own, and shared ones (one per backend host) that carry its settings. */
  readonly policyObjects: ApiObject[];
}

/** Renders one gateway; AiGateway calls addRoute in the user's order. @internal */
export interface GatewayRenderer {
  /** Renders the route; returns the objects that hold its rule and policies. */
  addRoute(route: RouteSpec): RenderedRoute;
  /**
   * Pods besides the gateway's that must reach a pool's serving port (an endpoint picker scraping the
   * pool's metrics), for the NetworkPolicy. Called after addRoute.
   */
  peersOf?(destination: DestinationSpec): GatewayPeer[];
}

/** Pods by namespace and labels. @internal */
export interface GatewayPeer {
  readonly namespace: string;
  readonly labels: Record<string, string>;
}

/** What a concrete data plane implements. @internal */
export interface DataPlaneImpl {
  readonly name: string;
  /** The controller and the names the rendered objects refer to. */
  readonly installation: DataPlaneInstallation;
  readonly support: Readonly<Record<FeatureId, SupportDeclaration>>;
  /** The upstream contracts of each supported feature (in `<data plane>-contracts.ts` beside the renderer). */
  readonly contracts?: Readonly<Partial<Record<FeatureId, readonly UpstreamContract[]>>>;
  workload(gateway: GatewaySpec): GatewayWorkload;
  bind(scope: Construct, gateway: GatewaySpec): GatewayRenderer;
  /**
   * Controller-wide settings the data plane relies on (for the controller's Helm values); with `scope`, also those
   * that follow the routes of the App `scope` belongs to (read from its AiGatewayRegistry).
   */
  controllerSettings?(scope?: Construct): Record<string, string>;
  /** The conditions the controller really retries on for `retry`, for the topology (default: the policy's own; empty: none). */
  retried?(retry: RetrySpec): string[];
}

/**
 * The data plane an `AiGateway` is rendered for. Switching data plane is a one-line change; a setting the
 * chosen data plane cannot express fails the synth with an error naming the setting, the data plane and an
 * alternative.
 *
 * @example
 * DataPlane.istio();
 * DataPlane.gatewayApi({ gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway() });
 * DataPlane.envoyAiGateway({ gatewayClassName: 'eg' });
 * DataPlane.nginxIngress({ ingressClassName: 'nginx' }); // legacy
 */
export class DataPlane {
  /**
   * Istio (`networking.istio.io/v1`, `security.istio.io/v1`): Gateway, VirtualService, DestinationRules,
   * RequestAuthentication with an AuthorizationPolicy, and an EnvoyFilter for local rate limits.
   */
  public static istio(options: IstioDataPlaneOptions = {}): DataPlane {
    requireObject('DataPlane.istio', 'options', options);
    if (options.gatewaySelector !== undefined && options.gatewaySelector !== null) requireStringMap('DataPlane.istio', 'gatewaySelector', options.gatewaySelector);
    return new DataPlane(istioDataPlane(options));
  }

  /**
   * Kubernetes Gateway API (`gateway.networking.k8s.io/v1`): a Gateway and its HTTPRoutes, implementation
   * policies for what Gateway API lacks, and InferencePools with an endpoint picker for
   * `Backend.inferencePool` backends.
   */
  public static gatewayApi(options: GatewayApiDataPlaneOptions): DataPlane {
    return new DataPlane(gatewayApiDataPlane(requireObject('DataPlane.gatewayApi', 'options', options)));
  }

  /**
   * Envoy AI Gateway v1.1 on Envoy Gateway v1.9 (`aigateway.envoyproxy.io/v1beta1`): routing on the request's
   * `model`, hosted providers with credentials from Secrets, ordered fallback from self-hosted pools to
   * providers, token budgets per tenant, and InferencePools with an endpoint picker.
   */
  public static envoyAiGateway(options: EnvoyAiGatewayDataPlaneOptions): DataPlane {
    return new DataPlane(envoyAiGatewayDataPlane(requireObject('DataPlane.envoyAiGateway', 'options', options)));
  }

  /**
   * **Legacy.** ingress-nginx (`networking.k8s.io/v1` Ingress with annotations). The ingress-nginx project was
   * retired in March 2026 (final controller v1.15.1): use it only for clusters that still run it, and move to
   * `DataPlane.gatewayApi(...)`, which is a one-line change here.
   */
  public static nginxIngress(options: NginxIngressDataPlaneOptions): DataPlane {
    requireObject('DataPlane.nginxIngress', 'options', options);
    if (options.controllerPodLabels !== undefined && options.controllerPodLabels !== null) {
      requireStringMap('DataPlane.nginxIngress', 'controllerPodLabels', options.controllerPodLabels);
    }
    return new DataPlane(nginxIngressDataPlane(options));
  }

  /** The data plane's name, as error messages and the capability table show it. */
  public readonly name: string;

  private constructor(private readonly impl: DataPlaneImpl) {
    this.name = impl.name;
  }

  /** What the data plane declares for every feature of the model. */
  public capabilities(): FeatureSupport[] {
    return (Object.keys(FEATURES) as FeatureId[]).map(feature => {
      const contracts = this.impl.contracts?.[feature];
      return {
        feature,
        title: FEATURES[feature],
        ...this.impl.support[feature],
        contracts: contracts === undefined || contracts.length === 0 ? undefined : [...contracts],
      };
    });
  }

  /**
   * Controller-wide settings the rendered objects rely on, to set in the controller's Helm values (for
   * example ingress-nginx's `limit-req-status-code: "429"`). Empty when the data plane needs none.
   *
   * A DataPlane is an immutable value, shared by any number of gateways and Apps, so these are the settings
   * every gateway needs; `AiGateway.controllerSettings()` adds those that follow an App's routes (such as
   * ingress-nginx's `worker-shutdown-timeout` for long streams).
   */
  public controllerSettings(): Record<string, string> {
    return this.impl.controllerSettings?.() ?? {};
  }

  /** The controller and the names the rendered objects refer to, for controller installation. */
  public get installation(): DataPlaneInstallation {
    return this.impl.installation;
  }

  /** @internal */
  public get _impl(): DataPlaneImpl {
    return this.impl;
  }
}
