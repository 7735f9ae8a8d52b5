/*
 * The main job: synthesize every example app under examples/ into dist/examples/<example>/*.yaml, read the
 * YAML back and validate every document strictly against the vendored upstream/ schemas (Kubernetes 1.28 and 1.36 for
 * core kinds, the pinned CRDs for custom kinds). Exits non-zero if an example fails to build or any
 * document is invalid.
 *
 * Each example is examples/<name>/main.ts exporting `build(app: App): void`. Examples whose folder name
 * contains `experimental` are validated against the Gateway API experimental channel; all others against
 * the standard channel.
 *
 * It also writes dist/examples/<name>/cdk.tf.json: the controllers the example needs (a ControllerStack from
 * platform/, synthesized with cdktf), for `terraform init && terraform apply` in that folder. The gateways
 * come from the example's construct tree; KEDA, kube-prometheus-stack and the GPU Operator from its
 * manifests (ScaledObjects, monitors, GPU limits). Examples that need no controller get no cdk.tf.json.
 *
 *   npm run synth                 # all examples
 *   npm run synth -- tiers        # only the named ones
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, YamlOutputType } from 'cdk8s';
import { App as TerraformApp, LocalBackend, TerraformStack } from 'cdktf';
import { parseAllDocuments } from 'yaml';
import { ControllerStack } from '../platform';
import { AiGateway } from '../src';
import { formatIssues, validateManifests } from '../tools/validator';

const ROOT = path.resolve(__dirname, '..');
const EXAMPLES = path.join(ROOT, 'examples');
const OUT = path.join(ROOT, 'dist', 'examples');

interface ExampleModule {
  build(app: App): void;
}

interface Synthesized {
  readonly app: App;
  readonly files: string[];
  readonly docs: unknown[];
}

/** Synthesizes one example into its output folder and returns the parsed documents of every file. */
function synthesize(name: string): Synthesized {
  const outdir = path.join(OUT, name);
  fs.rmSync(outdir, { recursive: true, force: true });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const example = require(path.join(EXAMPLES, name, 'main.ts')) as ExampleModule;
  if (typeof example.build !== 'function') {
    throw new Error(`examples/${name}/main.ts must export build(app: App)`);
  }
  const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_CHART });
  example.build(app);
  app.synth();

  const files = fs.readdirSync(outdir).filter(f => f.endsWith('.yaml')).sort();
  const docs: unknown[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(fs.readFileSync(path.join(outdir, file), 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
      docs.push(doc.toJS());
    }
  }
  return { app, files, docs };
}

/** What the example's manifests need besides the gateways' controllers. */
function addOnsOf(docs: unknown[]): { keda: boolean; prometheus: boolean; gpuOperator: boolean } {
  const kinds = new Set(docs.map(d => (d as { kind?: string }).kind));
  const keda = kinds.has('ScaledObject');
  return {
    keda,
    // KEDA reads queue depth from Prometheus; the monitors need the Prometheus Operator.
    prometheus: keda || kinds.has('ServiceMonitor') || kinds.has('PodMonitor'),
    gpuOperator: docs.some(d => JSON.stringify(d).includes('"nvidia.com/gpu"')),
  };
}

/**
 * Writes the example's controllers as dist/examples/<name>/cdk.tf.json: a ControllerStack for the AiGateways
 * in its construct tree plus the add-ons its manifests need. Returns a summary, or undefined when the example
 * needs no controller.
 */
function synthesizeControllers(name: string, example: Synthesized): string | undefined {
  const gateways = example.app.node.findAll().filter((c): c is AiGateway => c instanceof AiGateway);
  const addOns = addOnsOf(example.docs);
  if (gateways.length === 0 && !addOns.keda && !addOns.prometheus && !addOns.gpuOperator) return undefined;

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `cdktf-${name}-`));
  try {
    const app = new TerraformApp({ outdir: tmp });
    const stack = new TerraformStack(app, name);
    // State next to cdk.tf.json (cdktf's default is an absolute path on the machine that synthesized).
    new LocalBackend(stack, { path: 'terraform.tfstate' });
    new ControllerStack(stack, 'controllers', { gateways, ...addOns });
    app.synth();
    const target = path.join(OUT, name, 'cdk.tf.json');
    fs.copyFileSync(path.join(tmp, 'stacks', name, 'cdk.tf.json'), target);
    const json = JSON.parse(fs.readFileSync(target, 'utf8'));
    const releases = Object.values<{ name: string }>(json.resource?.helm_release ?? {}).map(r => r.name).sort();
    const applies = Object.keys(json.resource?.terraform_data ?? {}).length;
    return `cdk.tf.json (Helm releases ${releases.join(', ')}${applies > 0 ? `; ${applies} kubectl ${applies === 1 ? 'apply' : 'applies'}` : ''})`;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Writes dist/examples/<name>/topology.md: a Mermaid flowchart per AiGateway (routes, destinations, policies),
 * next to the manifests, so reviewers can look instead of reading YAML.
 */
function writeTopology(name: string, example: Synthesized): string | undefined {
  const gateways = example.app.node.findAll().filter((c): c is AiGateway => c instanceof AiGateway);
  if (gateways.length === 0) return undefined;
  const sections = gateways.map(g => `## ${g.node.path} (${g.dataPlane.name})\n\n\`\`\`mermaid\n${g.topology()}\`\`\`\n`);
  fs.writeFileSync(path.join(OUT, name, 'topology.md'),
    `# ${name}: topology\n\nGenerated by npm run synth from the synthesized gateways: clients, each gateway, its routes in order `
    + '(matches and policies on the edges) and their destinations.\n\n' + sections.join('\n'));
  return 'topology.md';
}

function main(): number {
  const wanted = process.argv.slice(2);
  const names = fs.readdirSync(EXAMPLES, { withFileTypes: true })
    .filter(e => e.isDirectory() && fs.existsSync(path.join(EXAMPLES, e.name, 'main.ts')))
    .map(e => e.name)
    .filter(n => wanted.length === 0 || wanted.includes(n))
    .sort();
  const unknown = wanted.filter(w => !names.includes(w));
  if (unknown.length > 0 || names.length === 0) {
    console.error(`no such example: ${unknown.join(', ') || '(none found)'}`);
    return 2;
  }

  let failed = 0;
  for (const name of names) {
    let result: Synthesized;
    let controllers: string | undefined;
    try {
      result = synthesize(name);
    } catch (e) {
      failed++;
      console.error(`✗ ${name}: synthesis failed: ${(e as Error).message}`);
      continue;
    }
    try {
      controllers = synthesizeControllers(name, result);
      const topology = writeTopology(name, result);
      if (topology !== undefined) result.files.push(topology);
    } catch (e) {
      failed++;
      console.error(`✗ ${name}: controller stack failed: ${(e as Error).message}`);
      continue;
    }
    const issues = validateManifests(result.docs, { gatewayApiChannel: name.includes('experimental') ? 'experimental' : 'standard' });
    const where = path.relative(ROOT, path.join(OUT, name));
    if (issues.length > 0) {
      failed++;
      console.error(`✗ ${name}: ${issues.length} schema issue(s) in ${where}/\n${formatIssues(issues)}`);
    } else {
      const channel = name.includes('experimental') ? ', Gateway API experimental channel' : '';
      const tf = controllers === undefined ? '; no controllers to install' : `; controllers in ${controllers}`;
      console.log(`✓ ${name}: ${result.docs.length} documents in ${where}/ (${result.files.join(', ')}), valid on Kubernetes 1.28 and 1.36${channel}${tf}`);
    }
  }
  return failed === 0 ? 0 : 1;
}

process.exitCode = main();
