import {
    addNode,
    createNode,
    flowVariables,
    groupProblems,
    listEdges,
    nodeIdProblem,
    nodeOptions,
    removeNode,
    renameNode,
    setEdgeTarget
} from 'c/flowModel';

const FLOW = require('./data/inquiryTriage.json');
const STARTER = {
    schemaVersion: 1,
    name: 'New flow',
    object: 'Lead',
    version: 1,
    entry: { startNodeId: 'end', updateFields: [] },
    nodes: [{ id: 'end', type: 'end', label: 'End' }]
};

function node(definition, id) {
    return definition.nodes.find((candidate) => candidate.id === id);
}

describe('c/flowModel', () => {
    it('creates nodes with free ids and empty settings', () => {
        const withAi = { ...FLOW, nodes: [...FLOW.nodes, { id: 'ai_inference_1', type: 'end' }] };

        const ai = createNode(withAi, 'ai_inference');
        expect(ai).toEqual({
            id: 'ai_inference_2',
            type: 'ai_inference',
            label: 'AI Inference',
            config: {
                prompt: '',
                outputs: [{ name: 'result', type: 'text' }],
                temperature: 0,
                maxOutputTokens: 500,
                timeoutMs: 30000
            },
            next: {}
        });
        expect(createNode(FLOW, 'branch').rules[0]).toEqual({
            label: 'Rule 1',
            when: { match: 'all', conditions: [{ left: { field: '' }, operator: 'equals', value: '' }] }
        });
        expect(createNode(FLOW, 'assign_owner')).toEqual({
            id: 'assign_owner_1',
            type: 'assign_owner',
            label: 'Assign Owner',
            ownerId: ''
        });
        expect(createNode(FLOW, 'update_record').fields).toEqual([{ field: '', value: { literal: '' } }]);
        expect(createNode(FLOW, 'end')).toEqual({ id: 'end_1', type: 'end', label: 'End' });
        expect(() => createNode(FLOW, 'loop')).toThrow('Unknown node type: loop');
    });

    it('makes the first real node the start of a new flow', () => {
        const ai = createNode(STARTER, 'ai_inference');

        const added = addNode(STARTER, ai);
        expect(added.entry.startNodeId).toBe('ai_inference_1');
        expect(added.nodes.map((candidate) => candidate.id)).toEqual(['end', 'ai_inference_1']);

        const second = addNode(added, createNode(added, 'branch'));
        expect(second.entry.startNodeId).toBe('ai_inference_1');
        expect(STARTER.entry.startNodeId).toBe('end');
    });

    it('lists the edges of each node type', () => {
        expect(listEdges(node(FLOW, 'classify'))).toEqual([
            { key: 'next.success', kind: 'success', label: 'success', target: 'save_classification' },
            { key: 'next.timeout', kind: 'timeout', label: 'timeout', target: 'assign_fallback' },
            { key: 'next.error', kind: 'error', label: 'error', target: 'assign_fallback' }
        ]);
        const branchEdges = listEdges(node(FLOW, 'route_by_intent'));
        expect(branchEdges.map((edge) => [edge.key, edge.label, edge.target])).toEqual([
            ['rules.0.next', 'Complaint', 'assign_complaints'],
            ['rules.1.next', 'Question', 'assign_service'],
            ['rules.2.next', 'Request', 'assign_sales'],
            ['otherwise', 'otherwise', 'assign_general']
        ]);
        expect(listEdges(node(FLOW, 'mark_hot'))).toEqual([
            { key: 'next', kind: 'next', label: 'next', target: 'done' }
        ]);
        expect(listEdges(node(FLOW, 'done'))).toEqual([]);
    });

    it('names an unlabelled rule by its number', () => {
        const branch = { id: 'b', type: 'branch', rules: [{ when: {} }, { label: '', when: {} }] };

        expect(listEdges(branch).map((edge) => edge.label)).toEqual(['Rule 1', 'Rule 2', 'otherwise']);
    });

    it('connects and disconnects edges without changing the node', () => {
        const classify = node(FLOW, 'classify');

        const connected = setEdgeTarget(classify, 'next.timeout', 'done');
        expect(connected.next).toEqual({ success: 'save_classification', timeout: 'done', error: 'assign_fallback' });
        const disconnected = setEdgeTarget(classify, 'next.error', '');
        expect(disconnected.next).toEqual({ success: 'save_classification', timeout: 'assign_fallback' });
        expect(classify.next.timeout).toBe('assign_fallback');

        const branch = node(FLOW, 'route_by_intent');
        expect(setEdgeTarget(branch, 'rules.1.next', 'done').rules[1].next).toBe('done');
        expect(setEdgeTarget(branch, 'otherwise', '')).not.toHaveProperty('otherwise');
        expect(setEdgeTarget(node(FLOW, 'mark_hot'), 'next', 'assign_sales').next).toBe('assign_sales');
    });

    it('removes a node and the edges that pointed at it', () => {
        const removed = removeNode(FLOW, 'assign_fallback');

        expect(node(removed, 'assign_fallback')).toBeUndefined();
        expect(node(removed, 'classify').next).toEqual({ success: 'save_classification' });
        expect(removed.nodes).toHaveLength(9);

        const withoutStart = removeNode(FLOW, 'classify');
        expect(withoutStart.entry.startNodeId).toBe('save_classification');
    });

    it('renames a node with its edges and the start', () => {
        const renamed = renameNode(FLOW, 'classify', 'triage');

        expect(renamed.entry.startNodeId).toBe('triage');
        expect(node(renamed, 'triage').type).toBe('ai_inference');

        const doneRenamed = renameNode(FLOW, 'done', 'finish');
        expect(node(doneRenamed, 'mark_hot').next).toBe('finish');
        expect(node(doneRenamed, 'assign_sales').next).toBe('finish');
    });

    it('checks new node ids', () => {
        expect(nodeIdProblem(FLOW, 'classify', 'classify')).toBe('');
        expect(nodeIdProblem(FLOW, 'classify', 'triage-2')).toBe('');
        expect(nodeIdProblem(FLOW, 'classify', 'done')).toBe('Another node already has the id "done".');
        expect(nodeIdProblem(FLOW, 'classify', 'has space')).toBe(
            'Enter 1 to 64 letters, digits, underscores or hyphens.'
        );
        expect(nodeIdProblem(FLOW, 'classify', '')).toBe('Enter 1 to 64 letters, digits, underscores or hyphens.');
    });

    it('lists the variables the AI nodes set', () => {
        expect(flowVariables(FLOW)).toEqual([
            {
                name: 'intent',
                type: 'picklist',
                values: ['complaint', 'question', 'request', 'other'],
                nodeId: 'classify'
            },
            { name: 'sentiment', type: 'picklist', values: ['negative', 'neutral', 'positive'], nodeId: 'classify' },
            { name: 'summary', type: 'text', values: undefined, nodeId: 'classify' }
        ]);
    });

    it('offers the other nodes as edge targets', () => {
        const options = nodeOptions(FLOW, 'classify');

        expect(options).toHaveLength(9);
        expect(options[0]).toEqual({
            label: 'Save the classification on the lead (save_classification)',
            value: 'save_classification'
        });
        expect(nodeOptions({ nodes: [{ id: 'a', type: 'end' }] })).toEqual([{ label: 'a', value: 'a' }]);
    });

    it('groups problems by node and keeps the others for the flow', () => {
        const problems = [
            { nodeId: 'classify', path: 'nodes[0].config.prompt', code: 'invalid_value', message: 'A' },
            { nodeId: null, path: 'entry.startNodeId', code: 'unknown_start_node', message: 'B' },
            { nodeId: 'gone', path: 'nodes[12]', code: 'invalid_value', message: 'C' },
            { nodeId: 'classify', path: 'nodes[0].next.error', code: 'missing_edge', message: 'D' }
        ];

        const grouped = groupProblems(FLOW, problems);
        expect(grouped.byNode.classify.map((problem) => problem.message)).toEqual(['A', 'D']);
        expect(grouped.flow.map((problem) => problem.message)).toEqual(['B', 'C']);
        expect(groupProblems(FLOW, undefined)).toEqual({ flow: [], byNode: {} });
    });
});
