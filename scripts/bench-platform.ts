/*
 * The platform workload of `npm run bench`: N models, each an LlmModelPool and a route to it (by model name where
 * the data plane matches the OpenAI body field, by header on Istio and Gateway API, by path on ingress-nginx), all
 * behind one gateway per data plane, for N = 100, 1,000 and 5,000.
 *
 * Baseline: raw cdk8s ApiObjects emitting the identical documents into the same charts. The documents are the
 * library's own output for the same N, handed to the baseline child as JSON text (read before the timed region).
 * The baseline pays what any cdk8s program that emits these documents pays: creating the documents (parsing the
 * text, the cheapest way a program comes to hold them; a hand-written program builds the same objects from
 * literals, with their fields in the order the library writes them), constructing ApiObjects, resolving and writing
 * YAML. Its output is checked to be byte-identical to the library's before timing.
 *
 * Runs are interleaved (library, baseline, library, baseline, ...) in fresh child processes so machine noise
 * falls on both; the medians count. A child with few models repeats its timed region (see repetitions). Peak
 * memory is each child's maximum resident set size (whole process).
 * Targets: at every N at most 1.25x the baseline's time and 1.3x its peak memory; 5x the models at most 5.5x the time.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { AiGateway, Backend, DataPlane, GatewayImplementation, LlmModelPool, ModelServer, RouteMatch } from '../src';

export const PLATFORM_SIZES = [100, 1000, 5000];
export const PLATFORM_TARGETS = { timeRatio: 1.25, memoryRatio: 1.3, growth5x: 5.5 };

/** The data planes of the platform workload, and how each one tells models apart. */
export const PLATFORM_PLANES: Record<string, { readonly dataPlane: () => DataPlane; readonly match: (model: string) => RouteMatch }> = {
  'istio': { dataPlane: () => DataPlane.istio(), match: m => RouteMatch.header('x-model', m) },
  'gateway-api-envoy': {
    dataPlane: () => DataPlane.gatewayApi({ gatewayClassName: 'eg', implementation: GatewayImplementation.envoyGateway() }),
    match: m => RouteMatch.header('x-model', m),
  },
  'envoy-ai-gateway': { dataPlane: () => DataPlane.envoyAiGateway({ gatewayClassName: 'eg' }), match: m => RouteMatch.model(m) },
  'nginx-ingress': { dataPlane: () => DataPlane.nginxIngress({ ingressClassName: 'nginx' }), match: m => RouteMatch.pathPrefix(`/models/${m}`) },
};

/** Builds the platform app with the library. */
export function platformApp(plane: string, size: number): App {
  const app = new App();
  const models = new Chart(app, 'models', { namespace: 'models' });
  // The gateway's objects in the models' namespace: ingress-nginx reaches Services in its own namespace only.
  const gateway = new AiGateway(new Chart(app, 'gateway', { namespace: 'models' }), 'gateway', {
    hostnames: ['llm.example.com'], dataPlane: PLATFORM_PLANES[plane].dataPlane(), networkIsolation: false,
  });
  const server = ModelServer.demo();
  for (let i = 0; i < size; i++) {
    const pool = new LlmModelPool(models, `pool-${i}`, { name: `pool-${i}`, modelName: `model-${i}`, server });
    gateway.addRoute(`model-${i}`, { matches: [PLATFORM_PLANES[plane].match(`model-${i}`)], backend: Backend.pool(pool) });
  }
  return app;
}

interface ChartDocs { readonly id: string; readonly namespace?: string; readonly docs: any[] }

/**
 * The library's documents per chart, for the baseline, with their fields in the order the library writes them
 * (cdk8s's CDK8S_DISABLE_SORT): a program builds its objects in its own order, and cdk8s sorts every object's keys at
 * synthesis, which costs less for keys that are sorted already. Both variants' output is sorted alike.
 */
function libraryDocuments(plane: string, size: number): ChartDocs[] {
  const sort = process.env.CDK8S_DISABLE_SORT;
  process.env.CDK8S_DISABLE_SORT = '1';
  try {
    const app = platformApp(plane, size);
    return app.charts.map(c => ({ id: c.node.id, namespace: c.namespace, docs: c.toJson() }));
  } finally {
    if (sort === undefined) delete process.env.CDK8S_DISABLE_SORT;
    else process.env.CDK8S_DISABLE_SORT = sort;
  }
}

/** The baseline: the same documents as raw ApiObjects in charts of the same ids and namespaces. */
function baselineApp(charts: ChartDocs[]): App {
  const app = new App();
  for (const c of charts) {
    const chart = new Chart(app, c.id, { namespace: c.namespace });
    c.docs.forEach((doc, i) => new ApiObject(chart, `o${i}`, doc));
  }
  return app;
}

interface Sample { readonly variant: 'library' | 'baseline'; readonly ms: number; readonly peakRssMiB: number; readonly documents: number }

/** In a child process: timed builds and syntheses of a fresh App (repetitions(size) of them), their median. */
function child(variant: string, plane: string, size: number, input?: string): Sample {
  // The baseline's documents as text: reading the file is not timed, creating the objects is.
  const text = input === undefined ? undefined : fs.readFileSync(input, 'utf8');
  // Warm up both variants alike (JIT, lazily loaded modules) on a small app before the timed run; the baseline's from a
  // small file of its own, so that no large garbage is left for the timed region to collect.
  if (variant === 'library') platformApp(plane, 20).synthYaml();
  else baselineApp(JSON.parse(fs.readFileSync(warmUpInput(input!), 'utf8'))).synthYaml();
  // A short timed region is repeated (a fresh App each time) and its median counts, so that at 100 models a
  // scheduler hiccup of a few milliseconds does not decide the cell: 1,000 / N times, at least once, at most 10.
  const times: number[] = [];
  let yaml = '';
  for (let r = 0; r < repetitions(size); r++) {
    const start = process.hrtime.bigint();
    const app = variant === 'library' ? platformApp(plane, size) : baselineApp(JSON.parse(text!));
    yaml = app.synthYaml();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const ms = median(times);
  if (process.env.BENCH_PLATFORM_OUT) fs.writeFileSync(process.env.BENCH_PLATFORM_OUT, yaml);
  return { variant: variant as Sample['variant'], ms, peakRssMiB: process.resourceUsage().maxRSS / 1024, documents: yaml.split(/^---$/m).length };
}

/** How many times a child repeats its timed region at `size` models. */
function repetitions(size: number): number {
  return Math.max(1, Math.min(10, Math.round(1000 / size)));
}

/** The baseline's warm-up documents: the first 40 of each chart. */
function warmUpInput(input: string): string {
  return `${input}.warm-up`;
}

function runChild(args: string[], env: Record<string, string> = {}): Sample {
  const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename, '--platform-child', ...args], {
    env: { ...process.env, ...env, TS_NODE_PROJECT: path.resolve(__dirname, '..', 'test', 'tsconfig.json') },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Sample;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface PlatformRow {
  readonly dataPlane: string;
  readonly models: number;
  readonly documents?: number;
  readonly libraryMs?: number;
  readonly baselineMs?: number;
  readonly timeRatio?: number;
  readonly libraryPeakRssMiB?: number;
  readonly baselinePeakRssMiB?: number;
  readonly memoryRatio?: number;
  /** Why the library could not build this size (a cap it still has). */
  readonly rejected?: string;
}

/** Measures every data plane at every size, `runs` interleaved pairs each. */
export function platformBench(runs: number, sizes = PLATFORM_SIZES, planes = Object.keys(PLATFORM_PLANES)): PlatformRow[] {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-platform-'));
  const rows: PlatformRow[] = [];
  for (const plane of planes) {
    for (const size of sizes) {
      let charts: ChartDocs[];
      try {
        charts = libraryDocuments(plane, size);
      } catch (e) {
        rows.push({ dataPlane: plane, models: size, rejected: (e as Error).message.split('\n')[0] });
        continue;
      }
      const input = path.join(work, `${plane}-${size}.json`);
      fs.writeFileSync(input, JSON.stringify(charts));
      fs.writeFileSync(warmUpInput(input), JSON.stringify(charts.map(c => ({ ...c, docs: c.docs.slice(0, 40) }))));
      // Same output, or the comparison means nothing.
      const libYaml = path.join(work, 'library.yaml');
      const baseYaml = path.join(work, 'baseline.yaml');
      runChild(['library', plane, String(size)], { BENCH_PLATFORM_OUT: libYaml });
      runChild(['baseline', plane, String(size), input], { BENCH_PLATFORM_OUT: baseYaml });
      if (fs.readFileSync(libYaml, 'utf8') !== fs.readFileSync(baseYaml, 'utf8')) {
        throw new Error(`${plane} ${size}: the baseline does not emit the library's documents; fix scripts/bench-platform.ts`);
      }
      const samples: Sample[] = [];
      for (let r = 0; r < runs; r++) {
        samples.push(runChild(['library', plane, String(size)]));
        samples.push(runChild(['baseline', plane, String(size), input]));
      }
      const lib = samples.filter(s => s.variant === 'library');
      const base = samples.filter(s => s.variant === 'baseline');
      const libraryMs = median(lib.map(s => s.ms));
      const baselineMs = median(base.map(s => s.ms));
      const libraryPeakRssMiB = median(lib.map(s => s.peakRssMiB));
      const baselinePeakRssMiB = median(base.map(s => s.peakRssMiB));
      rows.push({
        dataPlane: plane,
        models: size,
        documents: lib[0].documents,
        libraryMs: round(libraryMs),
        baselineMs: round(baselineMs),
        timeRatio: round(libraryMs / baselineMs),
        libraryPeakRssMiB: round(libraryPeakRssMiB),
        baselinePeakRssMiB: round(baselinePeakRssMiB),
        memoryRatio: round(libraryPeakRssMiB / baselinePeakRssMiB),
      });
      console.error(`platform ${plane} ${size}: ${JSON.stringify(rows[rows.length - 1])}`);
    }
  }
  fs.rmSync(work, { recursive: true, force: true });
  return rows;
}

/** The markdown table, with the growth from 1,000 to 5,000 models and whether each target is met. */
export function platformTable(rows: PlatformRow[]): string {
  const lines = [
    '| data plane | models | documents | library (ms) | baseline (ms) | time ratio | peak RSS library / baseline (MiB) | memory ratio |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(r => r.rejected !== undefined
      ? `| ${r.dataPlane} | ${r.models} | rejected: ${r.rejected.replace(/\|/g, '\\|')} | | | | | |`
      : `| ${r.dataPlane} | ${r.models} | ${r.documents} | ${r.libraryMs} | ${r.baselineMs} | ${r.timeRatio} | ${r.libraryPeakRssMiB} / ${r.baselinePeakRssMiB} | ${r.memoryRatio} |`),
  ];
  const verdicts: string[] = [];
  for (const plane of new Set(rows.map(r => r.dataPlane))) {
    const mine = rows.filter(r => r.dataPlane === plane && r.rejected === undefined);
    const small = mine.find(r => r.models === 1000);
    const large = mine.find(r => r.models === 5000);
    const growth = small && large ? round(large.libraryMs! / small.libraryMs!) : undefined;
    const timeOk = mine.every(r => r.timeRatio! <= PLATFORM_TARGETS.timeRatio);
    const memoryOk = mine.every(r => r.memoryRatio! <= PLATFORM_TARGETS.memoryRatio);
    const growthOk = growth === undefined || growth <= PLATFORM_TARGETS.growth5x;
    const all = mine.length === rows.filter(r => r.dataPlane === plane).length;
    if (mine.length === 0) {
      verdicts.push(`- ${plane}: NOT measured (every size rejected)`);
      continue;
    }
    verdicts.push(`- ${plane}: time ${timeOk ? 'met' : 'NOT met'}, memory ${memoryOk ? 'met' : 'NOT met'}, `
      + `1,000 -> 5,000 models x${growth ?? '?'} ${growthOk ? 'met' : 'NOT met'}${all ? '' : '; some sizes rejected'}`);
  }
  return `${lines.join('\n')}\n\nTargets: time <= ${PLATFORM_TARGETS.timeRatio}x, peak memory <= ${PLATFORM_TARGETS.memoryRatio}x the baseline, `
    + `5x the models in <= ${PLATFORM_TARGETS.growth5x}x the time.\n${verdicts.join('\n')}\n`;
}

function round(n: number, digits = 2): number {
  return Number(n.toFixed(digits));
}

if (process.argv[2] === '--platform-child') {
  const [variant, plane, size, input] = process.argv.slice(3);
  console.log(JSON.stringify(child(variant, plane, Number(size), input)));
} else if (require.main === module) {
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const sizes = process.env.BENCH_SIZES ? process.env.BENCH_SIZES.split(',').map(Number) : PLATFORM_SIZES;
  const planes = process.env.BENCH_PLANES ? process.env.BENCH_PLANES.split(',') : Object.keys(PLATFORM_PLANES);
  console.log(platformTable(platformBench(runs, sizes, planes)));
}
