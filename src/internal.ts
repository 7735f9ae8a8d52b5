import { Size } from 'cdk8s';
import { Cpu, k8s } from 'cdk8s-plus-28';
import { SecretKeyReference } from './model-server';

/*
 * Types shared between the library's modules. This file is not exported from the package.
 */

/**
 * Scheduling and resource facts a pool's pods get from their accelerator.
 */
export interface AcceleratorScheduling {
  readonly limits: Record<string, k8s.Quantity>;
  readonly tolerations: k8s.Toleration[];
  readonly nodeSelector?: Record<string, string>;
}

/** What a pool renders for its model server. */
export interface ServerContainer {
  readonly image: string;
  readonly command?: string[];
  readonly args?: string[];
  readonly env: Array<{ name: string; value?: string; secret?: SecretKeyReference }>;
  readonly port: number;
  readonly healthPath: string;
  readonly metricsPath?: string;
  readonly exportsVllmMetrics: boolean;
  readonly runAsNonRoot: boolean;
  readonly runAsUser?: number;
  /** Capabilities added back after dropping all. */
  readonly addCapabilities: string[];
  readonly sharedMemory: boolean;
  readonly cachePath?: string;
  readonly defaultCpu: Cpu;
  readonly defaultMemory: Size;
}

/** What a server needs to know about its pool to render. */
export interface ServerContext {
  readonly modelName: string;
  readonly gpuCount: number;
}

/** The replica bounds and KEDA settings a pool renders. */
export interface AutoscalingSpec {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly targetQueueDepth: number;
  readonly prometheusUrl: string;
  readonly scaleDownStabilizationSeconds: number;
  readonly pollingIntervalSeconds: number;
}

/** The monitor a pool renders. */
export interface MonitoringSpec {
  readonly kind: 'ServiceMonitor' | 'PodMonitor';
  readonly intervalSeconds: number;
  readonly labels: Record<string, string>;
}
