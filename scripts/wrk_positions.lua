-- wrk script: POST a position report for a random volunteer at a random point.
-- usage: wrk -t2 -c16 -d10s -H "Authorization: Bearer TOKEN" -s wrk_positions.lua URL -- FILE
-- FILE: first line the number of volunteers (identifiers 1..N), then one "lon lat" a line.
-- Prints one "JSON {...}" line like wrk_paths.lua.
local points = {}
local volunteers = 1
local tid = 0

setup = function(thread)
  thread:set("tid", tid)
  tid = tid + 1
end

init = function(args)
  local f = assert(io.open(args[1], "r"))
  volunteers = tonumber(f:read("*l"))
  for line in f:lines() do
    if #line > 0 then points[#points + 1] = line end
  end
  f:close()
  math.randomseed(1000 + (tid or 0))
  wrk.headers["Content-Type"] = "application/json"
end

request = function()
  local id = math.random(volunteers)
  local lon, lat = points[math.random(#points)]:match("(%S+) (%S+)")
  return wrk.format("POST", "/v1/volunteers/" .. id .. "/position", nil,
    '{"position": [' .. lon .. ', ' .. lat .. ']}')
end

done = function(summary, latency, requests)
  io.write(string.format(
    "JSON {\"requests\":%d,\"duration_us\":%d,\"err_connect\":%d,\"err_read\":%d," ..
    "\"err_write\":%d,\"err_status\":%d,\"err_timeout\":%d,\"lat_mean_us\":%.1f," ..
    "\"lat_p50_us\":%d,\"lat_p99_us\":%d,\"lat_max_us\":%d}\n",
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout, latency.mean,
    latency:percentile(50), latency:percentile(99), latency.max))
end
