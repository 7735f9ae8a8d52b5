/*
 * Benchmark: how much slower is synthesizing fleets of LlmModelPools than emitting the same objects as raw
 * cdk8s ApiObjects written by hand? Target: ratio <= 1.25 and linear growth.
 *
 * For each fleet size (100 and 1,000 pools) and each variant (library, baseline), a fresh child process
 * warms up on a small fleet, then builds and synthesizes the fleet to YAML several times; the median time
 * counts. Before timing, the two variants' outputs for the same fleet are compared and must be identical,
 * so the baseline measures the same work. Peak memory is the child's maximum resident set size.
 *
 * The platform workload (scripts/bench-platform.ts) follows: N models behind one gateway per data plane.
 *
 *   npm run bench                  # writes bench-results/results.json and bench-results/results.md
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { ApiObject, App, Chart } from 'cdk8s';
import * as fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { Accelerator, AiGatewayErrors, LlmModelPool, ModelServer } from '../src';
import { platformBench, platformTable } from './bench-platform';
import { buildScenario, gatewayScenario } from '../tools/arbitraries';
import { validateManifests } from '../tools/validator';

const SIZES = [100, 1000];
const RUNS = 5;
const NAMESPACE = 'bench';
const MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
const OUT = path.resolve(__dirname, '..', 'bench-results');

type Variant = 'library' | 'baseline';

/** The library: one GPU vLLM pool per index. */
function libraryFleet(chart: Chart, size: number) {
  const server = ModelServer.vllm({ model: MODEL, huggingFaceToken: { secretName: 'hf-token', key: 'token' } });
  for (let i = 0; i < size; i++) {
    new LlmModelPool(chart, `pool-${i}`, {
      name: `pool-${i}`, modelName: `model-${i}`, replicas: 2, server, accelerator: Accelerator.nvidiaGpu({ count: 1 }),
    });
  }
}

/** The baseline: the same objects as object literals through ApiObject, the way one would write them by hand. */
function baselineFleet(chart: Chart, size: number) {
  for (let i = 0; i < size; i++) {
    const name = `pool-${i}`;
    const selector = { 'ai-gateway.cdk8s.io/pool': name, 'ai-gateway.cdk8s.io/model': `model-${i}` };
    const labels = {
      'app.kubernetes.io/name': 'vllm',
      'app.kubernetes.io/instance': name,
      'app.kubernetes.io/component': 'model-server',
      'app.kubernetes.io/part-of': 'cdk8s-ai-gateway',
      ...selector,
    };
    const metadata = { name, namespace: NAMESPACE, labels };
    const httpGet = { path: '/health', port: 'http' };
    new ApiObject(chart, `${name}-deployment`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: {
        replicas: 2,
        selector: { matchLabels: selector },
        progressDeadlineSeconds: 1200,
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            terminationGracePeriodSeconds: 300,
            securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
            nodeSelector: { 'nvidia.com/gpu.present': 'true' },
            tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
            topologySpreadConstraints: [{
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selector },
              matchLabelKeys: ['pod-template-hash'],
            }],
            containers: [{
              name: 'server',
              image: 'vllm/vllm-openai:v0.19.0',
              args: ['--model', MODEL, '--served-model-name', `model-${i}`, '--port', '8000'],
              ports: [{ name: 'http', containerPort: 8000, protocol: 'TCP' }],
              env: [
                { name: 'HOME', value: '/model-cache' },
                { name: 'HF_HOME', value: '/model-cache/huggingface' },
                { name: 'XDG_CACHE_HOME', value: '/model-cache/cache' },
                { name: 'XDG_CONFIG_HOME', value: '/model-cache/config' },
                { name: 'VLLM_NO_USAGE_STATS', value: '1' },
                { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } },
              ],
              resources: {
                requests: { cpu: '4', memory: '32768Mi' },
                limits: { 'memory': '32768Mi', 'nvidia.com/gpu': '1' },
              },
              startupProbe: { httpGet, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 90 },
              readinessProbe: { httpGet, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3, successThreshold: 1 },
              livenessProbe: { httpGet, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 4 },
              securityContext: {
                allowPrivilegeEscalation: false,
                privileged: false,
                runAsNonRoot: true,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
              volumeMounts: [{ name: 'dshm', mountPath: '/dev/shm' }, { name: 'model-cache', mountPath: '/model-cache' }],
            }],
            volumes: [
              { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '8192Mi' } },
              { name: 'model-cache', emptyDir: {} },
            ],
          },
        },
      },
    });
    new ApiObject(chart, `${name}-service`, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata,
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [{ name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' }],
      },
    });
    new ApiObject(chart, `${name}-pdb`, {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata,
      spec: { maxUnavailable: 1, selector: { matchLabels: selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    });
  }
}

/** Builds and synthesizes one fleet to YAML. */
function synthYaml(variant: Variant, size: number): string {
  const app = new App();
  const chart = new Chart(app, 'bench', { namespace: NAMESPACE });
  (variant === 'library' ? libraryFleet : baselineFleet)(chart, size);
  return app.synthYaml();
}

interface ChildResult {
  readonly variant: Variant;
  readonly pools: number;
  readonly documents: number;
  readonly runsMs: number[];
  readonly medianMs: number;
  readonly peakRssMiB: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** In a child process: warm up, then time `runs` syntheses of the fleet. */
function child(variant: Variant, size: number, runs: number): ChildResult {
  synthYaml(variant, 20);
  const runsMs: number[] = [];
  let documents = 0;
  for (let r = 0; r < runs; r++) {
    const start = process.hrtime.bigint();
    const yaml = synthYaml(variant, size);
    runsMs.push(Number(process.hrtime.bigint() - start) / 1e6);
    documents = yaml.split(/^---$/m).length;
  }
  return { variant, pools: size, documents, runsMs, medianMs: median(runsMs), peakRssMiB: process.resourceUsage().maxRSS / 1024 };
}

function runChild(variant: Variant, size: number): ChildResult {
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename, '--child', variant, String(size), String(RUNS)], {
    env: { ...process.env, TS_NODE_PROJECT: path.resolve(__dirname, '..', 'test', 'tsconfig.json') },
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
}

/** Both variants must emit the same objects, or the comparison means nothing. */
function checkSameOutput(size: number) {
  const parse = (yaml: string) => parseAllDocuments(yaml).map(d => d.toJS());
  const library = parse(synthYaml('library', size));
  const baseline = parse(synthYaml('baseline', size));
  if (!isDeepStrictEqual(library, baseline)) {
    const i = library.findIndex((doc, n) => !isDeepStrictEqual(doc, baseline[n]));
    throw new Error(`the baseline does not emit the same objects as the library (first difference in document ${i}); fix scripts/bench.ts`);
  }
}

/** As many random gateways as one property of test/ai-gateway.property.test.ts runs (its RUNS), seeded. */
const RANDOM_GATEWAYS = 1000;

/**
 * The property-based tests' workload, timed here rather than in a test: build, synthesize and validate
 * RANDOM_GATEWAYS random Istio gateways (a fixed seed, so every run measures the same scenarios).
 */
function randomGateways() {
  const scenarios = fc.sample(gatewayScenario(), { numRuns: RANDOM_GATEWAYS, seed: 42 });
  validateManifests([]); // load the schemas before timing
  let synthesized = 0;
  const start = process.hrtime.bigint();
  for (const s of scenarios) {
    try {
      const docs = App.of(buildScenario(s)) as App;
      validateManifests(docs.charts.flatMap(c => c.toJson()));
      synthesized++;
    } catch (e) {
      if (!AiGatewayErrors.isAiGatewayError(e) && !(e instanceof Error && e.message.includes('the gateway has no routes'))) throw e;
    }
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return {
    scenarios: RANDOM_GATEWAYS,
    synthesized,
    rejected: RANDOM_GATEWAYS - synthesized,
    totalMs: round(ms),
    msPerScenario: round(ms / RANDOM_GATEWAYS, 3),
  };
}

function main() {
  checkSameOutput(SIZES[0]);
  const results: ChildResult[] = [];
  for (const size of SIZES) {
    for (const variant of ['baseline', 'library'] as Variant[]) {
      results.push(runChild(variant, size));
    }
  }
  const rows = SIZES.map(size => {
    const lib = results.find(r => r.variant === 'library' && r.pools === size)!;
    const base = results.find(r => r.variant === 'baseline' && r.pools === size)!;
    return {
      pools: size,
      documents: lib.documents,
      libraryMs: round(lib.medianMs),
      baselineMs: round(base.medianMs),
      ratio: round(lib.medianMs / base.medianMs),
      libraryPeakRssMiB: round(lib.peakRssMiB),
      baselinePeakRssMiB: round(base.peakRssMiB),
      libraryMsPerPool: round(lib.medianMs / size, 3),
    };
  });
  const growth = round(rows[1].libraryMs / rows[0].libraryMs);
  const random = randomGateways();
  const platform = platformBench(Number(process.env.BENCH_RUNS ?? 3));
  const summary = {
    date: new Date().toISOString(),
    node: process.version,
    runsPerMeasurement: RUNS,
    target: { ratio: 1.25, growth: 'linear (10x the pools in about 10x the time)' },
    rows,
    libraryGrowth100To1000: growth,
    meetsRatioTarget: rows.every(r => r.ratio <= 1.25),
    randomGateways: random,
    platform,
    samples: results,
  };
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'results.json'), JSON.stringify(summary, null, 2) + '\n');
  const table = [
    '| pools | documents | library (ms) | baseline (ms) | ratio | ms per pool | peak RSS library / baseline (MiB) |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(r => `| ${r.pools} | ${r.documents} | ${r.libraryMs} | ${r.baselineMs} | ${r.ratio} | ${r.libraryMsPerPool} | ${r.libraryPeakRssMiB} / ${r.baselinePeakRssMiB} |`),
  ].join('\n');
  const text = `# Benchmark (${summary.date}, Node ${process.version}, median of ${RUNS} runs)\n\n${table}\n\n`
    + `Library time from 100 to 1,000 pools: x${growth} (linear is x10). Ratio target <= 1.25: ${summary.meetsRatioTarget ? 'met' : 'NOT met'}.\n\n`
    + `Property-test workload: ${random.scenarios} random gateways (seed 42) built, synthesized and validated in ${random.totalMs} ms `
    + `(${random.msPerScenario} ms each; ${random.synthesized} synthesized, ${random.rejected} rejected with AiGatewayError).\n\n`
    + '## Platform: N models, each a pool and a route, behind one gateway per data plane (median of interleaved runs)\n\n'
    + platformTable(platform);
  fs.writeFileSync(path.join(OUT, 'results.md'), text);
  console.log(text);
  console.log(`written to ${path.relative(process.cwd(), OUT)}/results.json and results.md`);
}

function round(n: number, digits = 2): number {
  return Number(n.toFixed(digits));
}

if (process.argv[2] === '--child') {
  console.log(JSON.stringify(child(process.argv[3] as Variant, Number(process.argv[4]), Number(process.argv[5]))));
} else {
  main();
}
