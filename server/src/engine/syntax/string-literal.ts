// Writing a string literal: the inverse of the parser's reading of one (`\` escapes the next
// character; a string ends at its line), for text that tools put into a scenario (an imported
// capture's title, a file path).

/** `value` as a drvmap string literal that reads back as `value`, line breaks made spaces. */
export function stringLiteral(value: string): string {
  return `"${value.replace(/[\r\n]+/g, ' ').replace(/[\\"]/g, '\\$&')}"`;
}
