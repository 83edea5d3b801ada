import { config } from 'zod/v4/core';

/**
 * Imported before the MCP SDK (create-server.ts imports it first): zod 4, which the SDK builds its
 * protocol schemas with, otherwise compiles a parser per object schema with `new Function` the
 * first time the schema parses. A server parses each kind of message a few times, so compiling
 * cost more than it saved: about 12 ms of the time to a first answer, compiled again at every
 * start (V8's code cache cannot hold code made by `new Function`). The setting is read when a
 * schema is created, hence before the SDK's modules run.
 */
config({ jitless: true });
