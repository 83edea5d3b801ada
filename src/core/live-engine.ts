import { statSync } from 'node:fs';
import path from 'node:path';
import { openEngine, type DocsEngine, type EngineOptions } from './engine.js';

/**
 * Serves one engine and moves to a rebuilt index when it is complete: on each access it checks
 * (at most every `checkMs`) whether the index's manifest changed, and if so loads the new index in
 * the background while requests keep being answered from the old one. A failed load keeps the old.
 */
export class LiveEngine {
  private lastCheck = 0;
  private stamp: string;
  private loading: Promise<void> | undefined;
  private readonly reloadListeners = new Set<(engine: DocsEngine) => void>();

  private constructor(
    private engine: DocsEngine,
    private readonly indexDir: string,
    private readonly options: EngineOptions,
    private readonly log: (line: string) => void,
    private readonly checkMs: number,
  ) {
    this.stamp = manifestStamp(indexDir);
  }

  static async open(indexDir: string, options: EngineOptions & { log?: (line: string) => void; checkMs?: number }): Promise<LiveEngine> {
    const engine = await openEngine(indexDir, options);
    return new LiveEngine(engine, indexDir, options, options.log ?? (() => {}), options.checkMs ?? 1000);
  }

  current(): DocsEngine {
    const now = Date.now();
    if (now - this.lastCheck >= this.checkMs && !this.loading) {
      this.lastCheck = now;
      const stamp = manifestStamp(this.indexDir);
      if (stamp && stamp !== this.stamp) this.loading = this.reload(stamp);
    }
    return this.engine;
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

  private async reload(stamp: string): Promise<void> {
    try {
      this.engine = await openEngine(this.indexDir, this.options);
      this.stamp = stamp;
      this.log(`index reloaded: ${this.engine.index.manifest.counts.chunks} chunks built ${this.engine.index.manifest.createdAt}`);
      for (const listener of this.reloadListeners) {
        try {
          listener(this.engine);
        } catch (error) {
          this.log(`a reload listener failed: ${(error as Error).message}`);
        }
      }
    } catch (error) {
      this.stamp = stamp;
      this.log(`index changed but could not be loaded; still serving the previous one: ${(error as Error).message.split('\n')[0]}`);
    } finally {
      this.loading = undefined;
    }
  }
}

function manifestStamp(indexDir: string): string {
  try {
    const s = statSync(path.join(indexDir, 'manifest.json'));
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return '';
  }
}
