/**
 * What both generation endpoints share: the request after validation, the checks of the
 * parameters they have in common, and the model output with its token usage.
 *
 * Token usage is computed, not measured. Prompt tokens are the characters of every message
 * (or of instructions and input) divided by 4, rounded up. Completion tokens are the
 * characters of the output divided by 4, rounded up.
 */

import { buildDefaultAnswer } from './answers.ts';
import { errorReply, invalidParameter, missingParameter } from './errors.ts';
import type { StandInReply } from './errors.ts';
import { findStrictSchemaViolation } from './strict-schema.ts';
import type { AnswerFunction, JsonSchema, ScenarioSpec } from './types.ts';

export type OutputFormat =
  | { kind: 'text' }
  | { kind: 'json_object' }
  | { kind: 'json_schema'; name: string; schema: JsonSchema; strict: boolean };

/** A validated generation request, whichever endpoint it came from. */
export interface GenerationRequest {
  endpoint: 'chat.completions' | 'responses';
  model: string;
  instructions: string;
  input: string;
  /** Characters of every message or of instructions and input, for the prompt token count. */
  promptCharacters: number;
  format: OutputFormat;
  maxOutputTokens: number | null;
  temperature: number | null;
  /** The request body, for fields a reply echoes. */
  body: Record<string, unknown>;
}

export type ParseResult = { ok: true; request: GenerationRequest } | { ok: false; reply: StandInReply };

export interface GeneratedOutput {
  /** `stop` for a complete output; `length` when cut at the token limit. */
  finish: 'stop' | 'length' | 'content_filter';
  content: string | null;
  refusal: string | null;
  promptTokens: number;
  completionTokens: number;
}

export interface AnswerSettings {
  answer: AnswerFunction | undefined;
  enumKeywords: Record<string, string[]>;
}

const SCHEMA_NAME_PATTERN = /^[a-zA-Z0-9_-]+$/;
const MAX_SCHEMA_NAME_LENGTH = 64;
const PLAIN_TEXT_ANSWER = 'This is a reply from the OpenAI stand-in.';
const REFUSAL_TEXT = "I can't help with that request.";

export function estimateTokens(characters: number): number {
  return Math.ceil(characters / 4);
}

/**
 * Checks a JSON schema output format; `param` is where the endpoint keeps it
 * (`response_format.json_schema` or `text.format`).
 */
export function parseJsonSchemaFormat(
  format: Record<string, unknown>,
  param: string,
  endpoint: GenerationRequest['endpoint'],
): { ok: true; format: OutputFormat } | { ok: false; reply: StandInReply } {
  const { name, schema, strict } = format;

  if (name === undefined) {
    return { ok: false, reply: missingParameter(`${param}.name`) };
  }
  if (typeof name !== 'string' || !SCHEMA_NAME_PATTERN.test(name)) {
    const message = `Invalid '${param}.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`;
    return { ok: false, reply: invalidParameter(`${param}.name`, message, 'invalid_value') };
  }
  if (name.length > MAX_SCHEMA_NAME_LENGTH) {
    const message = `Invalid '${param}.name': string too long. Expected a string with maximum length ${MAX_SCHEMA_NAME_LENGTH}, but got a string with length ${name.length} instead.`;
    return { ok: false, reply: invalidParameter(`${param}.name`, message, 'string_above_max_length') };
  }
  if (schema === undefined && endpoint === 'responses') {
    return { ok: false, reply: missingParameter(`${param}.schema`) };
  }
  if (schema !== undefined && !isObject(schema)) {
    const message = `Invalid type for '${param}.schema': expected an object, but got ${typeName(schema)} instead.`;
    return { ok: false, reply: invalidParameter(`${param}.schema`, message, 'invalid_type') };
  }
  if (strict !== undefined && strict !== null && typeof strict !== 'boolean') {
    const message = `Invalid type for '${param}.strict': expected a boolean, but got ${typeName(strict)} instead.`;
    return { ok: false, reply: invalidParameter(`${param}.strict`, message, 'invalid_type') };
  }

  const jsonSchema: JsonSchema = schema ?? {};
  if (strict === true) {
    const violation = findStrictSchemaViolation(jsonSchema);
    if (violation) {
      const message = `Invalid schema for response_format '${name}': In context=${violation.context}, ${violation.problem}.`;
      const reply =
        endpoint === 'responses'
          ? errorReply(400, 'invalid_request_error', message, `${param}.schema`, 'invalid_json_schema')
          : errorReply(400, 'invalid_request_error', message, 'response_format', null);
      return { ok: false, reply };
    }
  }

  return { ok: true, format: { kind: 'json_schema', name, schema: jsonSchema, strict: strict === true } };
}

/** Checks `temperature`: absent, null or a number from 0 to 2. */
export function checkTemperature(value: unknown): StandInReply | null {
  if (value === undefined || value === null) {
    return null;
  }
  if (typeof value !== 'number') {
    return invalidParameter('temperature', `Invalid type for 'temperature': expected a decimal, but got ${typeName(value)} instead.`, 'invalid_type');
  }
  if (value < 0) {
    return invalidParameter('temperature', `Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got ${value} instead.`, 'decimal_below_min_value');
  }
  if (value > 2) {
    return invalidParameter('temperature', `Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got ${value} instead.`, 'decimal_above_max_value');
  }
  return null;
}

/** Checks a maximum-output-tokens parameter: absent, null or an integer of at least `minimum`. */
export function checkTokenLimit(param: string, value: unknown, minimum: number): StandInReply | null {
  if (value === undefined || value === null) {
    return null;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    return invalidParameter(param, `Invalid type for '${param}': expected an integer, but got ${typeName(value)} instead.`, 'invalid_type');
  }
  if (value < minimum) {
    return invalidParameter(param, `Invalid '${param}': integer below minimum value. Expected a value >= ${minimum}, but got ${value} instead.`, 'integer_below_min_value');
  }
  return null;
}

/** Rejects streaming requests, because the stand-in only sends whole JSON bodies. */
export function checkNotStreaming(value: unknown): StandInReply | null {
  if (value === true) {
    return invalidParameter('stream', 'The OpenAI stand-in does not support streaming: send stream false or leave it out.', 'unsupported_value');
  }
  return null;
}

/** Produces the model output for a request, shaped by a content scenario if one is played. */
export function generateOutput(request: GenerationRequest, scenario: ScenarioSpec | undefined, settings: AnswerSettings): GeneratedOutput {
  const promptTokens = estimateTokens(request.promptCharacters);

  if (scenario?.name === 'refusal') {
    return { finish: 'stop', content: null, refusal: REFUSAL_TEXT, promptTokens, completionTokens: estimateTokens(REFUSAL_TEXT.length) };
  }
  if (scenario?.name === 'content_filter') {
    return { finish: 'content_filter', content: null, refusal: null, promptTokens, completionTokens: 0 };
  }

  const answer = answerText(request, settings);

  if (scenario?.name === 'invalid_json') {
    // A Markdown code fence around the JSON: a common way for a model to break a JSON-only output.
    const content = '```json\n' + answer + '\n```';
    return { finish: 'stop', content, refusal: null, promptTokens, completionTokens: estimateTokens(content.length) };
  }
  if (scenario?.name === 'truncated') {
    const content = answer.slice(0, Math.floor(answer.length / 2));
    return { finish: 'length', content, refusal: null, promptTokens, completionTokens: estimateTokens(content.length) };
  }

  // A real model stops at the output token limit, leaving the JSON unfinished.
  const fullTokens = estimateTokens(answer.length);
  if (request.maxOutputTokens !== null && fullTokens > request.maxOutputTokens) {
    const content = answer.slice(0, request.maxOutputTokens * 4);
    return { finish: 'length', content, refusal: null, promptTokens, completionTokens: request.maxOutputTokens };
  }

  return { finish: 'stop', content: answer, refusal: null, promptTokens, completionTokens: fullTokens };
}

function answerText(request: GenerationRequest, settings: AnswerSettings): string {
  const format = request.format;
  const custom = settings.answer?.({
    endpoint: request.endpoint,
    model: request.model,
    instructions: request.instructions,
    input: request.input,
    schemaName: format.kind === 'json_schema' ? format.name : null,
    schema: format.kind === 'json_schema' ? format.schema : null,
  });

  if (format.kind === 'text') {
    if (custom === undefined) {
      return PLAIN_TEXT_ANSWER;
    }
    return typeof custom === 'string' ? custom : JSON.stringify(custom);
  }

  if (custom !== undefined) {
    return JSON.stringify(custom);
  }
  if (format.kind === 'json_object') {
    return '{}';
  }
  return JSON.stringify(buildDefaultAnswer(format.schema, request.input, settings.enumKeywords));
}

/** Text of a message `content`: a string, or the text of its text parts joined by newlines. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') {
    return content;
  }
  if (!Array.isArray(content)) {
    return '';
  }

  const texts: string[] = [];
  for (const part of content) {
    if (isObject(part) && typeof part.text === 'string') {
      texts.push(part.text);
    }
  }
  return texts.join('\n');
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Type name as OpenAI words it in `invalid_type` messages. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal';
  if (typeof value === 'boolean') return 'a boolean';
  return `a ${typeof value}`;
}
