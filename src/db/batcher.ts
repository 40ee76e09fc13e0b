/** One item's own error in a batch that otherwise went through. */
export class ItemFailed {
  constructor(readonly error: unknown) {}
}

export interface BatcherOptions<In, Out> {
  /** Runs one batch; returns one result per item, in order. Throws to fail every item of it. */
  run(items: In[]): Promise<(Out | ItemFailed)[]>;
  /** Batches at the database at once; the rest wait. */
  maxInFlight: number;
  maxSize: number;
  /** Items with the same key never share a batch (a later one waits for the next). */
  key?: (item: In) => string;
}

export interface Batcher<In, Out> {
  submit(item: In): Promise<Out>;
}

interface Waiting<In, Out> {
  item: In;
  resolve(out: Out): void;
  reject(err: unknown): void;
}

/**
 * Group commit for the turn's hot statements. While `maxInFlight` batches are at the database, new
 * requests wait here; when one comes back, everything waiting goes in the next batch, as one
 * statement. Under light load a request goes out at once, alone, so it waits for nothing; under a
 * burst, the statements (and their commits, parses and socket writes) are shared by many turns.
 */
export function batcher<In, Out>(opts: BatcherOptions<In, Out>): Batcher<In, Out> {
  let queue: Waiting<In, Out>[] = [];
  let inFlight = 0;

  const take = (): Waiting<In, Out>[] => {
    if (!opts.key && queue.length <= opts.maxSize) {
      const all = queue;
      queue = [];
      return all;
    }
    const batch: Waiting<In, Out>[] = [];
    const rest: Waiting<In, Out>[] = [];
    const keys = new Set<string>();
    for (const w of queue) {
      const k = opts.key?.(w.item);
      if (batch.length >= opts.maxSize || (k !== undefined && keys.has(k))) rest.push(w);
      else {
        if (k !== undefined) keys.add(k);
        batch.push(w);
      }
    }
    queue = rest;
    return batch;
  };

  /** Runs a batch, counted as at the database until it settles; then whatever waits goes next. */
  const send = async (items: In[]): Promise<(Out | ItemFailed)[]> => {
    inFlight++;
    try {
      return await opts.run(items);
    } finally {
      inFlight--;
      flush();
    }
  };

  const flush = (): void => {
    while (inFlight < opts.maxInFlight && queue.length > 0) {
      const batch = take();
      send(batch.map((w) => w.item)).then(
        (outs) =>
          batch.forEach((w, i) => {
            const out = outs[i]!;
            if (out instanceof ItemFailed) w.reject(out.error);
            else w.resolve(out);
          }),
        (err: unknown) => batch.forEach((w) => w.reject(err)),
      );
    }
  };

  // The usual case under light load (nothing waiting, a statement free): no queue entry of its own.
  const alone = async (item: In): Promise<Out> => {
    const [out] = await send([item]);
    if (out instanceof ItemFailed) throw out.error;
    return out!;
  };

  return {
    submit: (item) =>
      inFlight < opts.maxInFlight && queue.length === 0
        ? alone(item)
        : new Promise<Out>((resolve, reject) => {
            queue.push({ item, resolve, reject });
            flush();
          }),
  };
}
