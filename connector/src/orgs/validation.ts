export type OrgErrorCode = 'invalid_field' | 'org_exists' | 'org_not_found';

/** A rejected org operation. `field` names the input at fault for `invalid_field`. */
export class OrgError extends Error {
  override readonly name = 'OrgError';

  constructor(
    readonly code: OrgErrorCode,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
  }
}

export const MAX_ORG_NAME_LENGTH = 255;

const ORG_ID_PATTERN = /^00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/;
const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Validates a Salesforce org id and returns its 18-character form, so the 15- and the
 * 18-character spelling of one org map to the same row. An 18-character id must carry
 * the checksum suffix of its first 15 characters.
 */
export function normalizeSalesforceOrgId(value: unknown): string {
  if (typeof value !== 'string' || !ORG_ID_PATTERN.test(value)) {
    throw new OrgError(
      'invalid_field',
      'salesforceOrgId: expected a Salesforce org id of 15 or 18 letters and digits starting with 00D',
      'salesforceOrgId',
    );
  }

  const base = value.slice(0, 15);
  const expected = base + checksumSuffix(base);
  if (value.length === 18 && value !== expected) {
    throw new OrgError(
      'invalid_field',
      'salesforceOrgId: the last 3 characters are not the checksum of the first 15; ' +
        'copy the complete 18-character org id from Setup > Company Information',
      'salesforceOrgId',
    );
  }
  return expected;
}

/**
 * Computes the 3-character suffix Salesforce appends to a 15-character id: each
 * character encodes which of 5 id characters are upper-case letters.
 */
export function checksumSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let bits = 0;
    for (let position = 0; position < 5; position += 1) {
      const char = id15[chunk * 5 + position]!;
      if (char >= 'A' && char <= 'Z') {
        bits |= 1 << position;
      }
    }
    suffix += CHECKSUM_ALPHABET[bits];
  }
  return suffix;
}

/** Validates an org's display name and returns it trimmed. */
export function normalizeOrgName(value: unknown): string {
  if (typeof value !== 'string') {
    throw new OrgError('invalid_field', 'name: expected a string', 'name');
  }
  const name = value.trim();
  if (name.length === 0 || name.length > MAX_ORG_NAME_LENGTH) {
    throw new OrgError('invalid_field', `name: expected 1 to ${MAX_ORG_NAME_LENGTH} characters after trimming`, 'name');
  }
  if (CONTROL_CHARACTERS.test(name)) {
    throw new OrgError(
      'invalid_field',
      'name: must not contain control characters such as line breaks or tabs',
      'name',
    );
  }
  return name;
}
