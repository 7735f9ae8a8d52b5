import * as fs from 'fs';
import { capabilitySection, README, renderReadme } from '../scripts/capability-table';

test('the README capability table is the one generated from the data planes (run npm run capabilities)', () => {
  const readme = fs.readFileSync(README, 'utf8');
  expect(renderReadme(readme)).toBe(readme);
});

test('the table has a row per feature and says what to do where a data plane cannot express one', () => {
  const section = capabilitySection();
  expect(section).toContain('| RouteMatch.model (OpenAI body field) | **no** |');
  expect(section).toContain('- RateLimit tokens (token budgets): not expressible (Envoy in Istio does not count the model tokens in responses); use the Envoy AI Gateway data plane.');
  expect(section).toContain('| RetryPolicy (attempts, conditions) | yes |');
});
