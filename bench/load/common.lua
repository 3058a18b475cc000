-- What the wrk scripts of bench/load share: JSON strings, the GraphQL POST
-- with the API key and a request id naming its kind, and the per-thread
-- counters summed in done().
--
-- Loaded by each script with dofile (wrk runs one Lua state per thread, and
-- one more for setup and done).

api_key = os.getenv("API_KEY") or "load-test-key-0123"

function json_string(s)
  local escaped = s:gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' end
    if c == "\\" then return "\\\\" end
    if c == "\n" then return "\\n" end
    return string.format("\\u%04x", c:byte())
  end)
  return '"' .. escaped .. '"'
end

-- A POST /graphql of `body`, tagged `x-request-id: <script>-<kind>` (the
-- server echoes it, so the answer is attributed to its kind).
function graphql_post(script, kind, body)
  return wrk.format("POST", "/graphql", {
    ["Host"] = wrk.host .. ":" .. wrk.port,
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
    ["X-API-Key"] = api_key,
    ["x-request-id"] = script .. "-" .. kind,
  }, body)
end

threads = {}

function setup(thread)
  table.insert(threads, thread)
end

-- The sum over every thread of the counter `name`.
function total(name)
  local n = 0
  for _, t in ipairs(threads) do
    n = n + t:get(name)
  end
  return n
end
