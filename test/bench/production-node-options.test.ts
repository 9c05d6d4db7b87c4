import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRODUCTION_NODE_OPTIONS } from '../../bench/lib/servers.ts';

const ROOT = join(__dirname, '..', '..');

/** The benchmark measures the connector as the README starts it; this keeps the two in step. */
describe('production Node flags', () => {
  const flags = PRODUCTION_NODE_OPTIONS.join(' ');

  it('are those of the README\'s start command', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

    expect(readme).toContain(`node_modules/.bin/node ${flags} connector/dist/server.js`);
  });

  it('are those of npm start', () => {
    const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

    expect(packageJson.scripts.start).toBe(`node ${flags} connector/dist/server.js`);
  });
});
