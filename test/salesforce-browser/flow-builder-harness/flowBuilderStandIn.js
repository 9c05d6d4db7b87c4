// Stands in for the Apex controllers behind FlowBuilder, in memory. Validation is the
// connector's own validator (connector/src/flows/validate-flow.ts, bundled for the
// browser), so the problems the page shows are the ones the connector would report for
// the definition the page built. Every call is recorded in window.keyrouteApexCalls.
import '../../../connector/src/schemas/zod-messages';
import { validateFlow } from '../../../connector/src/flows/validate-flow';

const ADMIN_NAME = 'Ada Admin';
const MODELS = [
  { id: 'gpt-4o-mini', ownedBy: 'system' },
  { id: 'gpt-4.1', ownedBy: 'system' },
];
const FIELDS = [
  { apiName: 'Company', label: 'Company', type: 'string', updateable: true },
  { apiName: 'Description', label: 'Description', type: 'textarea', updateable: true },
  { apiName: 'Email', label: 'Email', type: 'email', updateable: true },
  { apiName: 'LeadSource', label: 'Lead Source', type: 'picklist', updateable: true },
  { apiName: 'Rating', label: 'Rating', type: 'picklist', updateable: true },
];

const flows = new Map();
let nextId = 1;

window.keyrouteApexCalls = [];

/** Adds a saved flow, as if an admin had built it earlier; returns its id. */
window.keyrouteSeedFlow = (name, objectName, status, definition) => {
  const id = `a0B${String(nextId++).padStart(12, '0')}AAA`;
  flows.set(id, {
    id,
    name,
    objectName,
    status,
    version: definition.version ?? 1,
    activatedByName: null,
    activatedAt: null,
    lastModifiedDate: new Date().toISOString(),
    definition: JSON.stringify({ ...definition, flowId: id }),
  });
  return id;
};

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

function summary(flow, withDefinition) {
  return { ...copy(flow), definition: withDefinition ? flow.definition : null };
}

function requireFlow(flowId) {
  const flow = flows.get(flowId);
  if (!flow) {
    throw apexError(`Flow ${flowId} was not found: it was deleted, or you have no access to it. Reload the list.`);
  }
  return flow;
}

function validation(definition) {
  const { valid, problems, fieldsRead, variables } = validateFlow(definition);
  return copy({ valid, problems, fieldsRead, variables });
}

export async function listFlows(params) {
  record('listFlows', params);
  await wait(100);
  return [...flows.values()]
    .filter((flow) => flow.objectName === params.objectName)
    .map((flow) => summary(flow, false));
}

export async function createFlow(params) {
  record('createFlow', params);
  await wait(150);
  const id = `a0B${String(nextId++).padStart(12, '0')}AAA`;
  const definition = {
    schemaVersion: 1,
    name: params.name,
    object: params.objectName,
    version: 1,
    entry: { startNodeId: 'end', updateFields: [] },
    nodes: [{ id: 'end', type: 'end', label: 'End' }],
    flowId: id,
  };
  const flow = {
    id,
    name: params.name,
    objectName: params.objectName,
    status: 'Draft',
    version: 1,
    activatedByName: null,
    activatedAt: null,
    lastModifiedDate: new Date().toISOString(),
    definition: JSON.stringify(definition),
  };
  flows.set(id, flow);
  return summary(flow, true);
}

export async function getFlow(params) {
  record('getFlow', params);
  await wait(100);
  return summary(requireFlow(params.flowId), true);
}

export async function saveDraft(params) {
  record('saveDraft', params);
  await wait(200);
  const flow = requireFlow(params.flowId);
  if (flow.version !== params.baseVersion) {
    throw apexError(`Flow "${flow.name}" was saved by someone else since you opened it (now version ${flow.version}).`);
  }
  const definition = JSON.parse(params.definition);
  flow.version += 1;
  definition.version = flow.version;
  definition.flowId = flow.id;
  flow.name = definition.name;
  flow.definition = JSON.stringify(definition);
  flow.lastModifiedDate = new Date().toISOString();
  return summary(flow, true);
}

export async function validateDefinition(params) {
  record('validateDefinition', params);
  await wait(300);
  return validation(JSON.parse(params.definition));
}

export async function activateFlow(params) {
  record('activateFlow', params);
  await wait(300);
  const flow = requireFlow(params.flowId);
  const result = validation(JSON.parse(flow.definition));
  if (result.valid) {
    for (const other of flows.values()) {
      if (other.objectName === flow.objectName && other.status === 'Active') {
        other.status = 'Inactive';
      }
    }
    flow.status = 'Active';
    flow.activatedByName = ADMIN_NAME;
    flow.activatedAt = new Date().toISOString();
  }
  return { activated: result.valid, validation: result, flow: summary(flow, true) };
}

export async function deactivateFlow(params) {
  record('deactivateFlow', params);
  await wait(150);
  const flow = requireFlow(params.flowId);
  flow.status = 'Inactive';
  return summary(flow, true);
}

export async function copyFlow(params) {
  record('copyFlow', params);
  throw apexError('Copy is not part of this click-through.');
}

export async function deleteFlow(params) {
  record('deleteFlow', params);
  throw apexError('Delete is not part of this click-through.');
}

export async function previewFlow(params) {
  record('previewFlow', params);
  throw apexError('Test on a record is not part of this click-through.');
}

export async function getObjectFields(params) {
  record('getObjectFields', params);
  await wait(100);
  return copy(FIELDS);
}

export async function getAiAvailability() {
  record('getAiAvailability');
  await wait(100);
  return {
    usable: true,
    aiInferenceEnabled: true,
    provider: 'openai',
    providerDisplayName: 'OpenAI',
    providerStatus: 'connected',
    defaultModel: 'gpt-4o-mini',
    unavailableReason: null,
    message: null,
  };
}

export async function getModels(params) {
  record('getModels', params);
  await wait(100);
  return copy(MODELS);
}
