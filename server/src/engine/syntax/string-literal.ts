// Writing a string literal: the inverse of the parser's reading of one (`\` escapes the next
// character; a string ends at its line), for text that tools put into a scenario (an imported
// capture's title, a file path).
import { printable } from '../printable';

/**
 * `value` as a drvmap string literal, line breaks made spaces and control characters `\x1b`:
 * it reads back as `value` so written, the same for every literal made from one value. A `\`
 * escapes only the next character, so no literal can spell ESC but by holding it, and a scenario
 * holding it puts it on the terminal of whoever prints the file (printable.ts).
 */
export function stringLiteral(value: string): string {
  return `"${printable(value.replace(/[\r\n]+/g, ' ')).replace(/[\\"]/g, '\\$&')}"`;
}
