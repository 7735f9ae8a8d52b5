/**
 * The pinned upstream inputs vendored in upstream/ (CRDs of the pinned releases, the Kubernetes OpenAPI
 * definitions, the ingress-nginx annotation list): where they are, and a check that each file is the one
 * upstream/SOURCES.md describes (upstream/SHA256SUMS). Nothing outside the repository is read.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** The vendored upstream folder. */
export const UPSTREAM_ROOT = path.resolve(__dirname, '..', 'upstream');

/** The checksums file, one `<sha256>  <path relative to upstream/>` a line (sha256sum's format). */
export const CHECKSUMS = path.join(UPSTREAM_ROOT, 'SHA256SUMS');

/** The vendored upstream folder, or an error saying what is missing. */
export function upstreamRoot(): string {
  if (!fs.existsSync(CHECKSUMS)) {
    throw new Error(`No vendored upstream inputs at ${UPSTREAM_ROOT} (upstream/SHA256SUMS is missing): the repository is incomplete`);
  }
  return UPSTREAM_ROOT;
}

/** The files listed in SHA256SUMS with their recorded checksums. */
export function recordedChecksums(): ReadonlyMap<string, string> {
  const entries = new Map<string, string>();
  for (const line of fs.readFileSync(CHECKSUMS, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!match) throw new Error(`upstream/SHA256SUMS: malformed line ${JSON.stringify(line)}`);
    entries.set(match[2], match[1]);
  }
  return entries;
}

/**
 * Every problem with the vendored files: a listed file missing or changed, or a data file that is not
 * listed (so nothing enters upstream/ without a recorded source and checksum).
 */
export function checkUpstream(): string[] {
  const root = upstreamRoot();
  const recorded = recordedChecksums();
  const problems: string[] = [];
  for (const [file, sum] of recorded) {
    const full = path.join(root, file);
    if (!fs.existsSync(full)) {
      problems.push(`${file}: listed in SHA256SUMS but missing`);
      continue;
    }
    const actual = crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex');
    if (actual !== sum) problems.push(`${file}: sha256 ${actual}, SHA256SUMS records ${sum}`);
  }
  for (const file of listFiles(root)) {
    if (file === 'SHA256SUMS' || file.endsWith('.md')) continue;
    if (!recorded.has(file)) problems.push(`${file}: not listed in SHA256SUMS (record its source in SOURCES.md and its checksum)`);
  }
  return problems;
}

function listFiles(root: string, dir = root): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(root, full) : [path.relative(root, full).split(path.sep).join('/')];
  });
}
