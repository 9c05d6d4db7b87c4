// Mounts the Keyroute pages in a page that imitates the Lightning Experience frame: an
// app bar with the Keyroute tabs, the page, and toasts for lightning__showtoast events.
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import IntegrationsPage from 'c/integrationsPage';
import AdminSettingsPage from 'c/adminSettingsPage';

const PAGES = {
    integrations: { tag: 'c-integrations-page', component: IntegrationsPage, title: 'Integrations' },
    'admin-settings': { tag: 'c-admin-settings-page', component: AdminSettingsPage, title: 'Admin Settings' }
};

function renderPage() {
    const name = PAGES[location.hash.slice(1)] ? location.hash.slice(1) : 'integrations';
    const page = PAGES[name];
    document.title = `${page.title} | Keyroute`;
    for (const link of document.querySelectorAll('[data-page]')) {
        const active = link.dataset.page === name;
        link.parentElement.classList.toggle('slds-is-active', active);
        if (active) {
            link.setAttribute('aria-current', 'page');
        } else {
            link.removeAttribute('aria-current');
        }
    }
    document.getElementById('page').replaceChildren(createElement(page.tag, { is: page.component }));
}

// Lightning Experience closes toasts after a few seconds unless their mode is sticky.
const TOAST_DISMISS_MS = 5000;

function showToast(toast) {
    const variant = toast.variant ?? 'info';
    const container = document.getElementById('toasts');
    const element = document.createElement('div');
    element.className = `slds-notify slds-notify_toast slds-theme_${variant}`;
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
    container.append(element);
    if (toast.mode !== 'sticky') {
        setTimeout(() => element.remove(), TOAST_DISMISS_MS);
    }
}

document.addEventListener('lightning__showtoast', (event) => showToast(event.detail));
window.addEventListener('hashchange', renderPage);
renderPage();
