import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseDocument } from '../../../server/src/engine/analysis';
import {
  encodeSemanticTokens,
  semanticTokens,
  TOKEN_TYPES,
} from '../../../server/src/engine/features/semantic-tokens';

function classes(text: string): Map<string, string> {
  const a = analyseDocument(text);
  const out = new Map<string, string>();
  for (const t of semanticTokens(a)) {
    const start = a.lines.offset({ line: t.line, character: t.character });
    const word = text.slice(start, start + t.length);
    if (!out.has(word)) out.set(word, t.type + (t.modifiers.length ? `.${t.modifiers.join('.')}` : ''));
  }
  return out;
}

describe('semantic tokens', () => {
  const text = `# note
scenario "s" {
  kernel 6.6
  driver mesa {
    maps at-alloc
    pool-size 64MiB
  }
  strategy placed
  a = mmap 2MiB rw private anon at 0x1000_0000
  b = mremap a, 2MiB, 2MiB, maymove | dontunmap
  mem = vkAllocateMemory 16 MiB host-visible
  mesa writes mem + 0x10, 4 by app
  expect b == EINVAL
}
`;
  const c = classes(text);

  test('addresses, sizes, flags, actors, names and keywords are distinct', () => {
    assert.equal(c.get('0x1000_0000'), 'address');
    assert.equal(c.get('2MiB'), 'number');
    assert.equal(c.get('64MiB'), 'number');
    assert.equal(c.get('rw'), 'enumMember');
    assert.equal(c.get('dontunmap'), 'enumMember');
    assert.equal(c.get('placed'), 'enumMember');
    assert.equal(c.get('mesa'), 'type.declaration');
    assert.equal(c.get('app'), 'type.defaultLibrary');
    assert.equal(c.get('a'), 'variable.declaration.readonly');
    assert.equal(c.get('mmap'), 'function');
    assert.equal(c.get('scenario'), 'keyword');
    assert.equal(c.get('kernel'), 'keyword');
    assert.equal(c.get('at'), 'keyword');
    assert.equal(c.get('maps'), 'property');
    assert.equal(c.get('EINVAL'), 'enumMember.defaultLibrary');
    assert.equal(c.get('# note'), 'comment');
    assert.equal(c.get('"s"'), 'string');
    assert.equal(c.get('|'), 'operator');
  });

  test('`device` is a built-in actor where it accesses memory, and a value in `backing device`', () => {
    const text = `scenario "s" {
  driver mesa {
    backing device
  }
  mem = vkAllocateMemory 16 MiB host-visible
  device writes mem + 0x10, 4
}
`;
    const at = (line: number, character: number) => {
      const t = semanticTokens(analyseDocument(text)).find(
        (x) => x.line === line && x.character === character,
      );
      return t ? [t.type, ...t.modifiers].join('.') : undefined;
    };
    assert.equal(at(2, 12), 'enumMember');
    assert.equal(at(5, 2), 'type.defaultLibrary');
  });

  test('a unit written apart belongs to its number', () => {
    assert.equal(c.get('16'), 'number');
    assert.equal(c.get('MiB'), 'number');
  });

  test('an offset added to a name is a number, the name a variable', () => {
    assert.equal(c.get('0x10'), 'number');
  });

  test('a kernel version is one number however uname -r writes it: no operator inside', () => {
    for (const version of ['6.1-rc3', '6.10.6-200.fc40.x86_64', '6.6.31+rpt-rpi-v8']) {
      const source = `scenario "k" {\n  kernel ${version}\n}\n`;
      const a = analyseDocument(source);
      const start = source.indexOf(version);
      const inside = semanticTokens(a).filter((t) => t.line === 1 && t.character >= 9);
      assert.ok(inside.length > 0, version);
      assert.deepEqual(
        [...new Set(inside.map((t) => t.type))],
        ['number'],
        `${version}: ${inside.map((t) => `${source.slice(start + t.character - 9, start + t.character - 9 + t.length)}:${t.type}`).join(' ')}`,
      );
    }
  });

  test('`read` / `reads` in an expectation is the access verb, as in a step; a rejected setting word is no value', () => {
    const source =
      'scenario "r" {\n  strategy none junk\n  a = mmap 4KiB rw private anon\n  read a, 1\n  expect read a, 1 == zero\n  expect app reads a, 1 == zero\n}\n';
    const a = analyseDocument(source);
    const typeAt = (needle: string, from = 0) => {
      const offset = source.indexOf(needle, from);
      const p = a.lines.position(offset);
      return semanticTokens(a).find((t) => t.line === p.line && t.character === p.character)?.type;
    };
    assert.equal(typeAt('read a, 1\n'), 'function');
    assert.equal(typeAt('read a, 1 =='), 'function');
    assert.equal(typeAt('reads a'), 'function');
    assert.equal(typeAt('none'), 'enumMember');
    assert.equal(typeAt('junk'), 'variable');
  });

  test('the encoding is relative and sorted', () => {
    const a = analyseDocument(text);
    const tokens = semanticTokens(a);
    const data = encodeSemanticTokens(tokens);
    assert.equal(data.length, tokens.length * 5);
    for (let i = 0; i < data.length; i += 5) {
      assert.ok(data[i]! >= 0 && data[i + 1]! >= 0 && data[i + 3]! < TOKEN_TYPES.length);
    }
  });
});
