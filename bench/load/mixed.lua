-- wrk script: a mixed read workload, every response checked.
--
--   wrk -t2 -c64 -d60s --latency -s bench/load/mixed.lua http://127.0.0.1:PORT
--
-- Round-robins over four kinds of request: a disease page (several ids),
-- a search (several terms, typos and prefixes included), a phenotype
-- ranking (two profiles) and a SPARQL SELECT (GET). Every request carries
-- `x-request-id: mixed-<kind>`, which the server echoes, so each response
-- is attributed to its kind even with many connections per thread.
--
-- A response fails unless its status is 200 and its body holds the kind's
-- expected text; a GraphQL body must not hold "errors". done() prints the
-- totals per kind and one `RESULT key=value ...` line that run.sh parses.
--
-- Environment: API_KEY (default load-test-key-0123).

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local kinds = { "disease", "search", "rank", "sparql" }


local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c)
    return string.format("%%%02X", c:byte())
  end))
end

local DISEASE_QUERY = "query DiseasePage($id: ID!) { disease(id: $id) { id name definition "
  .. "phenotypes(first: 20) { totalCount edges { node { id name } } } "
  .. "genes(first: 10) { totalCount edges { node { symbol } } } } }"
local DISEASE_IDS = { "ORPHA:732", "ORPHA:558", "ORPHA:586", "MONDO:0007947", "OMIM:160120", "ORPHA:79445" }

local SEARCH_QUERY = "query Search($t: String!) { search(text: $t, first: 10) "
  .. "{ totalCount edges { entityId type name score } } }"
local SEARCH_TERMS = {
  "polymyositis", "polymiositis", "polymyo", "marfan syndrome", "marfn",
  "cystic fibrosis", "duchene", "FBN1", "proximal muscle weakness",
}

local RANK_QUERY = "query Rank($p: [ID!]!) { rankDiseases(phenotypes: $p, first: 10) "
  .. "{ totalCount edges { rank score annotationId disease { id name } } } }"
local RANK_PROFILES = {
  '["HP:0003701","HP:0003326","HP:0001324","HP:0003236","HP:0002355"]',
  '["HP:0001166","HP:0001519","HP:0000545","HP:0001083"]',
}

local RDFS = "http://www.w3.org/2000/01/rdf-schema#"
local OBO = "http://purl.obolibrary.org/obo/"
local SPARQL_QUERIES = {
  "SELECT ?label WHERE { <" .. OBO .. "HP_0003701> <" .. RDFS .. "label> ?label } LIMIT 10",
  'SELECT ?s WHERE { ?s <' .. RDFS .. 'label> "Marfan syndrome" } LIMIT 10',
  "SELECT ?s ?label WHERE { ?s <" .. RDFS .. "subClassOf> <" .. OBO .. "HP_0003701> . ?s <"
    .. RDFS .. "label> ?label } LIMIT 10",
  "SELECT (COUNT(*) AS ?n) WHERE { ?s <" .. RDFS .. "subClassOf> ?o }",
}

-- What every successful body of a kind contains.
local expect = {
  disease = '"phenotypes":{"totalCount"',
  search = '"search":{"totalCount"',
  rank = '"rank":1,',
  sparql = '"bindings":[{',
}


local requests = {}
local next_kind = 0
local next_variant = {}

local function graphql(kind, query, variables)
  return graphql_post("mixed", kind, '{"query":' .. json_string(query) .. ',"variables":' .. variables .. "}")
end

function init(args)
  requests = { disease = {}, search = {}, rank = {}, sparql = {} }
  for _, id in ipairs(DISEASE_IDS) do
    table.insert(requests.disease, graphql("disease", DISEASE_QUERY, '{"id":' .. json_string(id) .. "}"))
  end
  for _, t in ipairs(SEARCH_TERMS) do
    table.insert(requests.search, graphql("search", SEARCH_QUERY, '{"t":' .. json_string(t) .. "}"))
  end
  for _, p in ipairs(RANK_PROFILES) do
    table.insert(requests.rank, graphql("rank", RANK_QUERY, '{"p":' .. p .. "}"))
  end
  for _, q in ipairs(SPARQL_QUERIES) do
    table.insert(requests.sparql, wrk.format("GET", "/sparql?query=" .. urlencode(q), {
      ["Host"] = wrk.host .. ":" .. wrk.port,
      ["Accept"] = "application/sparql-results+json",
      ["X-API-Key"] = api_key,
      ["x-request-id"] = "mixed-sparql",
    }))
  end
  for _, k in ipairs(kinds) do
    next_variant[k] = 0
    _G["sent_" .. k] = 0
    _G["ok_" .. k] = 0
    _G["non200_" .. k] = 0
    _G["errbody_" .. k] = 0
  end
  unattributed = 0
  reported = 0
end

function request()
  local kind = kinds[next_kind % #kinds + 1]
  next_kind = next_kind + 1
  local list = requests[kind]
  local r = list[next_variant[kind] % #list + 1]
  next_variant[kind] = next_variant[kind] + 1
  _G["sent_" .. kind] = _G["sent_" .. kind] + 1
  return r
end

local function report(kind, status, body)
  reported = reported + 1
  if reported <= 5 then
    io.stderr:write(string.format("bad %s response (%d): %s\n", kind, status, body:sub(1, 300)))
  end
end

function response(status, headers, body)
  local id = headers["x-request-id"] or headers["X-Request-Id"] or ""
  local kind = id:match("^mixed%-(%a+)$")
  if not kind or not expect[kind] then
    unattributed = unattributed + 1
    report("unattributed", status, body)
    return
  end
  if status ~= 200 then
    _G["non200_" .. kind] = _G["non200_" .. kind] + 1
    report(kind, status, body)
  elseif body:find('"errors"', 1, true) or not body:find(expect[kind], 1, true) then
    _G["errbody_" .. kind] = _G["errbody_" .. kind] + 1
    report(kind, status, body)
  else
    _G["ok_" .. kind] = _G["ok_" .. kind] + 1
  end
end

function done(summary, latency, requests)
  local totals = { ok = 0, non200 = 0, errbody = 0, unattributed = 0 }
  io.write("\nkind      sent        ok    non-200  error-body\n")
  for _, k in ipairs(kinds) do
    local sent, ok = total("sent_" .. k), total("ok_" .. k)
    local non200, errbody = total("non200_" .. k), total("errbody_" .. k)
    io.write(string.format("%-8s %6d %9d %10d %11d\n", k, sent, ok, non200, errbody))
    totals.ok = totals.ok + ok
    totals.non200 = totals.non200 + non200
    totals.errbody = totals.errbody + errbody
  end
  totals.unattributed = total("unattributed")
  local e = summary.errors
  local socket = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "total requests %d, ok %d, non-200 %d, error bodies %d, unattributed %d, "
      .. "socket errors %d (connect %d, read %d, write %d, timeout %d)\n",
    summary.requests, totals.ok, totals.non200, totals.errbody, totals.unattributed,
    socket, e.connect, e.read, e.write, e.timeout))
  io.write(string.format(
    "RESULT requests=%d seconds=%.1f rps=%.1f p50_ms=%.2f p99_ms=%.2f ok=%d non200=%d "
      .. "errbody=%d unattributed=%d socket=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    totals.ok, totals.non200, totals.errbody, totals.unattributed, socket))
end
