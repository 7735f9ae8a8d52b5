/*
 * The property tests' properties (test/ai-gateway.property.test.ts), run long or replayed, outside CI.
 *
 *   npm run fuzz                                   # 1,000 runs per property and data plane, a random seed
 *   npm run fuzz -- --seed 42 --runs 10000         # a given seed, longer
 *   npm run fuzz -- --data-plane nginxIngress      # one data plane (ids: see DATA_PLANES in tools/arbitraries.ts)
 *   npm run fuzz -- --seed 42 --path 17:3 --data-plane envoyAiGateway --property valid   # replay one failure
 *
 * For each data plane it prints the share of generated gateways that synthesize, the features and output shapes
 * the valid scenarios reached (and the declared ones they missed), and every failure with the seed and path
 * that replay it. Exits 1 when a property failed or a declared feature was never reached. docs/testing.md
 * explains the properties.
 */
import * as fc from 'fast-check';
import {
  checkAny, checkUnsupported, checkValid, DATA_PLANES, DataPlaneId, expectedMarkers, gatewayScenario, GatewayScenario, OutputMarker, profile,
  reachableFeatures, supportedFeatures, twoGatewaysOutcome, unsupportedFeatures,
} from '../tools/arbitraries';

type PropertyName = 'valid' | 'unsupported' | 'any' | 'conflict';
const PROPERTIES: PropertyName[] = ['valid', 'unsupported', 'any', 'conflict'];

interface Args {
  readonly seed: number;
  readonly runs: number;
  readonly dataPlanes: DataPlaneId[];
  readonly properties: PropertyName[];
  readonly path?: string;
}

function parseArgs(argv: string[]): Args {
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const known = ['--seed', '--runs', '--data-plane', '--property', '--path'];
  for (const a of argv) {
    if (a.startsWith('--') && !known.includes(a)) throw new Error(`unknown option ${a}; options: ${known.join(' ')}`);
  }
  const seed = value('seed') === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(value('seed'));
  const runs = Number(value('runs') ?? 1000);
  if (!Number.isInteger(seed) || !Number.isInteger(runs) || runs < 1) throw new Error('--seed and --runs take whole numbers');
  const dp = value('data-plane');
  const prop = value('property');
  if (prop !== undefined && !PROPERTIES.includes(prop as PropertyName)) throw new Error(`--property is one of ${PROPERTIES.join(', ')}`);
  return {
    seed,
    runs,
    dataPlanes: dp === undefined ? DATA_PLANES.map(p => p.id) : [profile(dp as DataPlaneId).id],
    properties: prop === undefined ? PROPERTIES : [prop as PropertyName],
    path: value('path'),
  };
}

/** Counts over one data plane's runs. */
interface Tally {
  generated: number;
  synthesized: number;
  valid: number;
  features: Map<string, number>;
  markers: Map<string, number>;
  conflictsRejected: number;
  conflictsAccepted: number;
  failures: string[];
}

function run(property: PropertyName, id: DataPlaneId, args: Args, tally: Tally) {
  let arbitrary: fc.Arbitrary<GatewayScenario>;
  let predicate: (s: GatewayScenario) => void;
  switch (property) {
    case 'valid':
      arbitrary = gatewayScenario({ dataPlane: id, intent: 'valid' });
      predicate = s => {
        const reached = checkValid(s);
        tally.valid++;
        for (const f of reached.features) tally.features.set(f, (tally.features.get(f) ?? 0) + 1);
        for (const m of reached.markers) tally.markers.set(m, (tally.markers.get(m) ?? 0) + 1);
      };
      break;
    case 'unsupported':
      if (unsupportedFeatures(id).length === 0) return;
      arbitrary = gatewayScenario({ dataPlane: id, intent: 'unsupported' });
      predicate = checkUnsupported;
      break;
    case 'any':
      // The data plane's own mix: valid, unsupported and mixed scenarios.
      arbitrary = gatewayScenario({ dataPlane: id });
      predicate = s => {
        tally.generated++;
        if (checkAny(s).kind === 'synthesized') tally.synthesized++;
      };
      break;
    case 'conflict':
      arbitrary = gatewayScenario({ dataPlane: id, intent: 'valid' });
      predicate = s => {
        if (twoGatewaysOutcome(s).kind === 'rejected') tally.conflictsRejected++;
        else tally.conflictsAccepted++;
      };
      break;
  }
  const details = fc.check(fc.property(arbitrary, predicate), { seed: args.seed, numRuns: args.runs, path: args.path });
  if (details.failed) {
    tally.failures.push(`${property} on ${id}: replay with npm run fuzz -- --seed ${details.seed} --path ${details.counterexamplePath} `
      + `--data-plane ${id} --property ${property}\n${String(details.errorInstance)}\n${fc.defaultReportMessage(details) ?? ''}`);
  }
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  console.log(`fuzz: seed ${args.seed}, ${args.runs} runs per property and data plane${args.path ? `, path ${args.path}` : ''}\n`);
  let failed = false;
  for (const id of args.dataPlanes) {
    const tally: Tally = {
      generated: 0, synthesized: 0, valid: 0, features: new Map(), markers: new Map(), conflictsRejected: 0, conflictsAccepted: 0, failures: [],
    };
    const start = Date.now();
    for (const property of args.properties) run(property, id, args, tally);
    const seconds = ((Date.now() - start) / 1000).toFixed(1);
    console.log(`== ${id} (${profile(id).make().name}), ${seconds} s`);
    if (tally.generated > 0) {
      console.log(`  synthesized: ${tally.synthesized} of ${tally.generated} generated gateways (${(100 * tally.synthesized / tally.generated).toFixed(1)} %)`);
    }
    if (tally.valid > 0) {
      const declared = reachableFeatures(id);
      const missing = declared.filter(f => !tally.features.has(f));
      const unreachable = [...supportedFeatures(id)].filter(f => !declared.includes(f));
      if (unreachable.length > 0) console.log(`  declared supported but unreachable through the API: ${unreachable.join(', ')}`);
      console.log(`  valid scenarios: ${tally.valid}, all synthesized; features reached (scenarios):`);
      console.log(`    ${declared.map(f => `${f} ${tally.features.get(f) ?? 0}`).join(', ')}`);
      const markers = expectedMarkers(id);
      console.log(`  output reached: ${markers.map(m => `${m} ${tally.markers.get(m as OutputMarker) ?? 0}`).join(', ')}`);
      const missingMarkers = markers.filter(m => !tally.markers.has(m));
      if (missing.length > 0 || missingMarkers.length > 0) {
        failed = true;
        console.log(`  NOT REACHED: ${[...missing, ...missingMarkers].join(', ')}`);
      }
    }
    if (tally.conflictsAccepted + tally.conflictsRejected > 0) {
      console.log(`  two conflicting gateways in one App: ${tally.conflictsRejected} rejected, ${tally.conflictsAccepted} accepted`);
    }
    for (const f of tally.failures) {
      failed = true;
      console.log(`  FAILED ${f.split('\n').map((l, i) => i === 0 ? l : `    ${l}`).join('\n')}`);
    }
    console.log('');
  }
  process.exitCode = failed ? 1 : 0;
}

main();
