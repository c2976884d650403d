// Wine's OpenGL thunks (vulkan-wine §3.6): the routes a glMapBufferRange takes, checked against
// what unix_wgl.c does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { callsOf } from './helpers';

const shown = (text: string) => analyseDocument(text).diagnostics.map((d) => `${d.code}: ${d.message}`);

test('"we\'re lucky" is a pointer that fits in 32 bits, not one inside the window', () => {
  const text = (settings: string) => `scenario "lucky" {
${settings}
  driver mesa {
    placed-map none
  }
  b = glBufferData 64KiB
  p = glMapBufferRange b, 0x100, 4KiB write
  expect p == 0x9fff_0100
}
`;
  // Above the 2 GiB window but below 4 GiB: handed over as it is, and said to be outside the window.
  const [d, ...rest] = shown(text('  mmap-base 0xa000_0000'));
  assert.match(
    d!,
    /^pointer-outside-window: 32-bit code gets 0x9fff_0100, outside the window .*It fits in 32 bits, so Wine hands it over unchanged/,
  );
  assert.deepEqual(rest, []);
  assert.ok(
    callsOf(text('  mmap-base 0xa000_0000'), 1).some((c) => c.includes('fits in 32 bits ("we\'re lucky")')),
  );
  // Large-address-aware: inside the window, nothing to say.
  assert.deepEqual(shown(text('  mmap-base 0xa000_0000\n  large-address-aware')), []);
});

test('a zero length is GL_INVALID_OPERATION (OpenGL 4.5+); a range past the end GL_INVALID_VALUE', () => {
  const text = (range: string, error: string) =>
    `scenario "e" {\n  b = glBufferData 64KiB\n  p = glMapBufferRange b, ${range} write\n  expect p == ${error}\n}\n`;
  assert.deepEqual(shown(text('0, 0', 'GL_INVALID_OPERATION')), [
    'gl-error: (expected) GL_INVALID_OPERATION: the length is zero',
  ]);
  assert.match(shown(text('60KiB, 8KiB', 'GL_INVALID_VALUE'))[0]!, /runs past the 64 KiB buffer/);
});

test('Vulkan-backed buffers keep their range at unmap and map there again; a stale write faults on it', () => {
  const text = `scenario "vk" {
  wine 10.18
  driver mesa {
    preset radv
  }
  b = glBufferStorage 64KiB map-write persistent
  c = glBufferData 64KiB
  p = glMapBufferRange b, 0, 4KiB write persistent
  glUnmapBuffer b
  expect mapped 0x1_0000, 64KiB
  q = glMapBufferRange c, 0, 4KiB write
  expect q != p
  p2 = glMapBufferRange b, 0, 4KiB write persistent
  expect p2 == p
}
`;
  assert.deepEqual(shown(text), []);
  // The unmap is the RESERVE unmap alone: no munmap of Wine's range.
  assert.deepEqual(
    callsOf(text, 3).map((c) => c.replace(/\(.*$/, '')),
    ['app: glUnmapBuffer', 'wine: vkUnmapMemory2KHR', 'mesa: mmap'],
  );
});

test('a driver that maps at allocation cannot place a Vulkan-backed buffer (H3, H4): glMapBufferRange returns NULL', () => {
  const text = (maps: string) => `scenario "h4" {
  wine 10.18
  driver mesa {
    preset radv
    maps ${maps}
  }
  b = glBufferStorage 64KiB map-write persistent coherent
  p = glMapBufferRange b, 0, 4KiB write persistent coherent
  expect p == NULL
}
`;
  const failed = shown(text('at-alloc'));
  assert.equal(failed.length, 1);
  assert.match(
    failed[0]!,
    /^placed-map-failed: \(expected\) the placed map fails with VK_ERROR_MEMORY_MAP_FAILED/,
  );
  assert.match(shown(text('at-map'))[0]!, /^expectation-failed: expectation failed: p is 0x1_0000/);
});

test('a client-pointer map of a DRM BO at a page offset maps the BO from its start and points into it', () => {
  const text = `scenario "cp" {
  driver mesa {
    gl-client-pointer
  }
  low = mmap 64KiB rw private anon at 0x1000_0000 by wine
  glAddClientPointerRangeMESA low, 64KiB by wine
  b = glBufferData 64KiB
  p = glMapBufferRange b, 0x2000, 4KiB write
  expect p == 0x1000_2000
  expect mapped 0x1000_0000, 64KiB
}
`;
  assert.deepEqual(shown(text), []);
});

test('the copy path flushes nothing from the shadow: the bytes reach the buffer at glUnmapBuffer', () => {
  const text = (after: string) => `scenario "flush" {
  driver mesa {
    caches-pointer
  }
  b = glBufferData 64KiB
  q = glMapBufferRange b, 0, 4KiB write flush-explicit
  w1 = app writes q + 0x100, 16
  glFlushMappedBufferRange b, 0x100, 16
${after}
}
`;
  assert.deepEqual(shown(text('  expect mesa reads b + 0x100, 16 == zero')), []);
  // They do reach it, but after the flush: the driver may drop them (gl-write-lost).
  const [lost, ...rest] = shown(text('  glUnmapBuffer b\n  expect mesa reads b + 0x100, 16 == w1'));
  assert.match(lost!, /^gl-write-lost: 16 B .*on Wine's copy path no glFlushMappedBufferRange covers them/);
  assert.deepEqual(rest, []);
});

test('a GL pointer used after glUnmapBuffer is use-after-free (H5), on every route', () => {
  const text = (driver: string, create: string, access: string) => `scenario "stale" {
  wine 10.18
  driver mesa {
${driver}
  }
  b = ${create}
  p = glMapBufferRange b, 0, 4KiB ${access}
  glUnmapBuffer b
  app writes p + 0x10, 4
}
`;
  const copy = shown(text('    placed-map none', 'glBufferData 64KiB', 'write'));
  assert.equal(copy.length, 1);
  assert.match(
    copy[0]!,
    /^use-after-free: app writes 0x1_0010 through the pointer glMapBufferRange gave for b at step 2, but b was unmapped at step 3 \(H5\)$/,
  );
  // Vulkan-backed: the range stays reserved PROT_NONE, so the write faults there.
  const vulkan = shown(
    text('    preset radv', 'glBufferStorage 64KiB map-write persistent', 'write persistent'),
  );
  assert.equal(vulkan.length, 1);
  assert.match(
    vulkan[0]!,
    /^use-after-free: .* but b was unmapped at step 3: the access faults \(SIGSEGV\) \(H5\)$/,
  );
  // While mapped, nothing.
  assert.deepEqual(
    shown(text('    placed-map none', 'glBufferData 64KiB', 'write').replace('  glUnmapBuffer b\n', '')),
    [],
  );
});

test('glBufferStorage: persistent needs map-read or map-write, coherent needs persistent (GL_INVALID_VALUE)', () => {
  const create = (flags: string) => shown(`scenario "s" {\n  b = glBufferStorage 64KiB ${flags}\n}\n`);
  assert.match(
    create('persistent')[0]!,
    /^gl-error: GL_INVALID_VALUE: `persistent` needs `map-read` or `map-write`/,
  );
  assert.match(
    create('map-write coherent')[0]!,
    /^gl-error: GL_INVALID_VALUE: `coherent` needs `persistent`/,
  );
  assert.deepEqual(create('map-write persistent coherent'), []);
});

test('CrossOver on macOS: a GL map above 4 GiB is a live mach_vm_remap alias, released at the next unmap', () => {
  const text = `scenario "cx" {
  platform macos
  driver mesa {
    caches-pointer
    placed-map none
  }
  b = glBufferData 64KiB
  p = glMapBufferRange b, 0x100, 4KiB write
  w = app writes p, 16
  expect mesa reads b + 0x100, 16 == w
  glUnmapBuffer b
  expect mapped p, 4KiB
  c = glBufferData 64KiB
  q = glMapBufferRange c, 0, 4KiB write
  glUnmapBuffer c
  expect unmapped p, 4KiB
}
`;
  assert.deepEqual(shown(text), []);
  // The map: the driver's, a low reservation, the alias of the two pages holding [p, p + 4 KiB).
  assert.deepEqual(
    callsOf(text, 1).map((c) => c.replace(/\(.*$/, '')),
    ['app: glMapBufferRange', 'mesa: mmap', 'wine: mmap', 'wine: mach_vm_remap'],
  );
  assert.match(callsOf(text, 1)[3]!, /8 KiB/);
  // On Linux the same map is the shadow copy.
  assert.ok(
    callsOf(text.replace('  platform macos\n', ''), 1).some((c) => c.includes('FIXME: Doing a copy')),
  );
});

test('a GL mach-alias map with no room in the window undoes the host map and answers GL_OUT_OF_MEMORY', () => {
  const text = `scenario "full" {
  platform macos
  window 0x1_0000 .. 0x2_0000
  driver mesa {
    placed-map none
  }
  fill = mmap 64KiB rw private anon at 0x1_0000 by wine
  b = glBufferData 64KiB
  p = glMapBufferRange b, 0, 4KiB write
  expect p == GL_OUT_OF_MEMORY
}
`;
  const calls = callsOf(text, 2).map((c) => c.replace(/\(.*$/, ''));
  assert.deepEqual(calls.slice(-2), ['wine: glUnmapBuffer', 'mesa: munmap']);
  const analysis = analyseDocument(text);
  assert.equal(analysis.scenarios[0]!.run.simulation.space.vmas().length, 1);
});

test("a VUID Wine's placed map breaks for a GL buffer names glMapBufferRange, not vkMapMemory", () => {
  const text = `scenario "gl09651" {
  wine 10.18
  page-size 16KiB
  driver mesa {
    preset radv
  }
  b = glBufferStorage 20KiB map-write persistent
  p = glMapBufferRange b, 0, 4KiB write persistent
}
`;
  const vuid = analyseDocument(text).diagnostics.find((d) => d.message.includes('09651'));
  assert.match(vuid!.message, /Wine's placed map for this glMapBufferRange \(vkMapMemory2KHR/);
  assert.equal(vuid!.code, 'wine-placed-size-unaligned');
});

test('a Vulkan-backed GL buffer is a BO of its own even on a pool driver, so it can be placed', () => {
  const text = `scenario "pool" {
  wine 10.18
  driver mesa {
    preset radv
    maps pool
  }
  b = glBufferStorage 64KiB map-write persistent
  p = glMapBufferRange b, 0, 4KiB write persistent
  expect p == 0x1_0000
}
`;
  assert.deepEqual(shown(text), []);
});

test('a GL buffer is not a Vulkan memory object: vkFreeMemory and vkMapMemory refuse it', () => {
  const problems = shown(
    `scenario "g" {\n  b = glBufferData 64KiB\n  vkFreeMemory b\n  p = vkMapMemory b\n}\n`,
  );
  assert.deepEqual(problems, [
    'wrong-kind: `b` is an OpenGL buffer, not a Vulkan memory object: vkFreeMemory does not take it',
    'wrong-kind: `b` is an OpenGL buffer, not a Vulkan memory object: vkMapMemory does not take it',
  ]);
});

const LEGACY = (access: string, after = '') => `scenario "legacy" {
  driver mesa {
    maps at-alloc
    caches-pointer
  }
  b = glBufferData 64KiB
  d = mesa writes b + 0x10, 8
  p = glMapBuffer b${access}
${after}
}
`;

test('glMapBuffer maps the whole buffer with range bits from its access enum (map_range_flags_from_map_flags)', () => {
  // A high driver pointer takes the copy path: the whole buffer, copied in even for write-only
  // (a legacy map has no INVALIDATE bit).
  const calls = callsOf(LEGACY(', write-only'), 2);
  assert.equal(calls[0]!.trim(), 'app: glMapBuffer(b, GL_WRITE_ONLY)');
  assert.ok(
    calls.some((c) => c.startsWith('wine: mmap(0x1_0000, 0x1_0000,')),
    calls.join('\n'),
  );
  assert.ok(
    calls.some((c) => c.startsWith('wine: memcpy(0x1_0000, 0x7fff_')),
    calls.join('\n'),
  );
  assert.deepEqual(shown(LEGACY(', read-only', '  expect app reads p + 0x10, 8 == d')), []);
  // Written back at unmap unless read-only.
  const back = (access: string) =>
    shown(
      LEGACY(access, '  w = app writes p + 0x20, 4\n  glUnmapBuffer b\n  expect mesa reads b + 0x20, 4 == w'),
    );
  assert.deepEqual(back(', read-write'), []);
  assert.deepEqual(back(', write-only'), []);
  // A read-only map's writes stay in the shadow (the GL write was never allowed).
  assert.deepEqual(
    back(', read-only').map((m) => m.split(':')[0]),
    ['gl-write-lost', 'expectation-failed'],
  );
});

test('glMapBuffer without an access, or of a mapped buffer, is reported', () => {
  assert.deepEqual(shown(LEGACY('')), [
    'missing-argument: glMapBuffer needs an access: `read-only`, `write-only` or `read-write`',
  ]);
  assert.deepEqual(
    shown(LEGACY(', read-only read-write')).map((m) => m.split(':')[0]),
    ['syntax-error'],
  );
  assert.match(
    shown(LEGACY(', read-write', '  q = glMapBuffer b, read-write'))[0]!,
    /^gl-error: GL_INVALID_OPERATION: b is already mapped/,
  );
});

test('a use of a glMapBuffer pointer after glUnmapBuffer names glMapBuffer (H5)', () => {
  const [d] = shown(LEGACY(', read-write', '  glUnmapBuffer b\n  app writes p, 4'));
  assert.match(
    d!,
    /^use-after-free: app writes 0x1_0000 through the pointer glMapBuffer gave for b at step 3/,
  );
});

test("Vulkan-backed GL: Wine's flush of an unaligned glFlushMappedBufferRange is checked like a direct one, as Wine's", () => {
  const text = (offset: string, length: string) => `scenario "gl flush" {
  wine 10.18
  driver mesa {
    preset radv
  }
  b = glBufferStorage 1MiB map-write persistent
  p = glMapBufferRange b, 0x1000, 4KiB write persistent flush-explicit
  w = app writes p + 3, 5
  glFlushMappedBufferRange b, ${offset}, ${length}
  glUnmapBuffer b
}
`;
  const got = shown(text('3', '5'));
  assert.equal(got.length, 2, got.join('\n'));
  assert.match(
    got[0]!,
    /^wine-flush-range-unaligned: VUID-VkMappedMemoryRange-offset-00687: Wine's vkFlushMappedMemoryRanges .*offset 0x1003 /,
  );
  assert.match(got[1]!, /^wine-flush-range-unaligned: VUID-VkMappedMemoryRange-size-01390: .*size 5 /);
  assert.ok(
    callsOf(text('3', '5'), 3).some((c) =>
      c.includes('vkFlushMappedMemoryRanges(b, offset=0x1003, size=0x5)'),
    ),
  );
  assert.deepEqual(shown(text('0', '0x40')), []);
  // The atom is the driver's: 0x40 is not a multiple of a 256-byte one.
  const wide = text('0', '0x40').replace('preset radv', 'preset radv\n    non-coherent-atom 256');
  assert.deepEqual(
    shown(wide).map((d) => d.split(':')[0]),
    ['wine-flush-range-unaligned'],
  );
  assert.match(shown(wide)[0]!, /size 64 is not a multiple of nonCoherentAtomSize \(256 bytes\)/);
});

test('a GPU write into a buffer mapped on the copy path is destroyed by the copy-back at glUnmapBuffer, and says so', () => {
  const text = (before: string, map: string, during: string[]) =>
    [
      'scenario "gpu write under a GL shadow" {',
      '  b = glBufferData 1MiB',
      ...(before ? [`  ${before}`] : []),
      `  p = glMapBufferRange b, 0, 4KiB ${map}`,
      ...during.map((s) => `  ${s}`),
      '  glUnmapBuffer b',
      '}',
    ].join('\n');
  const lost = text('', 'read write', ['g = device writes b + 0x10, 16']);
  const found = analyseDocument(lost).diagnostics;
  assert.deepEqual(
    found.map((d) => d.code),
    ['shadow-copy-clobbers'],
  );
  assert.equal(lost.slice(found[0]!.range.start, found[0]!.range.end), 'glUnmapBuffer b');
  assert.match(
    found[0]!.message,
    /^At glUnmapBuffer Wine copies the whole shadow back .* over b\+0x10\.\.0x20 and destroys what device wrote there at step 3 \(g\)/,
  );
  // The skipped copy-in (GL_MAP_INVALIDATE_RANGE_BIT) does not hide it: the shadow's old bytes go back.
  assert.deepEqual(
    shown(text('', 'write invalidate-range', ['device writes b + 0x10, 16'])).map((d) => d.split(':')[0]),
    ['shadow-copy-clobbers'],
  );
  // A write before the map is copied in; a map without GL_MAP_WRITE_BIT copies nothing back; bytes
  // 32-bit code wrote over the device's are its own race, not the layer's.
  assert.deepEqual(shown(text('device writes b + 0x10, 16', 'read write', [])), []);
  assert.deepEqual(shown(text('', 'read', ['device writes b + 0x10, 16'])), []);
  assert.deepEqual(
    shown(text('', 'read write', ['device writes b + 0x10, 16', 'app writes p + 0x10, 16'])),
    [],
  );
});

test("Wine's Vulkan-backed buffer: the trace names the handle type it exports and the fd number the export opened", () => {
  const calls = callsOf(
    `scenario "g" {\n  wine 10.18\n  driver mesa {\n    preset radv\n  }\n  b = glBufferStorage 64KiB map-write persistent\n}\n`,
    0,
  );
  // fd 3 is the render node the driver opened at device creation; the export is the next.
  assert.ok(
    calls.includes('wine: vkGetMemoryFdKHR(b, VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT) = 4'),
    calls.join('\n'),
  );
  assert.ok(
    calls.some((c) =>
      c.startsWith(
        'wine: glImportMemoryFdEXT(64 KiB, GL_HANDLE_TYPE_OPAQUE_FD_EXT, 4) + glBufferStorageMemEXT(b)',
      ),
    ),
    calls.join('\n'),
  );
  // GL took the fd at the import and closed it: a later mmap of fd 4 is EBADF, as for an fd a
  // Vulkan import took.
  const { run } = analyseDocument(
    `scenario "g" {\n  wine 10.18\n  driver mesa {\n    preset radv\n  }\n  b = glBufferStorage 64KiB map-write persistent\n}\n`,
  ).scenarios[0]!;
  assert.equal(run.simulation.space.isOpen(4), false);
});

test('a GL buffer whose BO the driver cannot create is GL_OUT_OF_MEMORY: Wine falls back to the host call, and no map of it succeeds', () => {
  const text = (domains: string, call: string) => `scenario "oom" {
  wine 10.18
  driver radv {
    preset radv
${domains}
  }
  b = ${call}
  p = glMapBufferRange b, 0, 4KiB write
  app writes p, 16
}
`;
  const storage = 'glBufferStorage 128MiB map-write persistent coherent';
  // VRAM too small alone is not a failure: amdgpu retries the BO with GTT added.
  assert.deepEqual(shown(text('    vram 64MiB', storage)), []);
  // Wine's create_buffer_storage: vkAllocateMemory fails (DEVICE_LOCAL, so VRAM then GTT), Wine
  // logs the ERR and calls the host glBufferStorage, whose GL driver fails the same BO.
  const failed = shown(text('    vram 64MiB\n    gtt 64MiB', storage));
  assert.deepEqual(
    failed.map((d) => d.split(':')[0]),
    ['kernel-refused', 'kernel-refused', 'use-of-failed-result', 'use-of-failed-result'],
  );
  assert.match(failed[2]!, /`b` has no value: step 1 failed \(GL_OUT_OF_MEMORY\)/);
  const calls = callsOf(text('    vram 64MiB\n    gtt 64MiB', storage), 0);
  assert.ok(
    calls.some((c) =>
      /vkAllocateMemory\(128 MiB, HOST_VISIBLE\|HOST_COHERENT\|DEVICE_LOCAL.*= VK_ERROR_OUT_OF_DEVICE_MEMORY/.test(
        c,
      ),
    ),
    calls.join('\n'),
  );
  assert.ok(calls.some((c) => c.includes('ERR: vkAllocateMemory failed')));
  assert.ok(calls.some((c) => c.includes('glBufferStorage on the host GL driver')));
  // glBufferData: the GL driver's own BO (GTT), refused, and the buffer has no store.
  assert.deepEqual(
    shown(text('    gtt 64MiB', 'glBufferData 128MiB')).map((d) => d.split(':')[0]),
    ['kernel-refused', 'use-of-failed-result', 'use-of-failed-result'],
  );
  assert.deepEqual(shown(text('    gtt 256MiB', 'glBufferData 128MiB')), []);
});
