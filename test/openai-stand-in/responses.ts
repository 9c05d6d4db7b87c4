/** `POST /v1/responses`: request validation and the `response` reply (no streaming, no tools). */

import { invalidParameter, missingParameter, unparsableJsonBody } from './errors.ts';
import type { StandInReply } from './errors.ts';
import {
  checkNotStreaming,
  checkTemperature,
  checkTokenLimit,
  contentText,
  isObject,
  parseJsonSchemaFormat,
  typeName,
} from './generation.ts';
import type { GeneratedOutput, GenerationRequest, OutputFormat, ParseResult } from './generation.ts';

/** OpenAI's minimum for `max_output_tokens` on this endpoint. */
const MIN_MAX_OUTPUT_TOKENS = 16;

const INPUT_ROLES = ['user', 'assistant', 'system', 'developer'];

export function parseResponsesRequest(body: unknown): ParseResult {
  if (!isObject(body)) {
    return { ok: false, reply: unparsableJsonBody() };
  }

  if (typeof body.model !== 'string' || body.model === '') {
    return { ok: false, reply: missingParameter('model') };
  }

  if (body.instructions !== undefined && body.instructions !== null && typeof body.instructions !== 'string') {
    const message = `Invalid type for 'instructions': expected a string, but got ${typeName(body.instructions)} instead.`;
    return { ok: false, reply: invalidParameter('instructions', message, 'invalid_type') };
  }

  const input = parseInput(body.input);
  if (!input.ok) {
    return input;
  }

  const parameterError =
    checkNotStreaming(body.stream) ??
    checkTemperature(body.temperature) ??
    checkTokenLimit('max_output_tokens', body.max_output_tokens, MIN_MAX_OUTPUT_TOKENS);
  if (parameterError) {
    return { ok: false, reply: parameterError };
  }

  const format = parseTextFormat(body.text);
  if (!format.ok) {
    return format;
  }

  const instructions = [typeof body.instructions === 'string' ? body.instructions : '', input.instructions].filter((text) => text !== '').join('\n');
  const request: GenerationRequest = {
    endpoint: 'responses',
    model: body.model,
    instructions,
    input: input.input,
    promptCharacters: input.characters + (typeof body.instructions === 'string' ? body.instructions.length : 0),
    format: format.format,
    maxOutputTokens: (body.max_output_tokens ?? null) as number | null,
    temperature: (body.temperature ?? null) as number | null,
    body,
  };
  return { ok: true, request };
}

export function responseReply(request: GenerationRequest, output: GeneratedOutput, ids: { response: string; message: string }, createdAt: number): StandInReply {
  const complete = output.finish === 'stop';
  let incompleteReason: 'max_output_tokens' | 'content_filter' | null = null;
  if (output.finish === 'length') {
    incompleteReason = 'max_output_tokens';
  } else if (output.finish === 'content_filter') {
    incompleteReason = 'content_filter';
  }

  const content: unknown[] = [];
  if (output.refusal !== null) {
    content.push({ type: 'refusal', refusal: output.refusal });
  } else if (output.content !== null) {
    content.push({ type: 'output_text', text: output.content, annotations: [], logprobs: [] });
  }

  return {
    status: 200,
    body: {
      id: ids.response,
      object: 'response',
      created_at: createdAt,
      status: complete ? 'completed' : 'incomplete',
      completed_at: complete ? createdAt : null,
      error: null,
      incomplete_details: incompleteReason === null ? null : { reason: incompleteReason },
      instructions: typeof request.body.instructions === 'string' ? request.body.instructions : null,
      max_output_tokens: request.maxOutputTokens,
      model: request.model,
      output: [
        {
          type: 'message',
          id: ids.message,
          status: complete ? 'completed' : 'incomplete',
          role: 'assistant',
          content,
        },
      ],
      parallel_tool_calls: true,
      previous_response_id: null,
      reasoning: null,
      service_tier: 'default',
      store: true,
      temperature: request.temperature ?? 1,
      text: { format: formatEcho(request.format), verbosity: 'medium' },
      tool_choice: 'auto',
      tools: [],
      top_p: 1,
      truncation: 'disabled',
      usage: {
        input_tokens: output.promptTokens,
        input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
        output_tokens: output.completionTokens,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: output.promptTokens + output.completionTokens,
      },
      metadata: {},
    },
  };
}

function formatEcho(format: OutputFormat): Record<string, unknown> {
  if (format.kind === 'json_schema') {
    return { type: 'json_schema', name: format.name, schema: format.schema, strict: format.strict };
  }
  return { type: format.kind };
}

type ParsedInput = { ok: true; instructions: string; input: string; characters: number } | { ok: false; reply: StandInReply };

function parseInput(value: unknown): ParsedInput {
  if (value === undefined || value === null) {
    return { ok: false, reply: missingParameter('input') };
  }
  if (typeof value === 'string') {
    return { ok: true, instructions: '', input: value, characters: value.length };
  }
  if (!Array.isArray(value)) {
    const message = `Invalid type for 'input': expected a string or an array of input items, but got ${typeName(value)} instead.`;
    return { ok: false, reply: invalidParameter('input', message, 'invalid_type') };
  }

  const instructions: string[] = [];
  const inputs: string[] = [];
  let characters = 0;

  for (const [index, item] of value.entries()) {
    if (!isObject(item) || (item.type !== undefined && item.type !== 'message')) {
      const message = `Invalid 'input[${index}]': the OpenAI stand-in accepts only message items ({"role", "content"}).`;
      return { ok: false, reply: invalidParameter(`input[${index}]`, message, 'invalid_value') };
    }
    if (typeof item.role !== 'string' || !INPUT_ROLES.includes(item.role)) {
      const supported = INPUT_ROLES.map((role) => `'${role}'`).join(', ');
      const message = `Invalid value: '${String(item.role)}'. Supported values are: ${supported}.`;
      return { ok: false, reply: invalidParameter(`input[${index}].role`, message, 'invalid_value') };
    }

    const text = contentText(item.content);
    characters += text.length;
    if (item.role === 'system' || item.role === 'developer') {
      instructions.push(text);
    } else if (item.role === 'user') {
      inputs.push(text);
    }
  }

  return { ok: true, instructions: instructions.join('\n'), input: inputs.join('\n'), characters };
}

function parseTextFormat(text: unknown): { ok: true; format: OutputFormat } | { ok: false; reply: StandInReply } {
  if (text === undefined || text === null) {
    return { ok: true, format: { kind: 'text' } };
  }
  if (!isObject(text)) {
    const message = `Invalid type for 'text': expected an object, but got ${typeName(text)} instead.`;
    return { ok: false, reply: invalidParameter('text', message, 'invalid_type') };
  }

  const format = text.format;
  if (format === undefined || format === null) {
    return { ok: true, format: { kind: 'text' } };
  }
  if (!isObject(format)) {
    const message = `Invalid type for 'text.format': expected an object, but got ${typeName(format)} instead.`;
    return { ok: false, reply: invalidParameter('text.format', message, 'invalid_type') };
  }

  switch (format.type) {
    case 'text':
      return { ok: true, format: { kind: 'text' } };
    case 'json_object':
      return { ok: true, format: { kind: 'json_object' } };
    case 'json_schema':
      return parseJsonSchemaFormat(format, 'text.format', 'responses');
    default: {
      const message = `Invalid value: '${String(format.type)}'. Supported values are: 'text', 'json_object', and 'json_schema'.`;
      return { ok: false, reply: invalidParameter('text.format.type', message, 'invalid_value') };
    }
  }
}
