import type { AiInferenceConfig } from './definition';
import type { FlowProblem } from './problems';
import { checkOutputList } from './validation/output-checks';
import { checkPrompt } from './validation/prompt-checks';

/**
 * Checks an AI Inference configuration sent on its own (outside a flow) beyond its schema:
 * the prompt's merge fields and the outputs, as `validateFlow` checks them in a node.
 * Paths match the inference request body, such as `config.outputs[0].values`.
 */
export function validateInferenceConfig(config: AiInferenceConfig): FlowProblem[] {
  return [
    ...checkPrompt(config.prompt, { nodeId: null, path: ['config', 'prompt'] }),
    ...checkOutputList(config.outputs, { nodeId: null, path: ['config', 'outputs'] }),
  ];
}
