/** `POST /v1/chat/completions`: request validation and the `chat.completion` reply. */

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

const MESSAGE_ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'];
const INSTRUCTION_ROLES = new Set(['system', 'developer']);

export function parseChatCompletionRequest(body: unknown): ParseResult {
  if (!isObject(body)) {
    return { ok: false, reply: unparsableJsonBody() };
  }

  if (typeof body.model !== 'string' || body.model === '') {
    return { ok: false, reply: missingParameter('model') };
  }

  const messages = parseMessages(body.messages);
  if (!messages.ok) {
    return messages;
  }

  const parameterError =
    checkNotStreaming(body.stream) ??
    checkTemperature(body.temperature) ??
    checkTokenLimit('max_completion_tokens', body.max_completion_tokens, 1) ??
    checkTokenLimit('max_tokens', body.max_tokens, 1);
  if (parameterError) {
    return { ok: false, reply: parameterError };
  }

  const format = parseResponseFormat(body.response_format);
  if (!format.ok) {
    return format;
  }

  const maxOutputTokens = (body.max_completion_tokens ?? body.max_tokens ?? null) as number | null;
  const request: GenerationRequest = {
    endpoint: 'chat.completions',
    model: body.model,
    instructions: messages.instructions,
    input: messages.input,
    promptCharacters: messages.characters,
    format: format.format,
    maxOutputTokens,
    temperature: (body.temperature ?? null) as number | null,
    body,
  };
  return { ok: true, request };
}

export function chatCompletionReply(request: GenerationRequest, output: GeneratedOutput, id: string, created: number): StandInReply {
  return {
    status: 200,
    body: {
      id,
      object: 'chat.completion',
      created,
      model: request.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: output.content, refusal: output.refusal, annotations: [] },
          logprobs: null,
          finish_reason: output.finish,
        },
      ],
      usage: {
        prompt_tokens: output.promptTokens,
        completion_tokens: output.completionTokens,
        total_tokens: output.promptTokens + output.completionTokens,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
      service_tier: 'default',
      system_fingerprint: 'fp_stand_in',
    },
  };
}

type ParsedMessages = { ok: true; instructions: string; input: string; characters: number } | { ok: false; reply: StandInReply };

function parseMessages(messages: unknown): ParsedMessages {
  if (messages === undefined) {
    return { ok: false, reply: missingParameter('messages') };
  }
  if (!Array.isArray(messages)) {
    const message = `Invalid type for 'messages': expected an array of objects, but got ${typeName(messages)} instead.`;
    return { ok: false, reply: invalidParameter('messages', message, 'invalid_type') };
  }
  if (messages.length === 0) {
    const message = "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.";
    return { ok: false, reply: invalidParameter('messages', message, 'empty_array') };
  }

  const instructions: string[] = [];
  const inputs: string[] = [];
  let characters = 0;

  for (const [index, message] of messages.entries()) {
    if (!isObject(message)) {
      const text = `Invalid type for 'messages[${index}]': expected an object, but got ${typeName(message)} instead.`;
      return { ok: false, reply: invalidParameter(`messages[${index}]`, text, 'invalid_type') };
    }
    if (typeof message.role !== 'string' || !MESSAGE_ROLES.includes(message.role)) {
      const supported = MESSAGE_ROLES.map((role) => `'${role}'`).join(', ');
      const text = `Invalid value: '${String(message.role)}'. Supported values are: ${supported}.`;
      return { ok: false, reply: invalidParameter(`messages[${index}].role`, text, 'invalid_value') };
    }

    const text = contentText(message.content);
    characters += text.length;
    if (INSTRUCTION_ROLES.has(message.role)) {
      instructions.push(text);
    } else if (message.role === 'user') {
      inputs.push(text);
    }
  }

  return { ok: true, instructions: instructions.join('\n'), input: inputs.join('\n'), characters };
}

function parseResponseFormat(value: unknown): { ok: true; format: OutputFormat } | { ok: false; reply: StandInReply } {
  if (value === undefined || value === null) {
    return { ok: true, format: { kind: 'text' } };
  }
  if (!isObject(value)) {
    const message = `Invalid type for 'response_format': expected an object, but got ${typeName(value)} instead.`;
    return { ok: false, reply: invalidParameter('response_format', message, 'invalid_type') };
  }

  switch (value.type) {
    case 'text':
      return { ok: true, format: { kind: 'text' } };
    case 'json_object':
      return { ok: true, format: { kind: 'json_object' } };
    case 'json_schema':
      if (!isObject(value.json_schema)) {
        return { ok: false, reply: missingParameter('response_format.json_schema') };
      }
      return parseJsonSchemaFormat(value.json_schema, 'response_format.json_schema', 'chat.completions');
    default: {
      const message = `Invalid value: '${String(value.type)}'. Supported values are: 'text', 'json_object', and 'json_schema'.`;
      return { ok: false, reply: invalidParameter('response_format.type', message, 'invalid_value') };
    }
  }
}
