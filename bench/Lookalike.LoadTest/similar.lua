-- wrk script: GET look-alikes of catalog items in the order of a paths file written by
--   dotnet run -c Release --project bench/Lookalike.LoadTest -- --url http://127.0.0.1:5000 --paths-out /tmp/paths.txt
-- then: LOOKALIKE_PATHS=/tmp/paths.txt wrk -t2 -c16 -d30s --latency -s bench/Lookalike.LoadTest/similar.lua http://127.0.0.1:5000
local paths = {}
for line in io.lines(os.getenv("LOOKALIKE_PATHS") or "/tmp/paths.txt") do paths[#paths + 1] = line end
local counter = 0

function setup(thread)
  thread:set("offset", counter * 7919)
  counter = counter + 1
end

function request()
  offset = offset + 1
  return wrk.format("GET", paths[(offset % #paths) + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("requests %d, non-2xx %d, socket errors %d, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms\n",
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000))
end
