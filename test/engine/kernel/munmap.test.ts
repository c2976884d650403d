// munmap(2) (facts 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import * as T from '../../../server/src/engine/kernel/index';
import { errno, lines, mmap, O, ok, PG, PRIV_ANON, space } from './helpers';

test('unaligned address, range past TASK_SIZE, negative length, zero length: EINVAL', () => {
  const as = space();
  const a = ok(mmap(as, 4n * PG));
  assert.equal(errno(as.munmap(a + 1n, PG, O)), 'EINVAL');
  assert.equal(errno(as.munmap(0x7ffffffff000n, 2n * PG, O)), 'EINVAL');
  assert.equal(errno(as.munmap(a, -PG, O)), 'EINVAL');
  assert.equal(errno(as.munmap(a, 0n, O)), 'EINVAL');
  assert.equal(ok(as.munmap(a, 4n * PG, O)), 0n);
});

test('a never-mapped range succeeds; a range spanning mapped and unmapped parts removes what is mapped', () => {
  const as = space();
  assert.equal(ok(as.munmap(0x20000000n, PG, O)), 0n);
  const a = ok(mmap(as, 2n * PG, { addr: 0x20000000n, flags: PRIV_ANON | T.MAP_FIXED }));
  ok(mmap(as, 2n * PG, { addr: 0x20004000n, flags: PRIV_ANON | T.MAP_FIXED }));
  ok(as.munmap(a, 8n * PG, O));
  assert.equal(as.vmas().length, 0);
});

test('a middle unmap splits the VMA into two that keep their flags; one byte unmaps the whole page', () => {
  const as = space();
  const a = ok(mmap(as, 10n * PG, { prot: T.PROT_READ }));
  ok(as.munmap(a + 3n * PG, 2n * PG, O));
  assert.deepEqual(lines(as), [
    `${a.toString(16)}-${(a + 3n * PG).toString(16)} 1`,
    `${(a + 5n * PG).toString(16)}-${(a + 10n * PG).toString(16)} 1`,
  ]);
  ok(as.munmap(a, 1n, O));
  assert.equal(as.vmaAt(Number(a / PG)), undefined);
  assert.ok(as.vmaAt(Number(a / PG) + 1));
});

test('sealed VMAs refuse munmap with EPERM (6.10+); mseal is ENOSYS before 6.10', () => {
  const as = space();
  const a = ok(mmap(as, 4n * PG));
  assert.equal(as.mseal(a, 2n * PG, O).ok, true);
  assert.equal(errno(as.munmap(a, PG, O)), 'EPERM');
  ok(as.munmap(a + 2n * PG, 2n * PG, O));
  const old = space('6.6');
  const b = ok(mmap(old, PG));
  const r = old.mseal(b, PG, O);
  assert.equal(r.ok ? 'ok' : r.errno, 'ENOSYS');
});

test('vm_ops->may_split refusal is EINVAL for a partial unmap; the whole mapping unmaps fine', () => {
  const as = space();
  const vvar = as.openFile({
    kind: 'device',
    name: '[vvar]',
    sizeBytes: 4n * PG,
    readable: true,
    writable: false,
    device: {
      vmFlags: T.VM_IO | T.VM_PFNMAP | T.VM_DONTEXPAND | T.VM_DONTDUMP,
      rejectsCow: false,
      customGetUnmappedArea: false,
      refusesSplit: true,
    },
  });
  const a = ok(mmap(as, 4n * PG, { prot: T.PROT_READ, flags: T.MAP_PRIVATE, fd: vvar.fd }));
  assert.equal(errno(as.munmap(a, 2n * PG, O)), 'EINVAL');
  ok(as.munmap(a, 4n * PG, O));
});

test('splitting past vm.max_map_count is ENOMEM', () => {
  const as = space('6.18', { maxMapCount: 1 });
  const a = ok(mmap(as, 4n * PG));
  assert.equal(errno(as.munmap(a + PG, PG, O)), 'ENOMEM');
  ok(as.munmap(a, PG, O));
});

test("a refused munmap names the function of the scenario's kernel that refused it", () => {
  const message = (kernel: string) =>
    analyseDocument(`scenario "m" {\n  kernel ${kernel}\n  munmap 0x1001, 4KiB\n}`).diagnostics.find(
      (d) => d.code === 'kernel-refused',
    )?.message ?? '';
  assert.match(message('6.18'), /\(do_vmi_munmap\)/);
  assert.match(message('6.3'), /\(do_vmi_munmap\)/);
  assert.match(message('6.2'), /\(do_mas_munmap\)/);
  assert.match(message('5.10'), /\(__do_munmap\)/);
  assert.match(message('4.19'), /\(do_munmap\)/);
});
