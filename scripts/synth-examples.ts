/*
 * The main job: synthesize every example app under examples/ into dist/examples/<example>/*.yaml, read the
 * YAML back and validate every document strictly against ../shared/schemas (Kubernetes 1.28 and 1.36 for
 * core kinds, the pinned CRDs for custom kinds). Exits non-zero if an example fails to build or any
 * document is invalid.
 *
 * Each example is examples/<name>/main.ts exporting `build(app: App): void`. Examples whose folder name
 * contains `experimental` are validated against the Gateway API experimental channel; all others against
 * the standard channel.
 *
 *   npm run synth                 # all examples
 *   npm run synth -- tiers        # only the named ones
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, YamlOutputType } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { formatIssues, validateManifests } from '../test/support/validator';

const ROOT = path.resolve(__dirname, '..');
const EXAMPLES = path.join(ROOT, 'examples');
const OUT = path.join(ROOT, 'dist', 'examples');

interface ExampleModule {
  build(app: App): void;
}

/** Synthesizes one example into its output folder and returns the parsed documents of every file. */
function synthesize(name: string): { files: string[]; docs: unknown[] } {
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
  return { files, docs };
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
    let result: { files: string[]; docs: unknown[] };
    try {
      result = synthesize(name);
    } catch (e) {
      failed++;
      console.error(`✗ ${name}: synthesis failed: ${(e as Error).message}`);
      continue;
    }
    const issues = validateManifests(result.docs, { gatewayApiChannel: name.includes('experimental') ? 'experimental' : 'standard' });
    const where = path.relative(ROOT, path.join(OUT, name));
    if (issues.length > 0) {
      failed++;
      console.error(`✗ ${name}: ${issues.length} schema issue(s) in ${where}/\n${formatIssues(issues)}`);
    } else {
      const channel = name.includes('experimental') ? ', Gateway API experimental channel' : '';
      console.log(`✓ ${name}: ${result.docs.length} documents in ${where}/ (${result.files.join(', ')}), valid on Kubernetes 1.28 and 1.36${channel}`);
    }
  }
  return failed === 0 ? 0 : 1;
}

process.exitCode = main();
