// autocannon's setupRequest for bench/http.ts's writes, loaded by its worker thread (workers take a
// file, not a function): a fresh Idempotency-Key and a fresh body on every request. What it picks
// from is in the JSON file named by BENCH_HTTP_WRITE, the kind of write in BENCH_HTTP_WRITE_KIND (both set by
// bench/http.ts before each run: a worker copies the environment when it starts).
'use strict';
const { randomUUID } = require('node:crypto');
const { readFileSync } = require('node:fs');

const { projects, offers } = JSON.parse(readFileSync(process.env.BENCH_HTTP_WRITE, 'utf8'));
const any = (list) => list[Math.floor(Math.random() * list.length)];

/** A body for POST /api/transfers (`transfer`) or POST /api/orders (`order`). */
function bodyOf(kind) {
  if (kind === 'transfer') {
    const from = any(projects);
    let to = any(projects);
    while (to.client_id === from.client_id) to = any(projects);
    return { fromAccountId: from.client_id, toAccountId: to.client_id, amountCents: 100 };
  }
  const project = any(projects);
  return { projectId: project.id, offerId: any(offers), targetUrl: `https://${project.domain}/page`, anchor: 'ancre bench' };
}

module.exports = (request) => ({
  ...request,
  headers: { ...request.headers, 'idempotency-key': randomUUID() },
  body: JSON.stringify(bodyOf(process.env.BENCH_HTTP_WRITE_KIND)),
});
module.exports.bodyOf = bodyOf;
