// The graphql-ws client (GraphQL over WebSocket, `graphql-transport-ws`)
// against `/graphql/ws`: one socket, authenticated by its connection
// params, carries a query, a mutation, a subscription that receives the
// event the mutation causes, and over-limit operations refused with their
// code, while the socket stays open for what follows.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { maintainerToken, wsUrl } from "./lib.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Runs one operation to its end: `{ results, errors }` (errors: an `error` message). */
function run(client, payload, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const results = [];
    const timer = setTimeout(() => {
      dispose();
      reject(new Error(`no complete or error within ${timeoutMs} ms for ${payload.query}`));
    }, timeoutMs);
    const dispose = client.subscribe(payload, {
      next: (r) => results.push(r),
      error: (e) => {
        clearTimeout(timer);
        if (Array.isArray(e)) resolve({ results, errors: e });
        else reject(e instanceof Error ? e : new Error(`socket failed: ${describe(e)}`));
      },
      complete: () => {
        clearTimeout(timer);
        resolve({ results, errors: undefined });
      },
    });
  });
}

/** The single result of a query or mutation, which must have no errors. */
async function one(client, payload) {
  const { results, errors } = await run(client, payload);
  assert.equal(errors, undefined, `an error message for ${payload.query}: ${JSON.stringify(errors)}`);
  assert.equal(results.length, 1, JSON.stringify(results));
  assert.equal(results[0].errors, undefined, JSON.stringify(results[0].errors));
  return results[0].data;
}

/** The codes of the errors an operation was refused with (an `error` message, or a `next` with errors). */
async function refusedWith(client, payload) {
  const { results, errors } = await run(client, payload);
  const all = errors ?? results.flatMap((r) => r.errors ?? []);
  assert.ok(all.length > 0, `refused: ${JSON.stringify({ results, errors })}`);
  for (const r of results) assert.ok(r.data == null, `no data for a refused operation: ${JSON.stringify(r)}`);
  return all.map((e) => e.extensions?.code);
}

function describe(e) {
  if (e && typeof e === "object" && "code" in e) return `close ${e.code} ${e.reason ?? ""}`;
  return String(e?.message ?? e);
}

function nested(levels) {
  let sel = "id";
  for (let i = 0; i < levels; i++) sel = `parents { ${sel} }`;
  return `query Deep { phenotype(id: "HP:0003701") { ${sel} } }`;
}

test("one graphql-ws socket: a query, a mutation, a subscription and refused over-limit queries", async () => {
  const sockets = [];
  const closes = [];
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${maintainerToken}` },
    lazy: false,
    retryAttempts: 0,
    on: {
      connected: (socket) => sockets.push(socket),
      closed: (event) => closes.push(describe(event)),
    },
  });
  try {
    // A query.
    const q = await one(client, {
      query: `query Page { disease(id: "ORPHA:732") { id name } releases { id current } }`,
    });
    assert.deepEqual(q.disease, { id: "MONDO:0019127", name: "Polymyositis" });
    const current = q.releases.find((r) => r.current).id;

    // A subscription, then the mutation that announces an event to it: a
    // maintainer's rollback to the release already served (nothing changes
    // but the announcement).
    const events = [];
    let subscriptionError;
    let subscriptionCompleted = false;
    const unsubscribe = client.subscribe(
      { query: "subscription Releases { releasesChanged { releaseId kind by } }" },
      {
        next: (r) => events.push(r),
        error: (e) => (subscriptionError = Array.isArray(e) ? JSON.stringify(e) : describe(e)),
        complete: () => (subscriptionCompleted = true),
      },
    );
    // The server registers the subscription asynchronously; until an event
    // arrives, each rollback may come before it.
    let rolledBack;
    for (let i = 0; i < 20 && events.length === 0 && !subscriptionError && !subscriptionCompleted; i++) {
      rolledBack = await one(client, {
        query: "mutation Rollback($id: Int!) { rollback(releaseId: $id) { id current } }",
        variables: { id: current },
      });
      assert.deepEqual(rolledBack.rollback, { id: current, current: true });
      for (let j = 0; j < 10 && events.length === 0; j++) await sleep(20);
    }
    assert.equal(subscriptionError, undefined, "the subscription failed");
    assert.equal(subscriptionCompleted, false, "the subscription ended by itself");
    assert.ok(events.length > 0, "the subscription received the rollback");
    assert.equal(events[0].errors, undefined, JSON.stringify(events[0]));
    assert.deepEqual(events[0].data.releasesChanged, { releaseId: current, kind: "rollback", by: "alice" });
    unsubscribe();

    // Over the limits: refused with the limit's code, the socket kept.
    assert.deepEqual(await refusedWith(client, { query: nested(20) }), ["DEPTH_LIMIT_EXCEEDED"]);
    assert.deepEqual(
      await refusedWith(client, { query: "query Huge { diseases(first: 100000) { edges { node { id } } } }" }),
      ["PAGE_SIZE_EXCEEDED"],
    );

    // The socket still answers.
    const after = await one(client, { query: `query Gene { gene(id: "FBN1") { symbol } }` });
    assert.deepEqual(after, { gene: { symbol: "FBN1" } });
    assert.equal(sockets.length, 1, "everything went over one socket");
    assert.deepEqual(closes, [], "the socket was never closed");
  } finally {
    await client.dispose();
  }
});

test("graphql-ws: a subscription starts and completes cleanly when disposed", async () => {
  const closes = [];
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${maintainerToken}` },
    lazy: false,
    retryAttempts: 0,
    on: { closed: (event) => closes.push(describe(event)) },
  });
  try {
    const it = client.iterate({ query: "subscription Releases { releasesChanged { releaseId } }" });
    // Nothing is announced; give the server time to fail the operation if it would.
    const first = await Promise.race([
      it.next().catch((e) => `failed: ${Array.isArray(e) ? JSON.stringify(e) : describe(e)}`),
      sleep(300).then(() => "pending"),
    ]);
    assert.equal(first, "pending", `no event and no end yet: ${JSON.stringify(first)}`);
    const end = await it.return();
    assert.equal(end.done, true);
    // The socket carries on after the subscription's end.
    const after = await one(client, { query: `query Gene { gene(id: "FBN1") { symbol } }` });
    assert.deepEqual(after, { gene: { symbol: "FBN1" } });
    assert.deepEqual(closes, [], "the socket was not closed before the client disposed it");
  } finally {
    await client.dispose();
  }
});
