// The fenced ```drvmap examples of the docs, for the tests that check them (docs.test.ts) and
// the ones that run every example through a view (the trace's JSON).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository: the nearest folder up with docs/language.md (tests are bundled at different depths). */
export const root = ((): string => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'docs', 'language.md')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();

export interface Example {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  readonly expected: string[] | undefined;
}

export function examplesOf(file: string): Example[] {
  const text = readFileSync(join(root, file), 'utf8');
  const out: Example[] = [];
  const re = /```drvmap\n([\s\S]*?)```/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const body = m[1] ?? '';
    const line = text.slice(0, m.index).split('\n').length;
    const expect = /^# expect: (.*)$/m.exec(body.split('\n')[0] ?? '');
    const wrapped = /\bscenario\b/.test(body) ? body : `scenario "example" {\n${body}}\n`;
    out.push({
      file,
      line,
      text: wrapped,
      expected: expect
        ? (expect[1] ?? '')
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : undefined,
    });
  }
  return out;
}
