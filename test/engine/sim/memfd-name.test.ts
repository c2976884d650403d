// `open memfd "NAME"`: memfd_create(2) takes a name of at most 249 bytes (MFD_NAME_MAX_LEN in
// mm/memfd.c: NAME_MAX less the "memfd:" prefix); a longer one fails with EINVAL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';

const named = (name: string, after = '  m = mmap 8KiB rw shared fd f\n') =>
  analyseDocument(`scenario "s" {\n  f = open memfd "${name}" 8KiB\n${after}}\n`);

test('a memfd name of 249 bytes is taken; 250 bytes fail with EINVAL and the file has no value', () => {
  const fits = named('y'.repeat(249));
  assert.deepEqual(fits.diagnostics, []);
  assert.match(fits.scenarios[0]!.run.simulation.records[1]!.calls[0]!.result, /^= 0x/);

  const long = named('y'.repeat(250));
  const [refused, ...rest] = long.diagnostics;
  assert.equal(refused?.code, 'kernel-refused');
  assert.match(
    refused!.message,
    /^memfd_create\("y+"\) fails with EINVAL: the name is 250 bytes; memfd_create takes at most 249 /,
  );
  assert.equal(long.scenarios[0]!.run.simulation.records[0]!.outcome.kind, 'errno');
  assert.ok(
    rest.some(
      (d) =>
        d.code === 'use-of-failed-result' && /`f` has no value: step 1 failed \(EINVAL\)/.test(d.message),
    ),
    rest.map((d) => d.message).join('\n'),
  );
});

test('the limit is in bytes of UTF-8, and an expectation of EINVAL makes the refusal intended', () => {
  // 125 × "é" is 125 characters but 250 bytes.
  assert.equal(named('é'.repeat(124), '').diagnostics.length, 0);
  assert.deepEqual(
    named('é'.repeat(125), '').diagnostics.map((d) => d.code),
    ['kernel-refused'],
  );
  assert.deepEqual(named('é'.repeat(125), '  expect f == EINVAL\n').diagnostics, []);
});
