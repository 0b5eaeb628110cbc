-- wrk script of bench/wrk.sh (issue 20): every request is a new gate check
-- (a fresh client_key) of one of the students listed in the file named by
-- the IDS variable, sent with the device token in TOKEN. Each wrk thread
-- numbers its own requests, so no two requests of a run are the same.
ok_status = {[201] = true, [204] = true}
dofile("bench/wrk-common.lua")

function init(args)
  read_ids()
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
