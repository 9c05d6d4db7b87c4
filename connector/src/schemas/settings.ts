import { z } from 'zod';
import { actorSchema, isoDateTime } from './common';
import { providerIdSchema } from './providers';

export const aiSettingsSchema = z.object({
  aiInferenceEnabled: z.boolean(),
  provider: providerIdSchema.nullable(),
  defaultModel: z.string().nullable(),
  updatedBy: actorSchema.nullable(),
  updatedAt: isoDateTime.nullable(),
});
export type AiSettings = z.infer<typeof aiSettingsSchema>;

export const saveAiSettingsRequestSchema = z
  .object({
    aiInferenceEnabled: z.boolean(),
    provider: providerIdSchema.nullable(),
    defaultModel: z.string().min(1).max(100).nullable().optional(),
    actor: actorSchema,
  })
  .strict();
export type SaveAiSettingsRequest = z.infer<typeof saveAiSettingsRequestSchema>;
