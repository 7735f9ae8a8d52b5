// The error class itself stays internal (jsii cannot describe a subclass of Error): AiGatewayErrors recognises it.
export { AiGatewayErrors } from './errors';
export * from './accelerator';
export * from './model-server';
export * from './model-cache';
export * from './autoscaling';
export * from './llm-model-pool';
export * from './routing/match';
export * from './routing/backend';
export * from './routing/policies';
export * from './routing/listener';
export * from './routing/support-level';
export * from './routing/contracts';
export * from './routing/data-plane';
export * from './routing/ai-gateway';
export * from './istio/istio-data-plane';
export * from './gateway-api/gateway-api-data-plane';
export * from './nginx/nginx-ingress-data-plane';
export * from './envoy-ai-gateway/envoy-ai-gateway-data-plane';
