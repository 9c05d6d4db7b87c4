import type { Condition, ConditionGroup, Literal } from '../definition';
import { readRecordField, type RecordFields } from '../record-fields';
import type { VariableValue } from '../../inference/types';
import { compareOrder, isBlank, textContains, textStartsWith, valuesEqual, type ScalarValue } from './compare-values';

/** Data that conditions read: the record's fields and the variables set so far. */
export interface ConditionScope {
  fields: RecordFields;
  variables: Readonly<Record<string, VariableValue>>;
}

/** Evaluates a group: `all` needs every condition to hold, `any` at least one. See compare-values.ts for the rules. */
export function evaluateConditionGroup(group: ConditionGroup, scope: ConditionScope): boolean {
  const results = group.conditions.map((condition) => evaluateCondition(condition, scope));
  return group.match === 'any' ? results.some(Boolean) : results.every(Boolean);
}

export function evaluateCondition(condition: Condition, scope: ConditionScope): boolean {
  const actual = readOperand(condition, scope);
  const expected = condition.value;

  switch (condition.operator) {
    case 'is_blank':
      return isBlank(actual);
    case 'is_not_blank':
      return !isBlank(actual);
    case 'in':
      return asList(expected).some((candidate) => valuesEqual(actual, candidate));
    case 'not_in':
      return !asList(expected).some((candidate) => valuesEqual(actual, candidate));
  }

  // Validation rejects a list for the remaining operators; should one arrive, no value matches it.
  if (Array.isArray(expected)) {
    return false;
  }
  const value: ScalarValue | undefined = expected;

  switch (condition.operator) {
    case 'equals':
      return valuesEqual(actual, value);
    case 'not_equals':
      return !valuesEqual(actual, value);
    case 'contains':
      return textContains(actual, value);
    case 'not_contains':
      return !textContains(actual, value);
    case 'starts_with':
      return textStartsWith(actual, value);
    case 'greater_than':
      return holdsOrder(actual, value, (order) => order > 0);
    case 'greater_or_equal':
      return holdsOrder(actual, value, (order) => order >= 0);
    case 'less_than':
      return holdsOrder(actual, value, (order) => order < 0);
    case 'less_or_equal':
      return holdsOrder(actual, value, (order) => order <= 0);
  }
}

function readOperand(condition: Condition, scope: ConditionScope): ScalarValue | undefined {
  if ('field' in condition.left) {
    return readRecordField(scope.fields, condition.left.field);
  }
  return scope.variables[condition.left.variable] ?? null;
}

function asList(value: Literal | Literal[] | undefined): Literal[] {
  if (value === undefined) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

function holdsOrder(
  actual: ScalarValue | undefined,
  expected: ScalarValue | undefined,
  test: (order: number) => boolean,
): boolean {
  const order = compareOrder(actual, expected);
  return order !== null && test(order);
}
