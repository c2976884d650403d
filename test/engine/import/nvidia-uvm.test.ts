// nvidia-uvm's mmap offset is the mapping's own address (uvm_mmap, kernel-open/nvidia-uvm/uvm.c:
// `vma->vm_start != (vma->vm_pgoff << PAGE_SHIFT)` → EINVAL). Read as an object's offset, every
// uvm line of a capture was a piece of one object reaching up to its address (≈127 TiB, refused
// with ENOMEM); each uvm map is imported as an object of its own, mapped at offset 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importProcMaps, importStrace } from './parsing-importers';
import { analyseDocument } from '../../../server/src/engine/analysis';

const steps = (scenario: string) =>
  scenario
    .split('\n')
    .filter((l) => !/^\s*(#|$|scenario|\})/.test(l))
    .map((l) => l.trim());

test('import maps: each /dev/nvidia-uvm line is an object of its own, its size, at offset 0', () => {
  const { scenario } = importProcMaps(
    [
      '7f1000000000-7f1000200000 rw-s 7f1000000000 00:05 124 /dev/nvidia-uvm',
      '7f1000200000-7f1000400000 rw-s 7f1000200000 00:05 124 /dev/nvidia-uvm',
    ].join('\n'),
  );
  assert.deepEqual(steps(scenario), [
    'f_nvidia_uvm = open device "/dev/nvidia-uvm" 0x20_0000 mixedmap',
    'nvidia_uvm = mmap 0x20_0000 rw shared at 0x7f10_0000_0000 fixed fd f_nvidia_uvm by host',
    'f_nvidia_uvm_2 = open device "/dev/nvidia-uvm" 0x20_0000 mixedmap',
    'nvidia_uvm_2 = mmap 0x20_0000 rw shared at 0x7f10_0020_0000 fixed fd f_nvidia_uvm_2 by host',
  ]);
  assert.deepEqual(analyseDocument(scenario).diagnostics, []);
});

test('import strace: a /dev/nvidia-uvm map at its own address is replayed at offset 0 of its own object', () => {
  const { scenario } = importStrace(
    'mmap(0x7f1000000000, 2097152, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_FIXED, 7</dev/nvidia-uvm>, 0x7f1000000000) = 0x7f1000000000\n',
  );
  assert.deepEqual(steps(scenario), [
    'f7 = open device "/dev/nvidia-uvm" 0x20_0000 mixedmap',
    'm1 = mmap 2097152 rw shared fixed at 0x7f10_0000_0000 fd f7',
  ]);
  assert.deepEqual(analyseDocument(scenario).diagnostics, []);
});
