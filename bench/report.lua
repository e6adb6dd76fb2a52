-- wrk script: a POST when BENCH_BODY is set; at the end, one machine-readable line with the
-- percentiles (microseconds), the requests and the errors.
local body = os.getenv("BENCH_BODY")
if body and body ~= "" then
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
local extra = os.getenv("BENCH_HEADERS")
if extra and extra ~= "" then
  for name, value in string.gmatch(extra, "([^:|]+):([^|]*)") do
    wrk.headers[name] = value
  end
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
                 + summary.errors.status + summary.errors.timeout
  io.write(string.format("BENCH %d %d %d %d %d %d %d\n", latency:percentile(50),
    latency:percentile(90), latency:percentile(95), latency:percentile(99),
    summary.requests, errors, summary.duration))
end
