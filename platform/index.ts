/*
 * cdk8s-ai-gateway/lib/platform: controller installation with CDK for Terraform.
 *
 * A separate entry point, outside the jsii assembly: it needs cdktf and @cdktf/provider-helm, which the core
 * library does not depend on (install them yourself; see docs/platform.md). Both are archived upstream
 * (December 2025); their last releases keep working.
 */
export * from './charts';
export * from './compatibility';
export * from './controller-stack';
export {
  AI_GATEWAY_CONTROLLER, ENVOY_GATEWAY_CONTROLLER_NAME, INGRESS_NGINX_DEFAULT_CONFIG, ISTIO_CONTROLLER_NAME, ISTIO_DEFAULT_GATEWAY_CLASS,
  REDIS_SERVICE, aiGatewayControllerHost, ingressNginxRelease, istioGatewayPodLabels, istioGatewayReleaseName, needsOf, planControllers,
  redisUrl,
} from './plan';
export type {
  ControllerPlan, GatewayNeeds, PlanOptions, PlannedCrdBundle, PlannedGatewayClass, PlannedRelease,
} from './plan';
