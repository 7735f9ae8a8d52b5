import type { IConstruct } from 'constructs';
import type { LlmModelPool } from '../llm-model-pool';
import type { SecretKeyReference } from '../model-server';
import { invalid, requireDnsLabel, requireNonEmpty, requirePort } from '../validate';
import { BackendSpec, DestinationSpec } from './resolved';

/** The API a hosted model provider speaks. */
export enum ProviderApi {
  /** OpenAI's API (api.openai.com and compatible services). */
  OPENAI = 'OpenAI',
  /** Anthropic's Messages API. */
  ANTHROPIC = 'Anthropic',
  /** AWS Bedrock. */
  AWS_BEDROCK = 'AWSBedrock',
  /** Azure OpenAI. */
  AZURE_OPENAI = 'AzureOpenAI',
  /** Google Cloud Vertex AI. */
  GCP_VERTEX_AI = 'GCPVertexAI',
}

/** A Kubernetes Service as a backend. */
export interface ServiceBackendOptions {
  /** The Service's name. */
  readonly name: string;
  /** The Service port. */
  readonly port: number;
  /**
   * The Service's namespace.
   * @default - the gateway's namespace
   */
  readonly namespace?: string;
}

/** A hosted model provider as a backend. */
export interface ProviderBackendOptions {
  /** A name for the provider in the generated objects, such as `openai`. */
  readonly name: string;
  /** The API the provider speaks. */
  readonly api: ProviderApi;
  /** The provider's hostname, such as `api.openai.com`. */
  readonly hostname: string;
  /**
   * The HTTPS port.
   * @default 443
   */
  readonly port?: number;
  /**
   * The Secret key holding the API key.
   * @default - no API key (a provider that authenticates otherwise)
   */
  readonly apiKey?: SecretKeyReference;
  /**
   * The provider's region (AWS Bedrock, Vertex AI).
   * @default - none
   */
  readonly region?: string;
}

/** One backend of a weighted split, and its share. */
export interface WeightedBackend {
  /** A pool, Service or provider backend. */
  readonly backend: Backend;
  /** Its relative weight (0 or more; the weights of a split must not all be 0). */
  readonly weight: number;
}

/** Options for `Backend.pool`. */
export interface PoolBackendOptions {
  /**
   * The Service port.
   * @default - the pool's Service port
   */
  readonly port?: number;
}

type Resolver = (scope: IConstruct, property: string, defaultNamespace: string | undefined) => BackendSpec;

/**
 * Where a route sends requests.
 *
 * @example
 * Backend.pool(small);
 * Backend.weighted([{ backend: Backend.pool(stable), weight: 90 }, { backend: Backend.pool(canary), weight: 10 }]);
 * Backend.service({ name: 'legacy-llm', port: 8080 });
 */
export class Backend {
  /** An `LlmModelPool`'s Service. */
  public static pool(pool: LlmModelPool, options: PoolBackendOptions = {}): Backend {
    return new Backend('pool', (scope, property) => {
      const port = requirePort(scope, `${property}.port`, options.port ?? pool.servicePort);
      return { mode: 'single', destinations: [{ kind: 'pool', name: pool.serviceName, namespace: pool.namespace, port, pool, weight: 1 }] };
    });
  }

  /** Any Kubernetes Service by name and port. */
  public static service(options: ServiceBackendOptions): Backend {
    return new Backend('service', (scope, property, defaultNamespace) => {
      requireDnsLabel(scope, `${property}.name`, options.name);
      const namespace = options.namespace ?? defaultNamespace;
      if (namespace !== undefined) requireDnsLabel(scope, `${property}.namespace`, namespace);
      const port = requirePort(scope, `${property}.port`, options.port);
      return { mode: 'single', destinations: [{ kind: 'service', name: options.name, namespace, port, weight: 1 }] };
    });
  }

  /**
   * A hosted model provider (OpenAI, Anthropic, Bedrock, ...). Only data planes that speak to providers
   * render it (Envoy AI Gateway); others reject it with an alternative.
   */
  public static provider(options: ProviderBackendOptions): Backend {
    return new Backend('provider', (scope, property) => {
      requireDnsLabel(scope, `${property}.name`, options.name);
      requireNonEmpty(scope, `${property}.hostname`, options.hostname);
      const port = requirePort(scope, `${property}.port`, options.port ?? 443);
      return {
        mode: 'single',
        destinations: [{
          kind: 'provider',
          name: options.name,
          port,
          weight: 1,
          provider: { api: options.api, hostname: options.hostname, apiKey: options.apiKey, region: options.region },
        }],
      };
    });
  }

  /**
   * A split by weight (canary): each request goes to one backend, chosen in proportion to the weights.
   * Weights are relative; data planes that need percentages get them normalized to 100.
   */
  public static weighted(targets: WeightedBackend[]): Backend {
    return new Backend('weighted', (scope, property, defaultNamespace) => {
      if (targets.length < 2) {
        throw invalid(scope, property, `${targets.length} backend(s)`, 'is a weighted split of fewer than two backends', 'give two or more backends, or use the backend itself');
      }
      const destinations = targets.map((t, i) => {
        const at = `${property}[${i}]`;
        if (!Number.isInteger(t.weight) || t.weight < 0) {
          throw invalid(scope, `${at}.weight`, t.weight, 'must be a whole number 0 or more', 'use relative weights such as 90 and 10');
        }
        return { ...singleDestination(t.backend, scope, `${at}.backend`, defaultNamespace, 'weighted'), weight: t.weight };
      });
      if (destinations.every(d => d.weight === 0)) {
        throw invalid(scope, `${property}.weights`, targets.map(t => t.weight), 'sum to 0, so no backend would get traffic', 'give at least one backend a weight above 0');
      }
      return { mode: 'weighted', destinations };
    });
  }

  /**
   * Ordered fallback: requests go to the first backend, and to the next one when it fails or is
   * unavailable (typically a self-hosted pool first, a hosted provider after it). Only data planes with
   * priority-ordered backends render it (Envoy AI Gateway); others reject it with an alternative.
   */
  public static fallback(backends: Backend[]): Backend {
    return new Backend('fallback', (scope, property, defaultNamespace) => {
      if (backends.length < 2) {
        throw invalid(scope, property, `${backends.length} backend(s)`, 'is a fallback list of fewer than two backends', 'give the primary backend and at least one fallback');
      }
      const destinations = backends.map((b, i) => singleDestination(b, scope, `${property}[${i}]`, defaultNamespace, 'fallback'));
      return { mode: 'fallback', destinations };
    });
  }

  private constructor(private readonly kind: string, private readonly resolver: Resolver) {}

  /** @internal */
  public _resolve(scope: IConstruct, property: string, defaultNamespace: string | undefined): BackendSpec {
    return this.resolver(scope, property, defaultNamespace);
  }

  /** @internal */
  public get _kind(): string {
    return this.kind;
  }
}

function singleDestination(backend: Backend, scope: IConstruct, property: string, defaultNamespace: string | undefined,
  within: string): DestinationSpec {
  const spec = backend._resolve(scope, property, defaultNamespace);
  if (spec.mode !== 'single') {
    throw invalid(scope, property, `Backend.${backend._kind}`, `cannot be nested in a ${within} list`, 'list pools, Services and providers directly');
  }
  return spec.destinations[0];
}
