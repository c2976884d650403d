// Memory exported as a dma-buf or opaque fd (vkGetMemoryFdKHR) and imported by a second
// allocation, or mapped for the CPU as a dma-buf: every mapping shows the exporter's BO pages,
// with its flags (facts vulkan-wine §2 Android wrapper, §3.6 Wine GL interop; linux-mm §4.1, §4.2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, callsOf, codes } from './helpers';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { panelState } from '../../../server/src/engine/features/panel-state';
import { mapsNameOf } from '../../../server/src/engine/kernel/vma';
import { simulatedMapLines } from '../../../server/src/engine/export/kernel-maps';
import { formatMappingLine } from '../../../server/src/cli/formats/text';
import { traceMapping } from '../../../server/src/cli/trace';

const scenario = (body: string, driver = '') =>
  `scenario "x" {\n${driver ? `  driver gpu {\n    ${driver}\n  }\n` : ''}${body
    .trim()
    .split('\n')
    .map((l) => `  ${l.trim()}`)
    .join('\n')}\n}\n`;

const failedExpectations = (text: string) =>
  analyse(text)
    .scenarios[0]!.run.simulation.expects.filter((e) => e.passed !== true)
    .map((e) => e.detail);

test('an imported memory is the exporter’s BO: a write through one map is read through the other', () => {
  for (const driver of ['preset radv', 'preset proprietary', 'backing shmem', 'maps pool']) {
    const text = scenario(
      `
      m = vkAllocateMemory 64KiB host-visible coherent exportable
      h = vkGetMemoryFdKHR m opaque-fd
      m2 = vkAllocateMemory 64KiB host-visible coherent import h
      p = vkMapMemory2 m
      q = vkMapMemory2 m2
      w = write p + 0x10, 16
      expect read q + 0x10, 16 == w
      v = gpu writes m2 + 0x40, 8
      expect gpu reads m + 0x40, 8 == v`,
      driver,
    );
    assert.deepEqual(codes(text), [], driver);
    assert.deepEqual(failedExpectations(text), [], driver);
  }
});

test('the Android wrapper’s placed map: mmap(MAP_SHARED|MAP_FIXED) of the dma-buf shows the BO, with device flags', () => {
  const text = scenario(`
    m = vkAllocateMemory 64KiB host-visible exportable
    buf = vkGetMemoryFdKHR m dma-buf
    low = reserve 64KiB at 0x1000_0000 by wine
    p = mmap 64KiB rw shared fixed at 0x1000_0000 fd buf
    w = app writes p + 0x20, 8
    expect driver reads m + 0x20, 8 == w
    moved = mremap p, 64KiB, 64KiB, maymove | dontunmap
    expect moved == EINVAL
    cow = mmap 64KiB rw private fd buf
    expect cow == EINVAL
    past = mmap 128KiB rw shared fd buf
    expect past == EINVAL`);
  assert.deepEqual(codes(text), []);
  assert.deepEqual(failedExpectations(text), []);
  // The placed mapping is the BO's own pages at its fake offset, VM_PFNMAP|VM_DONTEXPAND.
  const space = analyse(text).scenarios[0]!.run.simulation.space;
  const vma = space.vmaAt(0x1000_0000 / 4096)!;
  assert.equal(vma.pgoff * 4096, 0x1_0000_0000);
  assert.equal(vma.object.name, '/dev/dri/renderD128');
  assert.match(
    callsOf(text, 1).join('\n'),
    /vkGetMemoryFdKHR\(m, VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT\) = 4/,
  );
});

test('a GPU write before anything maps the exported BO shows in the dma-buf mapping', () => {
  const text = scenario(
    `
    m = vkAllocateMemory 64KiB host-visible exportable
    buf = vkGetMemoryFdKHR m dma-buf
    p = mmap 64KiB rw shared fd buf
    w = gpu writes m, 16
    expect read p, 16 == w`,
    'backing shmem',
  );
  assert.deepEqual(codes(text), []);
  assert.deepEqual(failedExpectations(text), []);
  assert.match(callsOf(text, 3).join('\n'), /any mapping of it shows it/);
});

test('exporting needs `exportable` (VUID 00671); private anonymous or wrapped host memory has no BO to export', () => {
  const notExportable = scenario(`
    m = vkAllocateMemory 64KiB host-visible
    h = vkGetMemoryFdKHR m`);
  const messages = analyse(notExportable).diagnostics.map((d) => `${d.code} ${d.message.split(':')[0]}`);
  assert.deepEqual(messages, ['vulkan-valid-usage VUID-VkMemoryGetFdInfoKHR-handleType-00671']);
  assert.deepEqual(
    codes(
      scenario(
        `m = vkAllocateMemory 64KiB host-visible exportable\nh = vkGetMemoryFdKHR m`,
        'preset lavapipe\n    backing anon',
      ),
    ),
    ['wrong-kind'],
  );
  assert.deepEqual(
    codes(
      scenario(`m = vkAllocateMemory 64KiB host-visible imported-host exportable\nh = vkGetMemoryFdKHR m`),
    ),
    ['wrong-kind'],
  );
  // A driver whose memory is private anonymous pages cannot import a BO either.
  const lavapipeImport = `scenario "x" {
  driver radv { preset radv }
  driver lvp {
    preset lavapipe
    backing anon
  }
  m = vkAllocateMemory 64KiB host-visible exportable driver radv
  h = vkGetMemoryFdKHR m
  m2 = vkAllocateMemory 64KiB host-visible import h driver lvp
}`;
  assert.deepEqual(codes(lavapipeImport), ['wrong-kind']);
  // `import` takes an exported fd, not a file from `open`.
  const plainFile = scenario(`
    f = open memfd "buf" 64KiB
    m = vkAllocateMemory 64KiB host-visible import f`);
  assert.deepEqual(
    analyse(plainFile).diagnostics.map((d) => d.message),
    ['`import` takes an fd from `vkGetMemoryFdKHR`; fd 3 is a file from `open`'],
  );
});

test('a pool driver gives exportable memory a BO of its own, and frees it without caching it', () => {
  const text = scenario(
    `
    a = vkAllocateMemory 4KiB host-visible
    m = vkAllocateMemory 4KiB host-visible exportable
    h = vkGetMemoryFdKHR m dma-buf
    p = mmap 4KiB rw shared fd h
    w = write p, 8
    expect read p, 8 == w
    pa = vkMapMemory a
    expect read pa, 8 == zero`,
    'maps pool',
  );
  assert.deepEqual(
    codes(text).filter((c) => c !== 'pointer-outside-window'),
    [],
  );
  assert.deepEqual(failedExpectations(text), []);
  const reuse = scenario(
    `
    m = vkAllocateMemory 64KiB host-visible exportable
    h = vkGetMemoryFdKHR m dma-buf
    vkFreeMemory m
    m2 = vkAllocateMemory 64KiB host-visible`,
    'preset radv\n    reuses after-free',
  );
  assert.doesNotMatch(callsOf(reuse, 3).join('\n'), /reuse cached BO/);
});

test('under external-memory-host, an imported memory is the driver’s BO, not a host import (§3.4 step 1)', () => {
  // Wine 9.0: from 9.4 Wine places maps on radv and imports nothing (host-import-not-taken).
  const text = (body: string) => `scenario "x" {
  wine 9.0
  strategy external-memory-host
  driver radv { preset radv }
${body}
}`;
  // A host-visible exporter is host memory Wine imported: no BO of the driver's to export.
  assert.deepEqual(
    codes(text('  m = vkAllocateMemory 64KiB host-visible exportable\n  h = vkGetMemoryFdKHR m')),
    ['wrong-kind'],
  );
  // Device-local memory is the driver's BO; its import is a user import, which Wine leaves alone.
  const imported = text(`  m = vkAllocateMemory 64KiB device-local exportable
  h = vkGetMemoryFdKHR m
  m2 = vkAllocateMemory 64KiB host-visible import h`);
  assert.deepEqual(codes(imported), []);
  const calls = callsOf(imported, 2).join('\n');
  assert.doesNotMatch(calls, /VkImportMemoryHostPointerInfoEXT/);
  assert.match(calls, /import fd 4/);
});

test('a successful import takes the fd: importing it again is VUID 00670, and an mmap of it is EBADF', () => {
  const text = scenario(`
    m = vkAllocateMemory 64KiB host-visible coherent exportable
    h = vkGetMemoryFdKHR m dma-buf
    a = vkAllocateMemory 64KiB host-visible coherent import h
    b = vkAllocateMemory 64KiB host-visible coherent import h
    p = mmap 64KiB rw shared fd h
    expect p == EBADF`);
  assert.deepEqual(codes(text), ['vulkan-valid-usage']);
  assert.match(
    analyse(text)
      .diagnostics.map((d) => d.message)
      .join('\n'),
    /VUID-VkImportMemoryFdInfoKHR-handleType-00670: fd 4 is no longer a valid handle: the import into a took it/,
  );
  assert.deepEqual(failedExpectations(text), []);
  // A fresh export of the same memory imports again.
  const again = scenario(`
    m = vkAllocateMemory 64KiB host-visible coherent exportable
    h = vkGetMemoryFdKHR m dma-buf
    a = vkAllocateMemory 64KiB host-visible coherent import h
    h2 = vkGetMemoryFdKHR m dma-buf
    b = vkAllocateMemory 64KiB host-visible coherent import h2`);
  assert.deepEqual(codes(again), []);
});

test('an OPAQUE_FD imports only into the driver that exported it (VUID 01746); a dma-buf crosses drivers', () => {
  const across = (handle: string, importer: string) => `scenario "x" {
  driver a {
    preset radv
  }
  driver b {
    preset ${importer}
  }
  m = vkAllocateMemory 64KiB host-visible coherent exportable driver a
  h = vkGetMemoryFdKHR m ${handle}
  g = vkAllocateMemory 64KiB host-visible coherent import h driver b
}`;
  assert.deepEqual(codes(across('opaque-fd', 'nvk')), ['vulkan-valid-usage']);
  assert.match(
    analyse(across('opaque-fd', 'nvk'))
      .diagnostics.map((d) => d.message)
      .join('\n'),
    /VUID-VkImportMemoryFdInfoKHR-fd-01746: .*driver a exported it and driver b imports it/,
  );
  assert.deepEqual(codes(across('dma-buf', 'nvk')), []);
  // Two blocks of one preset are one driver on one device: the opaque fd imports.
  assert.deepEqual(codes(across('opaque-fd', 'radv')), []);
});

test('freeing the importer or the exporter keeps the shared BO’s fake offset: a new allocation gets another', () => {
  const freeing = (freed: string, reader: string) =>
    scenario(
      `
      m = vkAllocateMemory 64KiB host-visible coherent exportable
      h = vkGetMemoryFdKHR m dma-buf
      gl = vkAllocateMemory 64KiB host-visible coherent import h
      vkFreeMemory ${freed}
      other = vkAllocateMemory 64KiB host-visible coherent
      q = vkMapMemory2 other
      w = host writes q + 0x10, 16
      p = vkMapMemory2 ${reader}
      expect host reads p + 0x10, 16 == zero`,
      'preset radv',
    );
  for (const [freed, reader] of [
    ['gl', 'm'],
    ['m', 'gl'],
  ]) {
    const text = freeing(freed!, reader!);
    assert.deepEqual(failedExpectations(text), [], `${freed} freed`);
    const offsets = callsOf(text, 5)
      .concat(callsOf(text, 7))
      .join('\n')
      .match(/MAP_SHARED, 3, (0x[0-9a-f_]+)\)/g);
    assert.equal(new Set(offsets).size, 2, `${freed} freed: ${offsets}`);
  }
  // Once both are freed, the offset is free again: the next BO takes it (drm_mm best fit).
  const both = scenario(
    `
    m = vkAllocateMemory 64KiB host-visible coherent exportable
    h = vkGetMemoryFdKHR m dma-buf
    gl = vkAllocateMemory 64KiB host-visible coherent import h
    vkFreeMemory m
    vkFreeMemory gl
    other = vkAllocateMemory 64KiB host-visible coherent
    q = vkMapMemory2 other`,
    'preset radv',
  );
  assert.match(callsOf(both, 6).join('\n'), /MAP_SHARED, 3, 0x1_0000_0000\)/);
});

test('a mapping of a dma-buf fd is named /dmabuf: and says whose buffer object it shows; the driver’s own map keeps the render node', () => {
  const text = scenario(`
    m = vkAllocateMemory 64KiB host-visible coherent exportable
    buf = vkGetMemoryFdKHR m dma-buf
    p = mmap 64KiB rw shared fixed at 0x1000_0000 fd buf
    q = vkMapMemory2 m`);
  assert.deepEqual(codes(text), []);
  const analysis = analyseDocument(text);
  const run = analysis.scenarios[0]!.run;
  const vmas = run.simulation.space.vmasAt(3);
  const p = vmas.find((v) => v.label === 'p')!;
  const q = vmas.find((v) => v.label === 'm')!;
  // dma_buf_mmap_internal keeps the dma-buf as vm_file (dmabuffs_dname: `/dmabuf:`), and
  // drm_gem_prime_mmap adds the BO's fake offset to vm_pgoff: same pages, another file.
  assert.equal(p.object, q.object);
  assert.equal(mapsNameOf(p), '/dmabuf:');
  assert.equal(mapsNameOf(q), '/dev/dri/renderD128');
  assert.equal(p.pgoff, q.pgoff);
  const lines = simulatedMapLines(vmas, 4096n).map((l) => l.name);
  assert.ok(lines.includes('/dmabuf:') && lines.includes('/dev/dri/renderD128'), lines.join(', '));
  // The panel: the label names the memory object and the fd, the backing the dma-buf file.
  const state = panelState(analysis, { uri: 'u', version: 1, offset: 1, stepIndex: 3 })!;
  const row = state.mappings.find((m) => m.label.startsWith('p'))!;
  assert.equal(row.label, "p (m's buffer object through dma-buf fd buf)");
  assert.match(row.backing, /^device BO \/dmabuf: \(VM_IO\|VM_PFNMAP\|VM_DONTEXPAND\)$/);
  assert.ok(state.mappings.some((m) => m.label === 'm' && /renderD128/.test(m.backing)));
  // The trace line says the same.
  const traced = formatMappingLine(traceMapping(p, 4096n));
  assert.match(
    traced,
    /^10000000-10010000 rw-s 100000000 \/dmabuf: {2}\(host, step 3, p: m's buffer object through dma-buf fd buf\)$/,
  );
});

test('mremap moves a /dmabuf: mapping with its file: the moved mapping is still the dma-buf’s', () => {
  const text = scenario(
    `
    m = vkAllocateMemory 64KiB host-visible coherent exportable
    buf = vkGetMemoryFdKHR m dma-buf
    p = mmap 64KiB rw shared fd buf
    q = mremap p, 64KiB, 64KiB, 0x2000_0000, maymove | fixed`,
    'preset radv',
  );
  assert.deepEqual(codes(text), []);
  const vmas = analyse(text).scenarios[0]!.run.simulation.space.vmasAt(4);
  // mm/mremap.c move_vma → copy_vma duplicates the VMA, vm_file included.
  const q = vmas.find((v) => v.label === 'q')!;
  assert.equal(q.startPage * 4096, 0x2000_0000);
  assert.equal(mapsNameOf(q), '/dmabuf:');
  assert.match(
    formatMappingLine(traceMapping(q, 4096n)),
    /^20000000-20010000 rw-s 100000000 \/dmabuf: {2}\(host, step 4, q: m's buffer object through dma-buf fd buf\)$/,
  );
});

test('trace line: whose buffer object a /dmabuf: mapping shows comes after its label, the fork flag after that', () => {
  const text = scenario(
    `
    m = vkAllocateMemory 64KiB host-visible coherent exportable
    buf = vkGetMemoryFdKHR m dma-buf
    p = mmap 64KiB rw shared fixed at 0x1000_0000 fd buf
    madvise p, 4KiB, dontfork`,
    'preset radv',
  );
  const vmas = analyse(text).scenarios[0]!.run.simulation.space.vmasAt(4);
  const head = vmas.find((v) => v.label === 'p' && v.startPage * 4096 === 0x1000_0000)!;
  assert.equal(
    formatMappingLine(traceMapping(head, 4096n)),
    "10000000-10001000 rw-s 100000000 /dmabuf:  (host, step 3, p: m's buffer object through dma-buf fd buf, VM_DONTCOPY)",
  );
});

test('trace line: a /dmabuf: mapping with no label says whose buffer object after a comma, not a colon', () => {
  const text = scenario(
    `
    m = vkAllocateMemory 64KiB host-visible coherent exportable
    buf = vkGetMemoryFdKHR m dma-buf
    mmap 64KiB rw shared fixed at 0x1000_0000 fd buf`,
    'preset radv',
  );
  const vmas = analyse(text).scenarios[0]!.run.simulation.space.vmasAt(3);
  const mapping = vmas.find((v) => v.startPage * 4096 === 0x1000_0000)!;
  assert.equal(
    formatMappingLine(traceMapping(mapping, 4096n)),
    "10000000-10010000 rw-s 100000000 /dmabuf:  (host, step 3, m's buffer object through dma-buf fd buf)",
  );
});

test('an import larger than the export never reaches another allocation: opaque-fd is VUID 01742, a dma-buf import fails', () => {
  const bigger = (handle: string) =>
    scenario(`
    m = vkAllocateMemory 64KiB host-visible coherent exportable
    h = vkGetMemoryFdKHR m ${handle}
    a = vkAllocateMemory 128KiB host-visible coherent import h
    n = vkAllocateMemory 64KiB host-visible coherent
    q = vkMapMemory2 n
    expect device reads n + 0x8000, 16 == zero`);
  const opaque = bigger('opaque-fd');
  assert.deepEqual(codes(opaque), ['vulkan-valid-usage']);
  assert.match(
    analyse(opaque)
      .diagnostics.map((d) => d.message)
      .join('\n'),
    /VUID-VkMemoryAllocateInfo-allocationSize-01742: .*fd 4 holds 64 KiB, and the import asks for 128 KiB/,
  );
  // The spec makes the implementation fail an import its payload cannot back.
  const dmaBuf = `${bigger('dma-buf').replace(/\}\n$/, '')}  expect a == VK_ERROR_INVALID_EXTERNAL_HANDLE\n}\n`;
  assert.deepEqual(codes(dmaBuf), []);
  assert.deepEqual(failedExpectations(dmaBuf), []);
  // A GPU write past the 64 KiB payload is a use of the failed import, not a write into n's BO.
  const write = `${bigger('dma-buf').replace(/\}\n$/, '')}  g = device writes a + 0x1_8000, 16\n  expect host reads q + 0x8000, 16 == zero\n}\n`;
  assert.deepEqual(failedExpectations(write), []);
  // Smaller than the payload or an OPAQUE_FD of the same size: allowed.
  for (const [handle, size] of [
    ['dma-buf', '32KiB'],
    ['opaque-fd', '64KiB'],
  ] as const) {
    const text = scenario(`
      m = vkAllocateMemory 64KiB host-visible coherent exportable
      h = vkGetMemoryFdKHR m ${handle}
      a = vkAllocateMemory ${size} host-visible coherent import h`);
    assert.deepEqual(codes(text), [], `${handle} ${size}`);
  }
});
