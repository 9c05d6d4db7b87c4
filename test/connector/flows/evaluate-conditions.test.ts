import type { ComparisonOperator, Condition, Literal } from '../../../connector/src/flows/definition';
import {
  evaluateCondition,
  evaluateConditionGroup,
  type ConditionScope,
} from '../../../connector/src/flows/engine/evaluate-conditions';

const scope: ConditionScope = {
  fields: {
    Industry: '  Banking ',
    Rating: null,
    Blank: '   ',
    NumberOfEmployees: 250,
    AnnualRevenue: '1500000.50',
    Code: '007',
    HasOptedOutOfEmail: true,
    CreatedDate: '2024-05-01T10:00:00.000Z',
    Description: 'Please CALL me back about my card',
  },
  variables: { intent: 'pricing', score: 72, urgent: false, summary: null },
};

function fieldCondition(field: string, operator: ComparisonOperator, value?: Literal | Literal[]): Condition {
  return value === undefined ? { left: { field }, operator } : { left: { field }, operator, value };
}

describe('evaluateCondition', () => {
  it.each([
    ['text equals without case and spaces', fieldCondition('Industry', 'equals', 'banking'), true],
    ['text not_equals', fieldCondition('Industry', 'not_equals', 'Retail'), true],
    ['numbers numerically', fieldCondition('NumberOfEmployees', 'equals', '250.0'), true],
    ['numeric text as a number', fieldCondition('Code', 'equals', 7), true],
    ['boolean with boolean', fieldCondition('HasOptedOutOfEmail', 'equals', true), true],
    ['boolean with text', fieldCondition('HasOptedOutOfEmail', 'equals', 'TRUE'), true],
    ['boolean against a number', fieldCondition('HasOptedOutOfEmail', 'equals', 1), false],
    ['blank equals null', fieldCondition('Rating', 'equals', null), true],
    ['whitespace equals null', fieldCondition('Blank', 'equals', null), true],
    ['absent field equals null', fieldCondition('Missing__c', 'equals', null), true],
    ['blank never equals a value', fieldCondition('Rating', 'equals', 'Hot'), false],
    ['blank is not_equals a value', fieldCondition('Rating', 'not_equals', 'Hot'), true],
    ['contains without case', fieldCondition('Description', 'contains', 'call me'), true],
    ['not_contains', fieldCondition('Description', 'not_contains', 'refund'), true],
    ['blank contains nothing', fieldCondition('Rating', 'contains', 'a'), false],
    ['blank not_contains anything', fieldCondition('Rating', 'not_contains', 'a'), true],
    ['starts_with after trimming', fieldCondition('Industry', 'starts_with', 'bank'), true],
    ['greater_than numeric text', fieldCondition('AnnualRevenue', 'greater_than', 1_000_000), true],
    ['greater_than is not lexicographic', fieldCondition('NumberOfEmployees', 'greater_than', '30'), true],
    ['less_or_equal equal numbers', fieldCondition('NumberOfEmployees', 'less_or_equal', 250), true],
    ['greater_or_equal', fieldCondition('NumberOfEmployees', 'greater_or_equal', 251), false],
    ['less_than', fieldCondition('NumberOfEmployees', 'less_than', 251), true],
    ['ISO dates in order', fieldCondition('CreatedDate', 'greater_than', '2024-01-01'), true],
    ['blank never ordered', fieldCondition('Rating', 'less_than', 5), false],
    ['number against text not ordered', fieldCondition('NumberOfEmployees', 'greater_than', 'abc'), false],
    ['is_blank on null', fieldCondition('Rating', 'is_blank'), true],
    ['is_blank on whitespace', fieldCondition('Blank', 'is_blank'), true],
    ['is_blank on an absent field', fieldCondition('Missing__c', 'is_blank'), true],
    ['is_blank on false', fieldCondition('HasOptedOutOfEmail', 'is_blank'), false],
    ['is_not_blank', fieldCondition('Industry', 'is_not_blank'), true],
    ['in', fieldCondition('Industry', 'in', ['Retail', 'BANKING']), true],
    ['in with numbers', fieldCondition('NumberOfEmployees', 'in', ['100', '250']), true],
    ['not_in', fieldCondition('Industry', 'not_in', ['Retail', 'Energy']), true],
    ['blank in a list with null', fieldCondition('Rating', 'in', ['Hot', null]), true],
    ['field name in another case', fieldCondition('industry', 'equals', 'Banking'), true],
    ['a list for a single-value operator', fieldCondition('Industry', 'equals', ['Banking']), false],
  ])('compares %s', (_case, condition, expected) => {
    expect(evaluateCondition(condition, scope)).toBe(expected);
  });

  it('reads variables, with unset ones as blank', () => {
    expect(evaluateCondition({ left: { variable: 'intent' }, operator: 'equals', value: 'Pricing' }, scope)).toBe(true);
    expect(evaluateCondition({ left: { variable: 'score' }, operator: 'greater_or_equal', value: 70 }, scope)).toBe(
      true,
    );
    expect(evaluateCondition({ left: { variable: 'urgent' }, operator: 'equals', value: false }, scope)).toBe(true);
    expect(evaluateCondition({ left: { variable: 'summary' }, operator: 'is_blank' }, scope)).toBe(true);
    expect(evaluateCondition({ left: { variable: 'never_set' }, operator: 'is_blank' }, scope)).toBe(true);
  });
});

describe('evaluateConditionGroup', () => {
  const matching = fieldCondition('Industry', 'equals', 'Banking');
  const notMatching = fieldCondition('Industry', 'equals', 'Retail');

  it('needs every condition for all', () => {
    expect(evaluateConditionGroup({ match: 'all', conditions: [matching, matching] }, scope)).toBe(true);
    expect(evaluateConditionGroup({ match: 'all', conditions: [matching, notMatching] }, scope)).toBe(false);
  });

  it('needs one condition for any', () => {
    expect(evaluateConditionGroup({ match: 'any', conditions: [notMatching, matching] }, scope)).toBe(true);
    expect(evaluateConditionGroup({ match: 'any', conditions: [notMatching, notMatching] }, scope)).toBe(false);
  });
});
