import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CLASSES_FOLDER, DEFAULT_FOLDER, LWC_FOLDER, listFiles, lwcBundleNames } from './support/project';
import { asList, readMetadata } from './support/metadata';
import { readClassModel } from './support/apex';

const metadataPath = (folder: string, name: string, suffix: string) => join(DEFAULT_FOLDER, folder, `${name}.${suffix}-meta.xml`);

function permissionSet(name: string) {
  return readMetadata(metadataPath('permissionsets', name, 'permissionset')).content;
}

function classAccesses(name: string): string[] {
  return asList(permissionSet(name).classAccesses as { apexClass: string; enabled: string }[])
    .filter((access) => access.enabled === 'true')
    .map((access) => access.apexClass)
    .sort();
}

function principalAccesses(name: string): string[] {
  return asList(
    permissionSet(name).externalCredentialPrincipalAccesses as { externalCredentialPrincipal: string; enabled: string }[],
  )
    .filter((access) => access.enabled === 'true')
    .map((access) => access.externalCredentialPrincipal);
}

/** Collects every `@salesforce/apex/Class.method` import in the LWC modules, by bundle. */
function apexImports(): { bundle: string; className: string; methodName: string }[] {
  const imports: { bundle: string; className: string; methodName: string }[] = [];
  for (const bundle of lwcBundleNames()) {
    const files = listFiles(join(LWC_FOLDER, bundle)).filter((path) => path.endsWith('.js') && !path.includes('__tests__'));
    for (const file of files) {
      for (const match of readFileSync(file, 'utf8').matchAll(/from '@salesforce\/apex\/(\w+)\.(\w+)'/g)) {
        imports.push({ bundle, className: match[1]!, methodName: match[2]! });
      }
    }
  }
  return imports;
}

const PERMISSION_SETS = ['Keyroute_Admin', 'Keyroute_Routing_User'];

describe('force-app metadata references', () => {
  it.each(PERMISSION_SETS)('%s grants only classes that exist', (name) => {
    for (const className of classAccesses(name)) {
      expect(existsSync(join(CLASSES_FOLDER, `${className}.cls`))).toBe(true);
    }
  });

  it.each(PERMISSION_SETS)('%s grants the Keyroute_Org principal of the connector credential', (name) => {
    expect(principalAccesses(name)).toEqual(['Keyroute_Connector-Keyroute_Org']);
  });

  it('names an existing named principal in every principal grant', () => {
    const credential = readMetadata(metadataPath('externalCredentials', 'Keyroute_Connector', 'externalCredential')).content;
    const principals = asList(credential.externalCredentialParameters as { parameterName: string; parameterType: string }[])
      .filter((parameter) => parameter.parameterType === 'NamedPrincipal')
      .map((parameter) => `Keyroute_Connector-${parameter.parameterName}`);
    for (const name of PERMISSION_SETS) {
      for (const grant of principalAccesses(name)) {
        expect(principals).toContain(grant);
      }
    }
    expect(credential.authenticationProtocol).toBe('Custom');
  });

  it('Named Credential sends bearer token', () => {
    // It uses the External Credential's principal and adds Authorization: Bearer <Token>.
    const named = readMetadata(metadataPath('namedCredentials', 'Keyroute_Connector', 'namedCredential')).content;
    const parameters = asList(
      named.namedCredentialParameters as { parameterName: string; parameterType: string; parameterValue?: string; externalCredential?: string }[],
    );

    expect(named.namedCredentialType).toBe('SecuredEndpoint');
    expect(named.allowMergeFieldsInHeader).toBe('true');
    expect(named.generateAuthorizationHeader).toBe('false');
    const authentication = parameters.find((parameter) => parameter.parameterType === 'Authentication');
    expect(authentication?.externalCredential).toBe('Keyroute_Connector');
    expect(existsSync(metadataPath('externalCredentials', authentication!.externalCredential!, 'externalCredential'))).toBe(true);
    const header = parameters.find((parameter) => parameter.parameterType === 'HttpHeader');
    expect(header?.parameterName).toBe('Authorization');
    expect(header?.parameterValue).toBe("{!'Bearer ' & $Credential.Keyroute_Connector.Token}");
    const url = parameters.find((parameter) => parameter.parameterType === 'Url');
    expect(url?.parameterValue).toMatch(/^https:\/\/[^/]+$/);
  });

  it('puts every Keyroute tab in the Keyroute app and grants each to admins', () => {
    const app = readMetadata(metadataPath('applications', 'Keyroute', 'app')).content;
    const tabs = asList(app.tabs as string[]);
    expect(tabs.slice(0, 2)).toEqual(['Keyroute_Integrations', 'Keyroute_Admin_Settings']);
    expect(tabs).toContain('Keyroute_Routing_Run__c');
    expect(tabs).toContain('Keyroute_FlowBuilder');

    const admin = permissionSet('Keyroute_Admin');
    const visibleTabs = asList(admin.tabSettings as { tab: string; visibility: string }[])
      .filter((setting) => setting.visibility === 'Visible')
      .map((setting) => setting.tab)
      .sort();
    expect(visibleTabs).toEqual([...tabs].sort());
    const apps = asList(admin.applicationVisibilities as { application: string; visible: string }[]);
    expect(apps).toEqual([{ application: 'Keyroute', visible: 'true' }]);
  });

  it.each(['Keyroute_Integrations', 'Keyroute_Admin_Settings', 'Keyroute_FlowBuilder'])('tab %s hosts an exposed LWC tab component', (tabName) => {
    const tab = readMetadata(metadataPath('tabs', tabName, 'tab')).content;
    const bundle = tab.lwcComponent as string;
    const bundleMeta = readMetadata(join(LWC_FOLDER, bundle, `${bundle}.js-meta.xml`)).content;
    expect(bundleMeta.isExposed).toBe('true');
    expect(asList((bundleMeta.targets as { target: string | string[] }).target)).toContain('lightning__Tab');
  });

  it('finds the Apex methods the components import', () => {
    expect(apexImports().length).toBeGreaterThanOrEqual(8);
  });

  it.each(apexImports().map((entry) => [`${entry.bundle} -> ${entry.className}.${entry.methodName}`, entry]))(
    '%s is an @AuraEnabled static method that admins may call',
    (_label, { className, methodName }) => {
      const model = readClassModel(join(CLASSES_FOLDER, `${className}.cls`));
      const method = model.methods.find((candidate) => candidate.name === methodName);
      expect(method).toBeDefined();
      expect(method!.annotations).toContain('auraenabled');
      expect(method!.modifiers).toContain('static');
      expect(classAccesses('Keyroute_Admin')).toContain(className);
    },
  );

  it('keeps admin controllers out of the routing user permission set', () => {
    expect(classAccesses('Keyroute_Routing_User')).toEqual(['KeyrouteConnectorClient', 'KeyrouteRunAiInference']);
  });

  it('grants the routing objects and the run permission to both permission sets', () => {
    for (const name of PERMISSION_SETS) {
      const content = permissionSet(name);
      const objects = asList(content.objectPermissions as { object: string; allowRead: string }[])
        .filter((permission) => permission.allowRead === 'true')
        .map((permission) => permission.object)
        .sort();
      expect(objects).toEqual(expect.arrayContaining(['Keyroute_Routing_Flow__c', 'Keyroute_Routing_Run__c']));
      const permissions = asList(content.customPermissions as { name: string; enabled: string }[]);
      expect(permissions).toContainEqual({ name: 'Keyroute_Run_Routing', enabled: 'true' });
    }
  });

  it('grants no field permission on a required field', () => {
    // Salesforce rejects a permission set that lists a required field.
    const required = new Set<string>();
    for (const objectName of readdirSync(join(DEFAULT_FOLDER, 'objects'))) {
      const folder = join(DEFAULT_FOLDER, 'objects', objectName, 'fields');
      if (!existsSync(folder)) continue;
      for (const file of readdirSync(folder)) {
        const field = readMetadata(join(folder, file)).content;
        if (field.required === 'true') required.add(`${objectName}.${file.replace('.field-meta.xml', '')}`);
      }
    }
    expect(required.size).toBeGreaterThan(0);
    for (const name of PERMISSION_SETS) {
      const fields = asList(permissionSet(name).fieldPermissions as { field: string }[]).map((permission) => permission.field);
      expect(fields.filter((field) => required.has(field))).toEqual([]);
      for (const field of fields) {
        const [objectName, fieldName] = field.split('.');
        expect(existsSync(join(DEFAULT_FOLDER, 'objects', objectName!, 'fields', `${fieldName}.field-meta.xml`))).toBe(true);
      }
    }
  });
});
