import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { ServerContainer, ServerContext } from './internal';
import { invalid, requireDnsSubdomain, requireHttpPath, requireNonEmpty, requirePort, requireSecretKey, requireStringList, requireStringMap } from './validate';

/** A key of a Kubernetes Secret in the pool's namespace. */
export interface SecretKeyReference {
  /** The Secret's name. */
  readonly secretName: string;
  /** The key inside the Secret. */
  readonly key: string;
}

/** Options for `ModelServer.vllm`. */
export interface VllmServerOptions {
  /**
   * The model vLLM loads: a Hugging Face id (`meta-llama/Llama-3.1-8B-Instruct`) or a local path.
   * Clients name the model by the pool's `modelName`, passed as `--served-model-name`.
   */
  readonly model: string;

  /**
   * The vLLM OpenAI-compatible server image. Pin a version you have tested.
   * @default 'vllm/vllm-openai:v0.19.0'
   */
  readonly image?: string;

  /**
   * `--tensor-parallel-size`: how many GPUs one replica shards the model over.
   * @default - the accelerator's GPU count when it is more than 1, otherwise vLLM's default
   */
  readonly tensorParallelSize?: number;

  /**
   * `--max-model-len`: the longest context (prompt + completion tokens) the server accepts.
   * @default - vLLM derives it from the model
   */
  readonly maxModelLen?: number;

  /**
   * `--gpu-memory-utilization`: the fraction of GPU memory vLLM may use, above 0 and at most 1.
   * @default - vLLM's default (0.9)
   */
  readonly gpuMemoryUtilization?: number;

  /**
   * Further command-line arguments, appended after the ones this library sets.
   * @default - none
   */
  readonly extraArgs?: string[];

  /**
   * Plain environment variables. Values that look like credentials are rejected: use `secretEnv`.
   * @default - none
   */
  readonly env?: Record<string, string>;

  /**
   * Environment variables read from Secrets.
   * @default - none
   */
  readonly secretEnv?: Record<string, SecretKeyReference>;

  /**
   * The Hugging Face token for gated models, read from a Secret into `HF_TOKEN`.
   * @default - no token (public models only)
   */
  readonly huggingFaceToken?: SecretKeyReference;
}

/** Options for `ModelServer.custom`. */
export interface CustomServerOptions {
  /** The container image. */
  readonly image: string;

  /** The port the server listens on. */
  readonly port: number;

  /**
   * The HTTP path that answers 200 once the model is loaded; used by the startup, readiness and
   * liveness probes.
   * @default '/health'
   */
  readonly healthPath?: string;

  /**
   * The HTTP path with Prometheus metrics on the same port.
   * @default - the server exports no metrics (no queue-depth autoscaling, no monitors)
   */
  readonly metricsPath?: string;

  /**
   * Whether the server speaks the vLLM metric names (`vllm:num_requests_waiting`, `vllm:kv_cache_usage_perc`)
   * that queue-depth autoscaling and endpoint pickers read. Servers built on vLLM (llm-d, some vendor
   * images) do.
   * @default false
   */
  readonly exportsVllmMetrics?: boolean;

  /**
   * The container command (entrypoint).
   * @default - the image's entrypoint
   */
  readonly command?: string[];

  /**
   * The container arguments.
   * @default - the image's default arguments
   */
  readonly args?: string[];

  /**
   * Plain environment variables. Values that look like credentials are rejected: use `secretEnv`.
   * @default - none
   */
  readonly env?: Record<string, string>;

  /**
   * Environment variables read from Secrets.
   * @default - none
   */
  readonly secretEnv?: Record<string, SecretKeyReference>;

  /**
   * Whether the image runs as a non-root user. Leave it on unless the image needs root.
   * @default true
   */
  readonly runAsNonRoot?: boolean;

  /**
   * The user id to run as when `runAsNonRoot` is on.
   * @default 1000
   */
  readonly runAsUser?: number;

  /**
   * Whether the server needs a memory-backed `/dev/shm` (PyTorch and NCCL do).
   * @default true
   */
  readonly needsSharedMemory?: boolean;

  /**
   * Where a writable model and kernel cache is mounted; `HOME`, `HF_HOME` and `XDG_CACHE_HOME` point there.
   * @default '/model-cache'
   */
  readonly cachePath?: string;
}

/** Options for `ModelServer.demo`. */
export interface DemoServerOptions {
  /**
   * Plain environment variables, such as the tutorial's `MODEL_TYPE` of each tier. Values that look like
   * credentials are rejected.
   * @default - none
   */
  readonly env?: Record<string, string>;
}

/** The default vLLM image: pinned, never `latest`. */
const VLLM_IMAGE = 'vllm/vllm-openai:v0.19.0';
const DEMO_IMAGE = 'nginxdemos/hello:plain-text';
const DEFAULT_CACHE = '/model-cache';

/**
 * The inference server a pool runs.
 *
 * @example
 * ModelServer.vllm({ model: 'meta-llama/Llama-3.1-8B-Instruct', huggingFaceToken: { secretName: 'hf', key: 'token' } });
 * ModelServer.custom({ image: 'ghcr.io/acme/tgi:3.0.1', port: 8080, metricsPath: '/metrics' });
 * ModelServer.demo(); // nginxdemos/hello on port 80, for clusters without GPUs
 */
export abstract class ModelServer {
  /**
   * vLLM's OpenAI-compatible server: port 8000, `GET /health`, Prometheus metrics at `/metrics`,
   * the OpenAI API under `/v1`. Runs as a non-root user with its caches in a writable volume.
   * @see https://docs.vllm.ai/en/stable/serving/openai_compatible_server.html
   */
  public static vllm(options: VllmServerOptions): ModelServer {
    checkTypes('ModelServer.vllm', options, ['extraArgs']);
    return new VllmServer(options);
  }

  /** Any HTTP model server image. */
  public static custom(options: CustomServerOptions): ModelServer {
    checkTypes('ModelServer.custom', options, ['command', 'args']);
    return new CustomServer(options);
  }

  /**
   * A CPU-only stand-in for demos and tutorials: `nginxdemos/hello:plain-text` on port 80, which answers
   * every path with the pod's name and address. It has no metrics, so it cannot be autoscaled on queue
   * depth. nginx starts as root and switches to its own user, so this server keeps `CHOWN`, `SETUID`,
   * `SETGID` and `NET_BIND_SERVICE` after dropping all other capabilities.
   */
  public static demo(options: DemoServerOptions = {}): ModelServer {
    return new DemoServer(options);
  }

  /** A short name for the server, used in the `app.kubernetes.io/name` label. */
  public abstract readonly serverName: string;

  /** The port the server listens on. */
  public abstract readonly port: number;

  /** The health path the probes use. */
  public abstract readonly healthPath: string;

  /**
   * The Prometheus metrics path.
   * @default - no metrics
   */
  public abstract readonly metricsPath?: string;

  /** @internal */
  public abstract _render(scope: IConstruct, property: string, context: ServerContext): ServerContainer;
}

class VllmServer extends ModelServer {
  public readonly serverName = 'vllm';
  public readonly port = 8000;
  public readonly healthPath = '/health';
  public readonly metricsPath = '/metrics';

  constructor(private readonly options: VllmServerOptions) {
    super();
  }

  public _render(scope: IConstruct, property: string, context: ServerContext): ServerContainer {
    const o = this.options;
    requireNonEmpty(scope, `${property}.model`, o.model);
    const args = ['--model', o.model, '--served-model-name', context.modelName, '--port', String(this.port)];
    const tp = o.tensorParallelSize ?? (context.gpuCount > 1 ? context.gpuCount : undefined);
    if (tp !== undefined) {
      if (!Number.isInteger(tp) || tp < 1) {
        throw invalid(scope, `${property}.tensorParallelSize`, tp, 'must be a whole number 1 or more', 'set it to the number of GPUs one replica shards the model over');
      }
      if (context.gpuCount > 0 && tp > context.gpuCount) {
        throw invalid(scope, `${property}.tensorParallelSize`, tp, `exceeds the ${context.gpuCount} GPU(s) each replica gets`,
          'raise the accelerator count or lower the tensor-parallel size');
      }
      args.push('--tensor-parallel-size', String(tp));
    }
    if (o.maxModelLen !== undefined) {
      if (!Number.isInteger(o.maxModelLen) || o.maxModelLen < 1) {
        throw invalid(scope, `${property}.maxModelLen`, o.maxModelLen, 'must be a whole number of tokens, 1 or more', 'set the longest context the server should accept');
      }
      args.push('--max-model-len', String(o.maxModelLen));
    }
    if (o.gpuMemoryUtilization !== undefined) {
      if (!(o.gpuMemoryUtilization > 0 && o.gpuMemoryUtilization <= 1)) {
        throw invalid(scope, `${property}.gpuMemoryUtilization`, o.gpuMemoryUtilization, 'must be above 0 and at most 1', 'use a fraction such as 0.9');
      }
      args.push('--gpu-memory-utilization', String(o.gpuMemoryUtilization));
    }
    args.push(...(o.extraArgs ?? []));
    const secretEnv: Record<string, SecretKeyReference> = { ...(o.secretEnv ?? {}) };
    if (o.huggingFaceToken) {
      requireDnsSubdomain(scope, `${property}.huggingFaceToken.secretName`, o.huggingFaceToken.secretName);
      requireSecretKey(scope, `${property}.huggingFaceToken.key`, o.huggingFaceToken.key);
      secretEnv.HF_TOKEN = o.huggingFaceToken;
    }
    return {
      image: requireNonEmpty(scope, `${property}.image`, o.image ?? VLLM_IMAGE),
      args,
      env: [
        ...cacheEnv(DEFAULT_CACHE),
        // vLLM otherwise reports usage statistics to its maintainers on start.
        { name: 'VLLM_NO_USAGE_STATS', value: '1' },
        ...renderEnv(scope, property, o.env, secretEnv),
      ],
      port: this.port,
      healthPath: this.healthPath,
      metricsPath: this.metricsPath,
      exportsVllmMetrics: true,
      runAsNonRoot: true,
      runAsUser: 1000,
      addCapabilities: [],
      sharedMemory: true,
      cachePath: DEFAULT_CACHE,
      defaultCpu: Cpu.units(4),
      defaultMemory: Size.gibibytes(32),
    };
  }
}

class CustomServer extends ModelServer {
  public readonly serverName = 'custom';
  public readonly port: number;
  public readonly healthPath: string;
  public readonly metricsPath?: string;

  constructor(private readonly options: CustomServerOptions) {
    super();
    this.port = options.port;
    this.healthPath = options.healthPath ?? '/health';
    this.metricsPath = options.metricsPath;
  }

  public _render(scope: IConstruct, property: string, _context: ServerContext): ServerContainer {
    const o = this.options;
    requirePort(scope, `${property}.port`, o.port);
    requireHttpPath(scope, `${property}.healthPath`, this.healthPath);
    if (this.metricsPath !== undefined) requireHttpPath(scope, `${property}.metricsPath`, this.metricsPath);
    const cachePath = o.cachePath ?? DEFAULT_CACHE;
    if (typeof cachePath !== 'string' || !cachePath.startsWith('/')) {
      throw invalid(scope, `${property}.cachePath`, cachePath, 'is not an absolute path in the container', 'start it with "/", such as /model-cache');
    }
    const runAsNonRoot = o.runAsNonRoot ?? true;
    if (o.runAsUser !== undefined && (!Number.isInteger(o.runAsUser) || o.runAsUser < 1)) {
      throw invalid(scope, `${property}.runAsUser`, o.runAsUser, 'must be a whole non-root user id (1 or more)', 'set the uid the image runs as, or leave it at 1000');
    }
    return {
      image: requireNonEmpty(scope, `${property}.image`, o.image),
      command: o.command,
      args: o.args,
      env: [...cacheEnv(cachePath), ...renderEnv(scope, property, o.env, o.secretEnv)],
      port: o.port,
      healthPath: this.healthPath,
      metricsPath: this.metricsPath,
      exportsVllmMetrics: o.exportsVllmMetrics ?? false,
      runAsNonRoot,
      runAsUser: runAsNonRoot ? o.runAsUser ?? 1000 : undefined,
      addCapabilities: [],
      sharedMemory: o.needsSharedMemory ?? true,
      cachePath,
      defaultCpu: Cpu.units(1),
      defaultMemory: Size.gibibytes(4),
    };
  }
}

class DemoServer extends ModelServer {
  public readonly serverName = 'nginx-demo';
  public readonly port = 80;
  public readonly healthPath = '/';
  public readonly metricsPath = undefined;

  constructor(private readonly options: DemoServerOptions) {
    super();
  }

  public _render(scope: IConstruct, property: string, _context: ServerContext): ServerContainer {
    return {
      image: DEMO_IMAGE,
      env: renderEnv(scope, property, this.options.env, undefined),
      port: this.port,
      healthPath: this.healthPath,
      exportsVllmMetrics: false,
      runAsNonRoot: false,
      addCapabilities: ['CHOWN', 'NET_BIND_SERVICE', 'SETGID', 'SETUID'],
      sharedMemory: false,
      defaultCpu: Cpu.millis(50),
      defaultMemory: Size.mebibytes(64),
    };
  }
}

/**
 * The types JavaScript callers get no compiler check for, at the factory they pass them to: a string where a list
 * is expected would otherwise be spread into one argument per character, and env values must be strings.
 */
function checkTypes(factory: string, options: { env?: Record<string, string>; secretEnv?: Record<string, SecretKeyReference> },
  lists: string[]) {
  if (options === null || typeof options !== 'object') {
    throw invalid(factory, 'options', options, 'is not an object', `call ${factory}({ ... }) with an options object`);
  }
  for (const name of lists) {
    const value = (options as Record<string, unknown>)[name];
    if (value !== undefined) requireStringList(factory, name, value as string[]);
  }
  if (options.env !== undefined) requireStringMap(factory, 'env', options.env);
  if (options.secretEnv !== undefined && (options.secretEnv === null || typeof options.secretEnv !== 'object' || Array.isArray(options.secretEnv))) {
    throw invalid(factory, 'secretEnv', options.secretEnv, 'is not a map of Secret references', "set it to an object such as { HF_TOKEN: { secretName: 'hf', key: 'token' } }");
  }
}

function cacheEnv(path: string) {
  return [
    { name: 'HOME', value: path },
    { name: 'HF_HOME', value: `${path}/huggingface` },
    { name: 'XDG_CACHE_HOME', value: `${path}/cache` },
    { name: 'XDG_CONFIG_HOME', value: `${path}/config` },
  ];
}

/**
 * Names that hold credentials, as whole `_`-separated words (HF_TOKEN, OPENAI_API_KEY, DB_PASSWORD); a literal
 * value under such a name is rejected. Token limits such as MAX_TOTAL_TOKENS are not credentials.
 */
const SECRET_NAME = /(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_?KEY|CREDENTIALS?|PRIVATE_?KEY)(_|$)/i;
/** Values shaped like well-known tokens (Hugging Face, OpenAI-style, GitHub, AWS access keys). */
const SECRET_VALUE = /^(hf_[A-Za-z0-9]{20,}|sk-[A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16})$/;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function renderEnv(scope: IConstruct, property: string, env: Record<string, string> | undefined,
  secretEnv: Record<string, SecretKeyReference> | undefined): ServerContainer['env'] {
  const out: ServerContainer['env'] = [];
  for (const name of Object.keys(env ?? {}).sort()) {
    const value = env![name];
    if (!ENV_NAME.test(name)) {
      throw invalid(scope, `${property}.env`, name, 'is not a valid environment variable name', 'use letters, digits, "_", "-" and "."');
    }
    if (SECRET_NAME.test(name) || SECRET_VALUE.test(value)) {
      throw invalid(scope, `${property}.env.${name}`, '<redacted>', 'looks like a credential given as a literal value, which would be stored in plain text in the manifests',
        `store it in a Secret and reference it with 'secretEnv: { ${name}: { secretName, key } }'`);
    }
    out.push({ name, value });
  }
  for (const name of Object.keys(secretEnv ?? {}).sort()) {
    const ref = secretEnv![name];
    if (!ENV_NAME.test(name)) {
      throw invalid(scope, `${property}.secretEnv`, name, 'is not a valid environment variable name', 'use letters, digits, "_", "-" and "."');
    }
    if (env && name in env) {
      throw invalid(scope, `${property}.secretEnv.${name}`, name, 'is also set in env', 'set each variable once');
    }
    requireDnsSubdomain(scope, `${property}.secretEnv.${name}.secretName`, ref?.secretName);
    requireSecretKey(scope, `${property}.secretEnv.${name}.key`, ref.key);
    out.push({ name, secret: ref });
  }
  return out;
}
