// What the client tests share: where the server is, the test tokens, a
// plain GraphQL-over-HTTP POST, and the committed SDL and documents.
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
export const repo = join(here, "..", "..", "..");
export const documentsDir = join(here, "..", "documents");

function required(name) {
  const v = process.env[name];
  if (!v) {
    throw new Error(
      `${name} is not set: run these tests with \`cargo test --test api clients\`, which starts the server and sets it`,
    );
  }
  return v;
}

/** `http://127.0.0.1:PORT`, without a trailing slash. */
export const baseUrl = required("RAREKG_URL").replace(/\/+$/, "");
export const httpUrl = `${baseUrl}/graphql`;
export const wsUrl = `${baseUrl.replace(/^http/, "ws")}/graphql/ws`;
export const maintainerToken = required("RAREKG_MAINTAINER_TOKEN");
export const curatorToken = required("RAREKG_CURATOR_TOKEN");

/** The committed SDL (`schema/schema.graphql`). */
export function sdl() {
  return readFileSync(join(repo, "schema", "schema.graphql"), "utf8");
}

/** The frontend's documents: `{ name, source }` for each `documents/*.graphql`. */
export function documents() {
  return readdirSync(documentsDir)
    .filter((f) => f.endsWith(".graphql"))
    .sort()
    .map((f) => ({ name: f.replace(/\.graphql$/, ""), source: readFileSync(join(documentsDir, f), "utf8") }));
}

export function document(name) {
  return readFileSync(join(documentsDir, `${name}.graphql`), "utf8");
}

/**
 * POSTs `body` (an object, sent as JSON, or a string, sent as is) to
 * `/graphql`; answers `{ status, headers, text, json }` (`json` undefined
 * when the body is not JSON).
 */
export async function post(body, headers = {}) {
  const res = await fetch(httpUrl, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/**
 * Runs `query` over HTTP and answers the GraphQL response, after checking
 * it is a 200 with no `errors`.
 */
export async function gql(query, variables, operationName) {
  const res = await post({ query, variables, operationName });
  if (res.status !== 200 || !res.json || res.json.errors) {
    throw new Error(`HTTP ${res.status}: ${res.text.slice(0, 2000)}`);
  }
  return res.json.data;
}
