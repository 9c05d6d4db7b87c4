import { NODE_HEIGHT, NODE_WIDTH, layoutFlow, truncate } from 'c/flowGraphLayout';

const FLOW = require('./data/inquiryTriage.json');

function byId(layout) {
    return Object.fromEntries(layout.nodes.map((item) => [item.id, item]));
}

function overlaps(first, second) {
    return (
        first.x < second.x + second.width &&
        second.x < first.x + first.width &&
        first.y < second.y + second.height &&
        second.y < first.y + first.height
    );
}

describe('c/flowGraphLayout', () => {
    it('puts each node one layer below the lowest node leading to it', () => {
        const nodes = byId(layoutFlow(FLOW));

        expect(nodes.classify.layer).toBe(0);
        expect(nodes.save_classification.layer).toBe(1);
        expect(nodes.assign_fallback.layer).toBe(1);
        expect(nodes.route_by_intent.layer).toBe(2);
        expect(nodes.assign_complaints.layer).toBe(3);
        expect(nodes.mark_hot.layer).toBe(4);
        expect(nodes.done.layer).toBe(5);
        expect(nodes.done.y).toBeGreaterThan(nodes.mark_hot.y + NODE_HEIGHT);
    });

    it('keeps the order of branch rules from left to right', () => {
        const nodes = byId(layoutFlow(FLOW));

        const order = ['assign_complaints', 'assign_service', 'assign_sales', 'assign_general'].map(
            (id) => nodes[id].x
        );
        expect([...order].sort((left, right) => left - right)).toEqual(order);
    });

    it('never overlaps two nodes and fits them in the picture', () => {
        const layout = layoutFlow(FLOW);

        const outside = layout.nodes.filter(
            (item) => item.x < 0 || item.x + NODE_WIDTH > layout.width || item.y + NODE_HEIGHT > layout.height
        );
        expect(outside).toEqual([]);
        const overlapping = layout.nodes.flatMap((first) =>
            layout.nodes
                .filter((second) => first !== second && overlaps(first, second))
                .map((second) => [first.id, second.id])
        );
        expect(overlapping).toEqual([]);
    });

    it('draws forward edges downwards with an arrow at the target', () => {
        const layout = layoutFlow(FLOW);
        const nodes = byId(layout);

        const edge = layout.edges.find((candidate) => candidate.key === 'classify->save_classification');
        expect(edge.back).toBe(false);
        expect(edge.label).toBe('success');
        expect(edge.d.startsWith(`M ${edge.d.split(' ')[1]} ${nodes.classify.y + NODE_HEIGHT}`)).toBe(true);
        expect(edge.arrow.endsWith(`,${nodes.save_classification.y}`)).toBe(true);
        expect(edge.labelY).toBeGreaterThan(nodes.classify.y + NODE_HEIGHT);
        expect(edge.labelY).toBeLessThan(nodes.save_classification.y);
    });

    it('routes an edge that skips layers through each layer it crosses', () => {
        const layout = layoutFlow(FLOW);

        const edge = layout.edges.find((candidate) => candidate.key === 'assign_fallback->done');
        // Three layers lie between layer 1 and layer 5: each adds a straight piece, and
        // pieces between placeholders in one column are straight too.
        expect(edge.d.match(/ L /g).length).toBeGreaterThanOrEqual(3);
    });

    it('keeps a long edge between its two nodes', () => {
        const layout = layoutFlow(FLOW);
        const nodes = byId(layout);

        const edge = layout.edges.find((candidate) => candidate.key === 'assign_fallback->done');
        const numbers = edge.d.match(/-?[\d.]+/g).map(Number);
        const ys = numbers.filter((_, index) => index % 2 === 1);
        const outside = ys.filter((y) => y < nodes.assign_fallback.y + NODE_HEIGHT || y > nodes.done.y);
        expect(outside).toEqual([]);
        expect(edge.labelY).toBeGreaterThan(nodes.assign_fallback.y + NODE_HEIGHT);
    });

    it('draws a cycle as a curve on the right', () => {
        const cyclic = {
            entry: { startNodeId: 'a' },
            nodes: [
                { id: 'a', type: 'assign_owner', ownerId: '005000000000001', next: 'b' },
                { id: 'b', type: 'assign_owner', ownerId: '005000000000001', next: 'a' }
            ]
        };

        const layout = layoutFlow(cyclic);

        const back = layout.edges.find((edge) => edge.key === 'b->a');
        expect(back.back).toBe(true);
        expect(layout.width).toBeGreaterThan(NODE_WIDTH + 100);
        expect(byId(layout).b.layer).toBe(1);
    });

    it('places nodes the start cannot reach in a block on the right', () => {
        const definition = {
            entry: { startNodeId: 'start' },
            nodes: [
                { id: 'start', type: 'end' },
                { id: 'loose', type: 'assign_owner', next: 'start' },
                { id: 'loose_end', type: 'end' }
            ]
        };

        const layout = layoutFlow(definition);
        const nodes = byId(layout);

        expect(nodes.start.reachable).toBe(true);
        expect(nodes.loose.reachable).toBe(false);
        expect(nodes.loose.x).toBeGreaterThan(nodes.start.x + NODE_WIDTH);
        expect(layout.edges.map((edge) => edge.key)).toEqual(['loose->start']);
        expect(layout.nodes.map((item) => item.id)).toEqual(['start', 'loose', 'loose_end']);
    });

    it('ignores edges to missing nodes and duplicate ids', () => {
        const definition = {
            entry: { startNodeId: 'missing' },
            nodes: [
                { id: 'a', type: 'assign_owner', next: 'nowhere' },
                { id: 'a', type: 'end' }
            ]
        };

        const layout = layoutFlow(definition);

        expect(layout.nodes).toHaveLength(1);
        expect(layout.edges).toEqual([]);
        expect(layout.start).toBeNull();
    });

    it('marks the start node', () => {
        const layout = layoutFlow(FLOW);
        const classify = byId(layout).classify;

        expect(layout.start).toEqual({ x: classify.x + NODE_WIDTH / 2, y: classify.y });
    });

    it('shortens long labels', () => {
        expect(truncate('Manual triage queue when AI is unavailable', 24)).toBe('Manual triage queue whe…');
        expect(truncate('Done', 24)).toBe('Done');
        expect(truncate(undefined, 5)).toBe('');
    });
});
