// The view is a range of pages. Zoom keeps the page under the pointer in place; the range is
// clamped to the address space and never narrower than one page.

export interface View {
  readonly startPage: number;
  readonly endPage: number;
}

export const MIN_SPAN_PAGES = 1;

export function clampView(view: View, limitEndPage: number): View {
  let span = Math.max(MIN_SPAN_PAGES, Math.min(view.endPage - view.startPage, limitEndPage));
  if (!Number.isFinite(span)) span = limitEndPage;
  let start = Math.max(0, view.startPage);
  if (start + span > limitEndPage) start = Math.max(0, limitEndPage - span);
  return { startPage: start, endPage: start + span };
}

/** factor < 1 zooms in. `anchorPage` stays where it is on screen (in a linear view). */
export function zoomAround(view: View, anchorPage: number, factor: number, limitEndPage: number): View {
  const anchor = Math.min(Math.max(anchorPage, view.startPage), view.endPage);
  const span = view.endPage - view.startPage;
  let newSpan = span * factor;
  if (newSpan < MIN_SPAN_PAGES) newSpan = MIN_SPAN_PAGES;
  const t = span > 0 ? (anchor - view.startPage) / span : 0.5;
  return clampView(
    { startPage: anchor - t * newSpan, endPage: anchor - t * newSpan + newSpan },
    limitEndPage,
  );
}

export function panBy(view: View, deltaPages: number, limitEndPage: number): View {
  return clampView(
    { startPage: view.startPage + deltaPages, endPage: view.endPage + deltaPages },
    limitEndPage,
  );
}

/** A view around a range with a margin on each side (fit window / fit selection). */
export function fitRange(
  startPage: number,
  endPage: number,
  limitEndPage: number,
  marginFraction = 0.04,
): View {
  const span = Math.max(endPage - startPage, MIN_SPAN_PAGES);
  const margin = span * marginFraction;
  return clampView({ startPage: startPage - margin, endPage: startPage + span + margin }, limitEndPage);
}
