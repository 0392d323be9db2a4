import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { translate } from '../../http/messages.js';
import type { LocalizedText } from './keyword-csv.js';
import type { ImportChunk, ImportSummary } from './import-plan.js';
import type { PlanWorkerInput } from './import-worker.js';

/** The file cannot be imported, for a reason the publisher can act on: the import ends `failed` with it. */
export class ImportRefused extends Error {
  constructor(readonly text: LocalizedText) {
    super(text.en);
    this.name = 'ImportRefused';
  }
}

export type PlanHandle = {
  summary: ImportSummary;
  /** The next chunk to write, or null after the last one. */
  next: () => Promise<ImportChunk | null>;
  close: () => Promise<void>;
};

/** Heap of the parsing thread: far above what the stated limits need, far below what would starve the server. */
const WORKER_HEAP_MB = 1536;

// The server runs its TypeScript through tsx; a worker thread does not inherit the loader, so the
// worker's entry is loaded through tsx's own API.
const tsxApi = pathToFileURL(
  createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs'), // the ES module build of the same API
).href;
const entry = new URL('./import-worker.ts', import.meta.url).href;
const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`;

type Message =
  | { type: 'summary'; summary: ImportSummary }
  | { type: 'format_error'; fr: string; en: string }
  | { type: 'chunk'; chunk: ImportChunk }
  | { type: 'end' };

/**
 * Parses and groups an import's file in a worker thread (`import-worker.ts`) and hands its chunks
 * one by one. Rejects with ImportRefused when the file is unusable (format, a limit, or a parse that
 * ran out of memory).
 */
export function openPlanWorker(input: PlanWorkerInput): Promise<PlanHandle> {
  const content = input.content; // the worker owns it from here (transferred, not copied)
  const worker = new Worker(bootstrap, {
    eval: true,
    workerData: { ...input, content },
    transferList: [content.buffer as ArrayBuffer],
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
  });
  let waiting: { resolve: (m: Message) => void; reject: (e: unknown) => void } | null = null;
  const inbox: Message[] = [];
  let failure: unknown = null;
  let exited = false;
  const fail = (e: unknown) => {
    failure ??= e;
    if (waiting) waiting.reject(failure);
    waiting = null;
  };
  worker.on('message', (m: Message) => {
    if (waiting) {
      waiting.resolve(m);
      waiting = null;
    } else inbox.push(m);
  });
  // The parse is deterministic: a worker that throws or runs out of memory would do so again.
  worker.on('error', () => fail(new ImportRefused({ fr: translate('fr', 'import_parse_crashed'), en: translate('en', 'import_parse_crashed') })));
  worker.on('exit', () => {
    exited = true;
    fail(new Error('the import worker stopped before finishing'));
  });
  const receive = () =>
    new Promise<Message>((resolve, reject) => {
      const queued = inbox.shift();
      if (queued) return resolve(queued);
      if (failure) return reject(failure);
      waiting = { resolve, reject };
    });
  const close = async () => {
    if (!exited) await worker.terminate();
  };

  return receive().then(
    (first) => {
      if (first.type === 'format_error') {
        void close();
        throw new ImportRefused({ fr: first.fr, en: first.en });
      }
      if (first.type !== 'summary') throw new Error(`unexpected message ${first.type} from the import worker`);
      return {
        summary: first.summary,
        next: async () => {
          worker.postMessage({ type: 'next' });
          const m = await receive();
          if (m.type === 'chunk') return m.chunk;
          if (m.type === 'end') return null;
          throw new Error(`unexpected message ${m.type} from the import worker`);
        },
        close,
      };
    },
    async (e) => {
      await close();
      throw e;
    },
  );
}
