-- What the wrk scripts of bench/wrk.sh and bench/wrk-pg.sh share (loaded
-- with dofile, from the repository's root, where both scripts run wrk):
-- the threads' numbers, the student ids read from the file named by IDS,
-- the count of unexpected answers (any status not in ok_status, which the
-- script sets), and the RESULT line that the shell scripts read.
ids = {}
token = os.getenv("TOKEN") or ""
run = os.getenv("RUN") or tostring(os.time())
counter = 0
ok_status = ok_status or {[201] = true}
local thread_no = 0
local threads = {}

function setup(thread)
  thread_no = thread_no + 1
  thread:set("tid", thread_no)
  table.insert(threads, thread)
end

-- read_ids fills ids from the file named by IDS, one id a line.
function read_ids()
  for line in io.lines(os.getenv("IDS")) do
    local n = tonumber(line)
    if n then table.insert(ids, n) end
  end
  if #ids == 0 then error("no student ids in " .. tostring(os.getenv("IDS"))) end
  bad = 0
end

function response(status, headers, body)
  if not ok_status[status] then
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
