import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { DEFAULT_FOLDER, REPOSITORY_ROOT, apexSourceFiles, lwcBundleNames, readText, sourceApiVersion } from './support/project';
import { asList, readMetadata } from './support/metadata';

// sf project convert source works offline. It is not a validator (it repairs XML and
// drops a class without its -meta.xml), so this test only checks that the conversion
// succeeds and that every class and component reaches the Metadata API format.
const SF_RUN = join(REPOSITORY_ROOT, 'node_modules', '@salesforce', 'cli', 'bin', 'run.js');
const BIN_FOLDER = join(REPOSITORY_ROOT, 'node_modules', '.bin');
// The CLI needs Node 22 or later; the project installs Node 24 as node_modules/.bin/node.
/** Names of the source files of one metadata folder, without their suffix, sorted. */
function sourceNames(folder: string, suffix: string): string[] {
  return readdirSync(join(DEFAULT_FOLDER, folder))
    .filter((file) => file.endsWith(suffix))
    .map((file) => file.slice(0, -suffix.length))
    .sort();
}

const NODE = existsSync(join(BIN_FOLDER, 'node')) ? join(BIN_FOLDER, 'node') : process.execPath;

describe('sf project convert source', () => {
  let outputDir: string;
  let workDir: string;

  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'keyroute-convert-'));
    outputDir = join(workDir, 'mdapi');
    execFileSync(
      NODE,
      [SF_RUN, 'project', 'convert', 'source', '--root-dir', 'force-app', '--output-dir', outputDir, '--json'],
      {
        cwd: REPOSITORY_ROOT,
        encoding: 'utf8',
        env: {
          ...process.env,
          PATH: `${BIN_FOLDER}:${process.env.PATH ?? ''}`,
          SF_DISABLE_TELEMETRY: 'true',
          SF_AUTOUPDATE_DISABLE: 'true',
          SF_SKIP_NEW_VERSION_CHECK: 'true',
          // Keep the CLI's own state out of the developer's home folder.
          HOME: workDir,
        },
        timeout: 60_000,
      },
    );
  }, 90_000);

  afterAll(() => {
    rmSync(workDir, { recursive: true, force: true });
  });

  it('writes every Apex class with its metadata', () => {
    const converted = readdirSync(join(outputDir, 'classes'));
    for (const path of apexSourceFiles().filter((file) => file.endsWith('.cls'))) {
      expect(converted).toContain(basename(path));
      expect(converted).toContain(`${basename(path)}-meta.xml`);
    }
  });

  it('writes every Apex trigger with its metadata', () => {
    const triggers = apexSourceFiles().filter((file) => file.endsWith('.trigger'));
    expect(triggers.map((path) => basename(path)).sort()).toEqual(['KeyrouteContactRouting.trigger', 'KeyrouteLeadRouting.trigger']);
    const converted = readdirSync(join(outputDir, 'triggers'));
    for (const path of triggers) {
      expect(converted).toContain(basename(path));
      expect(converted).toContain(`${basename(path)}-meta.xml`);
    }
  });

  it('writes every LWC bundle without its tests', () => {
    const converted = readdirSync(join(outputDir, 'lwc')).sort();
    expect(converted).toEqual(lwcBundleNames());
    for (const bundle of converted) {
      expect(existsSync(join(outputDir, 'lwc', bundle, '__tests__'))).toBe(false);
    }
  });

  it('lists every component in package.xml at the project API version', () => {
    const manifest = readMetadata(join(outputDir, 'package.xml')).content;
    expect(manifest.version).toBe(sourceApiVersion());
    const membersByType = new Map(
      asList(manifest.types as { name: string; members: string | string[] }[]).map((type) => [
        type.name,
        asList(type.members).sort(),
      ]),
    );

    const classNames = apexSourceFiles()
      .filter((path) => path.endsWith('.cls'))
      .map((path) => basename(path, '.cls'))
      .sort();
    expect(membersByType.get('ApexClass')).toEqual(classNames);
    expect(membersByType.get('ApexTrigger')).toEqual(['KeyrouteContactRouting', 'KeyrouteLeadRouting']);
    expect(membersByType.get('LightningComponentBundle')).toEqual(lwcBundleNames());
    expect(membersByType.get('ExternalCredential')).toEqual(['Keyroute_Connector']);
    expect(membersByType.get('NamedCredential')).toEqual(['Keyroute_Connector']);
    expect(membersByType.get('PermissionSet')).toEqual(['Keyroute_Admin', 'Keyroute_Routing_User']);
    expect(membersByType.get('CustomApplication')).toEqual(['Keyroute']);
    expect(membersByType.get('CustomTab')).toEqual(sourceNames('tabs', '.tab-meta.xml'));
    // Lead is a standard object: the package adds fields to it, not the object.
    expect(membersByType.get('CustomObject')).toEqual(['Keyroute_Routing_Flow__c', 'Keyroute_Routing_Run__c', 'Keyroute_Setting__mdt']);
    expect(membersByType.get('CustomMetadata')).toEqual(['Keyroute_Setting.Default']);
    expect(membersByType.get('CustomPermission')).toEqual(['Keyroute_Run_Routing']);
    expect(membersByType.get('ListView')).toEqual(['Keyroute_Routing_Run__c.All_Runs', 'Keyroute_Routing_Run__c.Failed_Runs']);
  });

  it('writes every custom field of the routing objects', () => {
    const manifest = readMetadata(join(outputDir, 'package.xml')).content;
    const fields = asList(manifest.types as { name: string; members: string | string[] }[])
      .filter((type) => type.name === 'CustomField')
      .flatMap((type) => asList(type.members))
      .sort();
    const sourceFields = readdirSync(join(DEFAULT_FOLDER, 'objects')).flatMap((objectName) => {
      const folder = join(DEFAULT_FOLDER, 'objects', objectName, 'fields');
      return existsSync(folder) ? readdirSync(folder).map((file) => `${objectName}.${file.replace('.field-meta.xml', '')}`) : [];
    });
    expect(fields).toEqual(sourceFields.sort());
    expect(fields).toContain('Lead.Lead_Intent__c');
    expect(fields).toContain('Keyroute_Routing_Run__c.Next_Attempt_At__c');
  });

  it('keeps the Named Credential header formula', () => {
    const converted = readText(join(outputDir, 'namedCredentials', 'Keyroute_Connector.namedCredential'));
    expect(converted).toContain('$Credential.Keyroute_Connector.Token');
  });
});
