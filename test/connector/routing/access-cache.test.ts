import { notifyOrgDataChanged } from '../../../connector/src/orgs/data-changes';
import { InferenceAccessCache, type ResolvedAccess } from '../../../connector/src/routing/access-cache';

const DISABLED: ResolvedAccess = { provider: null, access: { ok: false, code: 'ai_disabled' } };

function resolved(tag: string): ResolvedAccess {
  return { provider: 'openai', access: { ok: false, code: 'not_authorized', message: tag } };
}

describe('InferenceAccessCache', () => {
  let now: number;
  let cache: InferenceAccessCache;

  beforeEach(() => {
    now = 1_000_000;
    cache = new InferenceAccessCache({ ttlMs: 5_000, maxEntries: 2, now: () => now });
  });

  afterEach(() => {
    cache.dispose();
  });

  it('loads once within the TTL', async () => {
    const load = jest.fn(async () => DISABLED);

    await cache.get('org-1', load);
    now += 4_999;
    const second = await cache.get('org-1', load);

    expect(second).toBe(DISABLED);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('loads again after the TTL', async () => {
    const load = jest.fn(async () => DISABLED);

    await cache.get('org-1', load);
    now += 5_000;
    await cache.get('org-1', load);

    expect(load).toHaveBeenCalledTimes(2);
  });

  it('shares one load between concurrent requests', async () => {
    let finish: (value: ResolvedAccess) => void = () => undefined;
    const load = jest.fn(() => new Promise<ResolvedAccess>((resolve) => (finish = resolve)));

    const first = cache.get('org-1', load);
    const second = cache.get('org-1', load);
    finish(DISABLED);

    expect(await first).toBe(DISABLED);
    expect(await second).toBe(DISABLED);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('drops the entry of a changed org at once', async () => {
    await cache.get('org-1', async () => resolved('before'));
    await cache.get('org-2', async () => resolved('other org'));

    notifyOrgDataChanged('org-1');

    expect(await cache.get('org-1', async () => resolved('after'))).toEqual(resolved('after'));
    expect(await cache.get('org-2', async () => resolved('reloaded'))).toEqual(resolved('other org'));
  });

  it('does not keep a load that a change overtook', async () => {
    let finish: (value: ResolvedAccess) => void = () => undefined;
    const stale = cache.get('org-1', () => new Promise<ResolvedAccess>((resolve) => (finish = resolve)));

    notifyOrgDataChanged('org-1');
    finish(resolved('stale'));
    await stale;

    expect(await cache.get('org-1', async () => resolved('fresh'))).toEqual(resolved('fresh'));
  });

  it('does not keep a failed load', async () => {
    await expect(cache.get('org-1', async () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');

    expect(await cache.get('org-1', async () => resolved('recovered'))).toEqual(resolved('recovered'));
  });

  it('keeps at most maxEntries orgs', async () => {
    const load = jest.fn(async () => DISABLED);
    await cache.get('org-1', load);
    await cache.get('org-2', load);
    await cache.get('org-3', load);

    await cache.get('org-3', load);
    await cache.get('org-1', load);

    // org-1 was dropped for org-3, so it loaded again; org-3 was still there.
    expect(load).toHaveBeenCalledTimes(4);
  });

  it('stops listening once disposed', async () => {
    await cache.get('org-1', async () => resolved('kept'));
    cache.dispose();

    notifyOrgDataChanged('org-1');

    expect(await cache.get('org-1', async () => resolved('loaded after dispose'))).toEqual(resolved('loaded after dispose'));
  });
});
