// A completion snippet as the plain text a client without snippet support inserts: each
// placeholder becomes its default (`${1:mesa}` → `mesa`), a choice its first option
// (`${2|a,b|}` → `a`), a bare tab stop (`$1`, `${0}`) nothing, and `\$`, `\}`, `\\` their
// character (the TextMate snippet grammar that LSP 3.17 uses).
export function snippetAsPlainText(snippet: string): string {
  return plainText(snippet, 0, false)[0];
}

/**
 * The text from `from` on, to the end or (`inDefault`) to the `}` that closes a placeholder's
 * default, and the index after it: one reading for the snippet and for every default in it.
 */
function plainText(snippet: string, from: number, inDefault: boolean): [string, number] {
  let text = '';
  let i = from;
  while (i < snippet.length && !(inDefault && snippet[i] === '}')) {
    const c = snippet[i] as string;
    if (c === '\\' && i + 1 < snippet.length) {
      text += snippet[i + 1];
      i += 2;
    } else if (c === '$' && snippet[i + 1] === '{') {
      const [inner, end] = placeholder(snippet, i + 2);
      text += inner;
      i = end;
    } else if (c === '$' && /\d/.test(snippet[i + 1] ?? '')) {
      // A bare tab stop (`$1`) inserts nothing.
      i++;
      while (i < snippet.length && /\d/.test(snippet[i] as string)) i++;
    } else {
      text += c;
      i++;
    }
  }
  return [text, inDefault ? i + 1 : i];
}

/** The text of the placeholder whose body starts at `from` (after `${`), and the index after its `}`. */
function placeholder(snippet: string, from: number): [string, number] {
  let i = from;
  while (i < snippet.length && /\d/.test(snippet[i] as string)) i++;
  const mark = snippet[i];
  if (mark === '|') {
    // The first choice ends at an unescaped `,` or at `|}`; `\,` and `\|` are characters.
    let first = '';
    let done = false;
    for (let j = i + 1; j < snippet.length; j++) {
      const c = snippet[j] as string;
      if (c === '\\' && j + 1 < snippet.length) {
        if (!done) first += snippet[j + 1];
        j++;
      } else if (c === '|' && snippet[j + 1] === '}') return [first, j + 2];
      else if (c === ',') done = true;
      else if (!done) first += c;
    }
    return [first, snippet.length];
  }
  if (mark !== ':') {
    // `${1}`: a tab stop without a default.
    const close = snippet.indexOf('}', i);
    return ['', close < 0 ? snippet.length : close + 1];
  }
  // `${1:default}`: the default may hold escapes, tab stops and nested placeholders.
  return plainText(snippet, i + 1, true);
}
