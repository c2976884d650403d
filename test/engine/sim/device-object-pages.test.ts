// `open device … SIZE` is whole pages of the scenario, with or without `offset`: a GEM object's
// size is a page multiple (drm_gem_private_object_init), as drivers round a BO at creation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

const scenario = (pageSize: string, offset: string) => `scenario "device BO" {
  page-size ${pageSize}
  bo = open device "renderD128" 20KiB${offset ? ` offset ${offset}` : ''}
  p = mmap 20KiB rw shared fd bo${offset ? ` offset ${offset}` : ''}
}
`;

test('a 20 KiB device BO on 16 KiB pages is 32 KiB, so a 20 KiB mmap of it succeeds in both spellings', () => {
  for (const offset of ['', '0x1_0000_0000']) {
    const analysis = analyseDocument(scenario('16KiB', offset));
    assert.deepEqual(
      analysis.diagnostics.map((d) => `${d.code}: ${d.message}`),
      [],
      offset || 'plain',
    );
    const vma = analysis.scenarios[0]!.run.simulation.space.vmas().find(
      (v) => v.object.name === '/dev/dri/renderD128',
    );
    assert.ok(vma, offset || 'plain');
    // Two 16 KiB pages: the mapping is the whole rounded BO.
    assert.equal(vma.endPage - vma.startPage, 2, offset || 'plain');
  }
});

test('a mapping past the rounded object is still EINVAL: 20 KiB on 4 KiB pages maps 20 KiB, not 24', () => {
  const text = `scenario "past the BO" {
  bo = open device "renderD128" 20KiB
  p = mmap 24KiB rw shared fd bo
}
`;
  const diagnostics = analyseDocument(text).diagnostics;
  assert.deepEqual(
    diagnostics.map((d) => d.code),
    ['kernel-refused'],
  );
  assert.match(
    diagnostics[0]!.message,
    /EINVAL: .*the mapping \(0x6000 bytes\) is larger than the object \(0x5000 bytes\)/,
  );
  // 16 KiB pages: 36 KiB rounds to 48 KiB, past the 32 KiB object.
  const sixteen = analyseDocument(scenario('16KiB', '').replace('mmap 20KiB', 'mmap 36KiB')).diagnostics;
  assert.match(
    sixteen[0]?.message ?? '',
    /the mapping \(0xc000 bytes\) is larger than the object \(0x8000 bytes\)/,
  );
});
