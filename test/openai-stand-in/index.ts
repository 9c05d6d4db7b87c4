/** The OpenAI stand-in: start it with `startOpenAiStandIn`; see README.md in this folder. */

export { startOpenAiStandIn } from './server.ts';
export { buildDefaultAnswer, containsKeyword } from './answers.ts';
export { maskApiKey } from './errors.ts';
export { formatResetDuration } from './rate-limits.ts';
export { SCENARIO_HEADER, SCENARIO_DELAY_HEADER, SCENARIO_RETRY_AFTER_HEADER } from './scenarios.ts';
export { findStrictSchemaViolation } from './strict-schema.ts';
export { DEFAULT_STAND_IN_MODELS, SCENARIO_NAMES, STAND_IN_KEY, STAND_IN_NO_QUOTA_KEY } from './types.ts';
export type {
  AnswerContext,
  AnswerFunction,
  JsonSchema,
  OpenAiStandIn,
  OpenAiStandInOptions,
  RecordedRequest,
  ScenarioName,
  ScenarioRule,
  ScenarioSpec,
  StandInKey,
  StandInStats,
} from './types.ts';
