// The `wine` setting and Wine's WOW64 OpenGL maps (sim/wine-version.ts): the Vulkan-backed
// buffers came in Wine 10.18, the Unix-side copy in 10.15 (before it the copy's pointer is kept in
// the buffer), and on the Vulkan-backed route Wine never calls the host GL, so raises none of its
// errors (dlls/opengl32/unix_wgl.c @00d50d23).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import { callsOf, codes } from './helpers';

const shown = (text: string) => analyseDocument(text).diagnostics.map((d) => `${d.code}: ${d.message}`);

test('a persistent GL map takes the Vulkan-backed route only from Wine 10.18, not under the default 10.15', () => {
  const text = (wine: string) => `scenario "persistent" {
${wine}
  driver mesa {
    preset radv
  }
  b = glBufferStorage 64KiB map-write persistent
  p = glMapBufferRange b, 0, 4KiB write persistent
  expect p == NULL
}
`;
  // 9.0 and 9.3 have no placed maps at all; 10.15 (the default) and 10.17 have them for Vulkan,
  // but no Vulkan interop device for GL: the copy path refuses the persistent map.
  for (const wine of ['  wine 9.3', '', '  wine 10.15', '  wine 10.17'])
    assert.deepEqual(codes(text(wine)), ['gl-persistent-copy'], wine || 'the default');
  // 9.0 refuses it too, but hands back the truncated pointer it stored first (refused-map test).
  assert.deepEqual(codes(text('  wine 9.0').replace('expect p == NULL', 'expect p == 0xf7fe_f000')), [
    'gl-persistent-copy',
  ]);
  assert.ok(
    callsOf(text('  wine 9.0'), 0).some((c) =>
      c.includes('Wine 9.0 has no Vulkan-backed GL buffers (they came in Wine 10.18)'),
    ),
  );
  assert.ok(!callsOf(text('  wine 10.17'), 0).some((c) => c.includes('vkAllocateMemory')));
  // 10.18: Wine's exported Vulkan memory, placed low.
  const vulkan = text('  wine 10.18').replace('expect p == NULL', 'expect p == 0x1_0000');
  assert.deepEqual(codes(vulkan), []);
  assert.ok(callsOf(vulkan, 0).some((c) => c.includes('vkAllocateMemory(64 KiB')));
});

test('before Wine 10.15 the GL copy keeps its pointer in the buffer: a map without write leaves it there', () => {
  const text = (wine: string, access: string) => `scenario "stash" {
${wine}
  driver mesa {
    caches-pointer
  }
  b = glBufferData 64KiB
  g = mesa writes b + 0x104, 16
  p = glMapBufferRange b, 0x104, 4KiB ${access}
  expect app reads p, 16 == g
  glUnmapBuffer b
  expect mesa reads b + 0x104, 16 == g
}
`;
  // 10.14: the 32-bit side's copy at its own 16-byte aligned start, the pointer saved in the
  // first 4 mapped bytes of b, and no copy-back over them without write.
  const [lost, ...rest] = shown(text('  wine 10.14', 'read'));
  assert.match(
    lost!,
    /^expectation-failed: .*mesa reads Wine's 32-bit pointer 0x1_0000, kept in b×4, g×12 from b/,
  );
  assert.deepEqual(rest, []);
  const mapCalls = callsOf(text('  wine 10.14', 'read'), 2);
  assert.ok(
    mapCalls.some((c) => c.includes('*(PTR32 *)0x7fff_f7fe_f104 = 0x1_0000')),
    mapCalls.join('\n'),
  );
  // The copy is freed at unmap.
  const { run } = analyseDocument(text('  wine 10.14', 'read')).scenarios[0]!;
  assert.equal(run.simulation.space.vmaAt(run.simulation.pageOf(0x1_0000n)), undefined);
  // A write map copies back over the pointer; 10.15's Unix-side copy never writes into b.
  assert.deepEqual(codes(text('  wine 10.14', 'read write')), []);
  assert.deepEqual(codes(text('  wine 10.15', 'read')), []);
  assert.deepEqual(codes(text('', 'read')), []);
  // Fewer than 4 bytes leave no room for the pointer: the map fails.
  const small = `scenario "small" {\n  wine 10.14\n  b = glBufferData 64KiB\n  p = glMapBufferRange b, 0, 2 write\n  expect p == NULL\n}\n`;
  assert.deepEqual(codes(small), []);
  assert.ok(callsOf(small, 1).some((c) => c.includes('Buffer too small for metadata!')));
});

test('the Vulkan-backed route raises no host GL errors: Wine checks only that the buffer is not mapped yet', () => {
  const text = (steps: string) => `scenario "no host validation" {
  wine 10.18
  driver mesa {
    preset radv
  }
  b = glBufferStorage 64KiB map-write persistent coherent
${steps}
}
`;
  // A read map of storage without map-read: the host GL would say GL_INVALID_OPERATION; Wine
  // hands out vm_ptr + offset.
  const read = text('  p = glMapBufferRange b, 0, 4KiB read\n  expect p == 0x1_0000');
  assert.deepEqual(shown(read), []);
  assert.ok(
    callsOf(read, 1).some((c) => c.includes('no GL error for b') && c.includes('GL_INVALID_OPERATION')),
  );
  // A flush without GL_MAP_FLUSH_EXPLICIT_BIT, and past the GL map but inside the memory Wine
  // mapped whole: vkFlushMappedMemoryRanges, no GL error, no VUID.
  assert.deepEqual(
    shown(
      text(
        '  p = glMapBufferRange b, 0, 4KiB write persistent coherent\n  glFlushMappedBufferRange b, 0, 64\n  glFlushMappedBufferRange b, 0x2000, 64',
      ),
    ),
    [],
  );
  // A second map of a mapped buffer is still GL_INVALID_OPERATION (buffer->map_ptr).
  assert.deepEqual(
    codes(text('  p = glMapBufferRange b, 0, 4KiB write\n  q = glMapBufferRange b, 0, 4KiB write')),
    ['gl-error'],
  );
  // A flush of a buffer that is not mapped reaches Vulkan on unmapped memory.
  assert.match(
    shown(text('  glFlushMappedBufferRange b, 0, 64'))[0]!,
    /VUID-VkMappedMemoryRange-memory-00684/,
  );
});

test('before Wine 10.15 glMapBuffer copies 0 bytes in, and a write map copies the uninitialised copy back', () => {
  // unix_wgl.c (9.0) wow64_gl_map_buffer re-enters wow64_map_buffer with size 0: only the first
  // call turns 0 into GL_BUFFER_SIZE; wow64_gl_unmap_buffer copies GL_BUFFER_MAP_LENGTH back.
  const text = (wine: string, steps: string) => `scenario "legacy map" {
${wine}
  driver mesa {
    caches-pointer
  }
  b = glBufferData 64KiB
  g = mesa writes b + 0x40, 16
${steps}
}
`;
  const readOnly = `  p = glMapBuffer b, read-only
  expect app reads p + 0x40, 16 == g
  glUnmapBuffer b`;
  const [seen, ...rest] = shown(text('  wine 9.0', readOnly));
  assert.match(seen!, /^expectation-failed: .*uninitialised _aligned_malloc bytes \(not b's data\)/);
  assert.deepEqual(rest, []);
  assert.ok(
    callsOf(text('  wine 9.0', readOnly), 2).some((c) => c.includes('memcpy(0x1_0000, 0x7fff_f7fe_f000, 0)')),
  );
  const readWrite = `  p = glMapBuffer b, read-write
  app writes p + 0x100, 16
  glUnmapBuffer b
  expect mesa reads b + 0x40, 16 == g`;
  assert.match(
    shown(text('  wine 10.14', readWrite)).join('\n'),
    /^expectation-failed: .*mesa reads uninitialised/,
  );
  // glMapBufferRange passes its length, and from 10.15 the whole buffer is copied in.
  assert.deepEqual(
    codes(
      text('  wine 9.0', readOnly.replace('glMapBuffer b, read-only', 'glMapBufferRange b, 0, 64KiB read')),
    ),
    [],
  );
  assert.deepEqual(codes(text('  wine 10.15', readOnly)), []);
  assert.deepEqual(codes(text('  wine 10.15', readWrite)), []);
});

test('Wine 9.0 hands 32-bit code the truncated host pointer from a refused copy-path map, not NULL', () => {
  // unix_wgl.c (9.0) wow64_map_buffer stores `*ret = PtrToUlong(ptr)` before it returns
  // STATUS_NOT_SUPPORTED / STATUS_BUFFER_TOO_SMALL; wgl.c glMapBufferRange returns args.ret.
  const persistent = `scenario "9.0 persistent map" {
  wine 9.0
  driver mesa {
    placed-map none
  }
  b = glBufferStorage 64KiB map-write persistent
  p = glMapBufferRange b, 0, 64KiB write persistent
  expect p == NULL
}
`;
  const [finding, failed, ...rest] = shown(persistent);
  assert.match(
    finding!,
    /^gl-persistent-copy: .*returns 0xf7fe_f000 anyway .*truncated pointer to memory that is no longer mapped/,
  );
  assert.match(failed!, /^expectation-failed: .*p is 0xf7fe_f000/);
  assert.deepEqual(rest, []);
  const small = `scenario "small" {\n  wine 9.0\n  b = glBufferData 2\n  p = glMapBufferRange b, 0, 2 write\n  expect p == NULL\n}\n`;
  assert.match(shown(small).join('\n'), /^expectation-failed: .*p is 0xf7ff_e000/);
  assert.deepEqual(codes(small.replace('expect p == NULL', 'expect p == 0xf7ff_e000')), []);
  // The later pre-10.15 protocol returns 0 (what its PE side does with *client_ptr is not read).
  assert.deepEqual(codes(small.replace('wine 9.0', 'wine 10.14')), []);
});

test('under Wine 9.0 glUnmapBuffer of an unmapped buffer raises no GL error and returns GL_FALSE', () => {
  // unix_wgl.c (9.0) wow64_gl_unmap_buffer: `if (!(ptr = get_buffer_pointer( … ))) return
  // STATUS_SUCCESS;` before the host glUnmapBuffer; later files always call it.
  const text = (wine: string) => `scenario "unmap without map" {
${wine}
  driver mesa {
  }
  b = glBufferData 64KiB
  glUnmapBuffer b
}
`;
  assert.deepEqual(shown(text('  wine 9.0')), []);
  assert.ok(callsOf(text('  wine 9.0'), 1).some((c) => c.includes('= GL_FALSE')));
  assert.deepEqual(codes(text('  wine 10.14')), ['gl-error']);
  assert.deepEqual(codes(text('')), ['gl-error']);
});
