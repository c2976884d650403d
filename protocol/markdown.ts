// User text inside Markdown that VS Code renders (hovers, completion documentation, the status
// bar's tooltip): scenario, memfd, file and device names are the file's text, and nothing in
// them may become a link, an image fetched from the network, HTML or emphasis. Shared by the
// client and the language server. Text the engine writes (a refusal's reason, an expectation's
// detail, a memory object's history) can hold those names, so it goes through escapeMarkdown
// too; only drvmap's own fixed prose is written as Markdown.

/**
 * `text` with every character Markdown could read as syntax escaped by a backslash. `:` and `@`
 * too: the GitHub-flavoured autolinks VS Code's renderer makes of a bare `https://…`, `www.…`
 * or `a@b.c` need them (and the `.` of `www.`) unescaped.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~:@]/g, (c) => `\\${c}`);
}

/**
 * `text` as one code span, shown literally: a backtick inside it would end the span, so it becomes
 * `'`; a line end becomes a space (a blank line would end the paragraph, and the span, early).
 */
export function codeSpan(text: string): string {
  return '`' + text.replace(/`/g, "'").replace(/\r\n?|\n/g, ' ') + '`';
}

/**
 * Text the engine writes (a refusal's reason, an expectation's detail), which quotes names and
 * commands in backticks (`wine 10.14`), as Markdown: each quoted part a code span, the rest
 * escaped, so that the quotes read as code and not as literal backticks. A name from the file may
 * hold a backtick of its own and pair with another: the parts are still each a code span or
 * escaped text, so nothing in the name becomes syntax either way.
 */
export function proseMarkdown(text: string): string {
  const parts = text.split('`');
  return parts
    .map((part, i) => {
      if (i % 2 === 0) return escapeMarkdown(part);
      const closed = i < parts.length - 1;
      // An empty quote, or the last backtick of an odd count (it opens nothing), stays backticks.
      if (!closed || part === '') return '\\`' + escapeMarkdown(part) + (closed ? '\\`' : '');
      return codeSpan(part);
    })
    .join('');
}

/**
 * Markdown of the shape drvmap writes (emphasis, code spans, links, backslash escapes, lists) as
 * plain text, for a client that reads only plain text: code spans keep their text, `**` goes, a
 * link becomes `text (target)`, an escape its character. Line structure is kept as it is.
 */
export function markdownAsPlainText(markdown: string): string {
  return markdown.replace(
    /`([^`]*)`|\\([\s\S])|\*\*|\[((?:\\[\s\S]|[^\]\\])*)\]\(([^)\s]*)\)/g,
    (_match, code?: string, escaped?: string, linkText?: string, target?: string) => {
      if (code !== undefined) return code;
      if (escaped !== undefined) return escaped;
      if (linkText !== undefined) return `${markdownAsPlainText(linkText)} (${target ?? ''})`;
      return '';
    },
  );
}
