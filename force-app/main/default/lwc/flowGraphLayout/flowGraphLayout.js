import { listEdges } from 'c/flowModel';

/**
 * Layered layout of a routing flow, drawn top to bottom from the start node: each node sits
 * one layer below the lowest node that leads to it (longest path), so every forward edge
 * points down. Edges that skip layers pass through placeholder points in the layers they
 * cross, and the order within each layer is improved by averaging the positions of the
 * neighbours (the barycenter heuristic) in a few sweeps. Edges back to an earlier layer
 * (cycles, which the connector rejects) are drawn as curves on the right. Nodes that the
 * start cannot reach are laid out the same way in a second block to the right.
 */

export const NODE_WIDTH = 208;
export const NODE_HEIGHT = 64;
const LAYER_GAP = 76;
const COLUMN_GAP = 44;
const PLACEHOLDER_WIDTH = 24;
const MARGIN = 24;
const START_SPACE = 40;
const BLOCK_GAP = 96;
const BACK_EDGE_OFFSET = 48;
const SWEEPS = 4;
const ARROW_LENGTH = 8;
const LABEL_CHAR_WIDTH = 6.4;
const LABEL_MAX_CHARS = 22;

export function truncate(text, maxLength) {
    const value = text ?? '';
    return value.length > maxLength ? `${value.slice(0, maxLength - 1)}…` : value;
}

/** Groups a node's connected edges by target, so that two edges to one node are drawn once. */
function outgoingByTarget(node, nodesById) {
    const byTarget = new Map();
    for (const edge of listEdges(node)) {
        if (!edge.target || !nodesById.has(edge.target)) {
            continue;
        }
        const existing = byTarget.get(edge.target);
        if (existing) {
            existing.labels.push(edge.label);
        } else {
            byTarget.set(edge.target, { from: node.id, to: edge.target, labels: [edge.label] });
        }
    }
    return [...byTarget.values()];
}

/**
 * Walks the graph depth first from each root in turn. Returns one block per root that
 * reached new nodes, listing them in reverse finishing order (a topological order of the
 * forward edges), and the set of back edges, which close a cycle.
 */
function depthFirst(roots, successors) {
    const state = new Map();
    const backEdges = new Set();
    const blocks = [];

    for (const root of roots) {
        if (state.has(root)) {
            continue;
        }
        const finished = [];
        const stack = [{ id: root, next: 0 }];
        state.set(root, 'open');
        while (stack.length > 0) {
            const frame = stack[stack.length - 1];
            // Successors are walked last to first, so that the reverse finishing order lists
            // them first to last and the layout keeps the order of rules and edges.
            const targets = [...(successors.get(frame.id) ?? [])].reverse();
            if (frame.next < targets.length) {
                const target = targets[frame.next++];
                if (state.get(target) === 'open') {
                    backEdges.add(`${frame.id}->${target}`);
                } else if (!state.has(target)) {
                    state.set(target, 'open');
                    stack.push({ id: target, next: 0 });
                }
            } else {
                state.set(frame.id, 'done');
                finished.push(frame.id);
                stack.pop();
            }
        }
        blocks.push(finished.reverse());
    }
    return { blocks, backEdges };
}

/** Assigns each node of a block the length of the longest forward path to it from the block's roots. */
function assignLayers(order, edges, backEdges) {
    const inBlock = new Set(order);
    const layer = new Map(order.map((id) => [id, 0]));
    for (const id of order) {
        for (const edge of edges.get(id) ?? []) {
            if (inBlock.has(edge.to) && !backEdges.has(`${id}->${edge.to}`)) {
                layer.set(edge.to, Math.max(layer.get(edge.to), layer.get(id) + 1));
            }
        }
    }
    return layer;
}

function average(values) {
    return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Reorders each layer by the average position of each item's neighbours in the layer before. */
function sweep(layers, neighbours, downward) {
    const indices = downward
        ? layers.map((_, index) => index).slice(1)
        : layers
              .map((_, index) => index)
              .reverse()
              .slice(1);
    for (const index of indices) {
        const reference = layers[downward ? index - 1 : index + 1];
        const position = new Map(reference.map((item, place) => [item.id, place]));
        const scored = layers[index].map((item, place) => {
            const linked = (neighbours(item, downward) ?? [])
                .filter((id) => position.has(id))
                .map((id) => position.get(id));
            return { item, score: linked.length > 0 ? average(linked) : place };
        });
        scored.sort((left, right) => left.score - right.score);
        layers[index] = scored.map((entry) => entry.item);
    }
}

/**
 * Lays out one block of nodes: `order` is a topological order of its forward edges, and
 * `placementOrder` the first order within each layer. Returns the nodes by id, every
 * placed item (nodes and placeholders) with its position relative to the block, the
 * forward edges as chains of items, and the size.
 */
function layoutBlock(order, nodesById, edges, backEdges, placementOrder) {
    const layerOf = assignLayers(order, edges, backEdges);
    const layerCount = Math.max(0, ...layerOf.values()) + 1;
    const layers = Array.from({ length: layerCount }, () => []);
    const items = new Map();
    for (const id of placementOrder) {
        const item = { id, node: nodesById.get(id), layer: layerOf.get(id), width: NODE_WIDTH, up: [], down: [] };
        items.set(id, item);
        layers[item.layer].push(item);
    }

    const chains = [];
    for (const id of order) {
        for (const edge of edges.get(id) ?? []) {
            if (!items.has(edge.to) || backEdges.has(`${id}->${edge.to}`)) {
                continue;
            }
            const chain = [items.get(id)];
            for (let layer = layerOf.get(id) + 1; layer < layerOf.get(edge.to); layer++) {
                const placeholder = {
                    id: `${id}->${edge.to}#${layer}`,
                    layer,
                    width: PLACEHOLDER_WIDTH,
                    up: [],
                    down: []
                };
                layers[layer].push(placeholder);
                chain.push(placeholder);
            }
            chain.push(items.get(edge.to));
            for (let step = 1; step < chain.length; step++) {
                chain[step - 1].down.push(chain[step].id);
                chain[step].up.push(chain[step - 1].id);
            }
            chains.push({ edge, chain });
        }
    }

    for (let round = 0; round < SWEEPS; round++) {
        sweep(layers, (item, downward) => (downward ? item.up : item.down), true);
        sweep(layers, (item, downward) => (downward ? item.up : item.down), false);
    }

    const layerWidths = layers.map(
        (layer) => layer.reduce((sum, item) => sum + item.width, 0) + Math.max(0, layer.length - 1) * COLUMN_GAP
    );
    const width = Math.max(NODE_WIDTH, ...layerWidths);
    layers.forEach((layer, index) => {
        let x = (width - layerWidths[index]) / 2;
        for (const item of layer) {
            item.x = x;
            item.y = index * (NODE_HEIGHT + LAYER_GAP);
            x += item.width + COLUMN_GAP;
        }
    });
    const height = layerCount * NODE_HEIGHT + (layerCount - 1) * LAYER_GAP;
    return { items, placed: layers.flat(), chains, width, height };
}

function centerX(item) {
    return item.x + item.width / 2;
}

/** Spreads the ports of several edges along one side of a box, ordered by where they lead. */
function assignPorts(routes) {
    const bySide = new Map();
    const add = (key, route, end, otherX) => {
        if (!bySide.has(key)) {
            bySide.set(key, []);
        }
        bySide.get(key).push({ route, end, otherX });
    };
    for (const route of routes) {
        const { chain } = route;
        add(`out:${chain[0].id}`, route, 'source', centerX(chain[1]));
        add(`in:${chain[chain.length - 1].id}`, route, 'target', centerX(chain[chain.length - 2]));
    }
    for (const [key, ports] of bySide) {
        const box = key.startsWith('out:')
            ? ports[0].route.chain[0]
            : ports[0].route.chain[ports[0].route.chain.length - 1];
        ports.sort((left, right) => left.otherX - right.otherX);
        ports.forEach((port, index) => {
            port.route[`${port.end}X`] = box.x + (box.width * (index + 1)) / (ports.length + 1);
        });
    }
}

function labelBox(text, x, y) {
    const displayText = truncate(text, LABEL_MAX_CHARS);
    const width = Math.round(displayText.length * LABEL_CHAR_WIDTH + 12);
    return {
        label: displayText,
        fullLabel: text,
        labelX: x,
        labelY: y + 4,
        boxX: x - width / 2,
        boxY: y - 9,
        boxWidth: width
    };
}

function forwardEdge(route) {
    const { chain, edge } = route;
    const source = chain[0];
    const target = chain[chain.length - 1];
    const points = [{ x: route.sourceX, y: source.y + NODE_HEIGHT }];
    for (const placeholder of chain.slice(1, -1)) {
        points.push({ x: centerX(placeholder), y: placeholder.y });
        points.push({ x: centerX(placeholder), y: placeholder.y + NODE_HEIGHT });
    }
    const end = { x: route.targetX, y: target.y };
    points.push({ x: end.x, y: end.y - ARROW_LENGTH });

    let d = `M ${points[0].x} ${points[0].y}`;
    for (let index = 1; index < points.length; index++) {
        const from = points[index - 1];
        const to = points[index];
        if (from.x === to.x) {
            d += ` L ${to.x} ${to.y}`;
        } else {
            const middle = (from.y + to.y) / 2;
            d += ` C ${from.x} ${middle} ${to.x} ${middle} ${to.x} ${to.y}`;
        }
    }
    const labelX = (points[0].x + points[1].x) / 2;
    const labelY = (points[0].y + points[1].y) / 2;
    return {
        key: `${edge.from}->${edge.to}`,
        from: edge.from,
        to: edge.to,
        back: false,
        d,
        arrow: `${end.x - 5},${end.y - ARROW_LENGTH} ${end.x + 5},${end.y - ARROW_LENGTH} ${end.x},${end.y}`,
        ...labelBox(edge.labels.join(', '), labelX, labelY)
    };
}

function backEdge(edge, source, target, offset) {
    const start = { x: source.x + NODE_WIDTH, y: source.y + NODE_HEIGHT / 2 + 8 };
    const end = { x: target.x + NODE_WIDTH, y: target.y + NODE_HEIGHT / 2 - 8 };
    const bend = Math.max(start.x, end.x) + offset;
    const tip = { x: end.x + ARROW_LENGTH, y: end.y };
    const d = `M ${start.x} ${start.y} C ${bend} ${start.y} ${bend} ${end.y} ${tip.x} ${tip.y}`;
    // The middle of this cubic curve: (p0 + 3 c1 + 3 c2 + p3) / 8.
    const labelX = (start.x + 3 * bend + 3 * bend + tip.x) / 8;
    const labelY = (start.y + end.y) / 2;
    return {
        key: `${edge.from}->${edge.to}`,
        from: edge.from,
        to: edge.to,
        back: true,
        d,
        arrow: `${tip.x},${end.y - 5} ${tip.x},${end.y + 5} ${end.x},${end.y}`,
        ...labelBox(edge.labels.join(', '), labelX, labelY)
    };
}

/** Draws an edge from a node that the start cannot reach to a node of the main block, on its left. */
function crossEdge(edge, source, target) {
    const start = { x: source.x, y: source.y + NODE_HEIGHT / 2 };
    const end = { x: target.x + NODE_WIDTH, y: target.y + NODE_HEIGHT / 2 + 12 };
    const tip = { x: end.x + ARROW_LENGTH, y: end.y };
    const middle = (start.x + tip.x) / 2;
    const d = `M ${start.x} ${start.y} C ${middle} ${start.y} ${middle} ${end.y} ${tip.x} ${tip.y}`;
    return {
        key: `${edge.from}->${edge.to}`,
        from: edge.from,
        to: edge.to,
        back: true,
        d,
        arrow: `${tip.x},${end.y - 5} ${tip.x},${end.y + 5} ${end.x},${end.y}`,
        ...labelBox(edge.labels.join(', '), middle, (start.y + end.y) / 2)
    };
}

/**
 * Computes the picture of a flow definition.
 * @returns {{ width: number, height: number, nodes: object[], edges: object[], start: object|null }}
 * nodes have x, y, width, height, the node and whether the start reaches it; edges have an
 * SVG path, an arrow head and a label position; start is the position of the start marker.
 */
export function layoutFlow(definition) {
    const nodesById = new Map();
    for (const node of definition?.nodes ?? []) {
        if (node && typeof node.id === 'string' && !nodesById.has(node.id)) {
            nodesById.set(node.id, node);
        }
    }
    const edges = new Map();
    const successors = new Map();
    for (const node of nodesById.values()) {
        const outgoing = outgoingByTarget(node, nodesById);
        edges.set(node.id, outgoing);
        successors.set(
            node.id,
            outgoing.map((edge) => edge.to)
        );
    }

    const startId = nodesById.has(definition?.entry?.startNodeId) ? definition.entry.startNodeId : null;
    const roots = startId ? [startId, ...nodesById.keys()] : [...nodesById.keys()];
    const { blocks, backEdges } = depthFirst(roots, successors);
    const mainOrder = startId ? blocks[0] : [];
    // Reverse finishing order over all the later walks: a topological order even when a
    // later walk reaches nodes of an earlier one.
    const detachedOrder = [...(startId ? blocks.slice(1) : blocks)].reverse().flat();

    const top = MARGIN + START_SPACE;
    const placed = [];
    let offsetX = MARGIN;
    let height = 0;
    for (const [order, reachable] of [
        [mainOrder, true],
        [detachedOrder, false]
    ]) {
        if (order.length === 0) {
            continue;
        }
        // The start's block keeps the walk order, which follows the order of the edges; the
        // other block starts in definition order.
        const placement = reachable ? order : [...nodesById.keys()].filter((id) => order.includes(id));
        const block = layoutBlock(order, nodesById, edges, backEdges, placement);
        // Nodes and the placeholders of long edges move together.
        for (const item of block.placed) {
            item.x += offsetX;
            item.y += top;
        }
        placed.push({ block, reachable });
        offsetX += block.width + BLOCK_GAP;
        height = Math.max(height, block.height);
    }

    const positioned = new Map();
    for (const { block, reachable } of placed) {
        for (const item of block.items.values()) {
            if (item.node) {
                positioned.set(item.id, { ...item, reachable });
            }
        }
    }

    const routes = placed.flatMap(({ block }) => block.chains);
    assignPorts(routes);
    const drawnEdges = routes.map(forwardEdge);
    const drawn = new Set(drawnEdges.map((edge) => edge.key));
    let backCount = 0;
    for (const [from, outgoing] of edges) {
        for (const edge of outgoing) {
            const key = `${from}->${edge.to}`;
            if (drawn.has(key) || !positioned.has(from) || !positioned.has(edge.to)) {
                continue;
            }
            const source = positioned.get(from);
            const target = positioned.get(edge.to);
            if (backEdges.has(key) || source.x <= target.x) {
                backCount++;
                drawnEdges.push(backEdge(edge, source, target, BACK_EDGE_OFFSET + 16 * backCount));
            } else {
                drawnEdges.push(crossEdge(edge, source, target));
            }
        }
    }

    const width = offsetX - BLOCK_GAP + MARGIN + (backCount > 0 ? BACK_EDGE_OFFSET + 16 * backCount + 40 : 0);
    const nodes = [...positioned.values()].map((item) => ({
        id: item.id,
        node: item.node,
        x: item.x,
        y: item.y,
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        layer: item.layer,
        reachable: item.reachable
    }));
    // Tab order: the start's block first, then top to bottom and left to right.
    nodes.sort(
        (left, right) =>
            Number(right.reachable) - Number(left.reachable) || left.layer - right.layer || left.x - right.x
    );
    const startItem = startId ? positioned.get(startId) : null;
    return {
        width: Math.max(width, MARGIN * 2 + NODE_WIDTH),
        height: top + height + MARGIN,
        nodes,
        edges: drawnEdges,
        start: startItem ? { x: startItem.x + NODE_WIDTH / 2, y: startItem.y } : null
    };
}
