import { z } from 'zod';
import { PROVIDER_IDS } from '../providers/provider';
import { actorSchema, isoDateTime } from './common';

export const providerIdSchema = z.enum(PROVIDER_IDS);

export const providerParamsSchema = z.object({ provider: providerIdSchema }).strict();

/**
 * - not_connected: no key was ever authorized.
 * - connected: a key is stored and passed its last check.
 * - invalid: a key is stored but the provider rejected it at the last check.
 * - disabled: an admin disabled the authorization; the key was destroyed.
 */
export const credentialStatusSchema = z.enum(['not_connected', 'connected', 'invalid', 'disabled']);
export type CredentialStatus = z.infer<typeof credentialStatusSchema>;

export const providerStatusSchema = z.object({
  provider: providerIdSchema,
  displayName: z.string(),
  status: credentialStatusSchema,
  /** The key's prefix and last four characters, like `sk-proj-...x7Qa`; null without a key. */
  maskedKey: z.string().nullable(),
  authorizedBy: actorSchema.nullable(),
  authorizedAt: isoDateTime.nullable(),
  lastCheckedAt: isoDateTime.nullable(),
  lastErrorCode: z.string().nullable(),
  lastErrorMessage: z.string().nullable(),
  disabledBy: actorSchema.nullable(),
  disabledAt: isoDateTime.nullable(),
});
export type ProviderStatus = z.infer<typeof providerStatusSchema>;

export const providerListResponseSchema = z.object({ providers: z.array(providerStatusSchema) });

export const authorizeRequestSchema = z
  .object({
    /** The key as pasted; surrounding whitespace is trimmed, anything else is checked. */
    apiKey: z.string().max(1_000, 'expected a key of at most 512 characters'),
    actor: actorSchema,
  })
  .strict();
export type AuthorizeRequest = z.infer<typeof authorizeRequestSchema>;

export const disableRequestSchema = z.object({ actor: actorSchema }).strict();

export const modelListResponseSchema = z.object({
  provider: providerIdSchema,
  models: z.array(z.object({ id: z.string(), ownedBy: z.string() })),
});
