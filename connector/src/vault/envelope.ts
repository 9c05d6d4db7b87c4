import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Keyring } from './keyring';
import type { MasterKey } from './master-key';

/**
 * Envelope encryption of provider keys, AES-256-GCM throughout:
 *
 * - each secret is encrypted with its own random 256-bit data key;
 * - the data key is encrypted ("wrapped") with the keyring's active master key;
 * - both encryptions authenticate additional data (AAD) naming the format version, the org
 *   id and the provider, and the wrap also names the master key version. An envelope copied
 *   to another org or provider row therefore fails to decrypt instead of serving the wrong key.
 *
 * Sealed values are base64 of `IV (12 bytes) || ciphertext || tag (16 bytes)`.
 */

export const SECRET_FORMAT_VERSION = 1;

const IV_BYTES = 12;
const TAG_BYTES = 16;
const DATA_KEY_BYTES = 32;

/** Owner of a secret (org and provider), bound into its ciphertext. */
export interface SecretContext {
  orgId: string;
  provider: string;
}

/** The stored form of one secret: all four fields are needed to decrypt it. */
export interface EncryptedSecret {
  format: number;
  masterKeyVersion: string;
  /** base64: the data key sealed with the master key. */
  wrappedDataKey: string;
  /** base64: the secret sealed with the data key. */
  ciphertext: string;
}

export type VaultErrorCode = 'decryption_failed' | 'master_key_missing' | 'unsupported_format';

/** A secret could not be decrypted. The message names the org, provider and version, never key material. */
export class VaultError extends Error {
  override readonly name = 'VaultError';

  constructor(
    readonly code: VaultErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export class KeyVault {
  constructor(private readonly keyring: Keyring) {}

  get activeMasterKeyVersion(): string {
    return this.keyring.activeKey().version;
  }

  /** Encrypts `plaintext` under a new data key wrapped with the active master key. */
  async encrypt(plaintext: string, context: SecretContext): Promise<EncryptedSecret> {
    checkContext(context);
    // After a rotation by the CLI, new data keys must be wrapped with the new version too.
    await this.keyring.refreshActiveKey?.();
    const master = this.keyring.activeKey();
    const dataKey = randomBytes(DATA_KEY_BYTES);
    const plaintextBytes = Buffer.from(plaintext, 'utf8');
    try {
      const ciphertext = seal(dataKey, plaintextBytes, secretAad(context));
      const wrappedDataKey = seal(master.bytes(), dataKey, dataKeyAad(context, master.version));
      return {
        format: SECRET_FORMAT_VERSION,
        masterKeyVersion: master.version,
        wrappedDataKey: wrappedDataKey.toString('base64'),
        ciphertext: ciphertext.toString('base64'),
      };
    } finally {
      dataKey.fill(0);
      plaintextBytes.fill(0);
    }
  }

  /** Decrypts a secret; raises VaultError when it belongs to another context, was modified, or its master key is missing. */
  async decrypt(secret: EncryptedSecret, context: SecretContext): Promise<string> {
    checkContext(context);
    const dataKey = await this.unwrapDataKey(secret, context);
    try {
      const plaintext = unseal(dataKey, decodeSealed(secret.ciphertext, 0), secretAad(context));
      if (plaintext === null) {
        throw decryptionFailed(context);
      }
      const text = plaintext.toString('utf8');
      plaintext.fill(0);
      return text;
    } finally {
      dataKey.fill(0);
    }
  }

  /**
   * Returns the secret with its data key wrapped by the active master key. The ciphertext
   * itself does not change. A secret already under the active version is returned as is.
   */
  async rewrap(secret: EncryptedSecret, context: SecretContext): Promise<EncryptedSecret> {
    checkContext(context);
    const master = this.keyring.activeKey();
    if (secret.masterKeyVersion === master.version) {
      return secret;
    }

    const dataKey = await this.unwrapDataKey(secret, context);
    try {
      const wrappedDataKey = seal(master.bytes(), dataKey, dataKeyAad(context, master.version));
      return { ...secret, masterKeyVersion: master.version, wrappedDataKey: wrappedDataKey.toString('base64') };
    } finally {
      dataKey.fill(0);
    }
  }

  private async unwrapDataKey(secret: EncryptedSecret, context: SecretContext): Promise<Buffer> {
    if (secret.format !== SECRET_FORMAT_VERSION) {
      throw new VaultError(
        'unsupported_format',
        `The ${context.provider} key of org ${context.orgId} is stored in format ${secret.format}; ` +
          `this connector reads format ${SECRET_FORMAT_VERSION} only`,
      );
    }

    const master = await this.findMasterKey(secret.masterKeyVersion, context);
    const dataKey = unseal(
      master.bytes(),
      decodeSealed(secret.wrappedDataKey, DATA_KEY_BYTES),
      dataKeyAad(context, master.version),
    );
    if (dataKey === null || dataKey.length !== DATA_KEY_BYTES) {
      throw decryptionFailed(context);
    }
    return dataKey;
  }

  private async findMasterKey(version: string, context: SecretContext): Promise<MasterKey> {
    const master = await this.keyring.findKey(version);
    if (master === undefined) {
      throw new VaultError(
        'master_key_missing',
        `Master key version ${version} is not in the keyring (${this.keyring.source} has ${this.keyring.versions().join(', ')}); ` +
          `the ${context.provider} key of org ${context.orgId} was wrapped with it. Add that version back to the keyring`,
      );
    }
    return master;
  }
}

function checkContext(context: SecretContext): void {
  if (typeof context.orgId !== 'string' || context.orgId === '') {
    throw new TypeError('orgId: expected a non-empty org id');
  }
  if (typeof context.provider !== 'string' || context.provider === '') {
    throw new TypeError('provider: expected a non-empty provider id');
  }
}

function decryptionFailed(context: SecretContext): VaultError {
  return new VaultError(
    'decryption_failed',
    `Could not decrypt the ${context.provider} key of org ${context.orgId}: ` +
      'it was encrypted for another org or provider, or the stored data was modified',
  );
}

// JSON arrays keep the fields apart: no org id or provider can imitate another pair.
function secretAad(context: SecretContext): Buffer {
  return Buffer.from(
    JSON.stringify(['keyroute/secret', SECRET_FORMAT_VERSION, context.orgId, context.provider]),
    'utf8',
  );
}

function dataKeyAad(context: SecretContext, masterKeyVersion: string): Buffer {
  return Buffer.from(
    JSON.stringify(['keyroute/data-key', SECRET_FORMAT_VERSION, context.orgId, context.provider, masterKeyVersion]),
    'utf8',
  );
}

function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

/** Returns the plaintext, or null when authentication fails (wrong key, wrong AAD, modified data). */
function unseal(key: Buffer, sealed: Buffer | null, aad: Buffer): Buffer | null {
  if (sealed === null) {
    return null;
  }
  const iv = sealed.subarray(0, IV_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const body = sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    return null;
  }
}

/** Decodes a sealed base64 value; returns null when it is not base64 or too short to hold `minBodyBytes`. */
function decodeSealed(text: string, minBodyBytes: number): Buffer | null {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    return null;
  }
  const bytes = Buffer.from(text, 'base64');
  return bytes.length < IV_BYTES + minBodyBytes + TAG_BYTES ? null : bytes;
}
