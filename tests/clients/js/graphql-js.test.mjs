// graphql-js (the reference implementation) against the committed SDL and the
// running server: the frontend's documents validate against
// schema/schema.graphql, and run over HTTP with real answers shaped as the
// documents ask.
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildSchema, parse, validate } from "graphql";
import { documents, gql, post, sdl } from "./lib.mjs";
import { shapeProblems } from "./shape.mjs";

const schema = buildSchema(sdl());
const docs = documents();

// What each document must answer (its variables' defaults are the page's).
const expectations = {
  "batch-lookups": (d) => {
    assert.deepEqual(
      d.diseasesByIds.map((x) => x && x.id),
      ["MONDO:0007947", null, "MONDO:0019127", "MONDO:0019127"],
    );
    assert.equal(d.diseasesByIds[0].name, "Marfan syndrome");
    assert.equal(d.diseasesByIds[2].name, "Polymyositis");
    assert.equal(d.genesByIds.length, 3);
    assert.equal(d.genesByIds[0].symbol, "FBN1");
    assert.equal(d.genesByIds[1].symbol, "FBN1", "HGNC:3603 is FBN1");
    assert.equal(d.genesByIds[1].hgncId, "HGNC:3603");
    assert.equal(d.genesByIds[2], null);
  },
  "disease-page": (d) => {
    const p = d.disease;
    assert.equal(p.id, "MONDO:0019127");
    assert.equal(p.name, "Polymyositis");
    assert.match(p.definition, /inflammatory/i);
    assert.ok(p.equivalentIds.includes("ORPHA:732"), p.equivalentIds.join(" "));
    assert.ok(p.xrefs.length > 0);
    for (const x of p.xrefs) assert.ok(x.id && x.curie && x.relation && x.source, JSON.stringify(x));
    assert.ok(p.phenotypes.totalCount > 20, `${p.phenotypes.totalCount} phenotypes`);
    assert.equal(p.phenotypes.edges.length, 20);
    assert.equal(p.phenotypes.pageInfo.hasNextPage, true);
    assert.equal(p.phenotypes.pageInfo.endCursor, p.phenotypes.edges[19].cursor);
    assert.ok(
      p.phenotypes.edges.some((e) => e.node.id === "HP:0003701"),
      "proximal muscle weakness is among the first phenotypes",
    );
    assert.ok(p.phenotypes.edges.some((e) => e.frequency && e.frequency.label), "frequencies");
    assert.ok(p.sources.some((s) => s.name && s.release));
    assert.equal(typeof p.genes.totalCount, "number");
    assert.equal(p.trialCounts.total, p.trials.totalCount);
    assert.equal(p.trials.edges.length, Math.min(10, p.trials.totalCount));
    assert.equal(p.designations.edges.length, Math.min(10, p.designations.totalCount));
    for (const t of p.trials.edges) assert.match(t.node.nctId, /^NCT\d{8}$/);
    assert.ok(p.patientOrganizations.some((o) => o.name === "Myositis UK"));
  },
  "gene-page": (d) => {
    const g = d.gene;
    assert.equal(g.symbol, "FBN1");
    assert.equal(g.hgncId, "HGNC:3603");
    assert.equal(g.ncbiGeneId, "NCBIGene:2200");
    assert.equal(g.redirectedFrom, null);
    assert.ok(
      g.diseases.edges.some((e) => /marfan/i.test(e.node.name)),
      g.diseases.edges.map((e) => e.node.name).join("; "),
    );
    assert.ok(g.phenotypes.totalCount > 0);
  },
  neighbourhood: (d) => {
    const n = d.neighborhood;
    const center = n.nodes.find((x) => x.depth === 0);
    assert.equal(center.entityId, "MONDO:0019127");
    assert.equal(center.type, "DISEASE");
    assert.ok(n.nodes.some((x) => x.entityId === "HP:0003701"));
    assert.ok(n.edges.length > 0);
    const ids = new Set(n.nodes.map((x) => x.entityId));
    for (const e of n.edges) assert.ok(ids.has(e.source) && ids.has(e.target), JSON.stringify(e));
  },
  "phenotype-page": (d) => {
    const p = d.phenotype;
    assert.equal(p.id, "HP:0003701");
    assert.equal(p.name, "Proximal muscle weakness");
    assert.equal(p.isObsolete, false);
    assert.ok(p.informationContent > 0);
    assert.ok(p.parents.length > 0);
    assert.ok(p.diseases.totalCount > 10);
    assert.equal(p.diseases.edges.length, 10);
    assert.ok(p.genes.totalCount > 0);
  },
  "rank-diseases": (d) => {
    const r = d.rankDiseases;
    assert.ok(r.totalCount > 1000, `${r.totalCount} ranked`);
    assert.equal(r.edges.length, 10);
    assert.deepEqual(
      r.edges.map((e) => e.rank),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    for (let i = 1; i < r.edges.length; i++) assert.ok(r.edges[i - 1].score >= r.edges[i].score);
    assert.equal(r.edges[0].explanation.length, 4);
    assert.ok(
      r.edges.some((e) => e.disease && /myositis|myopathy/i.test(e.disease.name)),
      r.edges.map((e) => e.disease?.name).join("; "),
    );
  },
  "releases-meta": (d) => {
    assert.equal(typeof d.meta.apiVersion, "string");
    const names = d.meta.sources.map((s) => s.name);
    for (const s of ["HPO", "Orphanet", "MONDO", "HGNC"]) assert.ok(names.includes(s), names.join(", "));
    assert.ok(d.meta.entityCounts.every((c) => c.count > 0));
    const current = d.releases.filter((r) => r.current);
    assert.equal(current.length, 1);
    assert.equal(current[0].id, d.meta.releaseId);
    assert.equal(current[0].hpoRelease.includes("2025-01-16"), true, current[0].hpoRelease);
  },
  "search-box": (d) => {
    const s = d.search;
    assert.ok(s.totalCount > 0);
    const first = s.edges[0];
    assert.equal(first.type, "DISEASE");
    assert.equal(first.name, "Polymyositis");
    assert.equal(first.entity.__typename, "Disease");
    assert.equal(first.entity.id, first.entityId);
    assert.ok(first.highlighted.includes("Polymyositis"));
    assert.ok(first.highlights.length > 0);
    assert.ok(s.facets.some((f) => f.type === "DISEASE" && f.count > 0));
  },
};

test("the documents validate against the committed SDL", () => {
  assert.ok(docs.length >= 8, `${docs.length} documents`);
  const invalid = {};
  for (const d of docs) {
    const errors = validate(schema, parse(d.source));
    if (errors.length > 0) invalid[`${d.name}.graphql`] = errors.map((e) => e.message);
  }
  assert.deepEqual(invalid, {}, "validation errors by document");
});

test("every document has expectations", () => {
  assert.deepEqual(docs.map((d) => d.name).sort(), Object.keys(expectations).sort());
});

for (const d of docs) {
  test(`${d.name}: the server answers it as the document asks`, async () => {
    const data = await gql(d.source);
    assert.deepEqual(shapeProblems(schema, parse(d.source), data), [], "the answer's shape");
    expectations[d.name](data);
  });
}

test("a batch of 500 ids: 499 records in order and null with one error at the malformed one", async () => {
  const page = await gql("query Ids { diseases(first: 499) { edges { node { id } } } }");
  const ids = page.diseases.edges.map((e) => e.node.id);
  assert.equal(ids.length, 499);
  const BAD = 321;
  const batch = [...ids.slice(0, BAD), "not a curie", ...ids.slice(BAD)];
  assert.equal(batch.length, 500);
  const res = await post({
    query: "query Batch($ids: [ID!]!) { diseasesByIds(ids: $ids) { id name } }",
    variables: { ids: batch },
  });
  assert.equal(res.status, 200, res.text.slice(0, 500));
  const list = res.json.data?.diseasesByIds;
  assert.ok(Array.isArray(list), res.text.slice(0, 500));
  assert.equal(list.length, 500);
  assert.equal(list[BAD], null);
  const found = list.filter((x, i) => i !== BAD);
  assert.deepEqual(
    found.map((x) => x && x.id),
    ids,
    "every good id answers its record, in order",
  );
  assert.ok(found.every((x) => x.name));
  assert.equal(res.json.errors?.length, 1, JSON.stringify(res.json.errors));
  const [err] = res.json.errors;
  assert.deepEqual(err.path, ["diseasesByIds", BAD]);
  assert.equal(typeof err.message, "string");
  assert.equal(typeof err.extensions?.code, "string", JSON.stringify(err));
});
