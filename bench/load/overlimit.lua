-- wrk script: a flood of requests over the server's limits, every answer
-- checked.
--
--   wrk -t2 -c64 -d30s --latency -s bench/load/overlimit.lua http://127.0.0.1:PORT
--
-- Round-robins over four refusals (bodies built once, in init):
--   depth  a 101-deep query              -> 400 DEPTH_LIMIT_EXCEEDED
--   alias  10,000 aliased fields         -> 400 ALIAS_LIMIT_EXCEEDED
--   page   phenotypes(first: 100000)     -> 400 PAGE_SIZE_EXCEEDED
--   big    a 2 MiB JSON body             -> 413 PAYLOAD_TOO_LARGE
-- An answer with the expected status and code is an expected refusal;
-- anything else is a failure. The server answers 413 before reading the
-- body, with `Connection: close`; should wrk still log a socket error on
-- the closed connection, run.sh floods the big body from its own wrk
-- process (OVERLIMIT_KINDS=big) to tell those apart. done() prints the
-- counts per kind and one `RESULT key=value ...` line that run.sh parses.
--
-- Environment: API_KEY (default load-test-key-0123); OVERLIMIT_KINDS, a
-- comma-separated subset of the kinds (default all four).

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")

local kinds = {}
for k in (os.getenv("OVERLIMIT_KINDS") or "depth,alias,page,big"):gmatch("%a+") do
  table.insert(kinds, k)
end
local expect = {
  depth = { status = 400, code = '"DEPTH_LIMIT_EXCEEDED"' },
  alias = { status = 400, code = '"ALIAS_LIMIT_EXCEEDED"' },
  page = { status = 400, code = '"PAGE_SIZE_EXCEEDED"' },
  big = { status = 413, code = '"PAYLOAD_TOO_LARGE"' },
}



local requests = {}
local next_kind = 0

local function post(kind, body)
  return graphql_post("overlimit", kind, body)
end

function init(args)
  -- 33 x parents { edges { node { ... } } } under disease: 101 fields deep.
  local q = "id"
  for _ = 1, 33 do
    q = "parents(first: 1) { edges { node { id " .. q .. " } } }"
  end
  q = '{ disease(id: "ORPHA:732") { ' .. q .. " } }"
  requests.depth = post("depth", '{"query":' .. json_string(q) .. "}")

  local aliases = {}
  for i = 1, 10000 do
    aliases[i] = "a" .. i .. ": __typename"
  end
  q = "{ " .. table.concat(aliases, " ") .. " }"
  requests.alias = post("alias", '{"query":' .. json_string(q) .. "}")

  q = '{ disease(id: "ORPHA:732") { phenotypes(first: 100000) { totalCount } } }'
  requests.page = post("page", '{"query":' .. json_string(q) .. "}")

  requests.big = post("big", '{"query":"{ __typename }","variables":{"pad":"'
    .. string.rep("x", 2 * 1024 * 1024) .. '"}}')

  for _, k in ipairs(kinds) do
    _G["refused_" .. k] = 0
    _G["wrong_" .. k] = 0
  end
  unattributed = 0
  reported = 0
end

function request()
  local kind = kinds[next_kind % #kinds + 1]
  next_kind = next_kind + 1
  return requests[kind]
end

function response(status, headers, body)
  local id = headers["x-request-id"] or headers["X-Request-Id"] or ""
  local kind = id:match("^overlimit%-(%a+)$")
  local e = kind and expect[kind]
  if e and status == e.status and body:find(e.code, 1, true) then
    _G["refused_" .. kind] = _G["refused_" .. kind] + 1
    return
  end
  if e then
    _G["wrong_" .. kind] = _G["wrong_" .. kind] + 1
  else
    unattributed = unattributed + 1
  end
  reported = reported + 1
  if reported <= 5 then
    io.stderr:write(string.format("unexpected %s answer (%d): %s\n", kind or "unattributed", status, body:sub(1, 300)))
  end
end

function done(summary, latency, requests)
  local refused, wrong, unattr = 0, 0, 0
  io.write("\nkind    refused   unexpected\n")
  for _, k in ipairs(kinds) do
    local r, w = total("refused_" .. k), total("wrong_" .. k)
    io.write(string.format("%-6s %9d %12d\n", k, r, w))
    refused = refused + r
    wrong = wrong + w
  end
  unattr = total("unattributed")
  local e = summary.errors
  local socket = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "total answers %d, expected refusals %d, unexpected %d, unattributed %d, "
      .. "socket errors %d (connect %d, read %d, write %d, timeout %d)\n",
    summary.requests, refused, wrong, unattr, socket, e.connect, e.read, e.write, e.timeout))
  io.write(string.format(
    "RESULT requests=%d seconds=%.1f rps=%.1f p50_ms=%.2f p99_ms=%.2f refused=%d "
      .. "unexpected=%d unattributed=%d socket=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    refused, wrong, unattr, socket, e.connect, e.read, e.write, e.timeout))
end
