/**
 * Functions over a routing flow definition in the connector's format
 * (connector/src/flows/definition.ts). Every function returns new objects and leaves its
 * arguments unchanged, so that components can compare old and new definitions.
 */

/** Node ids: 1 to 64 letters, digits, underscores or hyphens, as the connector expects. */
export const NODE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Output and variable names: a letter, then letters, digits or underscores (at most 40). */
export const VARIABLE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;

/** The node types in palette order, with the label that the palette and the graph show. */
export const NODE_TYPES = [
    { type: 'ai_inference', label: 'AI Inference', description: 'Ask the AI model about the record' },
    { type: 'branch', label: 'Branch', description: 'Choose the next node by conditions' },
    { type: 'assign_owner', label: 'Assign Owner', description: 'Set the owner to a user or queue' },
    { type: 'update_record', label: 'Update Record', description: 'Set fields of the record' },
    { type: 'end', label: 'End', description: 'Finish the flow' }
];

const TYPE_LABELS = Object.fromEntries(NODE_TYPES.map((entry) => [entry.type, entry.label]));

/** Default settings of a new AI Inference node, the connector's defaults. */
export const AI_DEFAULTS = { temperature: 0, maxOutputTokens: 500, timeoutMs: 30000 };

export function nodeTypeLabel(type) {
    return TYPE_LABELS[type] ?? type;
}

export function parseDefinition(text) {
    return JSON.parse(text);
}

export function serializeDefinition(definition) {
    return JSON.stringify(definition);
}

/** Returns the first free id of the form `prefix_N`. */
export function uniqueNodeId(definition, prefix) {
    const taken = new Set((definition.nodes ?? []).map((node) => node.id));
    for (let number = 1; ; number++) {
        const candidate = `${prefix}_${number}`;
        if (!taken.has(candidate)) {
            return candidate;
        }
    }
}

/**
 * Builds a new node of a type with an id not yet used in the definition. The settings
 * that an admin must choose (a prompt, a field, an owner) start empty, so validation
 * points at them.
 */
export function createNode(definition, type) {
    const id = uniqueNodeId(definition, type);
    const label = nodeTypeLabel(type);
    switch (type) {
        case 'ai_inference':
            return {
                id,
                type,
                label,
                config: {
                    prompt: '',
                    outputs: [{ name: 'result', type: 'text' }],
                    ...AI_DEFAULTS
                },
                next: {}
            };
        case 'branch':
            return {
                id,
                type,
                label,
                rules: [{ label: 'Rule 1', when: { match: 'all', conditions: [emptyCondition()] } }]
            };
        case 'assign_owner':
            return { id, type, label, ownerId: '' };
        case 'update_record':
            return { id, type, label, fields: [{ field: '', value: { literal: '' } }] };
        case 'end':
            return { id, type, label };
        default:
            throw new Error(`Unknown node type: ${type}`);
    }
}

/**
 * Converts text typed as a comparison value to the JSON type of what it is compared with:
 * a number for number fields and variables, true or false for checkboxes and boolean
 * variables, text otherwise. Text that is not a number stays text, so that validation can
 * name it.
 */
export function toLiteral(text, valueType) {
    const trimmed = text.trim();
    if (valueType === 'number' && trimmed !== '' && !Number.isNaN(Number(trimmed))) {
        return Number(trimmed);
    }
    if (valueType === 'boolean' && (trimmed === 'true' || trimmed === 'false')) {
        return trimmed === 'true';
    }
    return text;
}

const NUMBER_FIELD_TYPES = new Set(['double', 'integer', 'long', 'currency', 'percent']);

/** Returns the value type of a field from the describe: number, boolean or text. */
export function fieldValueType(fields, fieldApiName) {
    const field = (fields ?? []).find((candidate) => candidate.apiName === fieldApiName);
    if (field && NUMBER_FIELD_TYPES.has(field.type)) {
        return 'number';
    }
    return field?.type === 'boolean' ? 'boolean' : 'text';
}

export function emptyCondition() {
    return { left: { field: '' }, operator: 'equals', value: '' };
}

function ruleName(rule, index) {
    return rule.label ? rule.label : `Rule ${index + 1}`;
}

/**
 * Lists the outgoing edges a node of its type has, connected or not, in the connector's
 * order. `key` names the edge for setEdgeTarget; `label` is what the graph writes on it.
 */
export function listEdges(node) {
    switch (node.type) {
        case 'ai_inference':
            return ['success', 'timeout', 'error'].map((kind) => ({
                key: `next.${kind}`,
                kind,
                label: kind,
                target: node.next?.[kind]
            }));
        case 'branch':
            return [
                ...(node.rules ?? []).map((rule, index) => ({
                    key: `rules.${index}.next`,
                    kind: 'rule',
                    ruleIndex: index,
                    label: ruleName(rule, index),
                    target: rule.next
                })),
                { key: 'otherwise', kind: 'otherwise', label: 'otherwise', target: node.otherwise }
            ];
        case 'assign_owner':
        case 'update_record':
            return [{ key: 'next', kind: 'next', label: 'next', target: node.next }];
        default:
            return [];
    }
}

/** Returns a copy of the node with one edge pointing at target; an empty target disconnects it. */
export function setEdgeTarget(node, key, target) {
    const copy = JSON.parse(JSON.stringify(node));
    const value = target ? target : undefined;
    if (key.startsWith('next.')) {
        copy.next = { ...copy.next, [key.slice(5)]: value };
        if (!value) {
            delete copy.next[key.slice(5)];
        }
    } else if (key.startsWith('rules.')) {
        const index = Number(key.split('.')[1]);
        copy.rules[index].next = value;
        if (!value) {
            delete copy.rules[index].next;
        }
    } else {
        copy[key] = value;
        if (!value) {
            delete copy[key];
        }
    }
    return copy;
}

function retarget(node, from, to) {
    let copy = node;
    for (const edge of listEdges(node)) {
        if (edge.target === from) {
            copy = setEdgeTarget(copy, edge.key, to);
        }
    }
    return copy;
}

/**
 * Adds a node. While the flow starts at an End node, as a new flow does, a node of another
 * type becomes the start node.
 */
export function addNode(definition, node) {
    const start = definition.nodes.find((candidate) => candidate.id === definition.entry?.startNodeId);
    const entry = { ...definition.entry };
    if ((!start || start.type === 'end') && node.type !== 'end') {
        entry.startNodeId = node.id;
    }
    return { ...definition, entry, nodes: [...definition.nodes, node] };
}

export function replaceNode(definition, nodeId, node) {
    return { ...definition, nodes: definition.nodes.map((candidate) => (candidate.id === nodeId ? node : candidate)) };
}

/** Removes a node and disconnects every edge that pointed at it. */
export function removeNode(definition, nodeId) {
    const nodes = definition.nodes.filter((node) => node.id !== nodeId).map((node) => retarget(node, nodeId, ''));
    const entry = { ...definition.entry };
    if (entry.startNodeId === nodeId) {
        entry.startNodeId = nodes.length > 0 ? nodes[0].id : '';
    }
    return { ...definition, entry, nodes };
}

/** Gives a node a new id and points every edge and the start at the new id. */
export function renameNode(definition, oldId, newId) {
    const nodes = definition.nodes.map((node) => {
        const renamed = node.id === oldId ? { ...node, id: newId } : node;
        return retarget(renamed, oldId, newId);
    });
    const entry = { ...definition.entry };
    if (entry.startNodeId === oldId) {
        entry.startNodeId = newId;
    }
    return { ...definition, entry, nodes };
}

/**
 * Checks a new id for a node: the connector's pattern, and not the id of another node.
 * @returns {string} the problem, or an empty string when the id can be used
 */
export function nodeIdProblem(definition, currentId, newId) {
    if (!NODE_ID_PATTERN.test(newId)) {
        return 'Enter 1 to 64 letters, digits, underscores or hyphens.';
    }
    if (newId !== currentId && definition.nodes.some((node) => node.id === newId)) {
        return `Another node already has the id "${newId}".`;
    }
    return '';
}

/** Lists the outputs of all AI Inference nodes: the variables later nodes can read. */
export function flowVariables(definition) {
    const variables = [];
    const seen = new Set();
    for (const node of definition.nodes ?? []) {
        if (node.type !== 'ai_inference') {
            continue;
        }
        for (const output of node.config?.outputs ?? []) {
            if (output.name && !seen.has(output.name)) {
                seen.add(output.name);
                variables.push({ name: output.name, type: output.type, values: output.values, nodeId: node.id });
            }
        }
    }
    return variables;
}

/** Options for a combobox of node ids: each node except `exceptId`, labelled by its label and id. */
export function nodeOptions(definition, exceptId) {
    return definition.nodes
        .filter((node) => node.id !== exceptId)
        .map((node) => ({ label: node.label ? `${node.label} (${node.id})` : node.id, value: node.id }));
}

/**
 * Sorts the connector's problems by node. Problems of nodes that no longer exist count
 * as problems of the flow, so that none is hidden.
 * @returns {{ flow: object[], byNode: Object<string, object[]> }}
 */
export function groupProblems(definition, problems) {
    const ids = new Set((definition?.nodes ?? []).map((node) => node.id));
    const grouped = { flow: [], byNode: {} };
    for (const problem of problems ?? []) {
        if (problem.nodeId && ids.has(problem.nodeId)) {
            grouped.byNode[problem.nodeId] = [...(grouped.byNode[problem.nodeId] ?? []), problem];
        } else {
            grouped.flow.push(problem);
        }
    }
    return grouped;
}
