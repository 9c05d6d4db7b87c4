import { z } from 'zod';
import { isoDateTime } from './common';

const isoDate = z.iso.date();

export const usageQuerySchema = z
  .object({
    /** First day included (UTC), default 30 days ago. */
    from: isoDate.optional(),
    /** Last day included (UTC), default today. */
    to: isoDate.optional(),
  })
  .strict();

export const usageResponseSchema = z.object({
  from: isoDate,
  to: isoDate,
  days: z.array(
    z.object({
      day: isoDate,
      model: z.string(),
      requests: z.number().int(),
      promptTokens: z.number().int(),
      completionTokens: z.number().int(),
      totalTokens: z.number().int(),
    }),
  ),
});

export const auditQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    /** Return events older than this cursor (the `id` of the last event of the previous page). */
    before: z.coerce.number().int().min(1).optional(),
  })
  .strict();

export const auditEventSchema = z.object({
  id: z.number().int(),
  at: isoDateTime,
  action: z.string(),
  actor: z.object({ userId: z.string(), name: z.string() }).nullable(),
  provider: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

export const auditResponseSchema = z.object({ events: z.array(auditEventSchema) });
