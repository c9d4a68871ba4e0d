/**
 * What the last attempt to store an event taught: a full disk or a read-only file fails
 * every event, while a health probe that changes nothing may still pass. The Events API
 * records each outcome here, and `/healthz` reports a failure until an event is stored again.
 * @module
 */
export class StoreStatus {
  private failure: string | null = null;

  failed(reason: string): void {
    this.failure = reason;
  }

  stored(): void {
    this.failure = null;
  }

  /** Why the last event could not be stored, while no event has been stored since. */
  problem(): string | null {
    return this.failure;
  }
}
