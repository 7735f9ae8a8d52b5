import type { IConstruct } from 'constructs';
import { InferencePool } from '../inference-pool';
import type { ILlmModelPool } from '../llm-model-pool';
import type { SecretKeyReference } from '../model-server';
import {
  invalid, requireArray, requireDnsLabel, requireDnsSubdomain, requireInstance, requireNonEmpty, requireObject, requirePort, requireServiceName,
} from '../validate';
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
  readonly namespaceName?: string;
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
   * The provider's region (required for AWS Bedrock and GCP Vertex AI).
   * @default - none
   */
  readonly region?: string;
  /**
   * The GCP project (required for GCP Vertex AI).
   * @default - none
   */
  readonly project?: string;
  /**
   * The provider's name for the model, when it differs from the name clients send (for example
   * `meta.llama3-1-70b-instruct-v1:0` on Bedrock for clients asking for `llama-3-1-70b`).
   * @default - the name the client sent
   */
  readonly modelName?: string;
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

/** Gateway API's limit for backend weights, which Istio and Envoy accept too. */
const MAX_WEIGHT = 1_000_000;

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
  /**
   * A model pool's Service: an `LlmModelPool`, or a model server imported with `LlmModelPool.fromService()`.
   * Gateways with network isolation admit only themselves to its pods.
   */
  public static pool(pool: ILlmModelPool, options: PoolBackendOptions = {}): Backend {
    // A value that is wrong on its own fails here, not when a route resolves it (JavaScript callers get no type check).
    requirePool('Backend.pool', 'pool', pool);
    requireObject('Backend.pool', 'options', options);
    return new Backend('pool', (scope, property) => {
      const port = requirePort(scope, `${property}.port`, options.port ?? pool.servicePort);
      return { mode: 'single', destinations: [{ kind: 'pool', name: pool.serviceName, namespace: pool.namespaceName, port, pool, weight: 1 }] };
    });
  }

  /**
   * A pool behind an `InferencePool`: its endpoint picker chooses the replica for each request by queue depth,
   * KV-cache use and prefix-cache affinity instead of round robin (Gateway API Inference Extension). Any number
   * of routes and gateways may refer to one InferencePool. Only Gateway API data planes and Envoy AI Gateway
   * render it; others reject it with an alternative.
   */
  public static inferencePool(inferencePool: InferencePool): Backend {
    // JavaScript callers get no type check, and the form before InferencePool was a construct passed the pool itself.
    if (!(inferencePool instanceof InferencePool)) {
      throw invalid('Backend.inferencePool', 'inferencePool', describePool(inferencePool), 'is not an InferencePool',
        'create one next to the pool (new InferencePool(scope, id, { pool })) and pass it to Backend.inferencePool()');
    }
    return new Backend('inferencePool', () => {
      const pool = inferencePool.pool;
      return {
        mode: 'single',
        destinations: [{
          kind: 'inferencePool',
          name: inferencePool.name,
          namespace: inferencePool.namespaceName,
          port: pool.servicePort,
          pool,
          inferencePool,
          inference: { failureMode: inferencePool.failureMode },
          weight: 1,
        }],
      };
    });
  }

  /** Any Kubernetes Service by name and port. */
  public static service(options: ServiceBackendOptions): Backend {
    requireObject('Backend.service', 'options', options);
    return new Backend('service', (scope, property, defaultNamespace) => {
      requireServiceName(scope, `${property}.name`, options.name);
      const namespace = options.namespaceName ?? defaultNamespace;
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
    requireObject('Backend.provider', 'options', options);
    return new Backend('provider', (scope, property) => {
      requireDnsLabel(scope, `${property}.name`, options.name);
      if (!Object.values(ProviderApi).includes(options.api)) {
        throw invalid(scope, `${property}.api`, options.api, 'is not a ProviderApi', `use one of ProviderApi.${Object.keys(ProviderApi).join(', ProviderApi.')}`);
      }
      requireProviderHostname(scope, `${property}.hostname`, options.hostname);
      const port = requirePort(scope, `${property}.port`, options.port ?? 443);
      if (options.apiKey !== undefined) {
        requireDnsSubdomain(scope, `${property}.apiKey.secretName`, options.apiKey.secretName);
        if (typeof options.apiKey.key !== 'string' || !SECRET_KEY.test(options.apiKey.key) || options.apiKey.key.length > 253) {
          throw invalid(scope, `${property}.apiKey.key`, options.apiKey.key, 'is not a Secret key (1 to 253 letters, digits, "-", "_" and ".")',
            'use the key the credential is stored under in the Secret');
        }
      }
      if (options.region !== undefined) requireNonEmpty(scope, `${property}.region`, options.region);
      if (options.project !== undefined) requireNonEmpty(scope, `${property}.project`, options.project);
      return {
        mode: 'single',
        destinations: [{
          kind: 'provider',
          name: options.name,
          port,
          weight: 1,
          provider: {
            api: options.api,
            hostname: options.hostname,
            apiKey: options.apiKey,
            region: options.region,
            project: options.project,
            modelName: options.modelName === undefined ? undefined : requireNonEmpty(scope, `${property}.modelName`, options.modelName),
          },
        }],
      };
    });
  }

  /**
   * A split by weight (canary): each request goes to one backend, chosen in proportion to the weights.
   * Weights are relative; data planes that need percentages get them normalized to 100.
   */
  public static weighted(targets: WeightedBackend[]): Backend {
    requireArray('Backend.weighted', 'targets', targets);
    return new Backend('weighted', (scope, property, defaultNamespace) => {
      if (targets.length < 2) {
        throw invalid(scope, property, `${targets.length} backend(s)`, 'is a weighted split of fewer than two backends', 'give two or more backends, or use the backend itself');
      }
      const destinations = targets.map((t, i) => {
        const at = `${property}[${i}]`;
        requireObject(scope, at, t);
        if (!Number.isInteger(t.weight) || t.weight < 0 || t.weight > MAX_WEIGHT) {
          throw invalid(scope, `${at}.weight`, t.weight, `must be a whole number from 0 to ${MAX_WEIGHT}`, 'use relative weights such as 90 and 10');
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
    requireArray('Backend.fallback', 'backends', backends);
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

/** The characters of a Secret key, as the API server checks them. */
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * A provider's hostname as Envoy Gateway's Backend takes it (envoyproxy/gateway v1.8.1 Backend CRD: fqdn.hostname is
 * a lowercase DNS name of at most 253 characters): no scheme, port or path.
 */
function requireProviderHostname(scope: IConstruct, property: string, hostname: string) {
  if (typeof hostname !== 'string' || hostname.length === 0) {
    throw invalid(scope, property, hostname, 'is empty', 'give the provider\'s hostname, such as api.openai.com');
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(hostname) || /[/:]/.test(hostname)) {
    throw invalid(scope, property, hostname, 'is a URL, and the provider backend takes a hostname only', 'give the hostname alone (api.openai.com); set a port with the port option');
  }
  if (hostname.length > 253 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(hostname)) {
    throw invalid(scope, property, hostname, 'is not a DNS hostname (lowercase letters, digits, "-" and ".", at most 253 characters)', 'give the provider\'s hostname, such as api.openai.com');
  }
}

function singleDestination(backend: Backend, scope: IConstruct, property: string, defaultNamespace: string | undefined,
  within: string): DestinationSpec {
  requireInstance(scope, property, backend, Backend, 'Backend.pool(...), Backend.service(...) or Backend.provider(...)');
  const spec = backend._resolve(scope, property, defaultNamespace);
  if (spec.mode !== 'single') {
    throw invalid(scope, property, `Backend.${backend._kind}`, `cannot be nested in a ${within} list`, 'list pools, Services and providers directly');
  }
  return spec.destinations[0];
}

/** A pool, as JavaScript callers may pass anything. */
function requirePool(scope: IConstruct | string, property: string, pool: ILlmModelPool) {
  if (pool === null || typeof pool !== 'object' || typeof pool.serviceName !== 'string' || typeof pool.servicePort !== 'number' || pool.node === undefined) {
    throw invalid(scope, property, describePool(pool), 'is not a model pool', 'pass an LlmModelPool, or a server imported with LlmModelPool.fromService(...)');
  }
}

/** A construct by its path, anything else as it is. */
function describePool(value: unknown): unknown {
  const node = (value as IConstruct | undefined)?.node;
  return node !== undefined && typeof node.path === 'string' ? node.path : value;
}
