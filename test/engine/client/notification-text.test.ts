// Notifications quote scenario names, file names and error messages: none of them may become
// one of the `[label](command:…)` links VS Code draws in a notification.
import assert from 'node:assert/strict';
import test from 'node:test';
import {
  cannotReadMessage,
  cannotWriteMessage,
  exportedMessage,
  failedMessage,
  importedMessage,
  importTooLargeMessage,
  inert,
  kernelRunSummaryMessage,
  noCompilerMessage,
  noRuleSectionMessage,
  nothingToExploreMessage,
} from '../../../src/notification-text';

const HOSTILE = '[Fix it](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22id%5Cn%22%7D)';

// VS Code's own rule (src/vs/base/common/linkedText.ts, LINK_REGEX): what it turns into a link.
const LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
const links = (message: string) => [...message.matchAll(LINK)].map((m) => m[0]);

test('inert text keeps its words but has no bracket a link can start from', () => {
  assert.equal(links(HOSTILE).length, 1, 'the hostile text is a link as written');
  const shown = inert(HOSTILE);
  assert.deepEqual(links(shown), []);
  assert.equal(
    shown,
    '［Fix it］(command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22id%5Cn%22%7D)',
  );
  assert.equal(inert('/home/u/a b/c.drvmap'), '/home/u/a b/c.drvmap');
  assert.deepEqual(links(inert('[a](https://x.example/) [b](file:///etc/passwd)')), []);
});

test('every notification built from user or file text has no link in it', () => {
  const messages = [
    nothingToExploreMessage([`"${HOSTILE}" leaves no driver trait open: write \`maps any\``]),
    failedMessage('exploration', `scenario "${HOSTILE}"`),
    importTooLargeMessage(`/tmp/${HOSTILE}.strace`, 40 * 1024 * 1024, 32),
    cannotReadMessage(`/tmp/${HOSTILE}`, `EACCES: /tmp/${HOSTILE}`),
    importedMessage(3, `${HOSTILE}.strace`, 1),
    exportedMessage(`maps/${HOSTILE}.svg`),
    cannotWriteMessage(`/tmp/${HOSTILE}.svg`, `EROFS ${HOSTILE}`),
    noCompilerMessage(HOSTILE),
    noRuleSectionMessage(HOSTILE),
    kernelRunSummaryMessage(`6.6.0-${HOSTILE}`, 3, 1, 0),
  ];
  for (const message of messages) {
    assert.deepEqual(links(message), [], message);
    assert.match(message, /^drvmap: .*Fix it/);
  }
});

test('the messages say what happened', () => {
  assert.equal(
    nothingToExploreMessage(['"a" has language errors (line 2: x)', '"b" leaves no driver trait open']),
    'drvmap: nothing to explore — "a" has language errors (line 2: x); "b" leaves no driver trait open',
  );
  assert.equal(importedMessage(4, 'run.strace', 0), 'drvmap: imported 4 line(s) of run.strace.');
  assert.equal(
    importedMessage(4, 'run.strace', 2),
    'drvmap: imported 4 line(s) of run.strace; skipped 2 (reasons in the output).',
  );
  assert.equal(
    importTooLargeMessage('/t/x.strace', 33 * 1024 * 1024 + 1, 32),
    'drvmap: /t/x.strace is 34 MiB; imports are limited to 32 MiB.',
  );
  assert.equal(
    kernelRunSummaryMessage('6.8.0', 5, 1, 2),
    'drvmap: on kernel 6.8.0, 5 step(s) agree with the simulation, 1 differ, 2 not run.',
  );
  // Review (kernel run, findings 1 and 6): steps the harness's layout decided, and the simulated
  // version when the running kernel is another.
  assert.equal(
    kernelRunSummaryMessage('6.18.44', 2, 1, 0, { notComparable: 1, simulatedKernel: '6.6' }),
    "drvmap: on kernel 6.18.44, 2 step(s) agree with the simulation, 1 differ, 0 not run, 1 not comparable (the harness's layout). The scenario simulates kernel 6.6: a difference may be the version's.",
  );
});
