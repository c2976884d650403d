import assert from 'node:assert/strict';
import test from 'node:test';
import {
  mappingsInWindow,
  sameScenario,
  stepLine,
  windowUsedPercent,
} from '../../../src/panel-state-summary';
import { escapeMarkdown, presentStatus, STATUS_COMMANDS, stepText } from '../../../src/status-text';
import { mapping, panelState } from './fixtures';

test('mappings in the window count overlaps, exactly, with 64-bit addresses', () => {
  const state = panelState();
  assert.equal(
    mappingsInWindow(state),
    2,
    'b and the one straddling the end; not the high one nor the one below',
  );
  const huge = panelState({
    window: { start: '0xffff_ffff_ffff_0000', end: '0xffff_ffff_ffff_f000' },
    mappings: [
      mapping('0xfffffffffffff000', '0xfffffffffffff800'), // just past the end: beyond 2^53, must not round into it
      mapping('0xffffffffffff0000', '0xffffffffffff1000'),
    ],
  });
  assert.equal(mappingsInWindow(huge), 1);
  assert.equal(mappingsInWindow(panelState({ window: { start: 'bad', end: '0x10' } })), 0);
});

test('window use as a percentage', () => {
  assert.equal(
    windowUsedPercent(panelState({ windowUsedBytes: '0x40000000', windowSizeBytes: '0x80000000' })),
    50,
  );
  assert.equal(windowUsedPercent(panelState({ windowSizeBytes: '0x0' })), undefined);
});

test('step lines and scenario identity', () => {
  const state = panelState();
  assert.equal(stepLine(state, 1), 5);
  assert.equal(stepLine(state, -1), undefined);
  assert.equal(stepLine(state, 9), undefined);
  assert.ok(sameScenario(state, panelState({ version: 9, stepIndex: 0 })));
  assert.ok(!sameScenario(state, panelState({ scenarioIndex: 1 })));
  assert.ok(!sameScenario(state, undefined));
});

test('status text: health first, then analysis, errors, and the step with its window count', () => {
  const state = panelState();
  const base = { server: 'running', analysing: false, errors: 0, warnings: 0, state } as const;
  assert.equal(presentStatus(base).text, '$(check) drvmap · step 2/3 · 2 in window');
  assert.equal(
    presentStatus({ ...base, errors: 1 }).text,
    '$(error) drvmap: 1 error · step 2/3 · 2 in window',
  );
  assert.equal(
    presentStatus({ ...base, errors: 2, warnings: 4 }).text,
    '$(error) drvmap: 2 errors · step 2/3 · 2 in window',
  );
  assert.equal(
    presentStatus({ ...base, warnings: 1 }).text,
    '$(warning) drvmap: 1 warning · step 2/3 · 2 in window',
  );
  assert.equal(
    presentStatus({ ...base, analysing: true, errors: 3 }).text,
    '$(sync~spin) drvmap: analysing · step 2/3 · 2 in window',
  );
  assert.equal(presentStatus({ ...base, state: undefined }).text, '$(check) drvmap');
  assert.equal(
    presentStatus({ ...base, state: panelState({ stepIndex: -1 }) }).text,
    '$(check) drvmap · start/3 · 2 in window',
  );
  assert.equal(presentStatus({ ...base, server: 'starting' }).text, '$(loading~spin) drvmap: starting');
  const failed = presentStatus({ ...base, server: 'failed' });
  assert.equal(failed.text, '$(error) drvmap: server stopped');
  assert.equal(failed.tone, 'error');
  assert.equal(presentStatus({ ...base, server: 'stopped' }).tone, 'warning');
  assert.equal(stepText(state), 'step 2/3');
});

test('the tooltip links every status command and escapes the scenario name', () => {
  const p = presentStatus({
    server: 'running',
    analysing: false,
    errors: 1,
    warnings: 0,
    state: panelState({ scenario: 'evil [x](command:workbench.action.quit)' }),
  });
  for (const c of STATUS_COMMANDS) assert.ok(p.tooltip.includes(`](command:${c.command})`), c.command);
  assert.ok(!p.tooltip.includes('[x](command:workbench'), 'a scenario name cannot become a command link');
  assert.ok(p.tooltip.includes('(1 of 2)'));
  assert.ok(p.tooltip.includes('1 error, 0 warnings'));
  assert.match(p.accessibilityLabel, /step 2 of 3, 2 mappings in the 32-bit window/);
  assert.equal(escapeMarkdown('a_b*c'), 'a\\_b\\*c');
});
