import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { AutoscalingSpec, MonitoringSpec } from './internal';
import { INT32_MAX, invalid, requireLabels, requireNonEmpty, requireWholeNumber, wholeSeconds } from './validate';

/** Options for `Autoscaling.onQueueDepth`. */
export interface QueueDepthAutoscalingOptions {
  /**
   * The fewest replicas. 0 lets KEDA scale the pool to zero when no request waits (the first request
   * after that waits for a model to load).
   */
  readonly minReplicas: number;

  /** The most replicas; each needs its own GPUs. */
  readonly maxReplicas: number;

  /**
   * Waiting requests per replica that KEDA aims for: with 12 requests waiting in total and a target of 3,
   * it asks for 4 replicas.
   * @default 5
   */
  readonly targetQueueDepth?: number;

  /**
   * The Prometheus that scrapes the model servers.
   * @default 'http://prometheus-operated.monitoring.svc.cluster.local:9090' (kube-prometheus-stack in `monitoring`)
   */
  readonly prometheusUrl?: string;

  /**
   * How long the load must stay low before KEDA removes a replica. Model servers take minutes to load,
   * so scaling down too eagerly costs more than it saves. At most one hour (the HPA's limit).
   * @default Duration.minutes(5)
   */
  readonly scaleDownStabilization?: Duration;

  /**
   * How often KEDA reads the queue depth.
   * @default Duration.seconds(15)
   */
  readonly pollingInterval?: Duration;
}

/**
 * How a model pool scales.
 *
 * @example
 * Autoscaling.onQueueDepth({ minReplicas: 1, maxReplicas: 4, targetQueueDepth: 3 });
 */
export class Autoscaling {
  /**
   * A KEDA `ScaledObject` that scales on vLLM's queue depth (`vllm:num_requests_waiting`, summed over the
   * pool's pods, read from Prometheus). Queue depth, not GPU utilisation, shows a saturated model server:
   * vLLM keeps the GPU near 100% busy even when it keeps up. Needs the KEDA controller and a Prometheus
   * that scrapes the pool (see the pool's `monitoring`).
   * @see https://keda.sh/docs/latest/scalers/prometheus/
   */
  public static onQueueDepth(options: QueueDepthAutoscalingOptions): Autoscaling {
    // A JavaScript caller may leave the options out: the replica bounds are then rejected as not set, with the pool's path.
    return new Autoscaling(options ?? ({} as QueueDepthAutoscalingOptions));
  }

  /** The fewest replicas. */
  public readonly minReplicas: number;
  /** The most replicas. */
  public readonly maxReplicas: number;

  private constructor(private readonly options: QueueDepthAutoscalingOptions) {
    this.minReplicas = options.minReplicas;
    this.maxReplicas = options.maxReplicas;
  }

  /** @internal */
  public _resolve(scope: IConstruct, property: string): AutoscalingSpec {
    const o = this.options;
    requireWholeNumber(scope, `${property}.minReplicas`, o.minReplicas, 0, INT32_MAX);
    requireWholeNumber(scope, `${property}.maxReplicas`, o.maxReplicas, 1, INT32_MAX);
    if (o.minReplicas > o.maxReplicas) {
      throw invalid(scope, `${property}.minReplicas`, o.minReplicas, `is more than 'maxReplicas' (${o.maxReplicas})`,
        'lower minReplicas or raise maxReplicas');
    }
    const target = o.targetQueueDepth ?? 5;
    if (!(target > 0) || !Number.isFinite(target)) {
      throw invalid(scope, `${property}.targetQueueDepth`, target, 'must be above 0', 'use the number of waiting requests per replica to aim for, such as 5');
    }
    const url = requireNonEmpty(scope, `${property}.prometheusUrl`, o.prometheusUrl ?? 'http://prometheus-operated.monitoring.svc.cluster.local:9090');
    if (!/^https?:\/\/[^\s/]+/.test(url)) {
      throw invalid(scope, `${property}.prometheusUrl`, url, 'is not an http(s) URL', 'use the address of the Prometheus service, such as http://prometheus-operated.monitoring.svc.cluster.local:9090');
    }
    return {
      minReplicas: o.minReplicas,
      maxReplicas: o.maxReplicas,
      targetQueueDepth: target,
      prometheusUrl: url,
      // The HPA's stabilizationWindowSeconds is at most 3600 (KEDA v2 keda.sh_scaledobjects.yaml, Kubernetes HPA validation).
      scaleDownStabilizationSeconds: wholeSeconds(scope, `${property}.scaleDownStabilization`, o.scaleDownStabilization ?? Duration.minutes(5), 0, 3600),
      pollingIntervalSeconds: wholeSeconds(scope, `${property}.pollingInterval`, o.pollingInterval ?? Duration.seconds(15), 1, INT32_MAX),
    };
  }
}

/** Options for `Monitoring.serviceMonitor` and `Monitoring.podMonitor`. */
export interface MonitorOptions {
  /**
   * How often Prometheus scrapes.
   * @default Duration.seconds(15)
   */
  readonly interval?: Duration;

  /**
   * Labels on the monitor, for Prometheus' monitor selector (kube-prometheus-stack selects
   * `release: <its release name>` unless told otherwise).
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/**
 * How Prometheus (through the Prometheus Operator) scrapes a pool's metrics.
 *
 * @example
 * Monitoring.serviceMonitor({ labels: { release: 'kube-prometheus-stack' } });
 */
export class Monitoring {
  /** A `ServiceMonitor` scraping the pool's Service port. */
  public static serviceMonitor(options: MonitorOptions = {}): Monitoring {
    return new Monitoring('ServiceMonitor', options ?? {});
  }

  /** A `PodMonitor` scraping each pod directly (no Service needed, sees pods that are not ready). */
  public static podMonitor(options: MonitorOptions = {}): Monitoring {
    return new Monitoring('PodMonitor', options ?? {});
  }

  private constructor(private readonly kind: 'ServiceMonitor' | 'PodMonitor', private readonly options: MonitorOptions) {}

  /** @internal */
  public _resolve(scope: IConstruct, property: string): MonitoringSpec {
    return {
      kind: this.kind,
      intervalSeconds: wholeSeconds(scope, `${property}.interval`, this.options.interval ?? Duration.seconds(15), 1),
      labels: { ...requireLabels(scope, `${property}.labels`, this.options.labels ?? {}) },
    };
  }
}
