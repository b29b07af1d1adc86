import { type ISyncData, type ISyncResponse, MemoryStore, SyncAccumulator } from "matrix-js-sdk";

/**
 * A matrix-js-sdk store that remembers where /sync stopped, so a restarted sync continues from there:
 * events sent while the bot was away arrive once (incremental sync), old ones are not repeated.
 * Like the SDK's IndexedDB store, it keeps a {@link SyncAccumulator}; `onSave` receives the accumulated state
 * (to keep it in memory or write it to a file) after every sync batch has been handled.
 */
export class ResumableSyncStore extends MemoryStore {
  private readonly acc = new SyncAccumulator({ maxTimelineEntries: 20 });
  private dirty = false;
  private readonly onSave: (data: ISyncData) => Promise<void>;
  /** True when this store was seeded with an earlier sync position. */
  readonly resumed: boolean;

  constructor(seed: ISyncData | undefined, onSave: (data: ISyncData) => Promise<void>) {
    super();
    this.onSave = onSave;
    if (seed?.nextBatch) {
      this.acc.accumulate({ next_batch: seed.nextBatch, rooms: seed.roomsData, account_data: { events: seed.accountData } }, true);
    }
    this.resumed = Boolean(this.acc.getNextBatchToken());
  }

  override async getSavedSync(): ReturnType<MemoryStore["getSavedSync"]> {
    if (!this.acc.getNextBatchToken()) return null;
    const d = structuredClone(this.acc.getJSON());
    return { nextBatch: d.nextBatch, roomsData: d.roomsData, accountData: d.accountData };
  }

  override async getSavedSyncToken(): Promise<string | null> {
    return this.acc.getNextBatchToken() || null;
  }

  override async setSyncData(syncData: ISyncResponse): Promise<void> {
    this.acc.accumulate(syncData);
    this.dirty = true;
  }

  override wantsSave(): boolean {
    return this.dirty;
  }

  override async save(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    await this.onSave(this.snapshot());
  }

  /** The accumulated sync state, in the form the store is seeded with. */
  snapshot(): ISyncData {
    return structuredClone(this.acc.getJSON(true));
  }
}
