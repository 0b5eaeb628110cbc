-- wrk script of bench/wrk.sh (issue 20): every request is a new gate check
-- (a fresh client_key) of one of the students listed in the file named by
-- the IDS variable, sent with the device token in TOKEN. Each wrk thread
-- numbers its own requests, so no two requests of a run are the same.
local ids = {}
local token = os.getenv("TOKEN") or ""
local run = os.getenv("RUN") or tostring(os.time())
local counter = 0
local thread_no = 0
local threads = {}

function setup(thread)
  thread_no = thread_no + 1
  thread:set("tid", thread_no)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(os.getenv("IDS")) do
    local n = tonumber(line)
    if n then table.insert(ids, n) end
  end
  if #ids == 0 then error("no student ids in " .. tostring(os.getenv("IDS"))) end
  bad = 0
end

function request()
  counter = counter + 1
  local id = ids[(counter + tid * 7919) % #ids + 1]
  local temp = 36.2 + (counter % 7) / 10
  local body = string.format(
    '{"person_id":%d,"kind":"gate","temperature":%.1f,"client_key":"wrk-%s-%d-%d"}',
    id, temp, run, tid, counter)
  return wrk.format("POST", "/api/v1/checks",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end

function response(status, headers, body)
  if status ~= 201 and status ~= 204 then
    bad = bad + 1
    if bad <= 3 then io.stderr:write("unexpected " .. status .. ": " .. body .. "\n") end
  end
end

function done(summary, latency, requests)
  local total_bad = 0
  for _, t in ipairs(threads) do total_bad = total_bad + (t:get("bad") or 0) end
  io.write(string.format("RESULT rps=%.0f p50_ms=%.2f p99_ms=%.2f requests=%d bad=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, total_bad))
end
