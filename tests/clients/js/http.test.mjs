// Malformed and unusual GraphQL-over-HTTP requests as a client (fetch) sees
// them: a request that is not a GraphQL request is a 400 with a JSON body
// carrying a coded error; a JSON array is a batch answered by an array; the
// GraphQL-over-HTTP media type is honoured.
import { test } from "node:test";
import assert from "node:assert/strict";
import { post } from "./lib.mjs";

/** A 400 whose body is a GraphQL response with a coded error and no data. */
function assertRequestError(res, what) {
  assert.equal(res.status, 400, `${what}: status (body ${res.text.slice(0, 300)})`);
  assert.match(res.headers.get("content-type") ?? "", /json/, `${what}: a JSON body`);
  assert.ok(res.json, `${what}: the body parses as JSON: ${res.text.slice(0, 300)}`);
  assert.ok(Array.isArray(res.json.errors) && res.json.errors.length > 0, `${what}: errors: ${res.text.slice(0, 300)}`);
  assert.equal(typeof res.json.errors[0].message, "string", what);
  assert.equal(typeof res.json.errors[0].extensions?.code, "string", `${what}: errors[0].extensions.code: ${res.text.slice(0, 300)}`);
  assert.equal(res.json.data, undefined, `${what}: no data for a request that did not run`);
}

test("a body that is not JSON is a 400 with a coded JSON error", async () => {
  assertRequestError(await post("{not json"), "invalid JSON");
});

test("variables that are a string, not a map, are a 400", async () => {
  const res = await post(
    JSON.stringify({ query: "query($id: ID!) { disease(id: $id) { id } }", variables: '{"id": "ORPHA:732"}' }),
  );
  assertRequestError(res, "variables as a string");
});

test("a body without a query is a 400", async () => {
  assertRequestError(await post("{}"), "{}");
});

test("a JSON array is a batch: one result for each request, in order", async () => {
  const res = await post([
    { query: '{ disease(id: "ORPHA:732") { name } }' },
    { query: "query G($id: ID!) { gene(id: $id) { symbol } }", variables: { id: "HGNC:3603" } },
  ]);
  assert.equal(res.status, 200, res.text.slice(0, 300));
  assert.ok(Array.isArray(res.json), `an array: ${res.text.slice(0, 300)}`);
  assert.equal(res.json.length, 2);
  assert.deepEqual(res.json[0].data, { disease: { name: "Polymyositis" } });
  assert.deepEqual(res.json[1].data, { gene: { symbol: "FBN1" } });
  assert.equal(res.json[0].errors, undefined);
  assert.equal(res.json[1].errors, undefined);
});

test("Accept: application/graphql-response+json is answered in that media type", async () => {
  const res = await post({ query: '{ disease(id: "ORPHA:732") { name } }' }, { accept: "application/graphql-response+json" });
  assert.equal(res.status, 200, res.text.slice(0, 300));
  assert.match(res.headers.get("content-type") ?? "", /^application\/graphql-response\+json\b/);
  assert.deepEqual(res.json.data, { disease: { name: "Polymyositis" } });

  // In that media type a request that fails before it runs is a 4xx.
  const bad = await post({ query: "{ disease(id: " }, { accept: "application/graphql-response+json" });
  assert.equal(bad.status, 400, bad.text.slice(0, 300));
  assert.match(bad.headers.get("content-type") ?? "", /^application\/graphql-response\+json\b/);
  assert.equal(typeof bad.json?.errors?.[0]?.extensions?.code, "string", bad.text.slice(0, 300));
});
