import { randomBytes, randomUUID } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { decodeMasterKey, isMasterKeyVersion, MASTER_KEY_HINT, MasterKey, versionNumber } from './master-key';

/**
 * The versioned master keys that wrap data keys. New data keys are wrapped with the
 * active version; any version the keyring contains can unwrap.
 */
export interface Keyring {
  /** Source of the keys, for error messages: a setting name or a file path. */
  readonly source: string;
  activeKey(): MasterKey;
  /**
   * Returns the key of `version`, or undefined when the keyring has no such version. A
   * file-backed keyring re-reads its file once before giving up, so a rotation made by
   * another process (the CLI) is picked up.
   */
  findKey(version: string): Promise<MasterKey | undefined>;
  /** Known versions, oldest first. */
  versions(): string[];
  /**
   * Picks up a new active version that another process (the CLI) wrote, for a keyring
   * backed by a file. The vault calls it before wrapping a new data key.
   */
  refreshActiveKey?(): Promise<void>;
}

/** Keys fixed at start-up, from configuration. */
export class StaticKeyring implements Keyring {
  private readonly keys: Map<string, MasterKey>;
  private readonly active: MasterKey;

  constructor(
    keys: readonly MasterKey[],
    activeVersion: string,
    readonly source: string,
  ) {
    this.keys = new Map(keys.map((key) => [key.version, key]));
    const active = this.keys.get(activeVersion);
    if (active === undefined) {
      throw new Error(
        `${source}: the active master key version ${activeVersion} is not among the keys (${this.versions().join(', ')})`,
      );
    }
    this.active = active;
  }

  activeKey(): MasterKey {
    return this.active;
  }

  async findKey(version: string): Promise<MasterKey | undefined> {
    return this.keys.get(version);
  }

  versions(): string[] {
    return sortVersions([...this.keys.keys()]);
  }
}

/**
 * Parses master keys from a setting such as `v1:BASE64KEY,v2:BASE64KEY`. The active
 * version defaults to the highest one. `source` names the setting in error messages,
 * which never quote a key.
 */
export function parseMasterKeys(spec: string, options: { activeVersion?: string; source: string }): StaticKeyring {
  const { source } = options;
  const entries = spec
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) {
    throw new Error(`${source}: expected at least one master key as VERSION:BASE64KEY, like v1:<key>`);
  }

  const keys: MasterKey[] = [];
  entries.forEach((entry, index) => {
    const separator = entry.indexOf(':');
    const version = separator === -1 ? '' : entry.slice(0, separator).trim();
    if (!isMasterKeyVersion(version)) {
      throw new Error(
        `${source}: entry ${index + 1} must start with a version such as v1 followed by a colon and the key`,
      );
    }
    if (keys.some((key) => key.version === version)) {
      throw new Error(`${source}: version ${version} appears more than once`);
    }
    const decoded = decodeMasterKey(entry.slice(separator + 1));
    if ('problem' in decoded) {
      throw new Error(`${source}: the key of version ${version} ${decoded.problem}; ${MASTER_KEY_HINT}`);
    }
    keys.push(new MasterKey(version, decoded.bytes));
  });

  const activeVersion = options.activeVersion ?? sortVersions(keys.map((key) => key.version)).at(-1)!;
  if (!keys.some((key) => key.version === activeVersion)) {
    throw new Error(
      `${source}: the active master key version ${activeVersion} is not among the keys (${sortVersions(keys.map((key) => key.version)).join(', ')})`,
    );
  }
  return new StaticKeyring(keys, activeVersion, source);
}

// ---------------------------------------------------------------------------
// File-backed keyring

export const MASTER_KEY_FILENAME = 'master-keys.json';

/** The key file: `{"format": 1, "active": "v2", "keys": {"v1": "<base64>", "v2": "<base64>"}}`. */
interface KeyFileContent {
  format: 1;
  active: string;
  keys: Record<string, string>;
}

export class FileKeyring implements Keyring {
  private keys = new Map<string, MasterKey>();
  private active!: MasterKey;
  /**
   * Inode, size and modification time of the file when it was last read, to skip
   * re-reading an unchanged file. A rotation replaces the file by rename, so the inode
   * changes even when the coarse file-system clock gives both versions the same time.
   */
  private readSignature = '';

  private constructor(readonly path: string) {}

  get source(): string {
    return this.path;
  }

  /** Reads the key file; raises when it is missing or invalid. */
  static async read(path: string): Promise<FileKeyring> {
    const keyring = new FileKeyring(path);
    await keyring.reload();
    return keyring;
  }

  activeKey(): MasterKey {
    return this.active;
  }

  async findKey(version: string): Promise<MasterKey | undefined> {
    const known = this.keys.get(version);
    if (known !== undefined) {
      return known;
    }
    await this.reload();
    return this.keys.get(version);
  }

  versions(): string[] {
    return sortVersions([...this.keys.keys()]);
  }

  /** Re-reads the file, taking its keys and its active version. */
  async reload(): Promise<void> {
    const signature = await fileSignature(this.path);
    const parsed = parseKeyFile(await readKeyFile(this.path), this.path);
    this.keys = parsed.keys;
    this.active = parsed.active;
    this.readSignature = signature;
  }

  /** Re-reads the file only when it changed since the last read. */
  async refreshActiveKey(): Promise<void> {
    if ((await fileSignature(this.path)) !== this.readSignature) {
      await this.reload();
    }
  }
}

async function fileSignature(path: string): Promise<string> {
  const stats = await stat(path);
  return `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
}

export interface OpenedFileKeyring {
  keyring: FileKeyring;
  /** True when this call generated the file with a first key, v1; the server should log it. */
  created: boolean;
  /** Problems worth logging that do not stop start-up, such as a file readable by others. */
  warnings: string[];
}

/**
 * Opens `<dataDir>/master-keys.json`, creating it (mode 0600, directory 0700) with one
 * new random key when it does not exist. Two processes starting at once end up with the
 * same file, because the file is created by an exclusive link of a complete temporary file.
 */
export async function openFileKeyring(dataDir: string): Promise<OpenedFileKeyring> {
  const path = join(dataDir, MASTER_KEY_FILENAME);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });

  let created = false;
  if (!(await exists(path))) {
    const content: KeyFileContent = { format: 1, active: 'v1', keys: { v1: randomBytes(32).toString('base64') } };
    created = await createExclusively(path, serializeKeyFile(content));
  }

  const keyring = await FileKeyring.read(path);
  const warnings: string[] = [];
  const mode = (await stat(path)).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    warnings.push(
      `The master key file ${path} is readable by other users (mode ${mode.toString(8)}); run chmod 600 on it`,
    );
  }
  return { keyring, created, warnings };
}

export interface KeyringSettings {
  /** Keys from configuration, like `v1:BASE64KEY,v2:BASE64KEY`; when set, no file is used. */
  masterKeys?: string;
  /** Active version for `masterKeys`; default the highest version. */
  activeVersion?: string;
  /** Name of the setting that contains `masterKeys`, for error messages. */
  masterKeysSource?: string;
  /** Directory of the key file, used when `masterKeys` is not set. */
  dataDir: string;
}

/** Loads keys from configuration when given, otherwise from the key file in the data directory. */
export async function loadKeyring(
  settings: KeyringSettings,
): Promise<{ keyring: Keyring; created: boolean; warnings: string[] }> {
  if (settings.masterKeys !== undefined && settings.masterKeys.trim() !== '') {
    const keyring = parseMasterKeys(settings.masterKeys, {
      source: settings.masterKeysSource ?? 'masterKeys',
      ...(settings.activeVersion === undefined ? {} : { activeVersion: settings.activeVersion }),
    });
    return { keyring, created: false, warnings: [] };
  }
  if (settings.activeVersion !== undefined) {
    throw new Error(
      `${settings.masterKeysSource ?? 'masterKeys'}: an active version was set without master keys; the key file chooses its own active version`,
    );
  }
  return openFileKeyring(settings.dataDir);
}

/**
 * Adds a new random master key to the key file and makes it active. Data keys wrapped
 * before stay readable with their old version until `rewrapAll` moves them. A lock file
 * (`master-keys.json.lock`) keeps two rotations from overwriting each other.
 */
export async function rotateMasterKey(
  dataDir: string,
): Promise<{ version: string; previousVersion: string; path: string }> {
  const path = join(dataDir, MASTER_KEY_FILENAME);
  const lockPath = `${path}.lock`;
  if (!(await exists(path))) {
    throw missingKeyFileError(path);
  }

  let lock;
  try {
    lock = await open(lockPath, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new Error(
        `Another master key rotation holds the lock file ${lockPath}; if none is running, delete that file and retry`,
      );
    }
    throw error;
  }

  try {
    const current = parseKeyFile(await readKeyFile(path), path);
    const previousVersion = current.active.version;
    const highest = Math.max(...[...current.keys.keys()].map(versionNumber));
    const version = `v${highest + 1}`;

    const keys: Record<string, string> = {};
    for (const [existingVersion, key] of current.keys) {
      keys[existingVersion] = key.bytes().toString('base64');
    }
    keys[version] = randomBytes(32).toString('base64');

    const temporaryPath = await writeTemporaryFile(path, serializeKeyFile({ format: 1, active: version, keys }));
    await rename(temporaryPath, path);
    await syncDirectory(dirname(path));
    return { version, previousVersion, path };
  } finally {
    await lock.close();
    await unlink(lockPath);
  }
}

async function readKeyFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw missingKeyFileError(path);
    }
    throw error;
  }
}

function missingKeyFileError(path: string): Error {
  return new Error(`Master key file ${path} does not exist; start the connector once to create it`);
}

function parseKeyFile(text: string, path: string): { keys: Map<string, MasterKey>; active: MasterKey } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`Master key file ${path} is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`Master key file ${path}: expected a JSON object with format, active and keys`);
  }

  const content = parsed as Partial<Record<keyof KeyFileContent, unknown>>;
  if (content.format !== 1) {
    throw new Error(`Master key file ${path}: format must be 1`);
  }
  if (typeof content.keys !== 'object' || content.keys === null || Array.isArray(content.keys)) {
    throw new Error(`Master key file ${path}: keys must be an object of version to base64 key`);
  }

  const keys = new Map<string, MasterKey>();
  for (const [version, value] of Object.entries(content.keys)) {
    if (!isMasterKeyVersion(version)) {
      throw new Error(`Master key file ${path}: keys.${version} is not a version such as v1`);
    }
    const decoded = typeof value === 'string' ? decodeMasterKey(value) : { problem: 'is not a string' };
    if ('problem' in decoded) {
      throw new Error(`Master key file ${path}: keys.${version} ${decoded.problem}; ${MASTER_KEY_HINT}`);
    }
    keys.set(version, new MasterKey(version, decoded.bytes));
  }

  const active = typeof content.active === 'string' ? keys.get(content.active) : undefined;
  if (active === undefined) {
    throw new Error(
      `Master key file ${path}: active must name one of the versions in keys (${sortVersions([...keys.keys()]).join(', ')})`,
    );
  }
  return { keys, active };
}

function serializeKeyFile(content: KeyFileContent): string {
  return `${JSON.stringify(content, null, 2)}\n`;
}

/** Writes the file through a temporary file linked into place; returns false when another process created it first. */
async function createExclusively(path: string, content: string): Promise<boolean> {
  const temporaryPath = await writeTemporaryFile(path, content);
  try {
    await link(temporaryPath, path);
    await syncDirectory(dirname(path));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return false;
    }
    throw error;
  } finally {
    await unlink(temporaryPath);
  }
}

/** Writes `content` to a new file (mode 0600) next to `path`, flushed to disk, and returns its path. */
async function writeTemporaryFile(path: string, content: string): Promise<string> {
  const temporaryPath = `${path}.${process.pid}.${randomUUID()}.tmp`;
  const handle = await open(temporaryPath, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY, 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temporaryPath;
}

/** Flushes a rename or link to disk, where the file system allows fsync on a directory. */
async function syncDirectory(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, fsConstants.O_RDONLY);
    await handle.sync();
  } catch {
    // The data itself was flushed before the rename or link.
  } finally {
    await handle?.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return false;
    }
    throw error;
  }
}

function sortVersions(versions: string[]): string[] {
  return [...versions].sort((a, b) => versionNumber(a) - versionNumber(b));
}
