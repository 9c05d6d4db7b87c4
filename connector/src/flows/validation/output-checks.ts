import type { FlowDefinition, OutputDefinition } from '../definition';
import { normalizeText } from '../engine/compare-values';
import { problem, type FlowProblem, type PathSegment } from '../problems';

/**
 * Checks the outputs of every AI Inference node: names unique across the flow (they name
 * the flow's variables), values listed for picklists and only for picklists, and no
 * picklist value listed twice.
 */
export function checkOutputs(definition: FlowDefinition): FlowProblem[] {
  const ownerByName = new Map<string, string | null>();
  return definition.nodes.flatMap((node, nodeIndex) =>
    node.type === 'ai_inference'
      ? checkOutputList(
          node.config.outputs,
          { nodeId: node.id, path: ['nodes', nodeIndex, 'config', 'outputs'] },
          ownerByName,
        )
      : [],
  );
}

/**
 * Checks the outputs of one node. `ownerByName` maps the output names seen so far to
 * their node, so that names are checked across the whole flow.
 */
export function checkOutputList(
  outputs: readonly OutputDefinition[],
  site: { nodeId: string | null; path: PathSegment[] },
  ownerByName: Map<string, string | null> = new Map(),
): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const where = site.nodeId === null ? 'In the outputs' : `In node "${site.nodeId}"`;

  outputs.forEach((output, outputIndex) => {
    const outputPath = [...site.path, outputIndex];

    if (!ownerByName.has(output.name)) {
      ownerByName.set(output.name, site.nodeId);
    } else {
      const owner = ownerByName.get(output.name);
      const usedBy = owner === site.nodeId ? 'another output' : `node "${owner}"`;
      const scope = site.nodeId === null ? 'unique' : 'unique across the flow because they name its variables';
      problems.push(
        problem(
          site.nodeId,
          [...outputPath, 'name'],
          'duplicate_output_name',
          `${where}, the output name "${output.name}" is already used by ${usedBy}. Output names must be ${scope}.`,
        ),
      );
    }

    problems.push(...checkOutputValues(output, outputPath, site.nodeId, where));
  });

  return problems;
}

function checkOutputValues(
  output: OutputDefinition,
  outputPath: PathSegment[],
  nodeId: string | null,
  where: string,
): FlowProblem[] {
  const valuesPath = [...outputPath, 'values'];

  if (output.type !== 'picklist') {
    if (output.values === undefined) {
      return [];
    }
    return [
      problem(
        nodeId,
        valuesPath,
        'values_not_allowed',
        `${where}, the output "${output.name}" is of type ${output.type} but lists values. Only picklist outputs take values.`,
      ),
    ];
  }

  if (output.values === undefined) {
    return [
      problem(
        nodeId,
        valuesPath,
        'picklist_without_values',
        `${where}, the picklist output "${output.name}" has no values. List the values the model may choose from.`,
      ),
    ];
  }

  // Branch conditions compare text without case, so values that differ only in case could not be distinguished.
  const problems: FlowProblem[] = [];
  const seen = new Set<string>();
  output.values.forEach((value, valueIndex) => {
    const key = normalizeText(value);
    if (seen.has(key)) {
      problems.push(
        problem(
          nodeId,
          [...valuesPath, valueIndex],
          'duplicate_picklist_value',
          `${where}, the picklist output "${output.name}" lists the value '${value}' more than once. Values are compared without case and surrounding spaces.`,
        ),
      );
    }
    seen.add(key);
  });
  return problems;
}
