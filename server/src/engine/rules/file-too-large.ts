// `file-too-large`: the language server did not simulate a file above drvmap.maxFileSizeKiB (it
// only parsed it), so an editor never stalls on a huge file. A rule like any other so that it has
// documentation and a severity setting; reported by the server's document store
// (features/limited-analysis.ts), never by the analysis of a text, which has no size limit.
import type { Rule } from './rule';

export const fileTooLarge: Rule = {
  code: 'file-too-large',
  family: 'language',
  severity: 'info',
  title:
    'The file is larger than drvmap.maxFileSizeKiB: the editor checks its syntax only and does not simulate it.',
  reportedForFileOnly: true,
};
