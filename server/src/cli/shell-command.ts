// A command the CLI suggests (`drvmap check PATH`), written so that pasting it into a POSIX shell
// runs it on the same file: a path with a space is one argument, a quote or `$` stays literal.

/** Characters no POSIX shell treats specially in a word (nor `=` or `~` where they stand). */
const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** `a.drvmap`, `'my file.drvmap'`, `'it'\''s.drvmap'`: single quotes keep every character but `'`. */
export function shellQuote(word: string): string {
  if (PLAIN_WORD.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * `drvmap check PATH` for the file a command read: `-` for standard input (the user pipes it in
 * again), and `--` before a path that starts with `-`, which would otherwise be read as an
 * option (args.ts splitOptions ends options at `--`).
 */
export function checkCommandFor(file: string, shown: string): string {
  if (file === '-') return 'drvmap check -';
  return shown.startsWith('-') ? `drvmap check -- ${shellQuote(shown)}` : `drvmap check ${shellQuote(shown)}`;
}
