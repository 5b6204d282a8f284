import type { Redis } from "ioredis";

export type Listener = (message: string) => void;

/**
 * One shared Redis subscriber connection with a listener registry, so N browser subscriptions cost one
 * connection. A channel is SUBSCRIBEd when its first listener arrives and UNSUBSCRIBEd when its last
 * one leaves. ioredis re-subscribes by itself after a reconnect; wake-ups missed meanwhile are covered
 * by the subscribers' periodic re-reads from Postgres.
 */
export class PubSub {
  private readonly listeners = new Map<string, Set<Listener>>();
  /** Per channel: the SUBSCRIBE/UNSUBSCRIBE in flight, so they apply in order. */
  private readonly pending = new Map<string, Promise<unknown>>();
  private closed = false;

  constructor(private readonly sub: Redis) {
    sub.on("message", (channel: string, message: string) => {
      const set = this.listeners.get(channel);
      if (!set) return;
      for (const cb of [...set]) {
        try {
          cb(message);
        } catch {
          // a listener's failure must not starve the others
        }
      }
    });
    // Errors are reported per command; without a handler ioredis would print them as unhandled.
    sub.on("error", () => {});
  }

  /**
   * Registers `cb` for `channel`. Resolves once Redis has confirmed the subscription (so a caller that
   * reads state afterwards misses no wake-up), with the function that removes the listener.
   */
  async listen(channel: string, cb: Listener): Promise<() => void> {
    if (this.closed) throw new Error("pubsub is closed");
    let set = this.listeners.get(channel);
    const first = !set;
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(cb);
    if (first) void this.chain(channel, () => this.sub.subscribe(channel));
    try {
      await this.pending.get(channel);
    } catch (err) {
      this.remove(channel, cb);
      throw err;
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.remove(channel, cb);
    };
  }

  /** Number of channels currently subscribed (for tests and metrics). */
  get channelCount(): number {
    return this.listeners.size;
  }

  private remove(channel: string, cb: Listener): void {
    const set = this.listeners.get(channel);
    if (!set) return;
    set.delete(cb);
    if (set.size > 0) return;
    this.listeners.delete(channel);
    if (!this.closed) this.chain(channel, () => this.sub.unsubscribe(channel)).catch(() => {});
  }

  private chain(channel: string, op: () => Promise<unknown>): Promise<unknown> {
    const prev = this.pending.get(channel) ?? Promise.resolve();
    const next = prev.catch(() => {}).then(op);
    this.pending.set(channel, next);
    void next.finally(() => {
      if (this.pending.get(channel) === next) this.pending.delete(channel);
    }).catch(() => {});
    return next;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.sub.disconnect();
  }
}
