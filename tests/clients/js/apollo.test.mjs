// Apollo Client 4 with its default InMemoryCache (no type policies), as a
// frontend uses it: the cache normalizes every object by `__typename` and
// `id`, so an `id` must name one object whose fields are the same wherever
// it appears. Two answers must never overwrite each other's data in the
// cache, and the cache must never find a field missing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { loadDevMessages, loadErrorMessages } from "@apollo/client/dev";
import { addTypenameToDocument, print } from "@apollo/client/utilities";
import { httpUrl, post } from "./lib.mjs";

loadDevMessages();
loadErrorMessages();

// Apollo reports cache problems with console.warn / console.error; keep them.
const reported = [];
for (const level of ["warn", "error"]) {
  const original = console[level].bind(console);
  console[level] = (...args) => {
    reported.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
    original(...args);
  };
}
const cacheProblems = (messages) => messages.filter((m) => /Missing field|Cache data may be lost/i.test(m));

function client() {
  return new ApolloClient({ cache: new InMemoryCache(), link: new HttpLink({ uri: httpUrl }) });
}

/** The server's own answer to `query` as Apollo sends it (with __typename). */
async function serverAnswer(query, variables) {
  const res = await post({ query: print(addTypenameToDocument(query)), variables });
  assert.equal(res.status, 200, res.text.slice(0, 500));
  assert.equal(res.json.errors, undefined, JSON.stringify(res.json.errors));
  return res.json.data;
}

/**
 * Runs each of `queries` through one client in turn, then reads each back
 * from the cache: every one must read back as the server answered it.
 */
async function assertNoCrossTalk(queries) {
  const c = client();
  const before = reported.length;
  try {
    const answers = [];
    for (const { query, variables } of queries) {
      const server = await serverAnswer(query, variables);
      const { data, error } = await c.query({ query, variables, fetchPolicy: "network-only" });
      assert.equal(error, undefined);
      assert.deepEqual(data, server, `Apollo's result for ${JSON.stringify(variables)} is the server's answer`);
      answers.push(server);
    }
    queries.forEach(({ query, variables }, i) => {
      const cached = c.readQuery({ query, variables });
      assert.deepEqual(
        cached,
        answers[i],
        `the cache still holds the answer to ${JSON.stringify(variables)} after the others`,
      );
    });
    assert.deepEqual(
      cacheProblems(reported.slice(before)),
      [],
      "Apollo reported no missing field and no lost cache data",
    );
  } finally {
    c.stop();
  }
}

const SEARCH = gql`
  query Search($text: String!) {
    search(text: $text, first: 10) {
      totalCount
      edges {
        cursor
        entityId
        type
        name
        score
        matchedField
        matchedText
        highlighted
        highlights {
          start
          end
        }
      }
    }
  }
`;

const NEIGHBOURHOOD = gql`
  query Neighbourhood($id: ID!, $depth: Int!) {
    neighborhood(id: $id, depth: $depth, limit: 100) {
      truncated
      nodes {
        entityId
        type
        label
        depth
      }
      edges {
        source
        target
        type
      }
    }
  }
`;

const XREFS = gql`
  query Xrefs($id: ID!) {
    disease(id: $id) {
      id
      name
      xrefs {
        id
        curie
        relation
        source
        factId
      }
    }
  }
`;

test("two searches that hit the same entities keep their own hits in the cache", async () => {
  const a = await serverAnswer(SEARCH, { text: "polymyositis" });
  const b = await serverAnswer(SEARCH, { text: "PM" });
  // The test is only meaningful if the two searches share entities.
  const shared = a.search.edges.filter((h) => b.search.edges.some((k) => k.entityId === h.entityId));
  assert.ok(shared.length > 0, "the two searches share hits (polymyositis is one)");
  await assertNoCrossTalk([
    { query: SEARCH, variables: { text: "polymyositis" } },
    { query: SEARCH, variables: { text: "PM" } },
  ]);
});

test("two neighbourhoods of different centers and depths keep their own nodes in the cache", async () => {
  await assertNoCrossTalk([
    { query: NEIGHBOURHOOD, variables: { id: "ORPHA:732", depth: 1 } },
    { query: NEIGHBOURHOOD, variables: { id: "HP:0003701", depth: 2 } },
  ]);
});

// ICD10CM:Q24.5 (malformation of coronary vessels) is an xref of four
// diseases.
const SHARING_Q24_5 = ["MONDO:0035249", "MONDO:0035250", "MONDO:0035251", "MONDO:0035252"];

test("diseases sharing an xref keep their own xrefs in the cache", async () => {
  for (const id of SHARING_Q24_5) {
    const d = await serverAnswer(XREFS, { id });
    assert.ok(d.disease, `${id} is served`);
    assert.ok(
      d.disease.xrefs.some((x) => x.curie === "ICD10CM:Q24.5"),
      `${id} has the xref ICD10CM:Q24.5: ${JSON.stringify(d.disease.xrefs)}`,
    );
  }
  await assertNoCrossTalk(SHARING_Q24_5.map((id) => ({ query: XREFS, variables: { id } })));
});
