// Click-through of FlowBuilder in a real browser: an admin builds a flow with an AI
// Inference node, validates it (the connector's own validator reports a node problem),
// fixes it, validates it clean and activates it; then the example flow is drawn without
// overlapping nodes. The FlowBuilder tab is built with LWC
// OSS and the lightning-base-components alpha, served on 127.0.0.1 and driven in Debian's
// Chromium with playwright-core; flow-builder-harness/flowBuilderStandIn.js replaces Apex.
// Run: node --test test/salesforce-browser/flow-builder.test.mjs (Node 24; needs Chromium).
// Screenshots: test-artifacts/flow-builder/NN-step.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buildFlowBuilderHarness } from './flow-builder-build.mjs';
import { serveFolders } from './support/server.mjs';

const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BUILD_DIR = join(REPOSITORY_ROOT, 'test-artifacts', 'flow-builder-build');
const SCREENSHOT_DIR = join(REPOSITORY_ROOT, 'test-artifacts', 'flow-builder');
const CHROMIUM = process.env.KEYROUTE_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const QUEUE_ID = '00G000000000001AAA';
const MISSING_ERROR_EDGE =
  'AI Inference node "classify" has no error edge. Connect the node that runs when the inference fails.';

let server;
let browser;
let page;
let baseUrl;
const pageErrors = [];

/** Removes the toasts of earlier steps, so that each screenshot shows the page under them. */
function clearToasts() {
  return page.evaluate(() => document.getElementById('toasts').replaceChildren());
}

/** Takes the whole page, or only the window while a dialog covers it with its backdrop. */
async function screenshot(name, { fullPage = true } = {}) {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage });
}

function apexCalls(method) {
  return page.evaluate((name) => window.keyrouteApexCalls.filter((call) => call.method === name), method);
}

function graphNode(nodeId) {
  return page.locator(`c-flow-graph g.node[data-node-id="${nodeId}"]`);
}

function panel() {
  return page.locator('c-flow-node-panel');
}

/** Chooses an option of a lightning-combobox, found by its label, inside a container. */
async function choose(container, label, option) {
  await container.getByRole('combobox', { name: label, exact: true }).click();
  await container.getByRole('option', { name: option, exact: true }).click();
}

before(async () => {
  assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}: run apt-get install -y chromium`);
  rmSync(SCREENSHOT_DIR, { recursive: true, force: true });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });

  const mapped = await buildFlowBuilderHarness(BUILD_DIR);
  assert.ok(mapped.includes('@salesforce/apex/KeyrouteFlowBuilderController.validateDefinition'));

  ({ server, baseUrl } = await serveFolders({
    '/': BUILD_DIR,
    '/slds/': join(REPOSITORY_ROOT, 'node_modules', '@salesforce-ux', 'design-system', 'assets'),
  }));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  // Only the loopback server may be contacted.
  await page.route('**/*', (route) =>
    route.request().url().startsWith(baseUrl) ? route.continue() : route.abort('blockedbyclient'),
  );
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

test('admin builds, validates and activates a flow with an AI node', async (t) => {
  await t.test('01 the list has no Lead flows yet', async () => {
    await page.goto(`${baseUrl}/`);
    await page.getByText('No Lead flows yet. Click New Flow to build one.').waitFor();
    await screenshot('01-flow-list');
  });

  await t.test('02 New Flow asks for the name and opens the editor', async () => {
    await page.getByRole('button', { name: 'New Flow' }).click();
    const dialog = page.getByRole('dialog', { name: 'New Lead flow' });
    await dialog.waitFor();
    await dialog.getByRole('textbox').fill('Inquiry triage');
    await screenshot('02-new-flow-name', { fullPage: false });
    await dialog.getByRole('button', { name: 'OK' }).click();
    await page.locator('h1', { hasText: 'Inquiry triage' }).waitFor();
    await graphNode('end').waitFor();
    assert.deepEqual((await apexCalls('createFlow')).at(-1).params, { objectName: 'Lead', name: 'Inquiry triage' });
    await screenshot('03-new-flow');
  });

  await t.test('03 the palette adds an AI Inference node, which becomes the start', async () => {
    await page.getByRole('toolbar', { name: 'Add a node' }).getByRole('button', { name: 'AI Inference' }).click();
    await graphNode('ai_inference_1').waitFor();
    await panel().locator('h2', { hasText: 'AI Inference: AI Inference' }).waitFor();
    await screenshot('04-ai-node-added');
  });

  await t.test('04 the AI node is configured with a merge field and a picklist output', async () => {
    const nodePanel = panel();
    await nodePanel.getByLabel('Node ID').fill('classify');
    await nodePanel.getByLabel('Label', { exact: true }).fill('Classify the inquiry');
    await graphNode('classify').waitFor();

    const prompt = nodePanel.getByLabel('Prompt');
    await prompt.fill('Classify the inquiry in  and answer with its intent.');
    // Put the cursor between the two spaces, then insert the field there.
    await prompt.evaluate((textarea) => textarea.setSelectionRange(24, 24));
    await prompt.press('ArrowRight');
    await prompt.press('ArrowLeft');
    await choose(nodePanel, 'Insert field at the cursor', 'Description (Description)');
    assert.equal(
      await prompt.inputValue(),
      'Classify the inquiry in {!Record.Description} and answer with its intent.',
    );

    await nodePanel.getByLabel('Output 1: name').fill('intent');
    await choose(nodePanel, 'Output 1: type', 'Picklist');
    await nodePanel.getByLabel('Output 1: allowed values, separated by commas').fill('complaint, question, other');
    await nodePanel.getByLabel('Output 1: description for the model').fill('What the sender wants from us.');
    await choose(nodePanel, 'Model', 'gpt-4.1');
    await screenshot('05-ai-node-configured');
  });

  await t.test('05 an Assign Owner node is added and connected to the End node', async () => {
    await page.getByRole('toolbar', { name: 'Add a node' }).getByRole('button', { name: 'Assign Owner' }).click();
    await graphNode('assign_owner_1').waitFor();
    await panel().getByLabel('Owner ID').fill(QUEUE_ID);
    await choose(panel(), 'Then go to', 'End (end)');
  });

  await t.test('06 the keyboard selects a node and the edges are connected in its panel', async () => {
    await graphNode('classify').focus();
    await page.keyboard.press('Enter');
    await panel().locator('h2', { hasText: 'AI Inference: Classify the inquiry' }).waitFor();
    const focused = await page.evaluate(() => {
      let active = document.activeElement;
      while (active?.shadowRoot?.activeElement) {
        active = active.shadowRoot.activeElement;
      }
      return active?.tagName.toLowerCase();
    });
    assert.equal(focused, 'h2');

    await choose(panel(), 'On success, go to', 'Assign Owner (assign_owner_1)');
    await choose(panel(), 'On timeout, go to', 'End (end)');
    await page.locator('c-flow-graph g.edge[data-edge="classify->assign_owner_1"]').waitFor();
    await screenshot('06-edges-connected');
  });

  await t.test('07 Validate shows the missing error edge on the AI node', async () => {
    await page.getByRole('button', { name: 'Validate' }).click();
    await page.getByRole('alert').filter({ hasText: 'The connector found 1 problem.' }).waitFor();
    await graphNode('classify').locator('.problem-badge').waitFor();
    assert.equal((await graphNode('classify').getAttribute('aria-label')).endsWith('1 problem'), true);
    await panel().locator('.node-problem', { hasText: MISSING_ERROR_EDGE }).waitFor();
    await screenshot('07-validation-problem');
  });

  await t.test('08 connecting the error edge fixes it and Validate is clean', async () => {
    await clearToasts();
    await choose(panel(), 'On error, go to', 'End (end)');
    await page.getByText('You changed the flow since this validation.').waitFor();
    await page.getByRole('button', { name: 'Validate' }).click();
    await page.getByRole('status').filter({ hasText: 'No problems found' }).waitFor();
    assert.equal(await page.getByRole('alert').filter({ hasText: 'The connector found' }).count(), 0);
    assert.equal(await graphNode('classify').locator('.problem-badge').count(), 0);
    await screenshot('08-validation-clean');
  });

  await t.test('09 Activate saves the draft, asks, and activates the flow', async () => {
    await clearToasts();
    await page.getByRole('button', { name: 'Activate' }).click();
    // LightningConfirm opens an alert dialog, which keeps focus inside until it closes.
    const dialog = page.getByRole('alertdialog', { name: 'Activate Inquiry triage?' });
    await dialog.waitFor();
    await screenshot('09-activate-confirm', { fullPage: false });
    await dialog.getByRole('button', { name: 'OK' }).click();
    await page.getByRole('status').filter({ hasText: 'Flow activated' }).waitFor();
    await page.getByText('This flow is active, so it cannot be edited.').waitFor();

    const saved = (await apexCalls('saveDraft')).at(-1).params;
    assert.equal(saved.baseVersion, 1);
    const definition = JSON.parse(saved.definition);
    const classify = definition.nodes.find((node) => node.id === 'classify');
    assert.deepEqual(classify.next, { success: 'assign_owner_1', timeout: 'end', error: 'end' });
    assert.equal(classify.config.prompt, 'Classify the inquiry in {!Record.Description} and answer with its intent.');
    assert.deepEqual(classify.config.outputs, [
      {
        name: 'intent',
        type: 'picklist',
        values: ['complaint', 'question', 'other'],
        description: 'What the sender wants from us.',
      },
    ]);
    assert.equal(classify.config.model, 'gpt-4.1');
    assert.equal(definition.entry.startNodeId, 'classify');
    assert.deepEqual((await apexCalls('activateFlow')).at(-1).params, { flowId: saved.flowId });
    assert.equal(await page.getByRole('button', { name: 'Deactivate' }).isVisible(), true);
    await screenshot('10-activated');
  });

  await t.test('10 the example flow is drawn without overlapping nodes', async () => {
    const example = JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'examples', 'flows', 'inquiry-triage.json'), 'utf8'));
    await page.evaluate((definition) => window.keyrouteSeedFlow(definition.name, 'Lead', 'Inactive', definition), {
      ...example,
      name: 'Inquiry triage (example)',
    });
    await clearToasts();
    await page.getByRole('button', { name: 'Back to Flows' }).click();
    const exampleRow = page.locator('tr.flow-row', { hasText: 'Inquiry triage (example)' });
    await exampleRow.getByRole('button', { name: 'Edit', exact: true }).click();
    await page.locator('h1', { hasText: 'Inquiry triage (example)' }).waitFor();
    await graphNode('done').waitFor();

    const boxes = await page.locator('c-flow-graph g.node rect.node-box').evaluateAll((rects) =>
      rects.map((rect) => {
        const { x, y, width, height } = rect.getBoundingClientRect();
        return { x, y, width, height };
      }),
    );
    assert.equal(boxes.length, example.nodes.length);
    const overlaps = (first, second) =>
      first.x < second.x + second.width &&
      second.x < first.x + first.width &&
      first.y < second.y + second.height &&
      second.y < first.y + first.height;
    const overlapping = boxes.flatMap((first, index) =>
      boxes.slice(index + 1).filter((second) => overlaps(first, second)),
    );
    assert.deepEqual(overlapping, []);
    assert.equal(await page.locator('c-flow-graph g.edge').count(), 13);

    await graphNode('route_by_intent').click();
    await panel().locator('h2', { hasText: 'Branch: Route by intent' }).waitFor();
    // Each rule's condition group keeps its own choice of all or any.
    assert.equal(await panel().getByRole('radio', { name: 'All conditions are met', checked: true }).count(), 3);
    // A taller window shows the whole graph, which scrolls inside 70% of the window height.
    await page.setViewportSize({ width: 1440, height: 1300 });
    await screenshot('11-example-flow');
  });

  assert.deepEqual(pageErrors, []);
});
