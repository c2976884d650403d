// A scenario's process is an ordinary one (Wine, FEX, Box64 are never root): no CAP_SYS_RAWIO, so
// a fixed map or an mremap destination below vm.mmap_min_addr (4096) is EPERM (linux-mm 1.1 row 12).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

const codes = (text: string) => analyseDocument(text).diagnostics.map((d) => `${d.code}: ${d.message}`);

test('MAP_FIXED at 0 and an mremap to 0 are EPERM (fires)', () => {
  assert.deepEqual(
    codes(`scenario "null page" {
  a = mmap 4KiB rw private anon at 0 fixed by wine
  expect a == EPERM
  b = mmap 4KiB rw private anon
  c = mremap b, 4KiB, 4KiB, maymove | fixed, 0
  expect c == EPERM
}
`),
    [],
  );
});

test('at vm.mmap_min_addr itself the map is made (does not fire)', () => {
  assert.deepEqual(
    codes(`scenario "first page above" {
  a = mmap 4KiB rw private anon at 0x1000 fixed by wine
  expect a == 0x1000
}
`),
    [],
  );
});

test('`mmap-min-addr 0`: a system with vm.mmap_min_addr = 0, where the ordinary process may map at 0', () => {
  assert.deepEqual(
    codes(`scenario "dos area" {
  mmap-min-addr 0
  a = mmap 64KiB none private anon at 0 fixed by wine
  expect a == 0
}
`),
    [],
  );
});

test('`privileged`: root (CAP_SYS_RAWIO) may map at 0, and its hints are still raised to the effective minimum', () => {
  assert.deepEqual(
    codes(`scenario "root" {
  privileged
  a = mmap 4KiB none private anon at 0 fixed by wine
  expect a == 0
  b = mmap 4KiB rw private anon at 0x2000
  expect b == 0x1_0000
}
`),
    [],
  );
  // `privileged no` is the default: EPERM.
  assert.deepEqual(
    codes(`scenario "ordinary" {
  privileged no
  a = mmap 4KiB none private anon at 0 fixed by wine
  expect a == EPERM
}
`),
    [],
  );
});
