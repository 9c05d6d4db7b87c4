// Mounts the FlowBuilder tab in a page that imitates the Lightning Experience frame, and
// shows lightning__showtoast events as SLDS toasts.
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import FlowBuilderTab from 'c/flowBuilderTab';

// Lightning Experience closes toasts after a few seconds unless their mode is sticky.
const TOAST_DISMISS_MS = 5000;

function showToast(toast) {
  const element = document.createElement('div');
  element.className = `slds-notify slds-notify_toast slds-theme_${toast.variant ?? 'info'}`;
  element.setAttribute('role', 'status');
  const content = document.createElement('div');
  content.className = 'slds-notify__content';
  const title = document.createElement('h2');
  title.className = 'slds-text-heading_small';
  title.textContent = toast.title ?? '';
  const message = document.createElement('p');
  message.textContent = toast.message ?? '';
  content.append(title, message);
  element.append(content);
  document.getElementById('toasts').append(element);
  if (toast.mode !== 'sticky') {
    setTimeout(() => element.remove(), TOAST_DISMISS_MS);
  }
}

document.addEventListener('lightning__showtoast', (event) => showToast(event.detail));
document.getElementById('page').append(createElement('c-flow-builder-tab', { is: FlowBuilderTab }));
