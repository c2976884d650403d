// The OpenGL route (model/gl/): Wine's routes in order, and the GL rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse, codes } from './helpers';

test('copy path: copied in, the 16-byte offset alignment kept, copied back with write', () => {
  const text = `scenario "copy" {
  driver mesa {
    maps at-alloc
    caches-pointer
  }
  b = glBufferData 64KiB
  g = mesa writes b + 0x104, 16
  p = glMapBufferRange b, 0x104, 256 read write
  expect p == 0x1_0004
  expect app reads p, 16 == g
  w = app writes p + 0x10, 16
  glUnmapBuffer b
  expect mesa reads b + 0x114, 16 == w
}
`;
  const analysis = analyse(text);
  assert.deepEqual(
    analysis.diagnostics.map((d) => d.code),
    [],
  );
  const labels = analysis.scenarios[0]!.run.simulation.space.vmasAt(2).map((v) => v.label);
  assert.ok(labels.includes('b (GL shadow)'), labels.join(', '));
});

test('gl-persistent-copy fires without a Vulkan interop device, not with one', () => {
  const map = (driver: string) => `scenario "p" {
  wine 10.18
  driver mesa {
    ${driver}
  }
  b = glBufferStorage 1MiB map-write persistent coherent
  p = glMapBufferRange b, 0, 1MiB write persistent coherent
}
`;
  assert.deepEqual(codes(map('placed-map none')), ['gl-persistent-copy']);
  assert.deepEqual(codes(map('preset nvk')), []);
});

test('Vulkan-backed: placed low, the driver and 32-bit code share the pages', () => {
  const text = `scenario "vk" {
  wine 10.18
  driver mesa {
    preset radv
  }
  b = glBufferStorage 1MiB map-write persistent coherent
  p = glMapBufferRange b, 0x100, 4KiB write persistent coherent
  expect p == 0x1_0100
  w = app writes p, 16
  expect mesa reads b + 0x100, 16 == w
  glUnmapBuffer b
}
`;
  assert.deepEqual(codes(text), []);
});

test('gl-write-lost: a read map written to (copy path), and an unflushed flush-explicit range', () => {
  const lost = `scenario "lost" {
  b = glBufferData 64KiB
  p = glMapBufferRange b, 0, 4KiB read
  app writes p, 16
  glUnmapBuffer b
  q = glMapBufferRange b, 0, 4KiB write flush-explicit
  app writes q + 0x800, 16
  glUnmapBuffer b
}
`;
  assert.deepEqual(codes(lost), ['gl-write-lost', 'gl-write-lost']);
  const kept = `scenario "kept" {
  b = glBufferData 64KiB
  q = glMapBufferRange b, 0, 4KiB write flush-explicit
  app writes q + 0x800, 16
  glFlushMappedBufferRange b, 0x800, 16
  glUnmapBuffer b
}
`;
  // On the copy path the flush reaches the host map before Wine copies the bytes in (at unmap).
  assert.deepEqual(codes(kept), ['gl-write-lost']);
  const keptVulkan = kept
    .replace(
      '  b = glBufferData 64KiB',
      '  wine 10.18\n  driver mesa {\n    preset radv\n  }\n  b = glBufferStorage 64KiB map-write persistent',
    )
    .replace('0x800, 16\n  glUnmap', '0x800, 64\n  glUnmap'); // whole nonCoherentAtomSize units
  assert.deepEqual(codes(keptVulkan), []);
});

test('client pointer: placed in the range; too small says the size needed; busy release', () => {
  const text = (size: string, release: string) => `scenario "client" {
  driver mesa {
    gl-client-pointer
  }
  low = mmap ${size} rw private anon at 0x1000_0000 by wine
  glAddClientPointerRangeMESA low, ${size} by wine
  b = glBufferData 64KiB
  p = glMapBufferRange b, 0x10, 16KiB write
${release}
}
`;
  assert.deepEqual(
    codes(text('64KiB', '  glUnmapBuffer b\n  glFlush\n  glReleaseClientPointerRangeMESA')),
    [],
  );
  const small = analyse(text('16KiB', ''));
  assert.deepEqual(
    small.diagnostics.map((d) => d.code),
    ['gl-client-range-too-small'],
  );
  assert.match(small.diagnostics[0]!.message, /BUFFER_CLIENT_POINTER_SIZE_MESA is 20 KiB/);
  assert.deepEqual(codes(text('64KiB', '  glReleaseClientPointerRangeMESA')), ['gl-client-range-busy']);
  assert.deepEqual(codes(text('64KiB', '  glUnmapBuffer b\n  glReleaseClientPointerRangeMESA')), [
    'gl-client-range-busy',
  ]);
});

test('gl-error: range past the end, double map, access bits the storage lacks', () => {
  const text = `scenario "errors" {
  b = glBufferData 64KiB
  p = glMapBufferRange b, 60KiB, 8KiB write
  expect p == GL_INVALID_VALUE
  s = glBufferStorage 64KiB map-read
  q = glMapBufferRange s, 0, 4KiB write
  expect q == GL_INVALID_OPERATION
}
`;
  assert.deepEqual(codes(text), ['gl-error', 'gl-error']);
});

test('glUnmapBuffer of a buffer whose map failed: GL_INVALID_OPERATION says the map failed', () => {
  const text = (map: string) => `scenario "g" {\n  b = glBufferData 64KiB\n${map}  glUnmapBuffer b\n}\n`;
  const errors = (t: string) =>
    analyse(t)
      .diagnostics.filter((d) => d.code === 'gl-error')
      .map((d) => d.message);
  const failedMap = errors(text('  p = glMapBufferRange b, 0, 128KiB read\n'));
  assert.equal(failedMap.length, 2, failedMap.join(' | '));
  assert.match(failedMap[1]!, /b is not mapped \(its map at step 2 failed\)/);
  assert.ok(errors(text('')).every((m) => !m.includes('failed')));
});

test('client pointer route: GPU writes made before the first map show in it, and survive the unmap', () => {
  const text = `scenario "gpu first" {
  driver mesa {
    gl-client-pointer
  }
  low = mmap 64KiB rw private anon at 0x1000_0000 by wine
  glAddClientPointerRangeMESA low, 64KiB by wine
  b = glBufferData 16KiB
  g = mesa writes b + 0x20, 16
  p = glMapBufferRange b, 0, 16KiB read
  expect app reads p + 0x20, 16 == g
  glUnmapBuffer b
  expect mesa reads b + 0x20, 16 == g
}
`;
  assert.deepEqual(codes(text), []);
});

test('client pointer route on a driver with private anonymous buffers: cannot hold, and said', () => {
  const text = (backing: string) => `scenario "anon" {
  driver soft {
    gl-client-pointer
${backing}  }
  b = glBufferData 16KiB
  g = soft writes b + 0x20, 16
  p = glMapBufferRange b, 0, 16KiB read write
  expect app reads p + 0x20, 16 == g
}
`;
  const a = analyse(text('    backing anon\n'));
  assert.deepEqual(
    a.diagnostics.map((d) => d.code),
    ['conflicting-traits'],
  );
  assert.match(a.diagnostics[0]!.message, /`gl-client-pointer` cannot hold/);
  assert.equal(
    a.diagnostics[0]!.related?.[0]?.range.start,
    text('    backing anon\n').indexOf('backing anon'),
  );
  // The same driver on a memfd: the extension holds, and nothing is said.
  assert.deepEqual(codes(text('    backing shmem\n')), []);
});

test('gl-write-lost: a write into a map without write is undefined on every route, not only the copy path', () => {
  const routes: Record<string, string> = {
    vulkan: `wine 10.18
  driver mesa {
    preset radv
  }
  b = glBufferStorage 1MiB map-read map-write persistent
  p = glMapBufferRange b, 0, 4KiB ACCESS persistent`,
    'macOS alias': `platform macos
  driver mesa {
    maps at-alloc
  }
  b = glBufferData 64KiB
  p = glMapBufferRange b, 0, 4KiB ACCESS`,
    lucky: `mmap-base 0x7000_0000
  driver mesa {
    maps at-alloc
  }
  b = glBufferData 64KiB
  p = glMapBufferRange b, 0, 4KiB ACCESS`,
  };
  for (const [route, setup] of Object.entries(routes)) {
    const text = (access: string) => `scenario "${route}" {
  ${setup.replace('ACCESS', access)}
  app writes p, 16
  glUnmapBuffer b
}
`;
    const fired = analyse(text('read')).diagnostics.filter((d) => d.code === 'gl-write-lost');
    assert.equal(fired.length, 1, route);
    assert.match(
      fired[0]!.message,
      /are undefined: it was mapped without GL_MAP_WRITE_BIT.*OpenGL 4\.6 §6\.3\)/,
      route,
    );
    assert.deepEqual(codes(text('read write')), [], route);
  }
});
