// A small PanelState for the client tests.
import type { PanelMapping, PanelState } from '../../../protocol/panel';

export function mapping(start: string, end: string, overrides: Partial<PanelMapping> = {}): PanelMapping {
  return {
    start,
    end,
    perms: 'rw-p',
    kind: 'private',
    owner: 'app',
    label: 'a',
    backing: 'private anonymous',
    createdStep: 0,
    line: 2,
    stale: false,
    hazard: undefined,
    ...overrides,
  };
}

export function panelState(overrides: Partial<PanelState> = {}): PanelState {
  return {
    uri: 'file:///w/a.drvmap',
    version: 3,
    scenario: 'remap a Vulkan mapping below 4 GiB',
    scenarioIndex: 0,
    scenarioCount: 2,
    steps: [
      {
        index: 0,
        line: 4,
        text: 'a = mmap 2MiB rw private anon',
        result: '→ 0x7f00_0000_0000',
        severity: undefined,
      },
      {
        index: 1,
        line: 5,
        text: 'b = mremap a, 2MiB, 2MiB, maymove | dontunmap',
        result: '→ 0x1000_0000',
        severity: 'error',
      },
      { index: 2, line: 7, text: 'expect read a, 1 == 0x00', result: '', severity: undefined },
    ],
    stepIndex: 1,
    mappings: [
      mapping('0x7f0000000000', '0x7f0000200000'),
      mapping('0x10000000', '0x10200000', { label: 'b' }),
      mapping('0x7ffe0000', '0x80010000', { label: 'straddles the end' }),
      mapping('0x0', '0x10000', { label: 'below the window' }),
    ],
    window: { start: '0x10000', end: '0x7fff0000' },
    windowGaps: [{ start: '0x10200000', end: '0x7fff0000' }],
    windowUsedBytes: '0x200000',
    windowSizeBytes: '0x7ffe0000',
    addressSpaceEnd: '0x7ffffffff000',
    drivers: ['driver'],
    ...overrides,
  };
}
