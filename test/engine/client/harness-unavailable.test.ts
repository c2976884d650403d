// Run on This Kernel's limit is its harness's (native/harness.c: x86-64, 4 KiB pages), not the
// simulator's, which models arm64 too: the message on an arm64 machine says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harnessUnavailable } from '../../../src/harness';

test('on arm64 Linux the harness is unavailable, and the reason names the harness, not the simulator', () => {
  const reason = harnessUnavailable('linux', 'arm64');
  assert.ok(reason);
  assert.match(reason, /Run on This Kernel needs an x86-64 Linux machine/);
  assert.match(reason, /native\/harness\.c/);
  assert.match(reason, /this machine is arm64/);
  assert.doesNotMatch(reason, /the simulator models x86-64/);
});

test('x86-64 Linux runs the harness; other systems are told it is Linux only', () => {
  assert.equal(harnessUnavailable('linux', 'x64'), undefined);
  assert.match(harnessUnavailable('darwin', 'arm64') ?? '', /only on Linux \(this is darwin\)/);
});
