import { listOrgs, OrgError, registerOrg, removeOrg, rotateToken } from '../orgs';
import type { OpenedStore } from '../services';
import { printJson, printTable } from './output';

export interface OrgCommandOptions {
  'salesforce-org-id'?: string | undefined;
  name?: string | undefined;
  yes?: boolean | undefined;
  json?: boolean | undefined;
}

const OPTION_FOR_FIELD: Record<string, string> = { salesforceOrgId: '--salesforce-org-id', name: '--name' };

/** Runs `keyroute orgs <command>`; returns the process exit code. */
export async function runOrgCommand(store: OpenedStore, command: string | undefined, options: OrgCommandOptions): Promise<number> {
  try {
    switch (command) {
      case 'add':
        return await addOrg(store, options);
      case 'list':
        return await listAll(store, options);
      case 'rotate-token':
        return await rotate(store, options);
      case 'remove':
        return await remove(store, options);
      default:
        process.stderr.write(`Unknown orgs command "${command ?? ''}". Expected add, list, rotate-token or remove.\n`);
        return 2;
    }
  } catch (error) {
    if (error instanceof OrgError) {
      const option = error.field === null ? undefined : OPTION_FOR_FIELD[error.field];
      const message = option === undefined ? error.message : error.message.replace(`${error.field}:`, `${option}:`);
      process.stderr.write(`keyroute: ${message}\n`);
      return error.code === 'invalid_field' ? 2 : 1;
    }
    throw error;
  }
}

async function addOrg(store: OpenedStore, options: OrgCommandOptions): Promise<number> {
  if (options.name === undefined) {
    process.stderr.write('keyroute: --name: required: the org\'s display name, such as --name "Acme"\n');
    return 2;
  }
  const { org, token } = await registerOrg(store.database, options['salesforce-org-id'], options.name);
  if (options.json) {
    printJson({ org, token });
    return 0;
  }
  process.stdout.write(
    [
      `Registered ${org.name} (${org.salesforceOrgId}).`,
      '',
      'Org token (shown once; the connector keeps only its hash):',
      '',
      `  ${token}`,
      '',
      'In Salesforce, put it into the Token parameter of the Keyroute_Connector external credential\'s principal.',
      '',
    ].join('\n'),
  );
  return 0;
}

async function listAll(store: OpenedStore, options: OrgCommandOptions): Promise<number> {
  const orgs = await listOrgs(store.database);
  if (options.json) {
    printJson({ orgs });
    return 0;
  }
  if (orgs.length === 0) {
    process.stdout.write('No orgs registered. Add one with: keyroute orgs add --salesforce-org-id 00D... --name "Acme"\n');
    return 0;
  }
  printTable(
    ['Salesforce org id', 'Name', 'Registered at'],
    orgs.map((org) => [org.salesforceOrgId, org.name, org.createdAt]),
  );
  return 0;
}

async function rotate(store: OpenedStore, options: OrgCommandOptions): Promise<number> {
  const { org, token } = await rotateToken(store.database, options['salesforce-org-id']);
  if (options.json) {
    printJson({ org, token });
    return 0;
  }
  process.stdout.write(
    [
      `Revoked every token of ${org.name} (${org.salesforceOrgId}). New token (shown once):`,
      '',
      `  ${token}`,
      '',
      'Requests with the old token now get 401: update the Keyroute_Connector external credential right away.',
      '',
    ].join('\n'),
  );
  return 0;
}

async function remove(store: OpenedStore, options: OrgCommandOptions): Promise<number> {
  if (!options.yes) {
    process.stderr.write(
      'keyroute: removing an org deletes its stored keys, settings, audit trail and usage. Add --yes to confirm.\n',
    );
    return 2;
  }
  const org = await removeOrg(store.database, options['salesforce-org-id']);
  if (options.json) {
    printJson({ removed: org });
  } else {
    process.stdout.write(`Removed ${org.name} (${org.salesforceOrgId}) with its keys, settings and logs.\n`);
  }
  return 0;
}
