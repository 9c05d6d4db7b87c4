// Click-through of the Salesforce admin path in a real browser: the Integrations and
// Admin Settings pages built with LWC OSS and the lightning-base-components alpha, served
// on 127.0.0.1, driven in Debian's Chromium with playwright-core. A stand-in replaces the
// Apex controllers and the connector (harness/connectorStandIn.js).
// Run: node --test test/salesforce-browser/ (Node 24; needs apt-get install -y chromium).
// Screenshots: test-artifacts/admin-path/NN-step.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buildHarness } from './support/build.mjs';
import { serveFolders } from './support/server.mjs';

const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILD_DIR = join(REPOSITORY_ROOT, 'test-artifacts', 'admin-path-build');
const SCREENSHOT_DIR = join(REPOSITORY_ROOT, 'test-artifacts', 'admin-path');
const CHROMIUM = process.env.KEYROUTE_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic'
];

// Fake keys: the stand-in rejects any key that contains "bad".
const BAD_KEY = 'sk-test-bad-key-not-real-0000';
const GOOD_KEY = 'sk-test-good-key-not-real-7Qa1';

let server;
let browser;
let page;
let baseUrl;
const pageErrors = [];

async function screenshot(name) {
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

function apexCalls(method) {
    return page.evaluate((name) => window.keyrouteApexCalls.filter((call) => call.method === name), method);
}

/** Returns the tag and type attribute of the deepest focused element, looking through shadow roots. */
function focusedControl() {
    return page.evaluate(() => {
        let active = document.activeElement;
        while (active?.shadowRoot?.activeElement) {
            active = active.shadowRoot.activeElement;
        }
        return { tag: active?.tagName.toLowerCase(), type: active?.getAttribute('type') ?? null };
    });
}

before(async () => {
    assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}: run apt-get install -y chromium`);
    rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
    mkdirSync(SCREENSHOT_DIR, { recursive: true });

    const mapped = await buildHarness(BUILD_DIR);
    assert.ok(mapped.length >= 7, `expected the Apex imports to be mapped, got ${mapped.join(', ')}`);

    ({ server, baseUrl } = await serveFolders({
        '/': BUILD_DIR,
        '/slds/': join(REPOSITORY_ROOT, 'node_modules', '@salesforce-ux', 'design-system', 'assets')
    }));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // Only the loopback server may be contacted.
    await page.route('**/*', (route) =>
        route.request().url().startsWith(baseUrl) ? route.continue() : route.abort('blockedbyclient')
    );
});

after(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

test('admin connects OpenAI and turns on AI inference', async (t) => {
    await t.test('01 Integrations shows OpenAI not connected', async () => {
        await page.goto(`${baseUrl}/#integrations`);
        const tile = page.locator('c-provider-tile');
        await tile.getByText('Not connected').waitFor();
        assert.equal(await page.getByRole('tab', { name: 'Routing' }).getAttribute('aria-selected'), 'true');
        assert.equal(await tile.locator('h3').innerText(), 'OpenAI');
        await screenshot('01-integrations');
    });

    await t.test('02 Get Started opens the dialog with focus in the key field', async () => {
        await page.getByRole('button', { name: 'Get Started' }).click();
        const dialog = page.getByRole('dialog', { name: 'Authorize OpenAI' });
        await dialog.waitFor();
        await page.waitForFunction(() => {
            let active = document.activeElement;
            while (active?.shadowRoot?.activeElement) {
                active = active.shadowRoot.activeElement;
            }
            return active?.getAttribute('type') === 'password';
        });
        assert.deepEqual(await focusedControl(), { tag: 'input', type: 'password' });
        await screenshot('02-authorize-dialog');
    });

    await t.test('03 an empty key is refused in the browser', async () => {
        await page.getByRole('button', { name: 'Authorize OpenAI' }).click();
        await page.getByText("API key is required. Paste the key from your provider's dashboard.").waitFor();
        assert.equal((await apexCalls('authorizeProvider')).length, 0);
        await screenshot('03-empty-key-refused');
    });

    await t.test('04 a bad key shows the connector message inline', async () => {
        await page.getByLabel('OpenAI API key').fill(BAD_KEY);
        await page.getByRole('button', { name: 'Authorize OpenAI' }).click();
        await page.getByText('Checking the key with OpenAI…').first().waitFor();
        await screenshot('04-checking-key');
        const alert = page.getByRole('alert').filter({ hasText: 'OpenAI rejected the key' });
        await alert.waitFor();
        assert.equal(
            (await alert.innerText()).trim(),
            'OpenAI rejected the key: Incorrect API key provided. [Request ID: req-stand-in-1]'
        );
        const calls = await apexCalls('authorizeProvider');
        assert.deepEqual(calls.at(-1).params, { provider: 'openai', apiKey: BAD_KEY });
        await screenshot('05-bad-key-error');
    });

    await t.test('05 a good key connects OpenAI and shows the masked key', async () => {
        await page.getByLabel('OpenAI API key').fill(`  ${GOOD_KEY}  `);
        await page.getByRole('button', { name: 'Authorize OpenAI' }).click();
        const tile = page.locator('c-provider-tile');
        await tile.getByText('Connected', { exact: true }).waitFor();
        assert.equal(await page.getByRole('dialog').count(), 0);
        assert.equal(await tile.locator('.masked-key').innerText(), 'sk-test-...7Qa1');
        assert.equal(await tile.locator('.authorized-by').innerText(), 'Ada Admin');
        const calls = await apexCalls('authorizeProvider');
        assert.deepEqual(calls.at(-1).params, { provider: 'openai', apiKey: GOOD_KEY });
        await page.getByRole('status').filter({ hasText: 'OpenAI is connected' }).waitFor();
        // Focus returns to the tile's button that opens the dialog, now Manage.
        await page.waitForFunction(() => {
            let active = document.activeElement;
            while (active?.shadowRoot?.activeElement) {
                active = active.shadowRoot.activeElement;
            }
            return active?.textContent?.trim() === 'Manage';
        });
        await screenshot('06-connected');
    });

    await t.test('06 Admin Settings opens on AI Tools with Save Changes disabled', async () => {
        await page.getByRole('link', { name: 'Admin Settings' }).click();
        await page.getByRole('heading', { name: 'AI Inference Node' }).waitFor();
        assert.equal(await page.getByRole('tab', { name: 'AI Tools' }).getAttribute('aria-selected'), 'true');
        assert.equal(await page.getByRole('button', { name: 'Save Changes' }).isDisabled(), true);
        await screenshot('07-admin-settings');
    });

    await t.test('07 the toggle and OpenAI enable Save Changes', async () => {
        await page.getByText('Use AI inference in routing flows').click();
        await page.getByRole('combobox', { name: 'Provider' }).click();
        await page.getByRole('option', { name: 'OpenAI' }).click();
        await page.getByText('Unsaved changes').waitFor();
        assert.equal(await page.getByRole('button', { name: 'Save Changes' }).isEnabled(), true);
        await screenshot('08-ai-inference-on');
    });

    await t.test('08 Save Changes saves and shows a toast', async () => {
        await page.getByRole('button', { name: 'Save Changes' }).click();
        const toast = page.getByRole('status').filter({ hasText: 'Settings saved' });
        await toast.waitFor();
        assert.match(await toast.innerText(), /AI inference is on and uses OpenAI with the provider default model\./);
        const calls = await apexCalls('saveAiSettings');
        assert.deepEqual(calls.at(-1).params, { aiInferenceEnabled: true, provider: 'openai', defaultModel: null });
        assert.equal(await page.getByRole('button', { name: 'Save Changes' }).isDisabled(), true);
        await screenshot('09-settings-saved');
    });

    assert.deepEqual(pageErrors, []);
});
