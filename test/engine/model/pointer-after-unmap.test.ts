// H5 from the application's side: a pointer vkMapMemory gave, used after its memory was
// unmapped or freed. The window address may hold another object by then.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyse } from './helpers';

const messages = (text: string) =>
  analyse(text)
    .diagnostics.filter((d) => d.code === 'use-after-free')
    .map((d) => d.message);

const PREFIX = `scenario "h5" {
  strategy placed
  m1 = vkAllocateMemory 64KiB host-visible coherent
  p1 = vkMapMemory m1
`;

test('a pointer used after its memory was unmapped and freed reaches the next object there', () => {
  const found = messages(`${PREFIX}  vkUnmapMemory m1
  vkFreeMemory m1
  m2 = vkAllocateMemory 64KiB host-visible coherent
  p2 = vkMapMemory m2
  app writes p1 + 0x10, 4
  app writes p2, 4
}`);
  assert.deepEqual(found, [
    "app writes 0x1_0010 through the pointer vkMapMemory gave for m1 at step 2, but m1 was unmapped at step 3 and freed at step 4: the address is m2's now (mapped at step 6), so the access reaches another object (H5)",
  ]);
});

test('mapped again: the old pointer is still not one Vulkan promises', () => {
  const [found] = messages(`${PREFIX}  vkUnmapMemory m1
  q1 = vkMapMemory m1
  app reads p1, 4
}`);
  assert.match(found ?? '', /m1 was unmapped at step 3; it is mapped again at step 4 at this address/);
});

test('while the mapping lasts, and through the new pointer, nothing is reported', () => {
  assert.deepEqual(
    messages(`${PREFIX}  app writes p1, 4
  vkUnmapMemory m1
  q1 = vkMapMemory m1
  app writes q1, 4
}`),
    [],
  );
});

test('an old pointer into nothing: one use-after-free that says the access faults, no access-fault', () => {
  const text = `${PREFIX}  vkUnmapMemory m1
  app writes p1 + 0x10, 4
  expect diagnostic use-after-free
}`;
  const all = analyse(text).diagnostics.map((d) => `${d.severity} ${d.code}`);
  assert.deepEqual(all, ['info use-after-free']);
  assert.match(messages(text)[0] ?? '', /m1 was unmapped at step 3: the access faults \(SIGSEGV\) \(H5\)$/);
});

test('the pointer is the name counted once with a plus sign, wherever it stands', () => {
  const prefix = `${PREFIX}  m2 = vkAllocateMemory 64KiB host-visible coherent
  p2 = vkMapMemory m2
  vkUnmapMemory m1
`;
  assert.equal(messages(`${prefix}  app writes 0x10 + p1, 4\n}`).length, 1);
  assert.deepEqual(messages(`${prefix}  app writes p1 - p1 + p2, 4\n}`), []);
  assert.deepEqual(messages(`${prefix}  app writes p2 + 0x10, 4\n}`), []);
});

test('a driver access to freed memory is use-after-free, and nothing is kept or read', () => {
  const text = `scenario "f" {
  mem = vkAllocateMemory 64KiB host-visible
  vkFreeMemory mem
  w = driver writes mem, 8
  expect driver reads mem, 8 == zero
}`;
  const all = analyse(text).diagnostics.map((d) => `${d.code}: ${d.message}`);
  assert.deepEqual(all, [
    'use-after-free: driver writes mem, which was freed at step 2: the memory object no longer exists',
    'expectation-failed: expectation failed: cannot check: mem was freed: there is nothing to read',
  ]);
  // One verdict in every view: the error says failed, so the trace and the hover say it too.
  const [expectation] = analyse(text).scenarios[0]!.run.simulation.expects;
  assert.equal(expectation?.passed, false);
});

test('`expect device reads` of freed memory: failed, not "not checked"', () => {
  const text = `scenario "freed" {
  mem = vkAllocateMemory 1MiB host-visible coherent
  vkFreeMemory mem
  expect device reads mem, 4 == zero
}`;
  const analysis = analyse(text);
  assert.deepEqual(
    analysis.diagnostics.map((d) => `${d.code}: ${d.message}`),
    ['expectation-failed: expectation failed: cannot check: mem was freed: there is nothing to read'],
  );
  assert.equal(analysis.scenarios[0]!.run.simulation.expects[0]?.passed, false);
});

test('an expected fault through an old pointer: the use-after-free behind it is information', () => {
  const text = `${PREFIX}  vkFreeMemory m1
  w = app writes p1, 4
  expect w == SIGSEGV
}`;
  assert.deepEqual(
    analyse(text).diagnostics.map((d) => `${d.severity} ${d.code}`),
    ['info use-after-free'],
  );
});

test('lavapipe: vkUnmapMemory2 keeps the allocation-time mapping, so what was written stays', () => {
  const text = `scenario "l" {
  driver lvp {
    preset lavapipe
  }
  mem = vkAllocateMemory 64KiB host-visible coherent
  w = lvp writes mem, 8
  p = vkMapMemory2 mem
  vkUnmapMemory2 mem
  q = vkMapMemory2 mem
  expect read q, 8 == w
}`;
  assert.deepEqual(analyse(text).diagnostics, []);
});

test('freed while mapped: the message says freed once', () => {
  const [found] = messages(`${PREFIX}  vkFreeMemory m1
  app writes p1, 4
}`);
  assert.match(found ?? '', /but m1 was freed at step 3: the access faults/);
  assert.doesNotMatch(found ?? '', /unmapped at step 3/);
});

// facts vulkan-wine §4 H5/H11: a driver that "reuses after 'unmapping'" hands the kept memory out again.
const AFTER_UNMAP = (reuses: string, rest: string) => `scenario "h5 after-unmap" {
  driver gpu {
    reuses ${reuses}
  }
  strategy hook-mmap
  m1 = vkAllocateMemory 128KiB host-visible coherent
  m2 = vkAllocateMemory 64KiB host-visible coherent
  p = vkMapMemory m1
  vkUnmapMemory m1
${rest}
}`;

test('`reuses after-unmap`: the next map of another object gets the kept memory, so the old pointer reaches it', () => {
  const text = AFTER_UNMAP('after-unmap', '  q = vkMapMemory m2\n  w = app writes q, 16\n  app writes p, 16');
  const [m1, m2] = analyse(text).scenarios[0]!.run.vulkan.memories;
  assert.equal(m2!.appPointer, 0x1_0000n, 'q is where p was');
  assert.equal(m1!.driverPointer, undefined, 'm1 has no mapping of its own any more');
  assert.deepEqual(messages(text), [
    "app writes 0x1_0000 through the pointer vkMapMemory gave for m1 at step 3, but m1 was unmapped at step 4: the address is m2's now (mapped at step 5), so the access reaches another object (H5)",
  ]);
  // The tail of m1's kept block stays kept (mapped), and goes at m1's vkFreeMemory.
  const freed = AFTER_UNMAP(
    'after-unmap',
    '  q = vkMapMemory m2\n  expect mapped p + 64KiB, 64KiB\n  vkFreeMemory m1\n  expect unmapped p + 64KiB, 64KiB',
  );
  assert.deepEqual(
    analyse(freed).diagnostics.map((d) => `${d.code}: ${d.message}`),
    [],
  );
});

test('`reuses after-unmap`: the same object mapped again gets its kept mapping without a syscall', () => {
  const text = AFTER_UNMAP('after-unmap', '  p1 = vkMapMemory m1\n  expect p1 == p');
  const analysis = analyse(text);
  const calls = analysis.scenarios[0]!.run.simulation.records[4]!.calls;
  assert.deepEqual(
    calls.map((c) => `${c.actor}: ${c.text}`),
    [
      'app: vkMapMemory(m1, offset=0x0, size=VK_WHOLE_SIZE)',
      'gpu: reuse the mapping of m1 kept since its vkUnmapMemory',
    ],
  );
  assert.deepEqual(analysis.diagnostics, []);
});

test('a read an `expect` line makes through an old pointer is use-after-free, on that line', () => {
  const text = `${PREFIX}  vkFreeMemory m1
  m2 = vkAllocateMemory 64KiB host-visible coherent
  p2 = vkMapMemory m2
  w = app writes p2, 4
  expect app reads p1, 4 == w
}`;
  const found = analyse(text).diagnostics.filter((d) => d.code === 'use-after-free');
  assert.equal(found.length, 1);
  assert.equal(
    found[0]!.message,
    "app reads 0x1_0000 through the pointer vkMapMemory gave for m1 at step 2, but m1 was freed at step 3: the address is m2's now (mapped at step 5), so the access reaches another object (H5)",
  );
  assert.equal(text.slice(found[0]!.range.start, found[0]!.range.end), 'p1');
  // Through the live pointer, nothing.
  assert.deepEqual(messages(text.replace('reads p1, 4', 'reads p2, 4')), []);
});

test('an `expect … reads … == SIGSEGV` through a freed pointer that held: its use-after-free is information, marked expected', () => {
  const text = `scenario "e" {
  strategy placed
  m1 = vkAllocateMemory 64KiB host-visible
  p1 = vkMapMemory m1
  vkFreeMemory m1
  expect app reads p1, 4 == SIGSEGV
}`;
  const found = analyse(text).diagnostics;
  assert.deepEqual(
    found.map((d) => [d.code, d.severity]),
    [['use-after-free', 'info']],
  );
  assert.match(found[0]!.message, /^\(expected\) /);
  // `!=` asserts no such fault: the stale read stays an error, whatever the expectation says.
  assert.deepEqual(
    analyse(text.replace('== SIGSEGV', '!= SIGBUS')).diagnostics.map((d) => [d.code, d.severity]),
    [['use-after-free', 'error']],
  );
  // Expecting data instead: the read faults, the expectation fails, the stale read is an error.
  const data = analyse(text.replace('== SIGSEGV', '== 0')).diagnostics;
  assert.deepEqual(
    data.map((d) => [d.code, d.severity]),
    [
      ['expectation-failed', 'error'],
      ['use-after-free', 'error'],
    ],
  );
});

test('a pointer vkMapMemory2 gave is named so when used after the free', () => {
  const [found] = messages(`scenario "l" {
  driver lvp {
    preset lavapipe
    maps pool
  }
  mem = vkAllocateMemory 1MiB host-visible coherent
  p = vkMapMemory2 mem
  w = host writes p + 0x10, 16
  vkFreeMemory mem
  expect host reads p + 0x10, 16 == w
}`);
  assert.match(
    found ?? '',
    /through the pointer vkMapMemory2KHR gave for mem at step 2, but mem was freed at step 4/,
  );
});

test('a Vulkan call on freed memory is use-after-free with the same sentence and the free step, as an access is', () => {
  const text = `scenario "uaf" {
  driver lvp {
    preset lavapipe
  }
  mem = vkAllocateMemory 64KiB host-visible coherent
  vkFreeMemory mem
  p = vkMapMemory mem
  lvp writes mem, 4
}`;
  const found = analyse(text).diagnostics.filter((d) => d.code === 'use-after-free');
  assert.deepEqual(
    found.map((d) => d.message),
    [
      'vkMapMemory on mem, which was freed at step 2: the memory object no longer exists',
      'lvp writes mem, which was freed at step 2: the memory object no longer exists',
    ],
  );
  // Both point at the vkFreeMemory step, not at the allocation.
  assert.deepEqual(
    found.map((d) => d.related.map((r) => `${text.slice(r.range.start, r.range.end)}: ${r.message}`)),
    [['vkFreeMemory mem: mem freed here'], ['vkFreeMemory mem: mem freed here']],
  );
});
