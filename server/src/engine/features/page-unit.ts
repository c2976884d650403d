// The `page`/`pages` unit is 4 KiB in every scenario (docs/language.md, Numbers: a number means the
// same whatever the platform), while `page-size 16KiB` or 64KiB makes the kernel's page larger
// (arm64, Asahi Linux). A hover on `2 pages` in such a scenario says so: else "= 8 KiB · not
// 16 KiB page-aligned" reads as a contradiction of the word the user wrote.
import type { Expression } from '../syntax/ast';
import { formatSize, UNIT_BYTES } from '../numbers';

const PAGE_UNIT_BYTES = UNIT_BYTES.page!;

function usesPageUnit(e: Expression | undefined): boolean {
  if (e === undefined) return false;
  switch (e.kind) {
    case 'number':
      return e.unit === 'page' || e.unit === 'pages';
    case 'binary':
      return usesPageUnit(e.left) || usesPageUnit(e.right);
    case 'negate':
      return usesPageUnit(e.operand);
    case 'paren':
      return usesPageUnit(e.inner);
    default:
      return false;
  }
}

/** The hover's note when `e` counts in `page` units and the scenario's page is another size. */
export function pageUnitNote(e: Expression, pageSize: bigint): string | undefined {
  if (pageSize === PAGE_UNIT_BYTES || !usesPageUnit(e)) return undefined;
  return `\`page\` is drvmap's ${formatSize(PAGE_UNIT_BYTES)} unit in every scenario; this scenario's page (\`page-size\`) is ${formatSize(pageSize)}`;
}
