import type { Queryable, Row } from './database';
import { readActor, readInt, readOptionalText, toTimestamp } from './rows';
import { checkOrgId, type Actor, type ProviderId } from './types';

export interface AiSettingsRecord {
  aiInferenceEnabled: boolean;
  provider: ProviderId | null;
  defaultModel: string | null;
  updatedBy: Actor | null;
  updatedAt: string | null;
}

/** The settings of an org that never saved any: AI inference off, nothing chosen. */
export const DEFAULT_AI_SETTINGS: Readonly<AiSettingsRecord> = Object.freeze({
  aiInferenceEnabled: false,
  provider: null,
  defaultModel: null,
  updatedBy: null,
  updatedAt: null,
});

export interface SaveAiSettingsInput {
  aiInferenceEnabled: boolean;
  provider: ProviderId | null;
  /** undefined keeps the stored default model (NULL for a first save); null clears it. */
  defaultModel?: string | null;
  actor: Actor;
  at?: Date;
}

const COLUMNS = 'ai_inference_enabled, provider, default_model, updated_by_user_id, updated_by_name, updated_at';

/** One org's AI settings. */
export class SettingsRepository {
  constructor(
    private readonly db: Queryable,
    readonly orgId: string,
  ) {
    checkOrgId(orgId);
  }

  /** Returns the saved settings, or DEFAULT_AI_SETTINGS when none were saved. */
  async get(): Promise<AiSettingsRecord> {
    const rows = await this.db.query(`SELECT ${COLUMNS} FROM ai_settings WHERE org_id = $1`, [this.orgId]);
    return rows[0] === undefined ? { ...DEFAULT_AI_SETTINGS } : toSettings(rows[0]);
  }

  /** Saves the settings and returns them as stored. */
  async save(input: SaveAiSettingsInput): Promise<AiSettingsRecord> {
    const updateDefaultModel = input.defaultModel === undefined ? '' : 'default_model = excluded.default_model, ';
    const rows = await this.db.query(
      `INSERT INTO ai_settings (org_id, ai_inference_enabled, provider, default_model, updated_by_user_id, updated_by_name, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (org_id) DO UPDATE SET
         ai_inference_enabled = excluded.ai_inference_enabled, provider = excluded.provider, ${updateDefaultModel}
         updated_by_user_id = excluded.updated_by_user_id, updated_by_name = excluded.updated_by_name,
         updated_at = excluded.updated_at
       RETURNING ${COLUMNS}`,
      [
        this.orgId,
        input.aiInferenceEnabled ? 1 : 0,
        input.provider,
        input.defaultModel ?? null,
        input.actor.userId,
        input.actor.name,
        toTimestamp(input.at ?? new Date()),
      ],
    );
    return toSettings(rows[0]!);
  }
}

function toSettings(row: Row): AiSettingsRecord {
  return {
    aiInferenceEnabled: readInt(row, 'ai_inference_enabled') === 1,
    provider: readOptionalText(row, 'provider') as ProviderId | null,
    defaultModel: readOptionalText(row, 'default_model'),
    updatedBy: readActor(row, 'updated_by_user_id', 'updated_by_name'),
    updatedAt: readOptionalText(row, 'updated_at'),
  };
}
