// Which step numbers the timeline writes under its ticks. The interval is a nice number
// (1, 2, 5 × 10^k steps) chosen from the widest label, so neighbouring labels never touch
// whatever the width and the number of steps; the ends are kept inside the canvas.

export interface StepLabel {
  /** 0-based step; the label reads step + 1. */
  readonly step: number;
  readonly text: string;
  /** Centre of the label (its tick) and the span its text takes, in canvas pixels. */
  readonly x: number;
  readonly left: number;
  readonly right: number;
}

/** The smallest of 1, 2, 5, 10, 20, 50, … that is at least `minimum`. */
export function niceStepInterval(minimum: number): number {
  if (!(minimum > 1)) return 1;
  let decade = 10 ** Math.floor(Math.log10(minimum));
  for (;;) {
    for (const m of [1, 2, 5]) if (m * decade >= minimum) return m * decade;
    decade *= 10;
  }
}

export interface StepLabelOptions {
  readonly count: number;
  readonly widthPx: number;
  /** x of a step's tick (steps -1 … count - 1). */
  readonly xOf: (step: number) => number;
  readonly labelWidthPx: (text: string) => number;
  /** Clear space between two labels. */
  readonly gapPx?: number;
}

export function stepLabels(options: StepLabelOptions): StepLabel[] {
  const { count, widthPx, xOf, labelWidthPx } = options;
  const gap = options.gapPx ?? 8;
  if (count <= 0) return [];
  const spacing = Math.abs(xOf(1) - xOf(0)) || widthPx;
  // The widest label has the most digits; '8' stands in for the widest digit.
  const widest = Math.max(labelWidthPx(String(count)), labelWidthPx('8'.repeat(String(count).length)));
  const every = niceStepInterval((widest + gap) / spacing);
  const place = (step: number): StepLabel => {
    const text = String(step + 1);
    const w = labelWidthPx(text);
    const x = xOf(step);
    const left = Math.max(0, Math.min(widthPx - w, x - w / 2));
    return { step, text, x, left, right: left + w };
  };
  const kept: StepLabel[] = [];
  for (let n = every; n <= count; n += every) {
    const label = place(n - 1);
    // Only the last, pushed in from the edge, can come too close to its neighbour.
    const previous = kept[kept.length - 1];
    if (!previous || label.left >= previous.right + gap) kept.push(label);
  }
  // Step 1 is labelled too when it leaves room for the first regular label.
  const first = place(0);
  if (every > 1 && (kept.length === 0 || first.right + gap <= kept[0]!.left)) kept.unshift(first);
  return kept;
}
