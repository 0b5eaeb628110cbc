-- wrk script of bench/wrk-pg.sh (issue 15): every request is a new home
-- report (a fresh client_key) of one of the students listed in the file named
-- by IDS, for one of the days listed in DAYS (comma-separated, oldest first),
-- sent with the region token in TOKEN. As in BenchmarkHomeReportsHTTP, the
-- reports go through every student for the first day before the next day,
-- one in a hundred has a fever (and opens a case), and the THREADS threads
-- take turns, so no two requests of a run are for the same student and day
-- until the days run out.
ok_status = {[201] = true}
dofile("bench/wrk-common.lua")
local days = {}

function init(args)
  read_ids()
  for d in string.gmatch(os.getenv("DAYS") or "", "[^,]+") do table.insert(days, d) end
  if #days == 0 then error("no days in DAYS") end
  nthreads = tonumber(os.getenv("THREADS") or "2")
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
