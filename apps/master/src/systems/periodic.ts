/** Runs `fn` every `intervalMs`, never overlapping itself; errors are logged, not thrown. */
export class Periodic {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly fn: () => Promise<unknown>,
    private readonly log: (msg: string) => void,
  ) {}

  start(runNow = true): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    if (runNow) void this.runOnce();
  }

  /** Runs once now unless a run is in progress (then waits for that one). */
  runOnce(): Promise<void> {
    this.running ??= this.fn()
      .then(() => undefined)
      .catch((e: Error) => this.log(`${this.name} failed: ${e.message}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
