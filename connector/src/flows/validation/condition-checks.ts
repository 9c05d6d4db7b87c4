import type { ComparisonOperator, Condition, ConditionGroup, FlowDefinition, Literal } from '../definition';
import { normalizeText, toNumber } from '../engine/compare-values';
import { listValues, problem, type FlowProblem, type PathSegment } from '../problems';
import type { FlowVariable } from '../variables';

const NO_VALUE_OPERATORS: ReadonlySet<ComparisonOperator> = new Set(['is_blank', 'is_not_blank']);
const LIST_OPERATORS: ReadonlySet<ComparisonOperator> = new Set(['in', 'not_in']);
const ORDERING_OPERATORS: ReadonlySet<ComparisonOperator> = new Set([
  'greater_than',
  'greater_or_equal',
  'less_than',
  'less_or_equal',
]);
const TEXT_OPERATORS: ReadonlySet<ComparisonOperator> = new Set(['contains', 'not_contains', 'starts_with']);

/** Operators that make no sense for a variable type, with the advice shown instead. */
const OPERATOR_ADVICE: Record<FlowVariable['type'], { rejected: ReadonlySet<ComparisonOperator>; advice: string }> = {
  text: { rejected: new Set(), advice: '' },
  number: {
    rejected: TEXT_OPERATORS,
    advice:
      'Use equals, not_equals, greater_than, greater_or_equal, less_than, less_or_equal, in, not_in, is_blank or is_not_blank.',
  },
  boolean: {
    rejected: new Set([...ORDERING_OPERATORS, ...TEXT_OPERATORS, ...LIST_OPERATORS]),
    advice: 'Use equals, not_equals, is_blank or is_not_blank.',
  },
  picklist: { rejected: ORDERING_OPERATORS, advice: 'Use equals, not_equals, in, not_in, is_blank or is_not_blank.' },
};

/** Checks the conditions of the entry criteria and of every Branch rule. */
export function checkConditions(definition: FlowDefinition, variables: readonly FlowVariable[]): FlowProblem[] {
  const variablesByName = new Map(variables.map((variable) => [variable.name, variable]));
  const problems: FlowProblem[] = [];

  const entryConditions = definition.entry.conditions;
  if (entryConditions !== undefined) {
    forEachCondition(entryConditions, ['entry', 'conditions'], (condition, path, conditionIndex) => {
      const where = `Entry condition ${conditionIndex + 1}`;
      if ('variable' in condition.left) {
        problems.push(
          problem(
            null,
            [...path, 'left', 'variable'],
            'variable_in_entry_conditions',
            `${where} uses the variable "${condition.left.variable}", but entry conditions are checked before any AI Inference node runs. Use a field of the record instead.`,
          ),
        );
        return;
      }
      problems.push(...checkCondition(condition, { nodeId: null, path, where, variable: undefined }));
    });
  }

  definition.nodes.forEach((node, nodeIndex) => {
    if (node.type !== 'branch') {
      return;
    }
    node.rules.forEach((rule, ruleIndex) => {
      const groupPath = ['nodes', nodeIndex, 'rules', ruleIndex, 'when'];
      forEachCondition(rule.when, groupPath, (condition, path, conditionIndex) => {
        const variable = 'variable' in condition.left ? variablesByName.get(condition.left.variable) : undefined;
        const where = `In rule ${ruleIndex + 1} of node "${node.id}", condition ${conditionIndex + 1}`;
        problems.push(...checkCondition(condition, { nodeId: node.id, path, where, variable }));
      });
    });
  });

  return problems;
}

function forEachCondition(
  group: ConditionGroup,
  groupPath: PathSegment[],
  visit: (condition: Condition, path: PathSegment[], conditionIndex: number) => void,
): void {
  group.conditions.forEach((condition, conditionIndex) =>
    visit(condition, [...groupPath, 'conditions', conditionIndex], conditionIndex),
  );
}

interface ConditionSite {
  nodeId: string | null;
  path: PathSegment[];
  /** The start of each message, such as `In rule 1 of node "route", condition 2`. */
  where: string;
  /** The variable on the left side; undefined for fields and unknown variables. */
  variable: FlowVariable | undefined;
}

function checkCondition(condition: Condition, site: ConditionSite): FlowProblem[] {
  const { operator, value } = condition;
  const valuePath = [...site.path, 'value'];
  const report = (code: string, message: string, path: PathSegment[] = valuePath): FlowProblem[] => [
    problem(site.nodeId, path, code, message),
  ];

  // First the value's form: none, one, or a list, as the operator requires.
  if (NO_VALUE_OPERATORS.has(operator)) {
    if (value !== undefined && value !== null) {
      return report(
        'unexpected_value',
        `${site.where} uses the operator ${operator}, which takes no value. Remove the value.`,
      );
    }
    return [];
  }
  if (LIST_OPERATORS.has(operator)) {
    if (!Array.isArray(value) || value.length === 0) {
      return report(
        'list_expected',
        `${site.where} uses the operator ${operator}, which needs a list of values, such as ["pricing", "support"].`,
      );
    }
  } else if (Array.isArray(value)) {
    return report(
      'unexpected_list',
      `${site.where} uses the operator ${operator}, which compares with one value, not a list. Use in or not_in to compare with a list.`,
    );
  } else if (value === undefined) {
    return report('missing_value', `${site.where} uses the operator ${operator}, which needs a value.`);
  }

  const compared: Literal[] = Array.isArray(value) ? value : [value as Literal];

  if (site.variable === undefined) {
    return checkFieldComparison(operator, compared, site, report);
  }
  return checkVariableComparison(operator, compared, site.variable, site, report);
}

type Reporter = (code: string, message: string, path?: PathSegment[]) => FlowProblem[];

/** Field types are unknown to the connector, so only values no field could match are reported. */
function checkFieldComparison(
  operator: ComparisonOperator,
  compared: Literal[],
  site: ConditionSite,
  report: Reporter,
): FlowProblem[] {
  const [value] = compared;
  if (ORDERING_OPERATORS.has(operator) && (typeof value === 'boolean' || value === null)) {
    return report(
      'value_type_mismatch',
      `${site.where} uses the operator ${operator} with ${describeLiteral(value)}, which has no order. Compare with a number or text.`,
    );
  }
  if (TEXT_OPERATORS.has(operator) && (typeof value === 'boolean' || value === null)) {
    return report(
      'value_type_mismatch',
      `${site.where} uses the operator ${operator} with ${describeLiteral(value)}. Compare with text.`,
    );
  }
  return [];
}

function checkVariableComparison(
  operator: ComparisonOperator,
  compared: Literal[],
  variable: FlowVariable,
  site: ConditionSite,
  report: Reporter,
): FlowProblem[] {
  const subject = `the ${variable.type} variable "${variable.name}"`;
  const { rejected, advice } = OPERATOR_ADVICE[variable.type];
  if (rejected.has(operator)) {
    return report('operator_type_mismatch', `${site.where} uses the operator ${operator} on ${subject}. ${advice}`, [
      ...site.path,
      'operator',
    ]);
  }

  const problems: FlowProblem[] = [];
  compared.forEach((literal, index) => {
    const path =
      compared.length > 1 || LIST_OPERATORS.has(operator) ? [...site.path, 'value', index] : [...site.path, 'value'];
    const mismatch = describeTypeMismatch(literal, variable);
    if (mismatch !== null) {
      problems.push(
        ...report(
          'value_type_mismatch',
          `${site.where} compares ${subject} with ${describeLiteral(literal)}. ${mismatch}`,
          path,
        ),
      );
      return;
    }
    if (
      variable.type === 'picklist' &&
      typeof literal === 'string' &&
      variable.values !== undefined &&
      !isPicklistValue(literal, variable.values)
    ) {
      problems.push(
        ...report(
          'picklist_value_unknown',
          `${site.where} compares ${subject} with '${literal}', but picklist value '${literal}' is not one of ${listValues(variable.values)}.`,
          path,
        ),
      );
    }
  });
  return problems;
}

/** Returns advice when the literal can never equal a value of the variable's type; null is always allowed (blank). */
function describeTypeMismatch(literal: Literal, variable: FlowVariable): string | null {
  if (literal === null) {
    return null;
  }
  switch (variable.type) {
    case 'boolean':
      return typeof literal === 'boolean' ? null : 'Compare it with true or false.';
    case 'number':
      return toNumber(literal) !== null ? null : 'Compare it with a number.';
    case 'text':
      return typeof literal === 'string' ? null : 'Compare it with text.';
    case 'picklist':
      return typeof literal === 'string' ? null : 'Compare it with one of its values.';
  }
}

function isPicklistValue(literal: string, values: readonly string[]): boolean {
  const expected = normalizeText(literal);
  return values.some((value) => normalizeText(value) === expected);
}

function describeLiteral(literal: Literal): string {
  return typeof literal === 'string' ? `'${literal}'` : String(literal);
}
