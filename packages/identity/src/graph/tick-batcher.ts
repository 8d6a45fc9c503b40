/**
 * Gathers the calls made while one chain of promise jobs runs and performs them together, the
 * way DataLoader batches loads: the groups of a batch that reach a write without I/O in between
 * (the merges of different people, say) share one round trip and one commit. The batch is run
 * from a `nextTick` queued inside a promise job, so it starts once every such group has queued
 * its call, and no timer is involved (fake timers in tests cannot stall it).
 */
export class TickBatcher<I, O> {
  #pending: { input: I; resolve: (value: O) => void; reject: (error: unknown) => void }[] = [];
  readonly #run: (inputs: I[]) => Promise<PromiseSettledResult<O>[]>;

  /** `run` gets the gathered inputs and settles each one; throwing fails them all. */
  constructor(run: (inputs: I[]) => Promise<PromiseSettledResult<O>[]>) {
    this.#run = run;
  }

  /** Queues one call; settles as `run` settled it. */
  add(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      if (this.#pending.length === 0) {
        void Promise.resolve().then(() => process.nextTick(() => void this.#flush()));
      }
      this.#pending.push({ input, resolve, reject });
    });
  }

  async #flush(): Promise<void> {
    const pending = this.#pending;
    this.#pending = [];
    let outcomes: PromiseSettledResult<O>[];
    try {
      outcomes = await this.#run(pending.map((call) => call.input));
    } catch (error) {
      for (const call of pending) call.reject(error);
      return;
    }
    pending.forEach((call, index) => {
      const outcome = outcomes[index]!;
      if (outcome.status === 'fulfilled') call.resolve(outcome.value);
      else call.reject(outcome.reason);
    });
  }
}
