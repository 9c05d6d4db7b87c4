import { validateFlow } from '../../../connector/src/flows/validate-flow';
import type { FlowProblem } from '../../../connector/src/flows/problems';
import { inquiryTriageFlow, smallFlow, type Draft } from './flow-fixtures';

/** Validates a copy of the small flow after `edit`. */
function problemsAfter(edit: (flow: Draft) => void): FlowProblem[] {
  const flow = smallFlow();
  edit(flow);
  return validateFlow(flow).problems;
}

/** Sets the one condition of the small flow's Branch rule. */
function withCondition(condition: Draft): FlowProblem[] {
  return problemsAfter((flow) => {
    flow.nodes[1].rules[0].when.conditions[0] = condition;
  });
}

const CONDITION_PATH = 'nodes[1].rules[0].when.conditions[0]';

describe('validateFlow', () => {
  describe('valid flows', () => {
    it('accepts the inquiry triage example', () => {
      const result = validateFlow(inquiryTriageFlow());

      expect(result.problems).toEqual([]);
      expect(result.valid).toBe(true);
      expect(result.fieldsRead).toEqual(['Description', 'LeadSource']);
      expect(result.variables).toEqual([
        { name: 'intent', type: 'picklist', nodeId: 'classify' },
        { name: 'sentiment', type: 'picklist', nodeId: 'classify' },
        { name: 'summary', type: 'text', nodeId: 'classify' },
      ]);
    });

    it('returns the definition with defaults applied', () => {
      const result = validateFlow(smallFlow());

      expect(result.valid).toBe(true);
      expect(result.definition?.version).toBe(1);
      expect(result.definition?.entry.updateFields).toEqual([]);
      const classify = result.definition?.nodes[0];
      const config = classify?.type === 'ai_inference' ? classify.config : undefined;
      expect(config?.temperature).toBe(0);
      expect(config?.maxOutputTokens).toBe(500);
      expect(config?.timeoutMs).toBe(30_000);
    });

    it('lists every field read, sorted', () => {
      const flow = smallFlow();
      flow.entry.updateFields = ['Status', 'Description'];
      flow.entry.conditions = { conditions: [{ left: { field: 'Country' }, operator: 'equals', value: 'US' }] };
      flow.nodes[0].config.prompt = 'Read {!Record.Description} and {!Record.Company} and {!Record.Description}.';
      flow.nodes[1].rules[0].when.conditions.push({
        left: { field: 'AnnualRevenue' },
        operator: 'greater_than',
        value: 1000,
      });

      expect(validateFlow(flow).fieldsRead).toEqual(['AnnualRevenue', 'Company', 'Country', 'Description', 'Status']);
    });
  });

  describe('schema problems', () => {
    it('names each invalid field with its node and what was expected', () => {
      const flow = smallFlow();
      flow.schemaVersion = 2;
      flow.color = 'blue';
      flow.nodes[0].config.outputs[0].values = [];
      flow.nodes[0].config.timeoutMs = 5.5;
      flow.nodes[1].rules[0].when.conditions[0].left = { fld: 'Description' };
      flow.nodes[2].type = 'assign_queue';
      flow.nodes[3].ownerId = '0050000000000001';
      delete flow.nodes[4].id;

      const result = validateFlow(flow);

      expect(result.valid).toBe(false);
      expect(result.definition).toBeUndefined();
      expect(result.fieldsRead).toEqual([]);
      expect(result.variables).toEqual([]);
      expect(result.problems).toEqual([
        { nodeId: null, path: 'schemaVersion', code: 'invalid_value', message: 'The field schemaVersion must be 1.' },
        {
          nodeId: 'classify',
          path: 'nodes[0].config.outputs[0].values',
          code: 'invalid_value',
          message: 'In node "classify", the field config.outputs[0].values must have at least 1 item.',
        },
        {
          nodeId: 'classify',
          path: 'nodes[0].config.timeoutMs',
          code: 'invalid_value',
          message: 'In node "classify", the field config.timeoutMs must be a whole number, not the number 5.5.',
        },
        {
          nodeId: 'route',
          path: 'nodes[1].rules[0].when.conditions[0].left',
          code: 'invalid_value',
          message:
            'In node "route", the field rules[0].when.conditions[0].left is invalid: expected {"field": "FieldApiName"} or {"variable": "outputName"}.',
        },
        {
          nodeId: 'sales',
          path: 'nodes[2].type',
          code: 'invalid_value',
          message:
            'In node "sales", the field type must be one of ai_inference, branch, assign_owner, update_record, end.',
        },
        {
          nodeId: 'fallback',
          path: 'nodes[3].ownerId',
          code: 'invalid_value',
          message:
            'In node "fallback", the field ownerId is invalid: expected a 15- or 18-character user (005...) or queue (00G...) id.',
        },
        {
          nodeId: null,
          path: 'nodes[4].id',
          code: 'invalid_value',
          message: 'In the node nodes[4], the field id is missing: expected text.',
        },
        {
          nodeId: null,
          path: '',
          code: 'invalid_value',
          message: 'The flow definition has the unknown field "color". Remove it.',
        },
      ]);
    });

    it('reports the inner problem of a union alternative with the right shape', () => {
      const problems = problemsAfter((flow) => {
        flow.nodes[1].rules[0].when.conditions[0] = {
          left: { variable: 'intent' },
          operator: 'in',
          value: ['pricing', { x: 1 }],
        };
      });

      expect(problems).toEqual([
        {
          nodeId: 'route',
          path: `${CONDITION_PATH}.value[1]`,
          code: 'invalid_value',
          message:
            'In node "route", the field rules[0].when.conditions[0].value[1] is invalid: expected text, a number, true, false or null.',
        },
      ]);
    });

    it('reports a too long literal by its length', () => {
      const flow = smallFlow();
      flow.nodes[2] = {
        id: 'sales',
        type: 'update_record',
        fields: [{ field: 'Rating', value: { literal: 'x'.repeat(1001) } }],
        next: 'done',
      };

      expect(validateFlow(flow).problems).toEqual([
        {
          nodeId: 'sales',
          path: 'nodes[2].fields[0].value.literal',
          code: 'invalid_value',
          message: 'In node "sales", the field fields[0].value.literal must be at most 1000 characters long.',
        },
      ]);
    });

    it('rejects input that is not a flow at all', () => {
      expect(validateFlow('flow').problems).toEqual([
        { nodeId: null, path: '', code: 'invalid_value', message: 'The flow definition must be an object, not text.' },
      ]);
      expect(validateFlow({ ...smallFlow(), nodes: ['x'] }).problems).toEqual([
        {
          nodeId: null,
          path: 'nodes[0]',
          code: 'invalid_value',
          message: 'The node nodes[0] must be an object, not text.',
        },
      ]);
    });
  });

  describe('graph problems', () => {
    it('reports duplicate node ids', () => {
      expect(problemsAfter((flow) => flow.nodes.push({ id: 'done', type: 'end' }))).toEqual([
        {
          nodeId: 'done',
          path: 'nodes[5].id',
          code: 'duplicate_node_id',
          message: 'The node id "done" is used by nodes[4] and nodes[5]. Node ids must be unique within a flow.',
        },
      ]);
    });

    it('reports an unknown start node', () => {
      expect(problemsAfter((flow) => (flow.entry.startNodeId = 'start'))).toEqual([
        {
          nodeId: null,
          path: 'entry.startNodeId',
          code: 'unknown_start_node',
          message:
            'The start node "start" is not a node of this flow. Choose one of the flow\'s nodes as the start node.',
        },
      ]);
    });

    it('reports an edge to an unknown node', () => {
      expect(problemsAfter((flow) => (flow.nodes[0].next.timeout = 'fallbak'))).toEqual([
        {
          nodeId: 'classify',
          path: 'nodes[0].next.timeout',
          code: 'unknown_edge_target',
          message:
            'AI Inference node "classify" points its timeout edge to "fallbak", which is not a node of this flow.',
        },
      ]);
    });

    it.each([
      [
        'timeout',
        'AI Inference node "classify" has no timeout edge. Connect the node that runs when the model does not respond in time.',
      ],
      ['error', 'AI Inference node "classify" has no error edge. Connect the node that runs when the inference fails.'],
    ])('reports a missing %s edge', (edge, message) => {
      expect(problemsAfter((flow) => delete flow.nodes[0].next[edge])).toEqual([
        { nodeId: 'classify', path: `nodes[0].next.${edge}`, code: 'missing_edge', message },
      ]);
    });

    it('reports a missing success edge and the nodes it cuts off', () => {
      expect(problemsAfter((flow) => delete flow.nodes[0].next.success)).toEqual([
        {
          nodeId: 'classify',
          path: 'nodes[0].next.success',
          code: 'missing_edge',
          message:
            'AI Inference node "classify" has no success edge. Connect the node that runs when the model returns its outputs.',
        },
        {
          nodeId: 'route',
          path: 'nodes[1]',
          code: 'unreachable_node',
          message:
            'Branch node "route" cannot be reached from the start node "classify". Connect it to the flow or remove it.',
        },
        {
          nodeId: 'sales',
          path: 'nodes[2]',
          code: 'unreachable_node',
          message:
            'Assign Owner node "sales" cannot be reached from the start node "classify". Connect it to the flow or remove it.',
        },
      ]);
    });

    it('reports a Branch rule without next node', () => {
      const problems = problemsAfter((flow) => delete flow.nodes[1].rules[0].next);

      expect(problems[0]).toEqual({
        nodeId: 'route',
        path: 'nodes[1].rules[0].next',
        code: 'missing_edge',
        message: 'Rule 1 of Branch node "route" has no next node. Connect the node that runs when the rule matches.',
      });
    });

    it('reports a Branch without otherwise edge', () => {
      expect(problemsAfter((flow) => delete flow.nodes[1].otherwise)).toEqual([
        {
          nodeId: 'route',
          path: 'nodes[1].otherwise',
          code: 'missing_edge',
          message: 'Branch node "route" has no otherwise edge. Connect the node that runs when no rule matches.',
        },
      ]);
    });

    it('reports Assign Owner and Update Record nodes without next node', () => {
      const problems = problemsAfter((flow) => {
        delete flow.nodes[3].next;
        flow.nodes[2] = {
          id: 'sales',
          type: 'update_record',
          fields: [{ field: 'Rating', value: { literal: 'Hot' } }],
        };
      });

      expect(problems).toEqual([
        {
          nodeId: 'sales',
          path: 'nodes[2].next',
          code: 'missing_edge',
          message:
            'Update Record node "sales" has no next node. Connect the node that runs after it, such as an End node.',
        },
        {
          nodeId: 'fallback',
          path: 'nodes[3].next',
          code: 'missing_edge',
          message:
            'Assign Owner node "fallback" has no next node. Connect the node that runs after it, such as an End node.',
        },
        {
          nodeId: 'done',
          path: 'nodes[4]',
          code: 'unreachable_node',
          message:
            'End node "done" cannot be reached from the start node "classify". Connect it to the flow or remove it.',
        },
      ]);
    });

    it('rejects an End node with an edge', () => {
      expect(problemsAfter((flow) => (flow.nodes[4].next = 'classify'))).toEqual([
        {
          nodeId: 'done',
          path: 'nodes[4]',
          code: 'invalid_value',
          message: 'Node "done" has the unknown field "next". Remove it.',
        },
      ]);
    });

    it('reports a cycle with its nodes', () => {
      expect(problemsAfter((flow) => (flow.nodes[2].next = 'route'))).toEqual([
        {
          nodeId: 'sales',
          path: 'nodes[2].next',
          code: 'cycle',
          message:
            'The flow loops through "route" → "sales" → "route". A flow must not lead back to a node it has already passed.',
        },
      ]);
    });

    it('reports a cycle among unreachable nodes', () => {
      const problems = problemsAfter((flow) => {
        flow.nodes.push({ id: 'a', type: 'assign_owner', ownerId: '00G000000000003AAA', next: 'b' });
        flow.nodes.push({ id: 'b', type: 'assign_owner', ownerId: '00G000000000004AAA', next: 'a' });
      });

      expect(problems.map((found) => found.code)).toEqual(['cycle', 'unreachable_node', 'unreachable_node']);
      expect(problems[0]?.message).toBe(
        'The flow loops through "a" → "b" → "a". A flow must not lead back to a node it has already passed.',
      );
    });

    it('reports an unreachable node', () => {
      expect(problemsAfter((flow) => flow.nodes.push({ id: 'orphan', type: 'end' }))).toEqual([
        {
          nodeId: 'orphan',
          path: 'nodes[5]',
          code: 'unreachable_node',
          message:
            'End node "orphan" cannot be reached from the start node "classify". Connect it to the flow or remove it.',
        },
      ]);
    });
  });

  describe('problem limits', () => {
    /** 100 branch nodes with long ids: rule 0 leads on, the other rules lead back to the first node. */
    function loopingFlow(rulesPerNode: number): Record<string, unknown> {
      const id = (index: number) => `node_${String(index).padStart(3, '0')}_${'x'.repeat(55)}`;
      const nodes = Array.from({ length: 100 }, (_, index) => ({
        id: id(index),
        type: 'branch',
        rules: Array.from({ length: rulesPerNode }, (_, rule) => ({
          when: { match: 'all', conditions: [{ left: { field: 'Description' }, operator: 'is_not_blank' }] },
          next: rule === 0 && index < 99 ? id(index + 1) : id(0),
        })),
        otherwise: id(0),
      }));
      return { schemaVersion: 1, name: 'Loops', object: 'Lead', version: 1, entry: { startNodeId: id(0) }, nodes };
    }

    it('lists at most 100 problems', () => {
      const validation = validateFlow(loopingFlow(20));

      expect(validation.valid).toBe(false);
      expect(validation.problems.length).toBeLessThanOrEqual(100);
      expect(JSON.stringify(validation.problems).length).toBeLessThan(100_000);
    });

    it('shortens the route of a long loop', () => {
      const validation = validateFlow(loopingFlow(2));
      const longest = validation.problems.filter((entry) => entry.code === 'cycle').map((entry) => entry.message.length);

      expect(Math.max(...longest)).toBeLessThan(800);
      expect(validation.problems.some((entry) => / → \(\d+ more nodes\) → /.test(entry.message))).toBe(true);
    });

    it('counts the problems it leaves out', () => {
      // Every node has two edges to a node that does not exist.
      const nodes = Array.from({ length: 100 }, (_, index) => ({
        id: `branch_${index}`,
        type: 'branch',
        rules: [{ when: { match: 'all', conditions: [{ left: { field: 'Description' }, operator: 'is_not_blank' }] }, next: 'nowhere' }],
        otherwise: 'nowhere',
      }));
      const validation = validateFlow({ ...smallFlow(), entry: { startNodeId: 'branch_0' }, nodes });

      expect(validation.problems).toHaveLength(100);
      expect(validation.problems.at(-1)).toEqual({
        nodeId: null,
        path: '',
        code: 'more_problems',
        message: expect.stringMatching(/^\d{3} more problems are not listed\. Fix the ones above and validate again\.$/),
      });
    });
  });

  describe('variable problems', () => {
    it('reports a variable not set after a timeout edge', () => {
      expect(problemsAfter((flow) => (flow.nodes[0].next.timeout = 'route'))).toEqual([
        {
          nodeId: 'route',
          path: `${CONDITION_PATH}.left.variable`,
          code: 'variable_not_always_set',
          message:
            'Node "route" uses the variable "intent", but no earlier AI Inference node sets it on the path through "classify" (timeout edge) → "route".',
        },
      ]);
    });

    it('names every node of the path that misses the variable', () => {
      const problems = problemsAfter((flow) => {
        flow.nodes[0].next.error = 'note_error';
        flow.nodes.push({
          id: 'note_error',
          type: 'update_record',
          fields: [{ field: 'Status', value: { literal: 'Error' } }],
          next: 'route',
        });
      });

      expect(problems).toEqual([
        {
          nodeId: 'route',
          path: `${CONDITION_PATH}.left.variable`,
          code: 'variable_not_always_set',
          message:
            'Node "route" uses the variable "intent", but no earlier AI Inference node sets it on the path through "classify" (error edge) → "note_error" → "route".',
        },
      ]);
    });

    it('reports a variable used before any AI Inference node', () => {
      const problems = problemsAfter((flow) => {
        flow.entry.startNodeId = 'save';
        flow.nodes.push({
          id: 'save',
          type: 'update_record',
          fields: [{ field: 'Lead_Summary__c', value: { variable: 'summary' } }],
          next: 'classify',
        });
      });

      expect(problems).toEqual([
        {
          nodeId: 'save',
          path: 'nodes[5].fields[0].value.variable',
          code: 'variable_not_always_set',
          message: 'Node "save" uses the variable "summary", but no AI Inference node runs before it.',
        },
      ]);
    });

    it('accepts a variable used where paths from its success edge join', () => {
      const problems = problemsAfter((flow) => {
        flow.nodes[1].otherwise = 'service';
        flow.nodes[2].next = 'save';
        flow.nodes.push({ id: 'service', type: 'assign_owner', ownerId: '00G000000000003AAA', next: 'save' });
        flow.nodes.push({
          id: 'save',
          type: 'update_record',
          fields: [{ field: 'Lead_Summary__c', value: { variable: 'summary' } }],
          next: 'done',
        });
      });

      expect(problems).toEqual([]);
    });

    it('names the failure edge when paths with and without the variable join', () => {
      const problems = problemsAfter((flow) => {
        flow.nodes[3] = {
          id: 'fallback',
          type: 'update_record',
          fields: [{ field: 'Lead_Summary__c', value: { variable: 'summary' } }],
          next: 'done',
        };
      });

      expect(problems).toEqual([
        {
          nodeId: 'fallback',
          path: 'nodes[3].fields[0].value.variable',
          code: 'variable_not_always_set',
          message:
            'Node "fallback" uses the variable "summary", but no earlier AI Inference node sets it on the path through "classify" (timeout edge) → "fallback".',
        },
      ]);
    });

    it('reports a variable that no node sets', () => {
      expect(withCondition({ left: { variable: 'intnet' }, operator: 'equals', value: 'pricing' })).toEqual([
        {
          nodeId: 'route',
          path: `${CONDITION_PATH}.left.variable`,
          code: 'unknown_variable',
          message: 'Node "route" uses the variable "intnet", but no AI Inference node has an output with that name.',
        },
      ]);
    });
  });

  describe('output problems', () => {
    it('reports an output name used twice in one node', () => {
      expect(problemsAfter((flow) => flow.nodes[0].config.outputs.push({ name: 'score', type: 'text' }))).toEqual([
        {
          nodeId: 'classify',
          path: 'nodes[0].config.outputs[4].name',
          code: 'duplicate_output_name',
          message:
            'In node "classify", the output name "score" is already used by another output. Output names must be unique across the flow because they name its variables.',
        },
      ]);
    });

    it('reports an output name used by two nodes', () => {
      const problems = problemsAfter((flow) => {
        flow.nodes[2].next = 'enrich';
        flow.nodes.push({
          id: 'enrich',
          type: 'ai_inference',
          config: { prompt: 'Summarize {!Record.Description}', outputs: [{ name: 'summary', type: 'text' }] },
          next: { success: 'done', timeout: 'done', error: 'done' },
        });
      });

      expect(problems).toEqual([
        {
          nodeId: 'enrich',
          path: 'nodes[5].config.outputs[0].name',
          code: 'duplicate_output_name',
          message:
            'In node "enrich", the output name "summary" is already used by node "classify". Output names must be unique across the flow because they name its variables.',
        },
      ]);
    });

    it('reports a picklist without values', () => {
      expect(problemsAfter((flow) => delete flow.nodes[0].config.outputs[0].values)).toEqual([
        {
          nodeId: 'classify',
          path: 'nodes[0].config.outputs[0].values',
          code: 'picklist_without_values',
          message:
            'In node "classify", the picklist output "intent" has no values. List the values the model may choose from.',
        },
      ]);
    });

    it('reports values on an output that is not a picklist', () => {
      expect(problemsAfter((flow) => (flow.nodes[0].config.outputs[3].values = ['short', 'long']))).toEqual([
        {
          nodeId: 'classify',
          path: 'nodes[0].config.outputs[3].values',
          code: 'values_not_allowed',
          message:
            'In node "classify", the output "summary" is of type text but lists values. Only picklist outputs take values.',
        },
      ]);
    });

    it('reports a picklist value listed twice, ignoring case', () => {
      expect(problemsAfter((flow) => flow.nodes[0].config.outputs[0].values.push('PRICING'))).toEqual([
        {
          nodeId: 'classify',
          path: 'nodes[0].config.outputs[0].values[3]',
          code: 'duplicate_picklist_value',
          message:
            'In node "classify", the picklist output "intent" lists the value \'PRICING\' more than once. Values are compared without case and surrounding spaces.',
        },
      ]);
    });
  });

  describe('condition problems', () => {
    it('reports a picklist value that is not in the list', () => {
      expect(withCondition({ left: { variable: 'intent' }, operator: 'equals', value: 'pricng' })).toEqual([
        {
          nodeId: 'route',
          path: `${CONDITION_PATH}.value`,
          code: 'picklist_value_unknown',
          message:
            'In rule 1 of node "route", condition 1 compares the picklist variable "intent" with \'pricng\', but picklist value \'pricng\' is not one of pricing, support, other.',
        },
      ]);
    });

    it('reports an unknown picklist value inside a list', () => {
      const problems = withCondition({
        left: { variable: 'intent' },
        operator: 'not_in',
        value: ['support', 'suport'],
      });

      expect(problems.map((found) => [found.code, found.path])).toEqual([
        ['picklist_value_unknown', `${CONDITION_PATH}.value[1]`],
      ]);
    });

    it('accepts picklist values in another case', () => {
      expect(withCondition({ left: { variable: 'intent' }, operator: 'in', value: [' Pricing', 'SUPPORT'] })).toEqual(
        [],
      );
    });

    it.each([
      [
        'greater_than',
        'intent',
        'picklist',
        'pricing',
        'Use equals, not_equals, in, not_in, is_blank or is_not_blank.',
      ],
      ['less_or_equal', 'urgent', 'boolean', true, 'Use equals, not_equals, is_blank or is_not_blank.'],
      [
        'contains',
        'score',
        'number',
        '5',
        'Use equals, not_equals, greater_than, greater_or_equal, less_than, less_or_equal, in, not_in, is_blank or is_not_blank.',
      ],
    ])('reports %s on variable %s', (operator, variable, type, value, advice) => {
      expect(withCondition({ left: { variable }, operator, value })).toEqual([
        {
          nodeId: 'route',
          path: `${CONDITION_PATH}.operator`,
          code: 'operator_type_mismatch',
          message: `In rule 1 of node "route", condition 1 uses the operator ${operator} on the ${type} variable "${variable}". ${advice}`,
        },
      ]);
    });

    it.each([
      ['score', 'number', "'high'", 'high', 'Compare it with a number.'],
      ['urgent', 'boolean', "'yes'", 'yes', 'Compare it with true or false.'],
      ['summary', 'text', '5', 5, 'Compare it with text.'],
      ['intent', 'picklist', 'true', true, 'Compare it with one of its values.'],
    ])('reports variable %s compared with another type', (variable, type, shown, value, advice) => {
      expect(withCondition({ left: { variable }, operator: 'equals', value })).toEqual([
        {
          nodeId: 'route',
          path: `${CONDITION_PATH}.value`,
          code: 'value_type_mismatch',
          message: `In rule 1 of node "route", condition 1 compares the ${type} variable "${variable}" with ${shown}. ${advice}`,
        },
      ]);
    });

    it('accepts numeric text for a number variable', () => {
      expect(withCondition({ left: { variable: 'score' }, operator: 'greater_than', value: '70' })).toEqual([]);
    });

    it.each([
      [
        { operator: 'in', value: 'pricing' },
        'list_expected',
        'uses the operator in, which needs a list of values, such as ["pricing", "support"].',
      ],
      [
        { operator: 'not_in', value: [] },
        'list_expected',
        'uses the operator not_in, which needs a list of values, such as ["pricing", "support"].',
      ],
      [
        { operator: 'equals', value: ['pricing'] },
        'unexpected_list',
        'uses the operator equals, which compares with one value, not a list. Use in or not_in to compare with a list.',
      ],
      [
        { operator: 'is_blank', value: 'pricing' },
        'unexpected_value',
        'uses the operator is_blank, which takes no value. Remove the value.',
      ],
      [{ operator: 'equals' }, 'missing_value', 'uses the operator equals, which needs a value.'],
    ])('reports the value form of %j', (condition, code, message) => {
      expect(withCondition({ left: { field: 'Industry' }, ...condition })).toEqual([
        {
          nodeId: 'route',
          path: `${CONDITION_PATH}.value`,
          code,
          message: `In rule 1 of node "route", condition 1 ${message}`,
        },
      ]);
    });

    it('accepts is_blank with a null value', () => {
      expect(withCondition({ left: { variable: 'intent' }, operator: 'is_blank', value: null })).toEqual([]);
    });

    it('reports an ordering of a field against true', () => {
      const problems = problemsAfter((flow) => {
        flow.entry.conditions = {
          conditions: [{ left: { field: 'NumberOfEmployees' }, operator: 'greater_than', value: true }],
        };
      });

      expect(problems).toEqual([
        {
          nodeId: null,
          path: 'entry.conditions.conditions[0].value',
          code: 'value_type_mismatch',
          message:
            'Entry condition 1 uses the operator greater_than with true, which has no order. Compare with a number or text.',
        },
      ]);
    });

    it('reports a variable in the entry conditions', () => {
      const problems = problemsAfter((flow) => {
        flow.entry.conditions = { conditions: [{ left: { variable: 'intent' }, operator: 'is_not_blank' }] };
      });

      expect(problems).toEqual([
        {
          nodeId: null,
          path: 'entry.conditions.conditions[0].left.variable',
          code: 'variable_in_entry_conditions',
          message:
            'Entry condition 1 uses the variable "intent", but entry conditions are checked before any AI Inference node runs. Use a field of the record instead.',
        },
      ]);
    });
  });

  describe('prompt problems', () => {
    it('reports unsupported merge fields and a prompt that reads no field', () => {
      expect(
        problemsAfter((flow) => (flow.nodes[0].config.prompt = 'Classify {!Record.} for {!Account.Name}.')),
      ).toEqual([
        {
          nodeId: 'classify',
          path: 'nodes[0].config.prompt',
          code: 'invalid_merge_field',
          message:
            'The prompt of node "classify" contains the merge field {!Record.}, which is not supported. Merge fields must have the form {!Record.FieldApiName}, such as {!Record.Description}.',
        },
        {
          nodeId: 'classify',
          path: 'nodes[0].config.prompt',
          code: 'invalid_merge_field',
          message:
            'The prompt of node "classify" contains the merge field {!Account.Name}, which is not supported. Merge fields must have the form {!Record.FieldApiName}, such as {!Record.Description}.',
        },
        {
          nodeId: 'classify',
          path: 'nodes[0].config.prompt',
          code: 'prompt_reads_no_field',
          message:
            'The prompt of node "classify" reads no field of the record, so the model would get no record data. Add a merge field such as {!Record.Description}.',
        },
      ]);
    });

    it('reports a merge field without closing brace', () => {
      const problems = problemsAfter(
        (flow) => (flow.nodes[0].config.prompt = 'Classify {!Record.Company} and {!Record.Description'),
      );

      expect(problems).toEqual([
        {
          nodeId: 'classify',
          path: 'nodes[0].config.prompt',
          code: 'unclosed_merge_field',
          message: 'The prompt of node "classify" contains {!Record.Description without a closing "}".',
        },
      ]);
    });
  });

  it('reports several problems of different nodes together', () => {
    const flow = smallFlow();
    flow.nodes.push({ id: 'done', type: 'end' });
    flow.nodes[0].next.error = 'nowhere';
    flow.nodes[0].config.prompt = 'Classify {!Account.Description} and {!Record.Description}.';
    flow.nodes[1].rules[0].when.conditions[0].value = 'pricng';
    flow.nodes[1].rules.push({
      when: { conditions: [{ left: { variable: 'urgent' }, operator: 'greater_than', value: 1 }] },
      next: 'sales',
    });

    const result = validateFlow(flow);

    expect(result.valid).toBe(false);
    expect(result.problems.map((found) => [found.code, found.nodeId, found.path])).toEqual([
      ['duplicate_node_id', 'done', 'nodes[5].id'],
      ['unknown_edge_target', 'classify', 'nodes[0].next.error'],
      ['invalid_merge_field', 'classify', 'nodes[0].config.prompt'],
      ['picklist_value_unknown', 'route', 'nodes[1].rules[0].when.conditions[0].value'],
      ['operator_type_mismatch', 'route', 'nodes[1].rules[1].when.conditions[0].operator'],
    ]);
    expect(result.fieldsRead).toEqual(['Description']);
  });
});
