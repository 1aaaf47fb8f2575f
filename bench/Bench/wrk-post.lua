-- wrk script of the online bench (OnlineBenchmark, WrkLoad.cs): POSTs the bodies of a file, one JSON body a line,
-- in turn, with the bearer key; at the end prints one line the bench parses (WrkLoad.Parse).
-- BENCH_KEY=KEY wrk -s wrk-post.lua URL -- BODIES_FILE (the key in the environment, so it is on no command line)
local requests = {}
local next_request = 0

function init(args)
  local headers = { ["Content-Type"] = "application/json" }
  local key = os.getenv("BENCH_KEY")
  if key ~= nil and key ~= "" then
    headers["Authorization"] = "Bearer " .. key
  end
  for body in io.lines(args[1]) do
    requests[#requests + 1] = wrk.format("POST", nil, headers, body)
  end
end

function request()
  next_request = next_request % #requests + 1
  return requests[next_request]
end

-- The latency percentiles are of every answer (wrk records them per request, in microseconds).
function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("bench-result requests=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50.0), latency:percentile(99.0)))
end
