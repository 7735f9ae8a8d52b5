import * as fs from 'fs';
import * as path from 'path';
import { capabilitiesDocument, CAPABILITIES_DOC, capabilityTable, dataPlanes } from '../scripts/capability-table';
import { SupportLevel } from '../src';
import { DATA_PLANES, reachableFeatures, supportedFeatures } from '../tools/arbitraries';

test('docs/capabilities.md is the one generated from the data planes (run npm run capabilities)', () => {
  expect(fs.readFileSync(CAPABILITIES_DOC, 'utf8')).toBe(capabilitiesDocument());
});

test('the table has a row per feature and says what to do where a data plane cannot express one', () => {
  const doc = capabilitiesDocument();
  expect(capabilityTable()).toContain('| RouteMatch.model (OpenAI body field) | **no** |');
  expect(doc).toContain('- **RateLimit tokens (token budgets)**: not expressible (Envoy in Istio does not count the model tokens in responses); use the Envoy AI Gateway data plane.');
  expect(capabilityTable()).toContain('| RetryPolicy (attempts, conditions) | yes |');
});

test('every upstream contract names a test that exists, and a source with repository, tag and path', () => {
  const testDir = path.resolve(__dirname);
  const missing: string[] = [];
  for (const plane of dataPlanes()) {
    for (const f of plane.capabilities()) {
      for (const c of f.contracts ?? []) {
        const [file, ...title] = c.test.split(' > ');
        const full = path.join(testDir, file);
        const source = fs.existsSync(full) ? fs.readFileSync(full, 'utf8') : '';
        if (!source.includes(title.join(' > '))) missing.push(`${plane.name} ${f.feature}: ${c.test}`);
        expect(c.repository).toMatch(/^[\w.-]+\/[\w.-]+$/);
        expect(c.tag).not.toBe('');
        expect(c.path).not.toBe('');
      }
    }
  }
  expect(missing).toEqual([]);
});

test('every feature a data plane supports has at least one upstream contract (the contracts table covers every rendered setting)', () => {
  const uncovered = dataPlanes().flatMap(plane => plane.capabilities()
    .filter(f => f.level !== SupportLevel.UNSUPPORTED && (f.contracts ?? []).length === 0)
    .map(f => `${plane.name}: ${f.feature}`));
  expect(uncovered).toEqual([]);
});

test('every feature a data plane declares supported can be used: what it comes with is supported too (a per-try timeout needs retries)', () => {
  for (const { id } of DATA_PLANES) {
    const declared = [...supportedFeatures(id)].sort();
    expect({ dataPlane: id, reachable: reachableFeatures(id) }).toEqual({ dataPlane: id, reachable: declared });
  }
});
