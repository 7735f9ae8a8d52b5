import { cdk8s, javascript, JsonFile } from 'projen';

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
  minNodeVersion: '20.16.0',
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
    // platform/ (controller installation, lib/platform) only. Deliberately NOT peer dependencies: jsii turns
    // every peer dependency into a dependency of the assembly (measured: .jsii "dependencies" gained cdktf and
    // @cdktf/provider-helm), so Python/Java/Go/.NET users would have to install them. Users of
    // cdk8s-ai-gateway/lib/platform install them themselves (docs/platform.md). Both are archived upstream
    // (December 2025); these are their final releases.
    'cdktf@0.21.0',
    '@cdktf/provider-helm@12.1.2',
  ],

  // No GitHub here: no workflows, no mergify, no release automation yet.
  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,

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
  gitignore: ['/.imports-stamp', '/bench-results/', '/.node-lts/'],
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

// In CI the committed API.md must match what docgen just wrote.
project.postCompileTask.exec('git diff --exit-code -- API.md || (echo "API.md is out of date: run npm run build and commit it" >&2; exit 1)', {
  condition: 'node -e "process.exit(process.env.CI ? 0 : 1)"',
});

project.synth();
