/**
 * The comparison rules of Branch and entry conditions. Salesforce sends field values as
 * JSON text, numbers, booleans or null, and admins type literals in FlowBuilder, so the
 * rules forgive differences in form but not in meaning:
 *
 * - Text is compared without case and without surrounding whitespace ("Pricing " equals "pricing").
 * - Numbers are compared numerically, and text that looks like a number counts as that
 *   number, because Salesforce may serialize numeric fields as text ("42.0" equals 42).
 * - Booleans match `true`/`false` and the text "true"/"false" in any case.
 * - Blank means null, absent, or text of only whitespace. Blank values never match an
 *   ordering or text operator, and equal only a blank expected value (`equals null`).
 * - Ordering between non-numeric texts is by code point after normalization, which orders
 *   ISO dates and datetimes from Salesforce correctly.
 */

export type ScalarValue = string | number | boolean | null;

const NUMERIC_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export function normalizeText(text: string): string {
  return text.trim().toLowerCase();
}

export function isBlank(value: ScalarValue | undefined): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

/** Returns the number a value stands for, or null for booleans, blanks and non-numeric text. */
export function toNumber(value: ScalarValue | undefined): number | null {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : null;
  }
  if (typeof value === 'string' && NUMERIC_TEXT.test(value.trim())) {
    return Number(value.trim());
  }
  return null;
}

function toBoolean(value: ScalarValue | undefined): boolean | null {
  if (typeof value === 'boolean') {
    return value;
  }
  if (typeof value === 'string') {
    const text = normalizeText(value);
    if (text === 'true' || text === 'false') {
      return text === 'true';
    }
  }
  return null;
}

export function valuesEqual(actual: ScalarValue | undefined, expected: ScalarValue | undefined): boolean {
  if (isBlank(expected)) {
    return isBlank(actual);
  }
  if (isBlank(actual)) {
    return false;
  }

  const actualNumber = toNumber(actual);
  const expectedNumber = toNumber(expected);
  if (actualNumber !== null && expectedNumber !== null) {
    return actualNumber === expectedNumber;
  }

  if (typeof actual === 'boolean' || typeof expected === 'boolean') {
    const actualBoolean = toBoolean(actual);
    return actualBoolean !== null && actualBoolean === toBoolean(expected);
  }

  return normalizeText(String(actual)) === normalizeText(String(expected));
}

/**
 * Orders two values: negative when `actual` comes first, 0 when equal, positive after.
 * Returns null when they cannot be ordered: a blank, a boolean, or a number against text.
 */
export function compareOrder(actual: ScalarValue | undefined, expected: ScalarValue | undefined): number | null {
  if (isBlank(actual) || isBlank(expected) || typeof actual === 'boolean' || typeof expected === 'boolean') {
    return null;
  }

  const actualNumber = toNumber(actual);
  const expectedNumber = toNumber(expected);
  if (actualNumber !== null && expectedNumber !== null) {
    return actualNumber - expectedNumber;
  }
  if (actualNumber !== null || expectedNumber !== null) {
    return null;
  }

  const actualText = normalizeText(String(actual));
  const expectedText = normalizeText(String(expected));
  if (actualText === expectedText) {
    return 0;
  }
  return actualText < expectedText ? -1 : 1;
}

/** Text containment without case; a blank value contains nothing and a blank needle matches nothing. */
export function textContains(actual: ScalarValue | undefined, needle: ScalarValue | undefined): boolean {
  if (isBlank(actual) || isBlank(needle)) {
    return false;
  }
  return normalizeText(String(actual)).includes(normalizeText(String(needle)));
}

export function textStartsWith(actual: ScalarValue | undefined, prefix: ScalarValue | undefined): boolean {
  if (isBlank(actual) || isBlank(prefix)) {
    return false;
  }
  return normalizeText(String(actual)).startsWith(normalizeText(String(prefix)));
}
