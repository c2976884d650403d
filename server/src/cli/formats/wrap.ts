// `--width COLUMNS`: text output folded for a plain-text email or a narrow terminal. A diagnostic
// or a trace line is one physical line (a message can run to 600 characters), which a mail client
// reflows into a block nobody can follow. Folding happens at spaces only, so an address, a call
// or a path is never split; a continuation line is indented six columns past the line it
// continues: past the four of a diagnostic's related locations, so that a folded message does
// not read as one of them, and the `file:line:col:` heads and the trace's columns still stand out.

/** An SGR escape the palette writes (`ESC[1m`, `ESC[39m`): no width on the screen. */
// eslint-disable-next-line no-control-regex -- the escape character is what is measured
const ESCAPE = /\u001b\[[0-9;]*m/y;

/** How many columns `text` takes: escapes count nothing, every other code point one. */
function visibleWidth(text: string): number {
  let width = 0;
  for (let i = 0; i < text.length;) {
    ESCAPE.lastIndex = i;
    if (ESCAPE.test(text)) {
      i = ESCAPE.lastIndex;
      continue;
    }
    const code = text.codePointAt(i)!;
    i += code > 0xffff ? 2 : 1;
    width++;
  }
  return width;
}

/** `text` folded to `width` (`--width`), or as it is without one. */
export function folded(text: string, width: number | undefined): string {
  return width === undefined ? text : wrapText(text, width);
}

/** Each line of `text` folded to at most `width` columns where it has a space to fold at. */
export function wrapText(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => wrapLine(line, width))
    .join('\n');
}

function wrapLine(line: string, width: number): string {
  if (visibleWidth(line) <= width) return line;
  const lead = /^ */.exec(line)![0];
  // A hanging indent that leaves room for text: past half the width, only six columns.
  const hanging = ' '.repeat(lead.length + 6 <= width / 2 ? lead.length + 6 : 6);
  const words = line.slice(lead.length).split(' ');
  const out: string[] = [];
  let current = lead;
  let currentWidth = lead.length;
  let empty = true;
  for (const word of words) {
    // Columns of spaces (the trace's) are kept, but a continuation does not start with them.
    if (word === '' && current === hanging) continue;
    const w = visibleWidth(word);
    if (!empty && currentWidth + 1 + w > width) {
      out.push(current);
      current = hanging + word;
      currentWidth = hanging.length + w;
      continue;
    }
    current += empty ? word : ` ${word}`;
    currentWidth += empty ? w : 1 + w;
    empty = false;
  }
  out.push(current);
  return out.join('\n');
}
