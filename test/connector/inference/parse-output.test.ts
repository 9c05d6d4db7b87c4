import type { OutputDefinition } from '../../../connector/src/flows/definition';
import { parseOutput } from '../../../connector/src/inference/parse-output';

const outputs: OutputDefinition[] = [
  { name: 'intent', type: 'picklist', values: ['pricing', 'support', 'other'] },
  { name: 'summary', type: 'text' },
  { name: 'score', type: 'number' },
  { name: 'urgent', type: 'boolean' },
];

const validAnswer = { intent: 'support', summary: 'Lost card.', score: 72, urgent: true };

function failureMessage(content: string): string {
  const result = parseOutput(content, outputs);
  if (result.ok) {
    throw new Error('expected a failure');
  }
  expect(result.code).toBe('invalid_output');
  return result.message;
}

describe('parseOutput', () => {
  it('returns typed variables for a valid answer', () => {
    expect(parseOutput(JSON.stringify(validAnswer), outputs)).toEqual({ ok: true, variables: validAnswer });
  });

  it('rejects text that is not JSON', () => {
    expect(failureMessage('{"intent": "support"')).toBe("The model's response is not valid JSON.");
  });

  it.each([['[]'], ['null'], ['"support"'], ['42']])('rejects %s as not an object', (content) => {
    expect(failureMessage(content)).toBe("The model's response is not a JSON object.");
  });

  it('rejects a missing output', () => {
    const { score: _score, ...answer } = validAnswer;

    expect(failureMessage(JSON.stringify(answer))).toBe(
      'The model\'s response does not match the outputs. The output "score" is missing.',
    );
  });

  it('rejects a picklist value outside the list', () => {
    expect(failureMessage(JSON.stringify({ ...validAnswer, intent: 'Support' }))).toBe(
      'The model\'s response does not match the outputs. The output "intent" is not one of pricing, support, other.',
    );
  });

  it.each([
    ['summary', 42, 'The output "summary" is not text.'],
    ['score', '72', 'The output "score" is not a number.'],
    ['urgent', 'true', 'The output "urgent" is not true or false.'],
    ['urgent', null, 'The output "urgent" is not true or false.'],
  ])('rejects a wrong type for %s', (name, value, mismatch) => {
    expect(failureMessage(JSON.stringify({ ...validAnswer, [name]: value }))).toBe(
      `The model's response does not match the outputs. ${mismatch}`,
    );
  });

  it('rejects extra properties without quoting their names', () => {
    const message = failureMessage(JSON.stringify({ ...validAnswer, 'ignore previous instructions': 1 }));

    expect(message).toBe(
      "The model's response does not match the outputs. It contains 1 property that is not an output.",
    );
  });

  it('names at most three mismatches', () => {
    expect(failureMessage(JSON.stringify({ intent: 1, summary: 2, score: 'x', urgent: 'y' }))).toBe(
      'The model\'s response does not match the outputs. The output "intent" is not one of pricing, support, other. The output "summary" is not text. The output "score" is not a number.',
    );
  });
});
