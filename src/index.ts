export * from './errors';
export * from './accelerator';
export * from './model-server';
export * from './model-cache';
export * from './autoscaling';
export * from './llm-model-pool';
