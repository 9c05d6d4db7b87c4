import type { LightMyRequestResponse } from 'fastify';
import { countSecretsByMasterKeyVersion } from '../../../connector/src/store';
import { KeyVault, loadKeyring, rewrapAll, rotateMasterKey } from '../../../connector/src/vault';
import { startTestConnector, type TestConnector } from '../../helpers/connector-app';
import { DATABASE_BACKENDS } from '../../helpers/databases';
import {
  addNewOrg,
  body,
  enableAiWithDefaultModel,
  EXAMPLE_FLOW_KEYWORDS,
  leadId,
  loadExampleFlow,
  readCredentialRow,
} from './support';

const INFERENCE_CONFIG = { prompt: 'Classify {!Record.Description}.', outputs: [{ name: 'urgent', type: 'boolean' }] };

describe.each(DATABASE_BACKENDS)('master key rotation under traffic (%s)', (kind) => {
  let connector: TestConnector;

  beforeAll(async () => {
    connector = await startTestConnector(kind, {
      standIn: { enumKeywords: EXAMPLE_FLOW_KEYWORDS, responseDelayMs: 10 },
    });
  });

  afterAll(async () => {
    await connector.close();
  });

  it('serves every request during rotation', async () => {
    const orgs = [await addNewOrg(connector, 'Org A'), await addNewOrg(connector, 'Org B')];
    for (const org of orgs) {
      await enableAiWithDefaultModel(connector, org.token);
    }
    expect(await readCredentialRow(connector, orgs[0]!.salesforceOrgId)).toMatchObject({ master_key_version: 'v1' });

    const responses: LightMyRequestResponse[] = [];
    let stop = false;
    let sent = 0;
    const worker = async (token: string, kindOfCall: 'run' | 'inference'): Promise<void> => {
      while (!stop) {
        sent += 1;
        const record = { id: leadId(sent), fields: { Description: 'I want a refund', LeadSource: 'Web' } };
        responses.push(
          kindOfCall === 'run'
            ? await connector.call(token, 'POST', '/v1/flows/run', {
                definition: loadExampleFlow(),
                records: [record, { ...record, id: leadId(sent + 100_000) }],
              })
            : await connector.call(token, 'POST', '/v1/inference', { config: INFERENCE_CONFIG, record }),
        );
      }
    };
    const workers = orgs.flatMap((org) => [worker(org.token, 'run'), worker(org.token, 'inference')]);

    const waitForResponses = async (count: number): Promise<void> => {
      while (responses.length < count) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };

    await waitForResponses(4);
    const rotation = await rotateMasterKey(connector.database.dataDir);
    const cliDatabase = connector.database.openAnother();
    const { keyring } = await loadKeyring({ dataDir: connector.database.dataDir });
    const progress = await rewrapAll(cliDatabase, new KeyVault(keyring), { batchSize: 1 });
    const afterRewrap = responses.length;
    await waitForResponses(afterRewrap + 8);
    stop = true;
    await Promise.all(workers);

    expect(rotation).toMatchObject({ version: 'v2', previousVersion: 'v1' });
    expect(progress).toEqual({ rewrapped: 2, skipped: 0, masterKeyVersion: 'v2' });
    expect(responses.length).toBeGreaterThanOrEqual(12);
    for (const response of responses) {
      expect(response.statusCode).toBe(200);
      const result = body(response);
      const outcomes =
        'results' in result
          ? result.results.map((record: { inferences: Array<{ outcome: string }> }) => record.inferences[0]?.outcome)
          : [result.inference.outcome];
      expect(outcomes.every((outcome: string) => outcome === 'ok')).toBe(true);
    }
    for (const org of orgs) {
      expect(await readCredentialRow(connector, org.salesforceOrgId)).toMatchObject({
        master_key_version: 'v2',
        status: 'connected',
      });
    }
    expect(await countSecretsByMasterKeyVersion(connector.database.db)).toEqual({ v2: 2 });

    // The app met v2 while decrypting, so it now wraps new keys with v2 as well.
    const lateOrg = await addNewOrg(connector, 'Org C');
    await enableAiWithDefaultModel(connector, lateOrg.token);
    expect(await readCredentialRow(connector, lateOrg.salesforceOrgId)).toMatchObject({ master_key_version: 'v2' });
  });
});
