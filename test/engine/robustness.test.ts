// The engine must answer any text with diagnostics, never an exception or a hang: the language
// server re-analyses on every keystroke, and half-typed lines are the normal case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { analyseDocument } from '../../server/src/engine/analysis';

const examplesDir = join(__dirname, '..', '..', '..', 'examples');
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.drvmap'))
  .map((f) => readFileSync(join(examplesDir, f), 'utf8'));
const vocabulary = [
  'mmap',
  'mremap',
  'munmap',
  'fixed',
  'dontunmap',
  'maymove',
  '0x1000',
  'p',
  'mem',
  'uffd',
  'map-moved',
  'copy-from',
  '{',
  '}',
  '=',
  ',',
  '+',
  '-',
  '0',
  '4KiB',
  'expect',
  'driver',
  'strategy',
  'placed',
  'alias',
  'glMapBufferRange',
  'mach_vm_remap',
  'platform macos',
  '\n',
];

test('mutated examples analyse without throwing', () => {
  fc.assert(
    fc.property(
      fc.nat({ max: examples.length - 1 }),
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 12 }), fc.constantFrom(...vocabulary)), {
        minLength: 1,
        maxLength: 6,
      }),
      (which, edits) => {
        let text = examples[which] ?? '';
        for (const [at, remove, insert] of edits) {
          const position = at % (text.length + 1);
          text = text.slice(0, position) + insert + text.slice(position + remove);
        }
        const analysis = analyseDocument(text);
        for (const d of analysis.diagnostics) assert.ok(d.range.start >= 0 && d.range.end <= text.length);
      },
    ),
    { seed: 20261125, numRuns: 300 },
  );
});

test('a userfaultfd handler that maps its own range faults with SIGBUS instead of recursing', () => {
  const text = `scenario "loop" {
  driver d {
    preset lavapipe
  }
  mem = vkAllocateMemory 64KiB host-visible
  p = vkMapMemory mem
  uffd mem map-moved p
  w = d writes mem, 16
}`;
  const analysis = analyseDocument(text);
  const fault = analysis.diagnostics.find((d) => d.code === 'access-fault');
  assert.ok(fault, 'the write faults');
  assert.match(fault.message, /SIGBUS.*loop of handlers/);
});
