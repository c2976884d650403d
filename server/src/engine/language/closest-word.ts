// "Did you mean …?": the known word nearest a misspelt one, when one is near enough to be a
// likely typo (an edit or two, a swap of neighbours counting as one; never more than a third of
// the word).

/** The word of `known` closest to `word` by edit distance, or undefined when none is close. */
export function closestWord(word: string, known: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  const limit = Math.min(2, Math.floor(lower.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase(), bestDistance);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Edit distance counting a swap of two neighbours as one edit (`mmpa` → `mmap`), as typos are;
 * `cap` as soon as it is known to be at least that.
 */
function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, before[j - 2]! + 1);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin >= cap) return cap;
    before = previous;
    previous = current;
  }
  return Math.min(previous[b.length]!, cap);
}

/**
 * `did you mean \`WORD\`?`: every message that suggests a spelling says it this way, because the
 * code actions read this wording to offer the word as a quick fix (features/code-actions.ts).
 */
export function didYouMeanText(similar: string): string {
  return `did you mean \`${similar}\`?`;
}

/** `; did you mean \`WORD\`?` for the closest known word, or '' when none is close. */
export function didYouMean(word: string | undefined, known: Iterable<string>): string {
  const similar = word === undefined ? undefined : closestWord(word, known);
  return similar === undefined || similar === word ? '' : `; ${didYouMeanText(similar)}`;
}
