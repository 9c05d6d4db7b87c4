import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPOSITORY_ROOT, apexSourceFiles, readText, relativeToRoot } from './support/project';
import { parseApex, readClassModel, readClassModelFromSource } from './support/apex';

const apexFiles = apexSourceFiles().map((path) => [relativeToRoot(path), path]);
const classFiles = apexSourceFiles()
  .filter((path) => path.endsWith('.cls'))
  .map((path) => [relativeToRoot(path), path]);
const productionClassFiles = classFiles.filter(([label]) => !readText(join(REPOSITORY_ROOT, label!)).includes('@IsTest'));

function syntaxErrors(path: string): string[] {
  const kind = path.endsWith('.trigger') ? 'trigger' : 'class';
  return parseApex(readText(path), kind).errors.map(
    (error) => `${relativeToRoot(path)}:${error.line}:${error.column} ${error.message}`,
  );
}

describe('Apex source', () => {
  it.each(apexFiles)('%s parses without syntax errors', (_label, path) => {
    expect(syntaxErrors(path!)).toEqual([]);
  });

  it('reports a syntax error with its line', () => {
    const { errors } = parseApex('public class Broken {\n    void run() {\n        Integer x = ;\n    }\n}\n');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]!.line).toBe(3);
  });

  it('reports an invalid string escape from the lexer', () => {
    const { errors } = parseApex("public class Broken {\n    String s = 'a\\qb';\n}\n");
    expect(errors.map((error) => error.line)).toContain(2);
  });

  it.each(classFiles)('%s declares with sharing or inherited sharing', (_label, path) => {
    const model = readClassModel(path!);
    const sharing = model.modifiers.filter((modifier) => modifier.endsWith('sharing'));
    expect(sharing).toHaveLength(1);
    expect(['with sharing', 'inherited sharing']).toContain(sharing[0]);
  });

  it.each(productionClassFiles)('%s documents the class and its public members', (_label, path) => {
    const model = readClassModel(path!);
    expect(model.hasDocComment).toBe(true);
    const undocumented = [model, ...model.innerClasses].flatMap((apexClass) => apexClass.undocumentedPublicMembers);
    expect(undocumented).toEqual([]);
  });

  it('finds an undocumented public method', () => {
    const model = readClassModelFromSource('/** A class. */\npublic with sharing class Sample {\n    public void run() {}\n}\n');
    expect(model.undocumentedPublicMembers).toEqual(['Sample.run()']);
  });

  it.each(apexFiles)('%s writes nothing to the debug log', (_label, path) => {
    // The connector client handles keys and connector responses: a debug statement
    // could put either into a log that many admins can read.
    expect(readText(path!)).not.toMatch(/System\.debug|\.debug\(/i);
  });

  it('is formatted with Prettier and prettier-plugin-apex', () => {
    const prettier = join(REPOSITORY_ROOT, 'node_modules', '.bin', 'prettier');
    const files = apexSourceFiles().map(relativeToRoot);
    // prettier --check exits non-zero and lists the files when any is not formatted.
    const output = execFileSync(prettier, ['--check', ...files], { cwd: REPOSITORY_ROOT, encoding: 'utf8' });
    expect(output).toContain('All matched files use Prettier code style!');
  });
});
