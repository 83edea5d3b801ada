// Builds an HNSW index on a worker thread and writes it to a file, so that an ingest can build
// the lexical indexes on the main thread at the same time. Input: workerData as BuildJob.
import { parentPort, workerData } from 'node:worker_threads';
import { VectorIndex, type HnswParams } from './vector-index.js';

export interface HnswBuildJob {
  vectors: Float32Array;
  dimension: number;
  params: HnswParams;
  file: string;
}

const job = workerData as HnswBuildJob;
const count = job.vectors.length / job.dimension;
const vectors = Array.from({ length: count }, (_, i) => job.vectors.subarray(i * job.dimension, (i + 1) * job.dimension));
VectorIndex.build(vectors, job.dimension, job.params).write(job.file);
parentPort?.postMessage('done');
