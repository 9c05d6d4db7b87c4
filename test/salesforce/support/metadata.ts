import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { readText } from './project';

/**
 * Metadata XML is checked with fast-xml-parser's XMLValidator, which rejects XML that is
 * not well formed (unclosed or mismatched tags, bad attributes, text outside the root),
 * and then read with its XMLParser. The sf CLI repairs such XML silently, so it cannot
 * be the check.
 */
export function validateXml(source: string): string | null {
  const result = XMLValidator.validate(source, { allowBooleanAttributes: false });
  if (result === true) {
    return null;
  }
  return `line ${result.err.line}, column ${result.err.col}: ${result.err.msg}`;
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false });

/** Parses metadata XML into its root element's name and content; tag values stay strings. */
export function readMetadata(path: string): { root: string; namespace: string | undefined; content: Record<string, unknown> } {
  const document = parser.parse(readText(path)) as Record<string, unknown>;
  const root = Object.keys(document).find((key) => key !== '?xml');
  if (!root) {
    throw new Error(`${path}: no root element`);
  }
  const content = (document[root] ?? {}) as Record<string, unknown>;
  return { root, namespace: content['@xmlns'] as string | undefined, content };
}

/** Returns a repeated element as a list, whether the XML had it once, many times or not at all. */
export function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}
