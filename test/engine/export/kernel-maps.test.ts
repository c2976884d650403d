// The permissions "Run on This Kernel" compares with the kernel's /proc/self/maps: `s` exactly
// when VM_MAYSHARE is set (show_map_vma, facts linux-mm §6.2), which is not always what the model
// treats as shared (VM_SHARED or VM_MAYSHARE). The panel, hover and trace write the same text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { simulatedMapLines } from '../../../server/src/engine/export/kernel-maps';
import { panelState } from '../../../server/src/engine/features/panel-state';

const text = `scenario "perms" {
  kernel 6.6
  a = mmap 16KiB rw private anon
  b = mmap 16KiB rw shared anon
  f = open file "data" 16KiB readonly
  c = mmap 16KiB r shared fd f
  nv = open device "nvidia0" 64KiB mixedmap
  d = mmap 64KiB rw private fd nv
}
`;

test('simulated /proc/self/maps permissions follow VM_MAYSHARE', () => {
  const analysis = analyseDocument(text);
  assert.deepEqual(
    analysis.diagnostics.map((d) => d.code),
    [],
  );
  const sim = analysis.scenarios[0]!.run.simulation;
  const perms = new Map(simulatedMapLines(sim.space.vmas(), sim.pageSize).map((l) => [l.start, l.perms]));
  const at = (index: number) => {
    const mapped = sim.records[index]!.calls.flatMap((c) => c.effects).find((e) => e.kind === 'mapped');
    assert.ok(mapped?.kind === 'mapped');
    return perms.get(sim.addressOfPage(mapped.vma.startPage));
  };
  assert.equal(at(0), 'rw-p');
  assert.equal(at(1), 'rw-s');
  // MAP_SHARED of a read-only fd: VM_MAYSHARE without VM_SHARED.
  assert.equal(at(3), 'r--s');
  // A private map of a VM_MIXEDMAP device: the driver's VM_SHARED, but no VM_MAYSHARE.
  assert.equal(at(5), 'rw-p');
});

test('the panel writes a private mixed-map device mapping `rw-p`, as /proc/PID/maps does', () => {
  const analysis = analyseDocument(text);
  const state = panelState(analysis, { uri: 'u', version: 1, offset: 1, stepIndex: 5 })!;
  const device = state.mappings.find((m) => m.backing.includes('nvidia0'));
  assert.ok(device, JSON.stringify(state.mappings.map((m) => m.backing)));
  assert.equal(device.perms, 'rw-p');
  assert.deepEqual(
    state.mappings
      .filter((m) => m.kind === 'shared')
      .map((m) => m.perms)
      .sort(),
    ['r--s', 'rw-s'],
  );
});
