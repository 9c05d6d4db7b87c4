import type { ProviderId } from '../providers/provider';

export type { ProviderId };

/** The Salesforce user an admin action is recorded for. */
export interface Actor {
  userId: string;
  name: string;
}

/** A registered Salesforce org. `id` is the connector's own id; every other table refers to it. */
export interface Org {
  id: string;
  /** The 18-character Salesforce org id (00D...). */
  salesforceOrgId: string;
  name: string;
  createdAt: string;
}

/** Raises a TypeError unless `orgId` is a non-empty string; every org-scoped repository checks it. */
export function checkOrgId(orgId: string): void {
  if (typeof orgId !== 'string' || orgId === '') {
    throw new TypeError('orgId: expected a non-empty org id');
  }
}
