import { createElement } from 'lwc';
import FlowGraph from 'c/flowGraph';

const FLOW = require('./data/inquiryTriage.json');

function createGraph(properties = {}) {
    const element = createElement('c-flow-graph', { is: FlowGraph });
    Object.assign(element, { definition: FLOW, ...properties });
    document.body.appendChild(element);
    return element;
}

function nodeGroups(element) {
    return [...element.shadowRoot.querySelectorAll('g.node')];
}

function nodeGroup(element, nodeId) {
    return nodeGroups(element).find((group) => group.dataset.nodeId === nodeId);
}

function edgeGroup(element, key) {
    return [...element.shadowRoot.querySelectorAll('g.edge')].find((group) => group.dataset.edge === key);
}

describe('c-flow-graph', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
    });

    it('draws every node as a focusable button with its type and label', () => {
        const element = createGraph();

        const groups = nodeGroups(element);
        expect(groups).toHaveLength(10);
        const classify = nodeGroup(element, 'classify');
        expect(classify.getAttribute('tabindex')).toBe('0');
        expect(classify.getAttribute('role')).toBe('button');
        expect(classify.getAttribute('aria-label')).toBe('AI Inference node classify, Classify the inquiry');
        expect(classify.querySelector('.node-type').textContent).toBe('AI INFERENCE');
        expect(classify.querySelector('.node-label').textContent).toBe('Classify the inquiry');
        expect(classify.querySelector('.node-id').textContent).toBe('classify');
        expect(classify.querySelector('.node-icon').getAttribute('class')).toContain('node-icon_ai_inference');
        expect(groups[0].dataset.nodeId).toBe('classify');
    });

    it('labels the edges and merges two edges to one node', () => {
        const element = createGraph();

        const edges = [...element.shadowRoot.querySelectorAll('g.edge')];
        expect(edges).toHaveLength(13);
        expect(edgeGroup(element, 'classify->save_classification').querySelector('text').textContent).toContain(
            'success'
        );
        expect(edgeGroup(element, 'classify->assign_fallback').querySelector('text').textContent).toContain(
            'timeout, error'
        );
        expect(edgeGroup(element, 'route_by_intent->assign_general').querySelector('text').textContent).toContain(
            'otherwise'
        );
        expect(edgeGroup(element, 'route_by_intent->assign_complaints').querySelector('text').textContent).toContain(
            'Complaint'
        );
        expect(edgeGroup(element, 'mark_hot->done').querySelector('text')).toBeNull();
    });

    it('marks the selected node and the problem counts', () => {
        const element = createGraph({ selectedNodeId: 'route_by_intent', problemCounts: { classify: 2 } });

        expect(nodeGroup(element, 'route_by_intent').getAttribute('aria-pressed')).toBe('true');
        expect(nodeGroup(element, 'route_by_intent').getAttribute('class')).toContain('node_selected');
        const classify = nodeGroup(element, 'classify');
        expect(classify.getAttribute('class')).toContain('node_problem');
        expect(classify.querySelector('.problem-count').textContent.trim()).toBe('2');
        expect(classify.getAttribute('aria-label')).toBe(
            'AI Inference node classify, Classify the inquiry, 2 problems'
        );
        expect(nodeGroup(element, 'done').querySelector('.problem-badge')).toBeNull();
    });

    it('highlights the path of a test run', () => {
        const element = createGraph({ pathNodeIds: ['classify', 'assign_fallback', 'done'] });

        expect(nodeGroup(element, 'assign_fallback').getAttribute('class')).toContain('node_on-path');
        expect(nodeGroup(element, 'mark_hot').getAttribute('class')).not.toContain('node_on-path');
        expect(edgeGroup(element, 'classify->assign_fallback').getAttribute('class')).toBe('edge edge_on-path');
        expect(edgeGroup(element, 'classify->save_classification').getAttribute('class')).toBe('edge');
    });

    it('selects a node by click and by keyboard', () => {
        const element = createGraph();
        const handler = jest.fn();
        element.addEventListener('nodeselect', handler);

        nodeGroup(element, 'mark_hot').dispatchEvent(new CustomEvent('click'));
        nodeGroup(element, 'done').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
        nodeGroup(element, 'done').dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown' }));

        expect(handler).toHaveBeenCalledTimes(2);
        expect(handler.mock.calls[0][0].detail).toEqual({ nodeId: 'mark_hot', viaKeyboard: false });
        expect(handler.mock.calls[1][0].detail).toEqual({ nodeId: 'done', viaKeyboard: true });
    });

    it('opens the flow settings from the start marker', () => {
        const element = createGraph();
        const handler = jest.fn();
        element.addEventListener('startselect', handler);

        element.shadowRoot.querySelector('g.start-button').dispatchEvent(new KeyboardEvent('keydown', { key: ' ' }));

        expect(handler).toHaveBeenCalledTimes(1);
        expect(handler.mock.calls[0][0].detail).toEqual({ viaKeyboard: true });
    });

    it('draws nodes the start cannot reach with a dashed border', () => {
        const detached = { ...FLOW, nodes: [...FLOW.nodes, { id: 'orphan', type: 'end' }] };
        const element = createGraph({ definition: detached });

        const orphan = nodeGroup(element, 'orphan');
        expect(orphan.getAttribute('class')).toContain('node_unreachable');
        expect(orphan.getAttribute('aria-label')).toBe('End node orphan, not reached from the start');
    });

    it('redraws when the definition changes', async () => {
        const element = createGraph();
        element.definition = { ...FLOW, nodes: FLOW.nodes.filter((node) => node.id !== 'mark_hot') };
        await Promise.resolve();

        expect(nodeGroups(element)).toHaveLength(9);
        expect(nodeGroup(element, 'mark_hot')).toBeUndefined();
    });

    it('explains an empty flow', () => {
        const element = createGraph({ definition: { ...FLOW, nodes: [] } });

        expect(element.shadowRoot.querySelector('svg')).toBeNull();
        expect(element.shadowRoot.querySelector('p').textContent.trim()).toBe(
            'The flow has no nodes. Add one from the palette.'
        );
    });

    it('lists the connections for screen readers', () => {
        const element = createGraph();

        const items = [...element.shadowRoot.querySelectorAll('ul.slds-assistive-text li')].map((item) =>
            item.textContent.trim()
        );
        expect(items[0]).toBe(
            'AI Inference node classify, Classify the inquiry. Leads to: success to save_classification; timeout, error to assign_fallback'
        );
    });
});
