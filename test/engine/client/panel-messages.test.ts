import assert from 'node:assert/strict';
import test from 'node:test';
import {
  exportBytes,
  exportFileName,
  MAX_EXPORT_CHARS,
  parseFromPanelMessage,
} from '../../../src/panel-messages';

test('well-formed panel messages pass through', () => {
  assert.deepEqual(parseFromPanelMessage({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseFromPanelMessage({ type: 'selectStep', stepIndex: 3 }), {
    type: 'selectStep',
    stepIndex: 3,
  });
  assert.deepEqual(parseFromPanelMessage({ type: 'selectStep', stepIndex: -1 }), {
    type: 'selectStep',
    stepIndex: -1,
  });
  assert.deepEqual(parseFromPanelMessage({ type: 'reveal', line: 0 }), { type: 'reveal', line: 0 });
  assert.deepEqual(parseFromPanelMessage({ type: 'compareWith', stepIndex: 2 }), {
    type: 'compareWith',
    stepIndex: 2,
  });
  assert.deepEqual(parseFromPanelMessage({ type: 'compareWith' }), {
    type: 'compareWith',
    stepIndex: undefined,
  });
  assert.deepEqual(parseFromPanelMessage({ type: 'compareWith', stepIndex: null }), {
    type: 'compareWith',
    stepIndex: undefined,
  });
  assert.deepEqual(parseFromPanelMessage({ type: 'export', format: 'svg', data: '<svg/>' }), {
    type: 'export',
    format: 'svg',
    data: '<svg/>',
  });
});

test('malformed panel messages are dropped', () => {
  for (const bad of [
    undefined,
    null,
    'ready',
    {},
    { type: 'nope' },
    { type: 'selectStep' },
    { type: 'selectStep', stepIndex: 1.5 },
    { type: 'selectStep', stepIndex: -2 },
    { type: 'selectStep', stepIndex: '3' },
    { type: 'reveal', line: -1 },
    { type: 'reveal', line: Number.NaN },
    { type: 'compareWith', stepIndex: 'x' },
    { type: 'export', format: 'gif', data: '' },
    { type: 'export', format: 'svg', data: 42 },
    { type: 'export', format: 'svg', data: 'x'.repeat(MAX_EXPORT_CHARS + 1) },
  ]) {
    assert.equal(parseFromPanelMessage(bad), undefined, JSON.stringify(bad)?.slice(0, 80));
  }
});

test('exports become the file bytes, and only valid pictures are written', () => {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>é</text></svg>';
  assert.equal(new TextDecoder().decode(exportBytes('svg', svg)), svg);
  assert.ok(exportBytes('svg', '<?xml version="1.0"?><svg/>'));
  assert.equal(exportBytes('svg', '<html><script>alert(1)</script></html>'), undefined);
  const pngBytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
  const png = exportBytes('png', `data:image/png;base64,${pngBytes.toString('base64')}`);
  assert.deepEqual(png && [...png], [...pngBytes]);
  assert.equal(exportBytes('png', 'data:image/jpeg;base64,AAAA'), undefined);
  assert.equal(
    exportBytes('png', `data:image/png;base64,${Buffer.from('GIF89a').toString('base64')}`),
    undefined,
  );
  assert.equal(exportBytes('png', 'data:image/png;base64,!!!'), undefined);
});

test('export file names are safe and say which step', () => {
  assert.equal(
    exportFileName('remap a Vulkan mapping below 4 GiB', 2, 'svg'),
    'remap-a-vulkan-mapping-below-4-gib-step-3.svg',
  );
  assert.equal(exportFileName('../../etc/passwd', -1, 'png'), 'etc-passwd-start.png');
  assert.equal(exportFileName('«»', 0, 'png'), 'scenario-step-1.png');
});
