import { basename } from 'node:path';
import { FORCE_APP, listFiles, readText, relativeToRoot, sourceApiVersion } from './support/project';
import { readMetadata, validateXml } from './support/metadata';

const METADATA_NAMESPACE = 'http://soap.sforce.com/2006/04/metadata';

/** Root element expected for each metadata file suffix that the package uses. */
const ROOT_BY_SUFFIX: Record<string, string> = {
  '.cls-meta.xml': 'ApexClass',
  '.trigger-meta.xml': 'ApexTrigger',
  '.js-meta.xml': 'LightningComponentBundle',
  '.externalCredential-meta.xml': 'ExternalCredential',
  '.namedCredential-meta.xml': 'NamedCredential',
  '.permissionset-meta.xml': 'PermissionSet',
  '.app-meta.xml': 'CustomApplication',
  '.tab-meta.xml': 'CustomTab',
  '.object-meta.xml': 'CustomObject',
  '.field-meta.xml': 'CustomField',
  '.listView-meta.xml': 'ListView',
  '.md-meta.xml': 'CustomMetadata',
  '.customPermission-meta.xml': 'CustomPermission',
};

const xmlFiles = listFiles(FORCE_APP).filter((path) => path.endsWith('.xml'));

function suffixOf(path: string): string | undefined {
  return Object.keys(ROOT_BY_SUFFIX).find((suffix) => basename(path).endsWith(suffix));
}

describe('force-app metadata XML', () => {
  it('exists', () => {
    expect(xmlFiles.length).toBeGreaterThan(20);
  });

  it.each(xmlFiles.map((path) => [relativeToRoot(path), path]))('%s is well formed', (_label, path) => {
    expect(validateXml(readText(path))).toBeNull();
  });

  it.each(xmlFiles.map((path) => [relativeToRoot(path), path]))(
    '%s has the root element of its type',
    (_label, path) => {
      const suffix = suffixOf(path);
      expect(suffix).toBeDefined();
      const { root, namespace } = readMetadata(path);
      expect(root).toBe(ROOT_BY_SUFFIX[suffix!]);
      expect(namespace).toBe(METADATA_NAMESPACE);
    },
  );

  it.each(
    xmlFiles
      .filter((path) => path.endsWith('.cls-meta.xml') || path.endsWith('.js-meta.xml'))
      .map((path) => [relativeToRoot(path), path]),
  )('%s uses the project API version', (_label, path) => {
    expect(readMetadata(path).content.apiVersion).toBe(sourceApiVersion());
  });

  it('rejects XML that is not well formed', () => {
    expect(validateXml('<ApexClass><status>Active</ApexClass>')).toBe(
      "line 1, column 26: Expected closing tag 'status' (opened in line 1, col 12) instead of closing tag 'ApexClass'.",
    );
    expect(validateXml('<CustomTab><label>A & B</label></CustomTab>')).not.toBeNull();
  });
});
