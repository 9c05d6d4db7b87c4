import { createElement } from 'lwc';
import FlowPalette from 'c/flowPalette';

function createPalette(disabled = false) {
    const element = createElement('c-flow-palette', { is: FlowPalette });
    element.disabled = disabled;
    document.body.appendChild(element);
    return element;
}

function buttons(element) {
    return [...element.shadowRoot.querySelectorAll('lightning-button.add-node')];
}

describe('c-flow-palette', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
    });

    it('offers every node type in a labelled toolbar', () => {
        const element = createPalette();

        expect(element.shadowRoot.querySelector('[role="toolbar"]').getAttribute('aria-label')).toBe('Add a node');
        expect(buttons(element).map((button) => button.label)).toEqual([
            'AI Inference',
            'Branch',
            'Assign Owner',
            'Update Record',
            'End'
        ]);
        expect(buttons(element)[0].title).toBe('Add node: AI Inference. Ask the AI model about the record.');
        expect(buttons(element)[0].iconName).toBe('utility:einstein');
    });

    it('fires the type of the node to add', () => {
        const element = createPalette();
        const handler = jest.fn();
        element.addEventListener('addnode', handler);

        buttons(element)[1].click();

        expect(handler.mock.calls[0][0].detail).toEqual({ type: 'branch' });
    });

    it('disables every button', () => {
        const element = createPalette(true);

        expect(buttons(element).every((button) => button.disabled)).toBe(true);
    });
});
