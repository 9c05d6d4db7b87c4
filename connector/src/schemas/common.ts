import { z } from 'zod';
import './zod-messages';

/** Every error response: a stable code to branch on and a message to show an admin. */
export const errorResponseSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** One entry per invalid field, for request validation errors. */
    fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    requestId: z.string(),
  }),
});
export type ErrorResponse = z.infer<typeof errorResponseSchema>;

/** The Salesforce user on whose behalf an admin action is taken, for the audit trail. */
export const actorSchema = z
  .object({
    userId: z.string().regex(/^005[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/, 'expected a Salesforce user id (005...)'),
    name: z.string().min(1).max(255),
  })
  .strict();
export type Actor = z.infer<typeof actorSchema>;

export const tokenUsageSchema = z.object({
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  totalTokens: z.number().int(),
});

export const isoDateTime = z.iso.datetime({ offset: true });
