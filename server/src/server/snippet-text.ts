// A completion snippet as the plain text a client without snippet support inserts: each
// placeholder becomes its default (`${1:mesa}` → `mesa`), a choice its first option
// (`${2|a,b|}` → `a`), a bare tab stop (`$1`, `${0}`) nothing, and `\$`, `\}`, `\\` their
// character (the TextMate snippet grammar that LSP 3.17 uses).
export function snippetAsPlainText(snippet: string): string {
  let out = '';
  let i = 0;
  while (i < snippet.length) {
    const c = snippet[i] as string;
    if (c === '\\' && i + 1 < snippet.length) {
      out += snippet[i + 1];
      i += 2;
    } else if (c === '$') {
      const tabStop = /^\$(\d+)/.exec(snippet.slice(i));
      if (tabStop) {
        i += tabStop[0].length;
        continue;
      }
      if (snippet[i + 1] === '{') {
        const [text, end] = placeholder(snippet, i + 2);
        out += text;
        i = end;
        continue;
      }
      out += c;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The text of the placeholder whose body starts at `from` (after `${`), and the index after its `}`. */
function placeholder(snippet: string, from: number): [string, number] {
  let i = from;
  while (i < snippet.length && /\d/.test(snippet[i] as string)) i++;
  const mark = snippet[i];
  if (mark === '|') {
    // The first choice ends at an unescaped `,` or at `|}`; `\,` and `\|` are characters.
    let first = '';
    let j = i + 1;
    let done = false;
    for (; j < snippet.length; j++) {
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
  // `${1:default}`: the default may hold escapes and nested placeholders; it ends at its `}`.
  let text = '';
  i++;
  while (i < snippet.length && snippet[i] !== '}') {
    const c = snippet[i] as string;
    if (c === '\\' && i + 1 < snippet.length) {
      text += snippet[i + 1];
      i += 2;
    } else if (c === '$' && snippet[i + 1] === '{') {
      const [inner, end] = placeholder(snippet, i + 2);
      text += inner;
      i = end;
    } else if (c === '$' && /\d/.test(snippet[i + 1] ?? '')) {
      // A bare tab stop inside a default (`${1:a $2 b}`) inserts nothing.
      i++;
      while (i < snippet.length && /\d/.test(snippet[i] as string)) i++;
    } else {
      text += c;
      i++;
    }
  }
  return [text, i + 1];
}
