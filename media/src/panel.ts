// Entry of the address-space panel webview: connects to the extension, builds the page and
// follows the messages. See controller.ts for the behaviour.
import type { ToPanelMessage } from '../../protocol/panel';
import { PanelController } from './controller';
import { installTestHook } from './test-hook';
import { connectHost } from './vscode-api';

const host = connectHost();
const controller = new PanelController(document.body, host);
installTestHook(controller);

window.addEventListener('message', (event: MessageEvent<ToPanelMessage>) => {
  const message = event.data;
  if (message && typeof message === 'object' && typeof message.type === 'string')
    controller.handleMessage(message);
});
host.postMessage({ type: 'ready' });
