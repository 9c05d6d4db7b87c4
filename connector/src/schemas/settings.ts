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
    /** A model id as the provider lists it, such as `gpt-4o-mini` or `ft:gpt-4o-mini:acme::abc123`. */
    defaultModel: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, 'expected a model id such as gpt-4o-mini (letters, digits, ".", "_", ":" and "-")')
      .nullable()
      .optional(),
    actor: actorSchema,
  })
  .strict();
export type SaveAiSettingsRequest = z.infer<typeof saveAiSettingsRequestSchema>;
