// Text from a scenario file or a capture, on its way to a terminal or into a scenario. A string
// in a .drvmap file runs to its closing quote and a capture line is whatever strace printed, so
// either may hold ESC, BEL or CSI, which a terminal obeys: colour text, erase lines already
// printed, set the window title, make a hyperlink. Compilers show such bytes escaped; so does
// drvmap's text output, and so do the scenarios the importers write (printed by `drvmap import`,
// saved and opened in the editor, where a lone CR would also end a comment's line). (JSON and
// SARIF need nothing: JSON escapes control characters itself.)

/** C0 controls but tab and newline, DEL, and the C1 controls (U+009B is CSI on some terminals). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Characters that reorder or break what is shown around them: the bidirectional controls (a
 * U+202E in a name shows the rest of the line reversed, as in "Trojan Source", CVE-2021-42574) and
 * the line and paragraph separators, which some editors and terminals take for a line break.
 */
const INVISIBLE_LAYOUT = /[\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with each control character written as `\x1b` (two hex digits), and each layout
 * character as `\u202e` (four).
 */
export function printable(text: string): string {
  return text
    .replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(INVISIBLE_LAYOUT, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
