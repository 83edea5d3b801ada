import type { IndexAbout } from '../core/about.js';
import type { DocsEngine } from '../core/engine.js';

/** What the MCP server is built from: the tool and resource files take it too. */
export interface ServerDeps {
  /**
   * The engine to answer from; a function so that a rebuilt index can be swapped in between
   * requests. A promise while the index is still loading: the server answers `initialize` and
   * `tools/list` at once and tool calls wait for it.
   */
  engine: () => DocsEngine | Promise<DocsEngine>;
  /**
   * Subscribes to "the index was reloaded" (returns the unsubscribe). Pass it only where the
   * transport can deliver a notification outside a request (stdio): then the server advertises
   * `resources.listChanged` and sends `notifications/resources/list_changed` after each reload.
   */
  onReload?: (listener: () => void) => () => void;
  version?: string;
  /** What the index holds, for the tools' words (default: from the engine's manifest). */
  about?: IndexAbout;
}

/** ServerDeps once createServer has settled what the index is about. */
export type ToolDeps = ServerDeps & { about: IndexAbout };
