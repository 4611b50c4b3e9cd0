/**
 * A one-line progress indicator on stderr, shown only when stderr is a terminal and
 * the work has taken longer than a second: quick runs and pipes stay silent.
 */
export class Progress {
  private readonly start = Date.now();
  private shown = false;

  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number, label: string): void {
    if (!this.stream.isTTY || Date.now() - this.start < 1000) return;
    this.shown = true;
    const width = this.stream.columns ?? 80;
    const line = `[${done}/${this.total}] ${label}`.slice(0, width - 1);
    this.stream.write(`\r${line}\u001b[K`);
  }

  finish(): void {
    if (this.shown) this.stream.write("\r\u001b[K");
  }
}
