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
    name: z
      .string()
      .trim()
      .min(1, 'expected the user\'s name, 1 to 255 characters')
      .max(255, 'expected the user\'s name, 1 to 255 characters')
      // Control characters (NUL breaks PostgreSQL text) and bidirectional overrides have no
      // place in a name that the audit trail shows.
      // eslint-disable-next-line no-control-regex
      .regex(/^[^\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]*$/, 'expected a name without control or text-direction characters'),
  })
  .strict();
export type Actor = z.infer<typeof actorSchema>;

export const tokenUsageSchema = z.object({
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  totalTokens: z.number().int(),
});

export const isoDateTime = z.iso.datetime({ offset: true });
