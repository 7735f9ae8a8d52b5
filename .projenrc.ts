import { cdk, cdk8s, javascript, JsonFile, TextFile } from 'projen';

// Supported Node.js: engines (>= 20.16, what jsii 6 needs) and .nvmrc (the LTS that CI also tests on).
const MIN_NODE = '20.16.0';
const LTS_NODE = '24';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-ai-gateway',
  description: 'CDK8s constructs for self-hosted LLM inference behind an AI gateway: GPU model pools and one routing model rendered for Istio, Gateway API (with the Inference Extension), Envoy AI Gateway and ingress-nginx.',
  author: 'cdk8s-ai-gateway maintainers',
  authorAddress: 'maintainers@cdk8s-ai-gateway.dev',
  repositoryUrl: 'https://github.com/cdk8s-ai-gateway/cdk8s-ai-gateway.git',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  // jsii 6 needs Node >= 20.16; tested on the machine's Node 20 and on Node 24 LTS.
  minNodeVersion: MIN_NODE,
  workflowNodeVersion: `${LTS_NODE}.x`,
  // Before 1.0 the API may change in any release.
  stability: cdk.Stability.EXPERIMENTAL,
  projenrcTs: true,
  keywords: ['cdk8s', 'kubernetes', 'llm', 'ai-gateway', 'inference', 'gpu', 'istio', 'gateway-api', 'vllm'],

  cdk8sVersion: '2.70.106',
  constructsVersion: '10.8.1',
  jsiiVersion: '~6.0.0',
  // jsii 6 and ts-jest need TypeScript 6; TypeScript 7 breaks both.
  typescriptVersion: '~6.0.3',
  peerDeps: ['cdk8s-plus-28@^2.5.6'],
  devDeps: [
    'cdk8s-plus-28@2.5.6',
    'cdk8s-cli@2.207.60',
    'yaml@^2.8.0',
    'fast-check@^4.10.2',
    // tools/validator.ts: evaluates the CRDs' x-kubernetes-validations (CEL) rules as the API server does.
    '@bufbuild/cel@^0.6.1',
    // platform/ (controller installation, lib/platform) only. Deliberately NOT peer dependencies: jsii turns
    // every peer dependency into a dependency of the assembly (measured: .jsii "dependencies" gained cdktf and
    // @cdktf/provider-helm), so Python/Java/Go/.NET users would have to install them. Users of
    // cdk8s-ai-gateway/lib/platform install them themselves (docs/platform.md). Both are archived upstream
    // (December 2025); these are their final releases.
    'cdktf@0.21.0',
    '@cdktf/provider-helm@12.1.2',
  ],

  // The build and release workflows the ecosystem expects (projen's): build on every pull request, release
  // from main to npm, PyPI, Maven Central, NuGet and the Go module repository. They run on GitHub only; the
  // local build (`npm run build`, .ci/run) uses none of them.
  github: true,
  githubOptions: { mergify: false },
  release: true,
  depsUpgrade: false,
  pullRequestTemplate: false,

  // Every jsii language, named in the style of cdk8s-plus (org + product), under our own GitHub organisation.
  publishToPypi: { distName: 'cdk8s-ai-gateway', module: 'cdk8s_ai_gateway' },
  publishToMaven: {
    javaPackage: 'io.github.cdk8s_ai_gateway',
    mavenGroupId: 'io.github.cdk8s-ai-gateway',
    mavenArtifactId: 'cdk8s-ai-gateway',
  },
  publishToNuget: { dotNetNamespace: 'Cdk8sAiGateway', packageId: 'Cdk8sAiGateway' },
  publishToGo: { moduleName: 'github.com/cdk8s-ai-gateway/cdk8s-ai-gateway-go' },

  jestOptions: {
    // A broken snapshot must fail; update on purpose with `npm run test:update`.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      coveragePathIgnorePatterns: ['/node_modules/', '/src/imports/', '/test/'],
      testTimeout: 60_000,
    },
  },
  eslintOptions: {
    dirs: ['src'],
    // platform/ is shipped (lib/platform) but imports cdktf and @cdktf/provider-helm, which are devDependencies on
    // purpose (see devDeps): linted as a dev dir so import/no-extraneous-dependencies accepts them.
    devdirs: ['test', 'examples', 'scripts', 'platform', 'tools'],
    ignorePatterns: ['src/imports/**', '*.js', '*.d.ts', 'node_modules/', '*.generated.ts', 'coverage', 'dist', 'lib'],
  },
  tsconfigDev: {
    // test/tsconfig.json: type-checks tests, examples, scripts, tools/ and platform/ (jest itself only transpiles).
    include: ['../src/**/*.ts', '../examples/**/*.ts', '../scripts/**/*.ts', '../platform/**/*.ts', '../tools/**/*.ts'],
    compilerOptions: {},
  },
  gitignore: ['/.imports-stamp', '/bench-results/', '/.node-lts/', '/.jsii.tabl.json'],
});

// Generated at build time (about 20 s, cached by a stamp) from the CRDs vendored in upstream/ (scripts/import-crds.ts):
// a pin bump is reviewed as a diff of the upstream CRD, not of 67,000 generated lines.
project.gitignore.addPatterns('/src/imports/');
project.addPackageIgnore('/src/imports/');

for (const path of ['/examples/', '/scripts/', '/imports/', '/bench-results/', '/.ci/', '/platform/', '/tools/', '/upstream/', '/.node-lts/']) {
  project.addPackageIgnore(path);
}

// eslint's project service reads the nearest tsconfig.json: give scripts/, examples/, platform/ and tools/ one each,
// same options as the tests (platform/build.ts compiles platform/ with this one too).
for (const dir of ['scripts', 'examples', 'platform', 'tools']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: { extends: '../test/tsconfig.json', include: ['**/*.ts', '../src/**/*.ts'] },
  });
}

// ---------------------------------------------------------------------------------------------------------
// Tasks. ts-node runs scripts with the test tsconfig, transpile-only (the typecheck task checks them).
const tsNode = 'ts-node -P test/tsconfig.json --transpile-only';

// Typed CRD bindings, generated from upstream/ before anything compiles or runs the sources.
const importTask = project.addTask('import', {
  description: 'Generate src/imports/ (typed CRD bindings) from the schemas pinned in imports/pins.yaml',
  exec: `${tsNode} scripts/import-crds.ts`,
  receiveArgs: true,
});
project.preCompileTask.spawn(importTask);

// jsii without projen's `--silence-warnings=reserved-word`: a member named like a keyword of any jsii language is
// a bug to fix, not a warning to hide.
project.compileTask.reset('jsii');
project.watchTask.reset('jsii -w');

// Controller installation (cdktf), outside the jsii assembly: platform/*.ts -> lib/platform/, after jsii has
// compiled the core into lib/ (platform/build.ts explains the layout).
const compilePlatform = project.addTask('compile:platform', {
  description: 'Compile platform/ (ControllerStack, cdktf) into lib/platform/, outside the jsii assembly',
  exec: `${tsNode} platform/build.ts`,
});
project.compileTask.spawn(compilePlatform);

// jest only transpiles tests (isolatedModules): type-check tests, examples and scripts on their own.
const typecheck = project.addTask('typecheck', {
  description: 'Type-check tests, examples and scripts',
  exec: 'tsc -p test/tsconfig.json --noEmit',
});

// Node 24 LTS beside the machine's Node, without touching PATH (scripts/node-lts.sh; part of the test command).
project.addTask('node:lts', {
  description: 'Install Node 24 LTS into .node-lts/ so that the tests also run on it (PATH is left alone)',
  exec: 'bash scripts/node-lts.sh',
});

project.testTask.reset();
project.testTask.spawn(importTask);
project.testTask.spawn(typecheck);
// jest on the machine's own Node and, where scripts/node-lts.sh installed it, on Node 24 LTS; never updates snapshots.
project.testTask.exec('bash scripts/jest-each-node.sh', { receiveArgs: true });
project.testTask.spawn(project.tasks.tryFind('eslint')!);

// The main job: synthesize every example app into dist/examples/<example>/ and validate it strictly.
const synth = project.addTask('synth', {
  description: 'Synthesize every example under examples/ into dist/examples/ and validate it strictly',
  exec: `${tsNode} scripts/synth-examples.ts`,
  receiveArgs: true,
});
synth.prependSpawn(importTask);

// The README's capability table is generated from the data planes' declarations (a test checks it is current).
project.addTask('capabilities', {
  description: 'Regenerate docs/capabilities.md (capability table and upstream contracts) from DataPlane.capabilities()',
  exec: `${tsNode} scripts/capability-table.ts`,
});

const bench = project.addTask('bench', {
  description: 'Benchmark synthesis of 100 and 1,000 pools against raw ApiObjects; writes bench-results/',
  exec: `${tsNode} scripts/bench.ts`,
  receiveArgs: true,
});
bench.prependSpawn(importTask);

// The property tests' properties, long or replayed (jest runs them briefly with a fixed seed): docs/testing.md.
const fuzz = project.addTask('fuzz', {
  description: 'Run the property tests long with a random or given seed: npm run fuzz -- --seed N --runs 10000 [--data-plane X]',
  exec: `${tsNode} scripts/fuzz.ts`,
  receiveArgs: true,
});
fuzz.prependSpawn(importTask);

// Every code sample in the README and the doc comments compiles, so that it translates to every jsii language
// (rosetta/default.ts-fixture is the program around a sample). Writes the tablet .jsii.tabl.json for pacmak.
const rosetta = project.addTask('rosetta:extract', {
  description: 'Compile every code sample of README.md and the doc comments (strict) and write .jsii.tabl.json',
  exec: 'jsii-rosetta extract --strict',
});
project.postCompileTask.spawn(rosetta);

// Packaging. projen packages every language only outside CI and with each language's toolchain and registry
// (package-all, and the GitHub workflows' package-<language> jobs, which stay as projen generates them). Here
// only the npm registry is reachable: `package` builds the npm tarball and generates the Python, Java, .NET
// and Go sources (jsii-pacmak --code-only, into dist/<language>/), then byte-compiles the Python sources;
// CONTRIBUTING.md says what cannot be built here.
const packageSources = project.addTask('package:sources', {
  description: 'Generate the Python, Java, .NET and Go sources with jsii-pacmak --code-only (no toolchain or registry needed)',
  exec: 'jsii-pacmak --code-only --target python --target java --target dotnet --target go --rosetta-tablet .jsii.tabl.json',
});
packageSources.exec('python3 -m compileall -q dist/python');
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package:js')!);
project.packageTask.spawn(packageSources);

// The README's quickstart, as a user does it: npm pack, a fresh cdk8s app, cdk8s synth, strict validation.
// Last step of `package`, so the last of the build (projen locks the build task itself).
const consumerTest = project.addTask('test:consumer', {
  description: "Run the README's quickstart against the packed tarball in a fresh cdk8s app (scripts/consumer-test.sh)",
  exec: 'bash scripts/consumer-test.sh',
});
project.packageTask.spawn(consumerTest);

// In CI the committed API.md must match what docgen just wrote.
project.postCompileTask.exec('git diff --exit-code -- API.md || (echo "API.md is out of date: run npm run build and commit it" >&2; exit 1)', {
  condition: 'node -e "process.exit(process.env.CI ? 0 : 1)"',
});

// .nvmrc names the LTS that CI tests on beside the machine's Node (engines names the minimum).
new TextFile(project, '.nvmrc', { lines: [LTS_NODE] });
project.addPackageIgnore('/rosetta/');

project.synth();
