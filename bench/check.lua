-- wrk script: send one request and check every response body.
-- http_load.sh sets METHOD, BODY (for POST) and EXPECT (a string every
-- successful body contains).
wrk.method = os.getenv("METHOD") or "GET"
if wrk.method == "POST" then
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = os.getenv("BODY")
end
local expect = os.getenv("EXPECT") or ""

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  failures = 0
  checked = 0
end

function response(status, headers, body)
  checked = checked + 1
  if status ~= 200 or body:find('"errors"', 1, true) or not body:find(expect, 1, true) then
    failures = failures + 1
    if failures <= 3 then
      io.stderr:write("bad response (" .. status .. "): " .. body:sub(1, 300) .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local total_failed, total_checked = 0, 0
  for _, t in ipairs(threads) do
    total_failed = total_failed + t:get("failures")
    total_checked = total_checked + t:get("checked")
  end
  io.write(string.format("checked %d responses, %d failed\n", total_checked, total_failed))
  io.write(string.format("latency p50 %.0f us, p99 %.0f us\n", latency:percentile(50), latency:percentile(99)))
  io.write(string.format("throughput %.0f req/s\n", summary.requests / (summary.duration / 1e6)))
  if total_failed > 0 or total_checked == 0 or summary.errors.status > 0 then
    os.exit(1)
  end
end
