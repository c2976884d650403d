// Answers to asynchronous requests can arrive out of order (a slow analysis of an old version
// after a fast one of the new). Each request takes a ticket; only the newest ticket's answer is
// used.

export class RequestSequencer {
  private latest = 0;

  /** Takes a ticket for a new request; every older ticket becomes stale. */
  next(): number {
    return ++this.latest;
  }

  isCurrent(ticket: number): boolean {
    return ticket === this.latest;
  }

  /** Makes every outstanding ticket stale (the editor changed, the panel closed). */
  invalidate(): void {
    this.latest++;
  }
}
