import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');

/*
 * What Construct Hub and npm users get: the jsii assembly, the compiled library, README and API.md; never
 * tests, examples, scripts, TypeScript sources or the generated bindings' sources. Needs a compiled library
 * (npm run build compiles before it tests).
 */
describe('the npm package', () => {
  const compiled = fs.existsSync(path.join(ROOT, '.jsii')) && fs.existsSync(path.join(ROOT, 'lib', 'index.js'));
  const files: string[] = compiled
    ? JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))[0].files.map((f: { path: string }) => f.path)
    : [];

  test('the library is compiled (run npm run build, which compiles before testing)', () => {
    expect(compiled).toBe(true);
  });

  test('contains the jsii assembly, the compiled library with its typed bindings, README, API.md and the license', () => {
    for (const file of ['.jsii', 'lib/index.js', 'lib/index.d.ts', 'lib/routing/ai-gateway.js', 'lib/imports/networking.istio.io.js', 'README.md', 'API.md', 'LICENSE', 'package.json']) {
      expect(files).toContain(file);
    }
  });

  test('contains no tests, examples, scripts, TypeScript sources or build leftovers', () => {
    const unwanted = files.filter(f => /^(test|examples|scripts|src|imports|dist|coverage|bench-results|\.ci|\.projen)\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')) || f === 'tsconfig.json');
    expect(unwanted).toEqual([]);
  });

  test('package metadata for Construct Hub', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ name: 'cdk8s-ai-gateway', license: 'Apache-2.0', main: 'lib/index.js', types: 'lib/index.d.ts' });
    expect(pkg.description.length).toBeGreaterThan(40);
    expect(pkg.repository.url).toMatch(/^https:\/\//);
    expect(pkg.author.name).toBeDefined();
    expect(pkg.keywords).toEqual(expect.arrayContaining(['cdk8s', 'kubernetes', 'llm', 'ai-gateway', 'inference', 'gpu']));
    expect(Object.keys(pkg.peerDependencies)).toEqual(expect.arrayContaining(['cdk8s', 'cdk8s-plus-28', 'constructs']));
    expect(pkg.jsii.outdir).toBe('dist');
  });
});
