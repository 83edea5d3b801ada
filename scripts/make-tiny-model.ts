// Generates the tiny test model into models/<id>/ (default: models/test/tiny-bert).
// Usage: node dist/scripts/make-tiny-model.js [DIR]
import path from 'node:path';
import { makeTinyModel } from '../test/helpers/tiny-model.js';

const dir = path.resolve(process.argv[2] ?? path.join('models', 'test', 'tiny-bert'));
await makeTinyModel(dir);
console.error(`tiny model written to ${dir}`);
