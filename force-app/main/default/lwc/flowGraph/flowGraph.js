import { LightningElement, api } from 'lwc';
import { NODE_HEIGHT, NODE_WIDTH, layoutFlow, truncate } from 'c/flowGraphLayout';
import { nodeTypeLabel } from 'c/flowModel';

// 16 x 16 glyphs drawn for this graph, one per node type.
const GLYPHS = {
    ai_inference: 'M8 0.5 L9.8 6.2 L15.5 8 L9.8 9.8 L8 15.5 L6.2 9.8 L0.5 8 L6.2 6.2 Z',
    branch: 'M8 0.5 L15.5 8 L8 15.5 L0.5 8 Z M8 4 L4 8 L8 12 L12 8 Z',
    assign_owner: 'M8 1.5 A3.2 3.2 0 1 1 7.99 1.5 Z M1.5 15 C1.5 10.5 4.5 9 8 9 C11.5 9 14.5 10.5 14.5 15 Z',
    update_record: 'M1.5 14.5 L2.3 11 L10.6 2.7 L13.3 5.4 L5 13.7 Z M11.7 1.6 L12.6 0.7 L15.3 3.4 L14.4 4.3 Z',
    end: 'M3 3 H13 V13 H3 Z'
};
const LABEL_MAX_CHARS = 24;
const BADGE_RADIUS = 10;

/**
 * The picture of a routing flow, drawn as SVG and laid out anew whenever the definition
 * changes. Nodes are keyboard buttons: Tab moves between them, Enter or Space selects one.
 * Fires `nodeselect` with the node id (and whether the keyboard chose it) and
 * `startselect` when the start marker is chosen.
 */
export default class FlowGraph extends LightningElement {
    /** The flow definition in the connector's format. */
    @api definition;
    /** Id of the selected node, drawn with a blue border. */
    @api selectedNodeId;
    /** Problem counts by node id, drawn as red badges. */
    @api problemCounts = {};
    /** Node ids of a test run's path, drawn in green. */
    @api pathNodeIds = [];

    get layout() {
        return layoutFlow(this.definition);
    }

    get picture() {
        const layout = this.layout;
        const problemCounts = this.problemCounts ?? {};
        const path = this.pathNodeIds ?? [];
        const onPath = new Set(path);
        const pathEdges = new Set(path.slice(1).map((id, index) => `${path[index]}->${id}`));
        const edgesByNode = new Map();
        for (const edge of layout.edges) {
            edgesByNode.set(edge.from, [...(edgesByNode.get(edge.from) ?? []), edge]);
        }

        const nodes = layout.nodes.map((item) => {
            const node = item.node;
            const problemCount = problemCounts[node.id] ?? 0;
            const selected = node.id === this.selectedNodeId;
            const typeLabel = nodeTypeLabel(node.type);
            const classes = ['node', `node_${node.type}`];
            if (selected) {
                classes.push('node_selected');
            }
            if (problemCount > 0) {
                classes.push('node_problem');
            }
            if (onPath.has(node.id)) {
                classes.push('node_on-path');
            }
            if (!item.reachable) {
                classes.push('node_unreachable');
            }
            const label = node.label || node.id;
            const spoken = [`${typeLabel} node ${node.id}`];
            if (node.label) {
                spoken.push(node.label);
            }
            if (problemCount > 0) {
                spoken.push(problemCount === 1 ? '1 problem' : `${problemCount} problems`);
            }
            if (!item.reachable) {
                spoken.push('not reached from the start');
            }
            return {
                id: node.id,
                groupClass: classes.join(' '),
                transform: `translate(${item.x} ${item.y})`,
                ariaLabel: spoken.join(', '),
                ariaPressed: selected ? 'true' : 'false',
                title: `${typeLabel}: ${label} (${node.id})`,
                typeLabel: typeLabel.toUpperCase(),
                displayLabel: truncate(label, LABEL_MAX_CHARS),
                displayId: truncate(node.id, LABEL_MAX_CHARS + 4),
                glyph: GLYPHS[node.type] ?? GLYPHS.end,
                iconClass: `node-icon node-icon_${node.type}`,
                problemCount,
                problemText: problemCount > 9 ? '9+' : String(problemCount),
                badgeX: NODE_WIDTH - 4,
                badgeTextX: NODE_WIDTH - 4,
                connections: (edgesByNode.get(node.id) ?? [])
                    .map((edge) => `${edge.fullLabel} to ${edge.to}`)
                    .join('; ')
            };
        });

        const edges = layout.edges.map((edge) => ({
            ...edge,
            groupClass: pathEdges.has(edge.key) ? 'edge edge_on-path' : 'edge',
            showLabel: edge.label !== 'next'
        }));

        return {
            width: layout.width,
            height: layout.height,
            viewBox: `0 0 ${layout.width} ${layout.height}`,
            nodes,
            edges,
            start: layout.start
                ? {
                      transform: `translate(${layout.start.x - 28} ${layout.start.y - 38})`,
                      line: `M ${layout.start.x} ${layout.start.y - 16} L ${layout.start.x} ${layout.start.y - 8}`,
                      arrow: `${layout.start.x - 5},${layout.start.y - 8} ${layout.start.x + 5},${layout.start.y - 8} ${layout.start.x},${layout.start.y}`
                  }
                : null
        };
    }

    get nodeHeight() {
        return NODE_HEIGHT;
    }

    get nodeWidth() {
        return NODE_WIDTH;
    }

    get badgeRadius() {
        return BADGE_RADIUS;
    }

    get isEmpty() {
        return this.layout.nodes.length === 0;
    }

    /** Moves keyboard focus to a node of the graph. */
    @api
    focusNode(nodeId) {
        const target = [...this.template.querySelectorAll('g.node')].find((group) => group.dataset.nodeId === nodeId);
        target?.focus();
    }

    handleNodeClick(event) {
        this.select(event.currentTarget.dataset.nodeId, false);
    }

    handleNodeKeyDown(event) {
        if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            this.select(event.currentTarget.dataset.nodeId, true);
        }
    }

    handleStartClick() {
        this.dispatchEvent(new CustomEvent('startselect', { detail: { viaKeyboard: false } }));
    }

    handleStartKeyDown(event) {
        if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            this.dispatchEvent(new CustomEvent('startselect', { detail: { viaKeyboard: true } }));
        }
    }

    select(nodeId, viaKeyboard) {
        this.dispatchEvent(new CustomEvent('nodeselect', { detail: { nodeId, viaKeyboard } }));
    }
}
