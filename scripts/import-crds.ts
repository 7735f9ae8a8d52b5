/**
 * Generates the typed CRD bindings in src/imports/ from the schemas listed in imports/pins.yaml.
 *
 * One `cdk8s import` call per module: the CRDs of one API group are concatenated into a single file first
 * (cdk8s import writes one `<group>.ts` per call and overwrites it on the next), and only the versions we
 * emit are kept so the bindings have one class per kind. The output is git-ignored (it is generated in about
 * 20 s from the vendored CRDs, which are what a reviewer reads when a pin moves); a stamp of the inputs skips
 * the work when nothing changed. The vendored files are checked against upstream/SHA256SUMS first.
 * Run: `npx ts-node scripts/import-crds.ts [--force]`.
 */
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { checkUpstream, upstreamRoot } from '../tools/upstream';

interface KindPin { readonly kind: string; readonly versions: string[]; readonly schema: string }
interface ModulePin { readonly module: string; readonly prefix?: string; readonly kinds: KindPin[] }

const REPO = path.resolve(__dirname, '..');
const PINS = path.join(REPO, 'imports', 'pins.yaml');
const OUT = path.join(REPO, 'src', 'imports');
const STAMP = path.join(OUT, '.stamp');
const CDK8S = path.join(REPO, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');

export function readPins(): ModulePin[] {
  return (YAML.parse(fs.readFileSync(PINS, 'utf8')) as { modules: ModulePin[] }).modules;
}

/** The CRD in `file`, keeping only `versions`; fails when the file lacks the kind or a version. */
function pinnedCrd(root: string, pin: KindPin): any {
  const crd = YAML.parse(fs.readFileSync(path.join(root, pin.schema), 'utf8'));
  if (crd?.kind !== 'CustomResourceDefinition' || crd.spec?.names?.kind !== pin.kind) {
    throw new Error(`${pin.schema}: expected the CustomResourceDefinition of ${pin.kind}`);
  }
  const available = crd.spec.versions.map((v: any) => v.name);
  const missing = pin.versions.filter(v => !available.includes(v));
  if (missing.length > 0) {
    throw new Error(`${pin.schema}: ${pin.kind} has no version ${missing.join(', ')} (it has ${available.join(', ')})`);
  }
  crd.spec.versions = crd.spec.versions.filter((v: any) => pin.versions.includes(v.name));
  return crd;
}

function inputsHash(root: string, modules: ModulePin[]): string {
  const hash = crypto.createHash('sha256');
  hash.update(fs.readFileSync(PINS));
  hash.update(fs.readFileSync(__filename));
  hash.update(fs.readFileSync(path.join(REPO, 'node_modules', 'cdk8s-cli', 'package.json')));
  for (const m of modules) for (const k of m.kinds) hash.update(fs.readFileSync(path.join(root, k.schema)));
  return hash.digest('hex');
}

/** How cdk8s-cli's converters drop a converted object's undefined fields: one new object per field kept. */
const QUADRATIC_FILTER = 'return Object.entries(result).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {});';

/**
 * The generated module with its converters' undefined-field filter made linear. Each generated `toJson_*` function
 * (run for every object of a custom kind at every synthesis) drops undefined fields by spreading the object kept so far
 * into a new one per field: O(fields²) time and garbage per object, for a platform App's thousands of objects. The
 * replacement keeps the same fields in the same order. Fails when a module has no such filter, so that a cdk8s-cli
 * upgrade that changes the generated code is noticed here.
 */
export function linearConverters(source: string, file: string): string {
  const parts = source.split(QUADRATIC_FILTER);
  if (parts.length === 1) throw new Error(`${file}: cdk8s import no longer writes the filter scripts/import-crds.ts replaces; update linearConverters`);
  return `${parts.join('return withoutUndefined(result);')}
/** \`result\` without its undefined fields, in order (scripts/import-crds.ts replaces the generated quadratic filter). */
function withoutUndefined(result: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = {};
  for (const key of Object.keys(result)) {
    if (result[key] !== undefined) out[key] = result[key];
  }
  return out;
}
`;
}

function main() {
  const force = process.argv.includes('--force');
  const problems = checkUpstream();
  if (problems.length > 0) throw new Error(`upstream/ does not match upstream/SHA256SUMS:\n  ${problems.join('\n  ')}`);
  const root = upstreamRoot();
  const modules = readPins();
  const digest = inputsHash(root, modules);
  if (!force && fs.existsSync(STAMP) && fs.readFileSync(STAMP, 'utf8') === digest) {
    console.log('src/imports is up to date');
    return;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-ai-gateway-imports-'));
  const out = path.join(work, 'out');
  for (const m of modules) {
    const bundle = path.join(work, `${m.prefix ? m.prefix + '-' : ''}${m.module}.yaml`);
    fs.writeFileSync(bundle, m.kinds.map(k => YAML.stringify(pinnedCrd(root, k))).join('---\n'));
    const spec = m.prefix ? `${m.prefix}:=${bundle}` : bundle;
    execFileSync(process.execPath, [CDK8S, 'import', spec, '--language', 'typescript', '--output', out,
      '--no-check-upgrade', '--no-save'], { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] });
    const expected = path.join(out, `${m.prefix ? m.prefix + '-' : ''}${m.module}.ts`);
    if (!fs.existsSync(expected)) throw new Error(`cdk8s import did not write ${path.basename(expected)}`);
  }
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.cpSync(out, OUT, { recursive: true });
  for (const file of fs.readdirSync(OUT).filter(f => f.endsWith('.ts'))) {
    const target = path.join(OUT, file);
    fs.writeFileSync(target, linearConverters(fs.readFileSync(target, 'utf8'), file));
  }
  fs.writeFileSync(STAMP, digest);
  fs.rmSync(work, { recursive: true, force: true });
  console.log(`generated ${modules.length} modules in src/imports from ${root}`);
}

if (require.main === module) main();
