-- wrk script of bench/wrk-pg.sh (issue 15): every request is a new home
-- report (a fresh client_key) of one of the students listed in the file named
-- by IDS, for one of the days listed in DAYS (comma-separated, oldest first),
-- sent with the region token in TOKEN. As in BenchmarkHomeReportsHTTP, the
-- reports go through every student for the first day before the next day,
-- one in a hundred has a fever (and opens a case), and the threads take
-- turns, so no two requests of a run are for the same student and day until
-- the days run out.
local ids = {}
local days = {}
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
  for d in string.gmatch(os.getenv("DAYS") or "", "[^,]+") do table.insert(days, d) end
  if #days == 0 then error("no days in DAYS") end
  nthreads = tonumber(os.getenv("THREADS") or "2")
  bad = 0
end

function request()
  local k = counter * nthreads + (tid - 1)
  counter = counter + 1
  local id = ids[k % #ids + 1]
  local day = days[math.floor(k / #ids) % #days + 1]
  local temp = 36.2 + (k % 10) / 10
  if k % 100 == 99 then temp = 37.8 end
  local body = string.format(
    '{"person_id":%d,"day":"%s","kind":"home","temperature":%.1f,"symptoms":[],"health_code":"green","client_key":"wrk-%s-%d"}',
    id, day, temp, run, k)
  return wrk.format("POST", "/api/v1/checks",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end

function response(status, headers, body)
  if status ~= 201 then
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
