import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FORCE_APP, LWC_FOLDER, apexSourceFiles, listFiles, lwcBundleNames, relativeToRoot } from './support/project';

// sf project convert silently drops a class whose -meta.xml is missing and accepts an LWC
// bundle without its js-meta.xml, so the pairing is checked here.
describe('force-app source and metadata pairing', () => {
  it('finds the Apex classes', () => {
    expect(apexSourceFiles().length).toBeGreaterThanOrEqual(10);
  });

  it.each(apexSourceFiles().map((path) => [relativeToRoot(path), path]))('%s has its -meta.xml', (_label, path) => {
    expect(existsSync(`${path}-meta.xml`)).toBe(true);
  });

  it('has no Apex -meta.xml without its source', () => {
    const orphans = listFiles(FORCE_APP)
      .filter((path) => path.endsWith('.cls-meta.xml') || path.endsWith('.trigger-meta.xml'))
      .filter((path) => !existsSync(path.replace(/-meta\.xml$/, '')))
      .map(relativeToRoot);
    expect(orphans).toEqual([]);
  });

  it.each(lwcBundleNames())('LWC bundle %s has its module and js-meta.xml', (bundle) => {
    const files = readdirSync(join(LWC_FOLDER, bundle));
    expect(files).toContain(`${bundle}.js`);
    expect(files).toContain(`${bundle}.js-meta.xml`);
  });

  it.each(lwcBundleNames())('LWC bundle %s has a Jest test', (bundle) => {
    expect(existsSync(join(LWC_FOLDER, bundle, '__tests__', `${bundle}.test.js`))).toBe(true);
  });

  it.each(
    apexSourceFiles()
      .filter((path) => path.endsWith('.cls') && !/(Test|Mock)\.cls$/.test(path))
      .map((path) => [relativeToRoot(path), path]),
  )('%s has a test class beside it', (_label, path) => {
    expect(existsSync(path.replace(/\.cls$/, 'Test.cls'))).toBe(true);
  });
});
