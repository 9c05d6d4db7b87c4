import type { OpenedStore } from '../services';
import { countSecretsByMasterKeyVersion } from '../store';
import { KeyVault, loadKeyring, rewrapAll, rotateMasterKey } from '../vault';
import { printJson } from './output';

/** Runs `keyroute master-key <command>`; returns the process exit code. */
export async function runMasterKeyCommand(
  store: OpenedStore,
  command: string | undefined,
  options: { json?: boolean | undefined },
): Promise<number> {
  switch (command) {
    case 'status':
      return status(store, options);
    case 'rotate':
      return rotate(store, options);
    case 'rewrap':
      return rewrap(store, options);
    default:
      process.stderr.write(`Unknown master-key command "${command ?? ''}". Expected status, rotate or rewrap.\n`);
      return 2;
  }
}

async function status(store: OpenedStore, options: { json?: boolean | undefined }): Promise<number> {
  const counts = await countSecretsByMasterKeyVersion(store.database);
  const activeVersion = store.vault.activeMasterKeyVersion;
  if (options.json) {
    printJson({ activeVersion, keysByVersion: counts });
    return 0;
  }
  process.stdout.write(`Active master key: ${activeVersion}\n`);
  const versions = Object.keys(counts);
  if (versions.length === 0) {
    process.stdout.write('No provider keys are stored.\n');
  }
  for (const version of versions) {
    process.stdout.write(`  ${version}: ${counts[version]} provider key(s)\n`);
  }
  return 0;
}

async function rotate(store: OpenedStore, options: { json?: boolean | undefined }): Promise<number> {
  if (store.config.masterKeys !== undefined) {
    process.stderr.write(
      'keyroute: master keys come from KEYROUTE_MASTER_KEYS, so this command cannot add one. ' +
        'Add a new version to KEYROUTE_MASTER_KEYS on every instance, restart them, then run "keyroute master-key rewrap".\n',
    );
    return 2;
  }

  const rotation = await rotateMasterKey(store.config.dataDir);
  // The store's vault was loaded before the rotation; wrap with the new active key.
  const { keyring } = await loadKeyring({ dataDir: store.config.dataDir });
  const progress = await rewrapAll(store.database, new KeyVault(keyring));
  const result = { ...rotation, rewrapped: progress.rewrapped, skipped: progress.skipped };
  if (options.json) {
    printJson(result);
  } else {
    process.stdout.write(
      `Master key ${rotation.version} is now active (was ${rotation.previousVersion}); rewrapped ${progress.rewrapped} provider key(s)` +
        (progress.skipped > 0 ? `, skipped ${progress.skipped} replaced meanwhile` : '') +
        `.\nKeep ${rotation.previousVersion} in ${rotation.path} until every connector instance has restarted or met ${rotation.version}.\n`,
    );
  }
  return 0;
}

async function rewrap(store: OpenedStore, options: { json?: boolean | undefined }): Promise<number> {
  const progress = await rewrapAll(store.database, store.vault);
  if (options.json) {
    printJson(progress);
  } else {
    process.stdout.write(
      `Rewrapped ${progress.rewrapped} provider key(s) with master key ${progress.masterKeyVersion}` +
        (progress.skipped > 0 ? `; skipped ${progress.skipped} replaced meanwhile` : '') +
        '.\n',
    );
  }
  return 0;
}
