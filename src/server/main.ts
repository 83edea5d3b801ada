export interface ServeOptions { indexDir: string; modelsDir: string; allowRemote: boolean; http: boolean; host: string; port: number; token?: string }
export async function serveCommand(_o: ServeOptions, _log: (line: string) => void): Promise<number | undefined> { throw new Error('not yet'); }
