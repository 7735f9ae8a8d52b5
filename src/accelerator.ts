import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { AcceleratorScheduling } from './internal';
import { INT32_MAX, requireLabelValue, requireWholeNumber } from './validate';

/** Options for `Accelerator.nvidiaGpu`. */
export interface NvidiaGpuOptions {
  /**
   * Whole GPUs per replica (`nvidia.com/gpu` in the container's limits). vLLM also uses this as its
   * tensor-parallel size unless the server says otherwise.
   */
  readonly count: number;

  /**
   * The GPU model to schedule on, as the GPU Operator's feature discovery labels nodes
   * (`nvidia.com/gpu.product`, for example `NVIDIA-A100-SXM4-80GB` or `NVIDIA-H100-80GB-HBM3`).
   *
   * @default - any node the GPU Operator labels `nvidia.com/gpu.present=true`
   * @see https://docs.nvidia.com/datacenter/cloud-native/gpu-operator/latest/gpu-feature-discovery.html
   */
  readonly product?: string;
}

/**
 * The accelerator each replica of a model pool claims.
 *
 * @example
 * Accelerator.nvidiaGpu({ count: 2, product: 'NVIDIA-H100-80GB-HBM3' });
 * Accelerator.none(); // CPU only, for demos and small models
 */
export class Accelerator {
  /** The extended resource NVIDIA's device plugin advertises. */
  public static readonly NVIDIA_GPU_RESOURCE = 'nvidia.com/gpu';

  /** NVIDIA GPUs through the device plugin's extended resource `nvidia.com/gpu`. */
  public static nvidiaGpu(options: NvidiaGpuOptions): Accelerator {
    // A JavaScript caller may leave the options out: the count is then rejected as not set, with the pool's path.
    return new Accelerator(true, options?.count, options?.product);
  }

  /** No accelerator: the pods run on any node (the CPU-only demo server, small CPU models). */
  public static none(): Accelerator {
    return new Accelerator(false, 0, undefined);
  }

  /** Whole GPUs per replica; 0 for `Accelerator.none()`. */
  public readonly gpuCount: number;

  /**
   * The `nvidia.com/gpu.product` node label value the pods require.
   * @default - none
   */
  public readonly product?: string;

  /** Whether the pods claim NVIDIA GPUs. */
  public readonly hasGpu: boolean;

  private constructor(hasGpu: boolean, gpuCount: number, product: string | undefined) {
    this.hasGpu = hasGpu;
    this.gpuCount = gpuCount;
    this.product = product;
  }

  /**
   * Checks the values against the construct that uses them, so the error names its path.
   * @internal
   */
  public _validate(scope: IConstruct, property: string): void {
    if (!this.hasGpu) return;
    requireWholeNumber(scope, `${property}.count`, this.gpuCount, 1, INT32_MAX);
    if (this.product !== undefined) requireLabelValue(scope, `${property}.product`, this.product);
  }

  /** @internal */
  public _scheduling(): AcceleratorScheduling {
    if (!this.hasGpu) return { limits: {}, tolerations: [] };
    return {
      // Extended resources go in limits; Kubernetes copies them to requests.
      limits: { [Accelerator.NVIDIA_GPU_RESOURCE]: k8s.Quantity.fromString(String(this.gpuCount)) },
      // GPU node pools are commonly tainted nvidia.com/gpu:NoSchedule; the GPU Operator itself does not taint.
      tolerations: [{ key: Accelerator.NVIDIA_GPU_RESOURCE, operator: 'Exists', effect: 'NoSchedule' }],
      nodeSelector: this.product !== undefined
        ? { 'nvidia.com/gpu.product': this.product }
        : { 'nvidia.com/gpu.present': 'true' },
    };
  }
}
