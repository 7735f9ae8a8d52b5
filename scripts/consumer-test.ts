/*
 * The README's quickstart as data, for scripts/consumer-test.sh (which runs it as a user would).
 *
 *   ts-node scripts/consumer-test.ts commands          prints the README's set-up commands, one a line
 *   ts-node scripts/consumer-test.ts files <dir>       writes the README's cdk8s.yaml, tsconfig.json and main.ts into <dir>
 *   ts-node scripts/consumer-test.ts validate <dir>    validates <dir>/dist/*.k8s.yaml with tools/validator.ts
 *
 * Everything comes from README.md itself, so the test fails when the README's quickstart stops working.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { formatIssues, validateManifests } from '../tools/validator';

const README = path.join(__dirname, '..', 'README.md');
const QUICKSTART = '## A cdk8s app, from an empty folder (TypeScript)';

interface Block {
  readonly info: string;
  readonly body: string;
  /** The prose between the previous block and this one. */
  readonly before: string;
}

/** The fenced code blocks of the README's quickstart section, in order. */
export function quickstartBlocks(readme: string): Block[] {
  const start = readme.indexOf(QUICKSTART);
  if (start < 0) throw new Error(`README.md has no section '${QUICKSTART}'`);
  const end = readme.indexOf('\n## ', start + QUICKSTART.length);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const blocks: Block[] = [];
  const fence = /```([^\n]*)\n([\s\S]*?)```/g;
  let last = 0;
  for (const m of section.matchAll(fence)) {
    blocks.push({ info: m[1].trim(), body: m[2], before: section.slice(last, m.index) });
    last = m.index! + m[0].length;
  }
  return blocks;
}

function one(blocks: Block[], what: string, pick: (b: Block) => boolean): Block {
  const found = blocks.filter(pick);
  if (found.length !== 1) throw new Error(`README.md quickstart: expected one ${what} block, found ${found.length}`);
  return found[0];
}

/** The shell commands of the first `sh` block (comments dropped), one per line. */
export function setupCommands(blocks: Block[]): string[] {
  const sh = blocks.find(b => b.info === 'sh');
  if (!sh) throw new Error('README.md quickstart: no sh block');
  return sh.body.split('\n').map(l => l.replace(/\s+#.*$/, '').trim()).filter(l => l !== '');
}

/** The files the quickstart tells the user to write. */
export function quickstartFiles(blocks: Block[]): Record<string, string> {
  return {
    'cdk8s.yaml': one(blocks, 'cdk8s.yaml', b => b.info === 'yaml' && b.before.includes('`cdk8s.yaml`')).body,
    'tsconfig.json': one(blocks, 'tsconfig.json', b => b.info === 'json' && b.before.includes('`tsconfig.json`')).body,
    'main.ts': one(blocks, 'main.ts', b => b.info.split(/\s+/)[0] === 'ts' && b.before.includes('`main.ts`')).body,
  };
}

function main(argv: string[]): number {
  const [command, dir] = argv;
  const blocks = quickstartBlocks(fs.readFileSync(README, 'utf8'));
  switch (command) {
    case 'commands':
      process.stdout.write(setupCommands(blocks).join('\n') + '\n');
      return 0;
    case 'files':
      for (const [name, text] of Object.entries(quickstartFiles(blocks))) fs.writeFileSync(path.join(dir, name), text);
      return 0;
    case 'validate': {
      const outdir = path.join(dir, 'dist');
      const files = fs.existsSync(outdir) ? fs.readdirSync(outdir).filter(f => f.endsWith('.k8s.yaml')) : [];
      if (files.length === 0) {
        console.error(`no *.k8s.yaml in ${outdir}: cdk8s synth wrote nothing`);
        return 1;
      }
      const docs = files.flatMap(f => parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf8')).map(d => d.toJS()));
      const issues = validateManifests(docs);
      if (issues.length > 0) {
        console.error(`${issues.length} issue(s) in ${files.join(', ')}:\n${formatIssues(issues)}`);
        return 1;
      }
      const kinds = [...new Set(docs.map(d => d.kind))].sort();
      console.log(`${docs.length} documents in ${files.join(', ')} are valid (${kinds.join(', ')})`);
      return 0;
    }
    default:
      console.error('usage: consumer-test.ts commands | files <dir> | validate <dir>');
      return 2;
  }
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
