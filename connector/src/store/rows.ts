import type { Row } from './database';
import type { Actor } from './types';

/** Typed column readers: a row that does not match the schema raises an error instead of leaking a wrong type. */

export function readText(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') {
    throw new TypeError(`Column ${column} is ${describe(value)}, expected text`);
  }
  return value;
}

export function readOptionalText(row: Row, column: string): string | null {
  return row[column] === null ? null : readText(row, column);
}

export function readInt(row: Row, column: string): number {
  const value = row[column];
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`Column ${column} is ${describe(value)}, expected an integer`);
  }
  return value;
}

export function readOptionalInt(row: Row, column: string): number | null {
  return row[column] === null ? null : readInt(row, column);
}

/** Formats a timestamp the way every table stores it: ISO-8601 UTC with milliseconds. */
export function toTimestamp(date: Date): string {
  if (Number.isNaN(date.getTime())) {
    throw new RangeError('Invalid Date cannot be stored as a timestamp');
  }
  return date.toISOString();
}

function describe(value: unknown): string {
  if (value === null) return 'NULL';
  if (value === undefined) return 'missing';
  return typeof value;
}

/** Reads an actor stored as user id and name columns; null when the user id is NULL. */
export function readActor(row: Row, userIdColumn: string, nameColumn: string): Actor | null {
  const userId = readOptionalText(row, userIdColumn);
  return userId === null ? null : { userId, name: readText(row, nameColumn) };
}
