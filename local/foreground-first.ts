/**
 * Foreground first: the local runtime's functions share two cores, where on AWS each invocation has its
 * own. While requests from outside (HTTP API calls) are being answered, background work (workflow tasks)
 * runs at most `backgroundWhileBusy` invocations at a time; the rest wait until a slot frees or the
 * foreground is idle. So the workflows of a burst of reports slow down while it lasts instead of
 * starving its intake, and catch up as soon as it ends. Work named in `exempt` is never held (the runtime
 * names containment and the clocks). `backgroundWhileBusy: Infinity` holds nothing.
 */
export class ForegroundFirst {
  private foreground = 0;
  private background = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly options: { backgroundWhileBusy: number; exempt?: ReadonlySet<string> }) {}

  /** Runs a foreground call (an API request's function). */
  foregroundCall<T>(call: () => Promise<T>): Promise<T> {
    return this.counted("foreground", call);
  }

  /** Runs background work named `name`, once the foreground leaves it room. */
  async backgroundCall<T>(name: string, call: () => Promise<T>): Promise<T> {
    if (this.options.exempt?.has(name)) return call();
    while (this.foreground > 0 && this.background >= this.options.backgroundWhileBusy) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    return this.counted("background", call);
  }

  /** Runs `call` counted as `kind` (the count goes up before this returns), then wakes the waiting work. */
  private async counted<T>(kind: "foreground" | "background", call: () => Promise<T>): Promise<T> {
    this[kind]++;
    try {
      return await call();
    } finally {
      this[kind]--;
      this.release();
    }
  }

  /** Wakes the waiting work: it checks again whether it may run. */
  private release(): void {
    for (const wake of this.waiting.splice(0)) wake();
  }
}
