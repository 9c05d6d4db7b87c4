// Stands in for the Apex controllers and the Keyroute connector behind them, in memory.
// It behaves like the connector for the admin path: a key containing "bad" is rejected
// with the connector's message, any other key of the right shape connects with a masked
// key. Every call is recorded in window.keyrouteApexCalls for the test to assert.

const ADMIN = { userId: '005000000000001AAA', name: 'Ada Admin' };
const MODELS = [
    { id: 'gpt-4o-mini', ownedBy: 'system' },
    { id: 'gpt-4.1', ownedBy: 'system' }
];

const state = {
    provider: {
        provider: 'openai',
        displayName: 'OpenAI',
        status: 'not_connected',
        maskedKey: null,
        authorizedBy: null,
        authorizedAt: null,
        lastCheckedAt: null,
        lastErrorCode: null,
        lastErrorMessage: null,
        disabledBy: null,
        disabledAt: null
    },
    settings: { aiInferenceEnabled: false, provider: null, defaultModel: null, updatedBy: null, updatedAt: null }
};

window.keyrouteApexCalls = [];

function record(method, params) {
    window.keyrouteApexCalls.push({ method, params: params ?? null });
}

function wait(milliseconds) {
    return new Promise((resolve) => {
        setTimeout(resolve, milliseconds);
    });
}

function apexError(message) {
    return { body: { message }, ok: false, status: 500, statusText: 'Server Error' };
}

function copy(value) {
    return JSON.parse(JSON.stringify(value));
}

export async function getProviders() {
    record('getProviders');
    await wait(100);
    return [copy(state.provider)];
}

export async function authorizeProvider(params) {
    record('authorizeProvider', params);
    // Long enough for the spinner to show in a screenshot.
    await wait(700);
    const { apiKey } = params;
    const now = new Date().toISOString();
    if (apiKey.includes('bad')) {
        throw apexError('OpenAI rejected the key: Incorrect API key provided. [Request ID: req-stand-in-1]');
    }
    Object.assign(state.provider, {
        status: 'connected',
        maskedKey: `${apiKey.slice(0, 8)}...${apiKey.slice(-4)}`,
        authorizedBy: ADMIN,
        authorizedAt: now,
        lastCheckedAt: now,
        lastErrorCode: null,
        lastErrorMessage: null,
        disabledBy: null,
        disabledAt: null
    });
    return copy(state.provider);
}

export async function disableProvider(params) {
    record('disableProvider', params);
    await wait(200);
    Object.assign(state.provider, {
        status: 'disabled',
        maskedKey: null,
        authorizedBy: null,
        authorizedAt: null,
        disabledBy: ADMIN,
        disabledAt: new Date().toISOString()
    });
    return copy(state.provider);
}

export async function checkProvider(params) {
    record('checkProvider', params);
    await wait(200);
    state.provider.lastCheckedAt = new Date().toISOString();
    return copy(state.provider);
}

export async function getModels(params) {
    record('getModels', params);
    await wait(150);
    if (state.provider.status !== 'connected') {
        throw apexError('OpenAI is not connected: authorize a key on the Integrations page first.');
    }
    return copy(MODELS);
}

export async function getAiSettings() {
    record('getAiSettings');
    await wait(100);
    return copy(state.settings);
}

export async function saveAiSettings(params) {
    record('saveAiSettings', params);
    await wait(300);
    if (params.aiInferenceEnabled && state.provider.status !== 'connected') {
        throw apexError('OpenAI is not connected: authorize a key on the Integrations page first.');
    }
    state.settings = {
        aiInferenceEnabled: params.aiInferenceEnabled,
        provider: params.provider,
        defaultModel: params.defaultModel,
        updatedBy: ADMIN,
        updatedAt: new Date().toISOString()
    };
    return copy(state.settings);
}
