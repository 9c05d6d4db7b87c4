import { listPromptFields, scanMergeFields } from '../../../connector/src/inference/merge-fields';

describe('scanMergeFields', () => {
  it('finds record fields with their offsets', () => {
    const prompt = 'Read {!Record.Description} from {!Record.Lead_Source__c}.';

    expect(scanMergeFields(prompt)).toEqual([
      { kind: 'field', text: '{!Record.Description}', start: 5, end: 26, field: 'Description' },
      { kind: 'field', text: '{!Record.Lead_Source__c}', start: 32, end: 56, field: 'Lead_Source__c' },
    ]);
  });

  it.each([
    ['{!Record.}'],
    ['{!Account.Name}'],
    ['{!Record.Owner.Name}'],
    ['{!Record.1Field}'],
    ['{! Record.Description}'],
    ['{!record.Description}'],
    ['{!}'],
  ])('reports %s as unsupported', (text) => {
    expect(scanMergeFields(`Use ${text} here.`)).toEqual([
      { kind: 'unsupported', text, start: 4, end: 4 + text.length },
    ]);
  });

  it('reports a merge field without closing brace', () => {
    expect(scanMergeFields('Read {!Record.Description and reply.')).toEqual([
      { kind: 'unclosed', text: '{!Record.Description and reply.', start: 5, end: 36 },
    ]);
  });

  it('ends an unclosed merge field at the next opening brace', () => {
    const found = scanMergeFields('{!Record.Name then {!Record.Email}');

    expect(found.map((mergeField) => mergeField.kind)).toEqual(['unclosed', 'field']);
    expect(found[0]?.text).toBe('{!Record.Name then ');
  });

  it('ignores braces that are not merge fields', () => {
    expect(
      scanMergeFields('Answer as {"intent": "x"} with {!Record.Description}.').map((mergeField) => mergeField.kind),
    ).toEqual(['field']);
  });
});

describe('listPromptFields', () => {
  it('lists each field once in order of first use', () => {
    expect(listPromptFields('{!Record.Description} {!Record.Company} {!Record.Description} {!Account.Name}')).toEqual([
      'Description',
      'Company',
    ]);
  });
});
