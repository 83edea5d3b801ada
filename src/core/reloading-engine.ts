import { statSync } from 'node:fs';
import path from 'node:path';
import { resolveIndexFolder } from '../store/index-dir.js';
import { verifyChecksums } from '../store/load.js';
import { openEngine, openEngineForServing, openEngineInBackground, type DocsEngine, type EngineOptions } from './engine.js';

export interface ReloadingEngineOptions extends EngineOptions {
  log?: (line: string) => void;
  /** How often (ms) an access may look for a new index. Default 1000. */
  checkMs?: number;
  /** After a failed load, wait this long (ms, doubling up to a minute) before trying the same index again. Default 5000. */
  retryMs?: number;
  /**
   * Open the first index the way a server starts: without hashing its files or reading its docs
   * (openEngineForServing), then verify its checksums this many ms later, in the background. A
   * damaged file found then makes every access fail with how to fix it, until a rebuilt index loads.
   */
  verifyAfterMs?: number;
}

/**
 * Holds the DocsEngine (engine.ts: everything a front end needs, built from one index) that
 * requests are answered from, and moves to a rebuilt index when it is complete: on each access it
 * checks (at most every `checkMs`) whether the index changed, and if so loads the new index in the
 * background, after the current request and in steps that let other requests through, while
 * requests keep being answered from the old one. A failed load keeps the old engine; a later
 * change is tried at once, and the same index again after a back-off (the failure may have been
 * passing, such as a version removed while it was read).
 */
export class ReloadingEngine {
  private lastCheck = 0;
  private stamp: string;
  private loading: Promise<void> | undefined;
  private readonly reloadListeners = new Set<(engine: DocsEngine) => void>();
  private failed: { stamp: string; at: number; count: number } | undefined;
  private damaged: Error | undefined;
  private verifying: Promise<void> | undefined;

  private constructor(
    private engine: DocsEngine,
    private readonly indexDir: string,
    private readonly options: EngineOptions,
    private readonly log: (line: string) => void,
    private readonly checkMs: number,
    private readonly retryMs: number,
    stamp: string,
  ) {
    this.stamp = stamp;
  }

  static async open(indexDir: string, options: ReloadingEngineOptions): Promise<ReloadingEngine> {
    const stamp = indexStamp(indexDir);
    const serving = options.verifyAfterMs !== undefined;
    const engine = serving ? await openEngineForServing(indexDir, options) : await openEngine(indexDir, options);
    const live = new ReloadingEngine(engine, indexDir, options, options.log ?? (() => {}), options.checkMs ?? 1000, options.retryMs ?? 5000, stamp);
    if (serving) live.verifyLater(options.verifyAfterMs ?? 0);
    return live;
  }

  /** The engine to answer from; throws while the index is known to be damaged. */
  current(): DocsEngine {
    const now = Date.now();
    if (now - this.lastCheck >= this.checkMs && !this.loading) {
      this.lastCheck = now;
      const stamp = indexStamp(this.indexDir);
      if (stamp && stamp !== this.stamp && this.mayTry(stamp, now)) this.loading = this.reload(stamp);
    }
    if (this.damaged) throw this.damaged;
    return this.engine;
  }

  /** Resolves when the background checksum verification (verifyAfterMs) has run. */
  async verified(): Promise<void> {
    await this.verifying;
  }

  private verifyLater(afterMs: number): void {
    const engine = this.engine;
    this.verifying = new Promise<void>((resolve) => {
      setTimeout(resolve, afterMs).unref();
    }).then(async () => {
      const damage = await verifyChecksums(engine.index.dir, engine.index.manifest).catch((error: Error) => error);
      // A reload meanwhile brought a verified index: what was found no longer serves.
      if (!damage || this.engine !== engine) return;
      this.damaged = damage;
      this.log(`the index is damaged; tool calls fail until it is rebuilt: ${damage.message.split('\n')[0]}`);
    });
  }

  /** Calls `listener` after each successful reload, with the new engine; returns the unsubscribe. */
  onReload(listener: (engine: DocsEngine) => void): () => void {
    this.reloadListeners.add(listener);
    return () => this.reloadListeners.delete(listener);
  }

  /** Resolves when any reload in progress has finished (for tests and orderly shutdown). */
  async settled(): Promise<void> {
    await this.loading;
  }

  private mayTry(stamp: string, now: number): boolean {
    if (this.failed?.stamp !== stamp) return true;
    return now - this.failed.at >= Math.min(60_000, this.retryMs * 2 ** (this.failed.count - 1));
  }

  private async reload(stamp: string): Promise<void> {
    // Off the request path: the request that noticed the change is answered first.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      this.engine = await openEngineInBackground(this.indexDir, this.options);
      this.stamp = stamp;
      this.failed = undefined;
      this.damaged = undefined;
      this.log(`index reloaded: ${this.engine.index.manifest.counts.chunks} chunks built ${this.engine.index.manifest.createdAt}`);
      for (const listener of this.reloadListeners) {
        try {
          listener(this.engine);
        } catch (error) {
          this.log(`a reload listener failed: ${(error as Error).message}`);
        }
      }
    } catch (error) {
      this.failed = { stamp, at: Date.now(), count: this.failed?.stamp === stamp ? this.failed.count + 1 : 1 };
      this.log(`index changed but could not be loaded; still serving the previous one (will try again): ${(error as Error).message.split('\n')[0]}`);
    } finally {
      this.loading = undefined;
    }
  }
}

/** Identifies the current index of a folder: its version and its manifest file. */
function indexStamp(indexDir: string): string {
  try {
    const at = resolveIndexFolder(indexDir);
    const s = statSync(path.join(at.folder, 'manifest.json'));
    return `${at.version ?? 'plain'}:${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return '';
  }
}
