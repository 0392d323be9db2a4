/**
 * Worker thread of a keyword import: decodes, parses and groups the file (`planImport`) away from
 * the HTTP event loop, then hands its chunks one at a time when the importer asks for the next
 * one, so that the main thread never receives (and deserializes) more than one chunk at once.
 *
 * Messages: in `workerData` {content, siteDomain, limits, chunkRows, skipChunks}; out first
 * {type: 'summary', summary} or {type: 'format_error', fr, en}; then, for each {type: 'next'}
 * received, {type: 'chunk', chunk} or {type: 'end'}.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { planImport, type ImportLimits } from './import-plan.js';
import { CsvFormatError } from './keyword-csv.js';

export type PlanWorkerInput = { content: Uint8Array; siteDomain: string; limits: ImportLimits; chunkRows: number; skipChunks: number };

const port = parentPort!;
const input = workerData as PlanWorkerInput;
try {
  const content = Buffer.from(input.content.buffer, input.content.byteOffset, input.content.byteLength);
  const { summary, chunks } = planImport(content, input.siteDomain, input.limits, input.chunkRows);
  let next = input.skipChunks;
  port.postMessage({ type: 'summary', summary });
  port.on('message', (message: { type: 'next' }) => {
    if (message.type !== 'next') return;
    if (next < chunks.length) {
      port.postMessage({ type: 'chunk', chunk: chunks[next] });
      chunks[next++] = null!; // sent: let it be collected
    } else {
      port.postMessage({ type: 'end' });
    }
  });
} catch (e) {
  if (!(e instanceof CsvFormatError)) throw e;
  port.postMessage({ type: 'format_error', fr: e.fr, en: e.en });
}
