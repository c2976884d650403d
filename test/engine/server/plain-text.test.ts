// What a client without snippets or Markdown gets instead (LSP 3.17 snippetSupport, contentFormat).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeMarkdown, markdownAsPlainText, proseMarkdown } from '../../../protocol/markdown';
import { snippetAsPlainText } from '../../../server/src/server/snippet-text';

describe('snippetAsPlainText', () => {
  test('a placeholder becomes its default, a choice its first option, a tab stop nothing', () => {
    assert.equal(
      snippetAsPlainText('driver ${1:mesa} {\n  maps ${2|at-map,at-alloc,pool|}\n}$0'),
      'driver mesa {\n  maps at-map\n}',
    );
    assert.equal(snippetAsPlainText('scenario "${1:name}" {${2}}'), 'scenario "name" {}');
  });

  test('escapes become their character; nested placeholders their defaults', () => {
    assert.equal(snippetAsPlainText('cost \\$5 \\} ${1:a ${2:b} c}'), 'cost $5 } a b c');
  });

  test('an escaped comma belongs to its choice; a bare tab stop inside a default inserts nothing', () => {
    assert.equal(snippetAsPlainText('${1|a\\,b,c|} ${2:x $3y}'), 'a,b x y');
  });

  test('text without snippet syntax is unchanged', () => {
    assert.equal(snippetAsPlainText('strategy placed'), 'strategy placed');
    assert.equal(snippetAsPlainText('a $ b'), 'a $ b');
  });
});

describe('markdownAsPlainText', () => {
  test('emphasis and code spans go, their text stays', () => {
    assert.equal(
      markdownAsPlainText('**vkMapMemory** — `mmap(NULL, 0x1000)` `= 0x1_0000`'),
      'vkMapMemory — mmap(NULL, 0x1000) = 0x1_0000',
    );
  });

  test('a link keeps its text and shows its target', () => {
    assert.equal(
      markdownAsPlainText(
        '**fixed-clobber** (unsafe)\n\n[Documentation](https://example.org/rules.md#fixed-clobber)',
      ),
      'fixed-clobber (unsafe)\n\nDocumentation (https://example.org/rules.md#fixed-clobber)',
    );
  });

  test('escaped user text reads as it was written', () => {
    const name = 'my_bo [*v2*] `x` (a|b) #1';
    assert.equal(markdownAsPlainText(`**${escapeMarkdown(name)}** of app`), `${name} of app`);
  });

  test('a code span keeps backslashes and stars literally', () => {
    assert.equal(markdownAsPlainText('`a\\b **c**`'), 'a\\b **c**');
  });
});

describe('proseMarkdown', () => {
  test('backtick quotes become code spans and the rest is escaped', () => {
    assert.equal(
      proseMarkdown('`p` has no address (step 1 → EINVAL)'),
      '`p` has no address \\(step 1 → EINVAL\\)',
    );
    assert.equal(markdownAsPlainText(proseMarkdown('use `wine 10.14` [or](x)')), 'use wine 10.14 [or](x)');
  });

  test('an unpaired or empty quote stays a backtick, and nothing becomes a link', () => {
    assert.equal(proseMarkdown('a `b'), 'a \\`b');
    assert.equal(proseMarkdown('a `` b'), 'a \\`\\` b');
    // A name holding a backtick pairs with the message's own: every part is still code or escaped.
    const text = proseMarkdown('device `x` ![](https://e.example/i.png)` refuses');
    assert.equal(text, 'device `x` \\!\\[\\]\\(https\\://e\\.example/i\\.png\\)\\` refuses');
  });
});
