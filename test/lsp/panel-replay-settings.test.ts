// The panel's replay of one driver behaviour (`drvmap/panelState` with `driverOverrides`) is an
// analysis under the document's settings: after a settings change it must be redone, as the
// document's own analysis is, not answered from the replay made under the old settings.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PanelState } from '../../protocol/panel';
import { LspClient } from './client';

const URI = 'file:///work/test/replay-settings.drvmap';
const TEXT = `scenario "s" {
  strategy remap-dontunmap
  driver gpu {
    any
  }
  mem = vkAllocateMemory 1MiB host-visible coherent
  p = vkMapMemory mem
  app writes p, 64
}
`;
const REPLAY = {
  uri: URI,
  line: 7,
  character: 2,
  driverOverrides: {
    scenarioIndex: 0,
    drivers: {
      gpu: {
        maps: 'at-map',
        backing: 'shmem',
        'caches-pointer': 'no',
        reuses: 'never',
        'placed-map': '4KiB',
        'mmap-via': 'libc',
      },
    },
  },
};

let client: LspClient;

before(async () => {
  ({ client } = await LspClient.start({
    settings: { defaultKernel: '6.18' },
    env: { DRVMAP_DEBOUNCE_MS: '0' },
  }));
  await client.open(URI, TEXT);
});

after(async () => {
  await client.stop();
});

const mapStep = (state: PanelState) => state.steps.find((s) => s.text.startsWith('p = vkMapMemory'));

test('a replayed behaviour is redone under new settings (defaultKernel 6.18, then 5.4)', async () => {
  const before618 = await client.request<PanelState>('drvmap/panelState', REPLAY);
  assert.match(before618.replay ?? '', /backing shmem/);
  assert.doesNotMatch(mapStep(before618)?.result ?? '', /ERROR/, 'MREMAP_DONTUNMAP exists on 6.18');

  client.settings = { defaultKernel: '5.4' };
  await client.notify('workspace/didChangeConfiguration', { settings: { drvmap: client.settings } });
  // The settings are read back with workspace/configuration: the document's own diagnostics
  // show when they apply (the plain map fails on both kernels, for different reasons).
  await client.diagnostics(
    URI,
    (p) => p.diagnostics.some((d) => /before Linux 5\.7/.test(d.message)),
    10_000,
    true,
  );

  const after54 = await client.request<PanelState>('drvmap/panelState', REPLAY);
  assert.match(after54.replay ?? '', /backing shmem/);
  // mremap(MREMAP_DONTUNMAP) came in Linux 5.7 (commit e346b3813067): on 5.4 the map fails.
  assert.match(mapStep(after54)?.result ?? '', /VK_ERROR_MEMORY_MAP_FAILED/);
  // Only KUSER_SHARED_DATA's 64 KiB at 0x7ffe_0000, which no allocation of Wine's takes.
  assert.equal(after54.windowUsedBytes, String(0x1_0000), 'nothing is placed in the window');

  // And back: the replay follows the settings both ways.
  client.settings = { defaultKernel: '6.18' };
  await client.notify('workspace/didChangeConfiguration', { settings: { drvmap: client.settings } });
  await client.diagnostics(
    URI,
    (p) => p.diagnostics.some((d) => /Linux 5\.13\+/.test(d.message)),
    10_000,
    true,
  );
  const again = await client.request<PanelState>('drvmap/panelState', REPLAY);
  assert.deepEqual(again, before618);
});
