// Builds an HNSW index on a worker thread and writes it to a file, so that an ingest can build
// the lexical indexes on the main thread at the same time. Input: workerData as HnswBuildJob.
import { parentPort, workerData } from 'node:worker_threads';
import { writeHnswFile, type HnswParams } from './vector-index.js';

export interface HnswBuildJob {
  vectors: Float32Array;
  dimension: number;
  params: HnswParams;
  file: string;
}

const job = workerData as HnswBuildJob;
writeHnswFile(job.vectors, job.dimension, job.params, job.file);
parentPort?.postMessage('done');
