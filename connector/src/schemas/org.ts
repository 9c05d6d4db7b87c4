import { z } from 'zod';
import { isoDateTime } from './common';

/** The org the bearer token belongs to: lets Salesforce check its Named Credential set-up. */
export const orgResponseSchema = z.object({
  salesforceOrgId: z.string(),
  name: z.string(),
  createdAt: isoDateTime,
});
