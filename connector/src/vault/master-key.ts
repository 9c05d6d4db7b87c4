import { inspect } from 'node:util';

export const MASTER_KEY_BYTES = 32;

const VERSION_PATTERN = /^v([1-9][0-9]{0,8})$/;

/**
 * One version of the master key. The key bytes sit in a private field, and the object
 * prints and serializes as its version only, so logging the object does not print the key.
 */
export class MasterKey {
  readonly version: string;
  readonly #bytes: Buffer;

  constructor(version: string, bytes: Buffer) {
    if (!isMasterKeyVersion(version)) {
      throw new Error(`Invalid master key version "${version}": expected v1, v2, ...`);
    }
    if (bytes.length !== MASTER_KEY_BYTES) {
      throw new Error(`Master key ${version} has ${bytes.length} bytes; expected ${MASTER_KEY_BYTES}`);
    }
    this.version = version;
    this.#bytes = Buffer.from(bytes);
  }

  /** Returns the raw key, for node:crypto only. */
  bytes(): Buffer {
    return this.#bytes;
  }

  toJSON(): { version: string } {
    return { version: this.version };
  }

  toString(): string {
    return `MasterKey(${this.version})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

export function isMasterKeyVersion(version: string): boolean {
  return VERSION_PATTERN.test(version);
}

/** Returns the number of a version like `v12`; raises on anything else. */
export function versionNumber(version: string): number {
  const match = VERSION_PATTERN.exec(version);
  if (match === null) {
    throw new Error(`Invalid master key version "${version}": expected v1, v2, ...`);
  }
  return Number(match[1]);
}

/**
 * Decodes a base64 master key, or returns a reason it is invalid. The reason never
 * contains the text, which may be a real key with a typo.
 */
export function decodeMasterKey(text: string): { bytes: Buffer } | { problem: string } {
  const trimmed = text.trim();
  const bytes = Buffer.from(trimmed, 'base64');
  if (bytes.toString('base64') !== trimmed) {
    return { problem: 'is not canonical base64' };
  }
  if (bytes.length !== MASTER_KEY_BYTES) {
    return { problem: `decodes to ${bytes.length} bytes instead of ${MASTER_KEY_BYTES}` };
  }
  return { bytes };
}

/** How to create a valid key, appended to key errors. */
export const MASTER_KEY_HINT =
  'expected 32 random bytes in base64 (44 characters), for example from `openssl rand -base64 32`';
