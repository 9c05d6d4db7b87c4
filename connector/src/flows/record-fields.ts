/** A record's field values as Salesforce sends them. */
export type RecordFields = Record<string, string | number | boolean | null>;

/**
 * Reads a field by API name. Salesforce API names are case-insensitive, so when the exact
 * spelling is absent a key differing only in case is used. Returns undefined when absent.
 */
export function readRecordField(fields: RecordFields, name: string): string | number | boolean | null | undefined {
  if (Object.hasOwn(fields, name)) {
    return fields[name];
  }
  const wanted = name.toLowerCase();
  const key = Object.keys(fields).find((candidate) => candidate.toLowerCase() === wanted);
  return key === undefined ? undefined : fields[key];
}
