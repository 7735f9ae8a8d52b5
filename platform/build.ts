/*
 * Compiles platform/*.ts into lib/platform/ next to the jsii-compiled core (`npx projen compile:platform`,
 * run by `compile` after jsii).
 *
 * Why not jsii: platform/ needs cdktf and @cdktf/provider-helm, and jsii would make every package the
 * sources import a dependency of the assembly (Python, Java, Go, .NET included). Why not a plain
 * `tsc -p`: the sources import the core as `../src` (so tests, examples and ts-node share one copy of it),
 * while the published files must import it as `..` (lib/platform/x.js -> lib/index.js). This script
 * type-checks the platform sources with the core's sources, emits only the platform files, and rewrites
 * that one specifier. It fails if anything else reaches outside platform/.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');
const SOURCES = path.join(ROOT, 'platform');
const OUT = path.join(ROOT, 'lib', 'platform');
const SELF = path.join(SOURCES, 'build.ts');

function main(): number {
  const host: ts.ParseConfigFileHost = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: d => report([d]) };
  const config = ts.getParsedCommandLineOfConfigFile(path.join(SOURCES, 'tsconfig.json'), {
    noEmit: false,
    declaration: true,
    isolatedModules: false,
    stripInternal: false,
    rootDir: ROOT,
    outDir: path.join(ROOT, 'lib', '.platform-build'), // never written: writeFile below maps every output to OUT
  }, host);
  if (config === undefined) return 1;
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
  const inPlatform = (file: string) => path.resolve(file).startsWith(SOURCES + path.sep) && path.resolve(file) !== SELF;
  const diagnostics = ts.getPreEmitDiagnostics(program).filter(d => d.file === undefined || inPlatform(d.file.fileName));
  if (diagnostics.length > 0) {
    report(diagnostics);
    return 1;
  }

  fs.rmSync(OUT, { recursive: true, force: true });
  const written: string[] = [];
  const problems: string[] = [];
  for (const source of program.getSourceFiles()) {
    if (source.isDeclarationFile || !inPlatform(source.fileName)) continue;
    const result = program.emit(source, (fileName, text) => {
      const target = path.join(OUT, path.relative(path.join(config.options.outDir!, 'platform'), fileName));
      // The core's public entry point, `../src` in the sources, is `..` (lib/index.js) in the package.
      const rewritten = text.replace(/(["'])\.\.\/src\1/g, '$1..$1');
      for (const [, , specifier] of rewritten.matchAll(/(?:require\(|from |import\()(["'])(\.\.[^"']*)\1/g)) {
        if (specifier !== '..') problems.push(`${path.relative(ROOT, target)}: imports '${specifier}'; platform/ may import the core only as '../src'`);
      }
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, rewritten);
      written.push(target);
    });
    if (result.emitSkipped) {
      report(result.diagnostics);
      return 1;
    }
  }
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    return 1;
  }
  console.log(`compiled ${written.filter(f => f.endsWith('.js')).length} platform modules into ${path.relative(ROOT, OUT)}/`);
  return 0;
}

function report(diagnostics: readonly ts.Diagnostic[]): void {
  console.error(ts.formatDiagnosticsWithColorAndContext(diagnostics, {
    getCanonicalFileName: f => f,
    getCurrentDirectory: () => ROOT,
    getNewLine: () => '\n',
  }));
}

process.exitCode = main();
